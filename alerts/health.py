"""Source health for the digest: sources that failed, or went quiet for too long.

Silent breakage (a site redesign, a blocked crawler) is the top complaint about news
monitors, so every digest lists the sources whose last run failed or that found nothing
new for longer than expected.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crawler.config import Config
from crawler.store import repo
from crawler.store.models import Article

MESSAGE_LIMIT = 160  # a run's message can hold a long traceback; the digest needs a line


@dataclass
class SourceProblem:
    """One unhealthy source and what is wrong, in words an office reader understands."""

    source: str
    label: str
    problem: str


def source_problems(session: Session, config: Config, now: datetime) -> list[SourceProblem]:
    """Enabled, verified sources whose last run failed or that found nothing new lately."""
    last_new = dict(
        session.execute(
            select(Article.source, func.max(Article.first_seen_at)).group_by(Article.source)
        ).all()
    )
    stuck_after = timedelta(seconds=config.crawl.crawl_timeout_s) + timedelta(minutes=10)
    problems = []
    for source in config.sources:
        if not (source.enabled and source.verified):
            continue
        label = source.label or source.name
        run = repo.last_run(session, source.name)
        expect = timedelta(
            days=config.schedule.for_source(source.name).expect_new_days
            or config.schedule.expect_new_days
        )
        newest = last_new.get(source.name)
        problem = ""
        if run is None:
            problem = "从未抓取"
        elif run.status == "failed":
            problem = f"最近一次抓取失败：{(run.message or '')[:MESSAGE_LIMIT]}"
        elif run.status == "running" and now - run.started_at > stuck_after:
            problem = "抓取未结束（进程可能已中断）"
        elif newest is None or now - newest > expect:
            days = expect / timedelta(days=1)
            since = "从未发现新文章" if newest is None else f"{(now - newest).days} 天无新文章"
            problem = f"{since}（预期每 {days:g} 天至少一篇）"
        if problem:
            problems.append(SourceProblem(source.name, label, problem))
    return problems
