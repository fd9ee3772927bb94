"""The digest's 信息源状态 section: the sources that need attention.

Silent breakage (a site redesign, a blocked crawler) is the top complaint about news
monitors, so every digest lists the enabled, verified sources whose verdict
(:mod:`crawler.health`, the same one `leadwatch sources list` and the web view
show) needs attention: never run, failing, or nothing new for ``stale_after_days``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from crawler.config import Config
from crawler.health import source_verdicts


@dataclass
class SourceProblem:
    """One unhealthy source and what is wrong, in words an office reader understands."""

    source: str
    label: str
    problem: str


def source_problems(session: Session, config: Config, now: datetime) -> list[SourceProblem]:
    """Enabled, verified sources whose verdict needs attention, in configuration order."""
    watched = [s for s in config.sources if s.enabled and s.verified]
    verdicts = source_verdicts(session, config, [s.name for s in watched], now=now)
    return [
        SourceProblem(s.name, s.label or s.name, verdicts[s.name].reason_zh)
        for s in watched
        if verdicts[s.name].attention
    ]
