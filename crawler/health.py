"""One verdict on each source's health, shared by every surface that shows it.

`leadwatch sources list`, the web view's sources page and the digest's 信息源状态
section all render the :class:`Verdict` computed here, so they cannot disagree. The
statuses, most severe first:

* ``never``   — no crawl run recorded;
* ``failing`` — the last run failed or never finished, robots.txt forbids its list pages
  (from the run's ``counters``), or no article was ever stored;
* ``stale``   — nothing new for ``stale_after_days`` (the source's own, else ``[crawl]``);
* ``warning`` — the last run completed, with errors;
* ``running`` — a run is going on;
* ``ok``      — otherwise.

``never``, ``failing`` and ``stale`` need attention: the digest lists exactly those.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crawler.config import Config
from crawler.store.models import Article, CrawlRun, utcnow

Status = Literal["never", "failing", "stale", "warning", "running", "ok"]
ATTENTION: frozenset[str] = frozenset({"never", "failing", "stale"})
# A run still "running" this long after the crawl timeout was killed with its parent.
STUCK_GRACE = timedelta(minutes=10)
MESSAGE_LIMIT = 160  # a run's message can hold a long traceback; a verdict needs a line


# The run messages leadwatch itself writes (crawler.crawl), by their English opening;
# anything else (a site's or a library's error) is shown as it is.
_RUN_MESSAGES = (
    ("interrupted (Ctrl-C)", "被 Ctrl-C 中断"),
    ("stopped", "被停止{rest}"),
    ("abandoned", "进程已不在，运行作废"),
    ("article worker failed", "文章处理进程失败（见抓取日志）"),
    ("no list page could be fetched", "栏目列表页无法获取{rest}"),
)


def run_message(message: str | None) -> str:
    """A crawl run's message in Chinese where leadwatch wrote it, else as it is."""
    text = (message or "").strip()
    for opening, chinese in _RUN_MESSAGES:
        if text.startswith(opening):
            rest = text[len(opening) :].strip()
            if rest.startswith("(") and rest.endswith(")"):
                rest = f"（{rest[1:-1]}）"
            return chinese.format(rest=rest)
    return text


@dataclass(frozen=True)
class Verdict:
    """What is wrong with one source, if anything, and the facts it was decided on.

    ``reason`` is English (the CLI's and its JSON's contract), ``reason_zh`` the same in
    words an office reader understands (the digest and the web view).
    """

    source: str
    status: Status
    reason: str
    reason_zh: str
    last_run: CrawlRun | None
    last_new_at: datetime | None  # when the newest stored article was first seen
    stale_after_days: float

    @property
    def attention(self) -> bool:
        """True when someone should look at the source (never run, failing or stale)."""
        return self.status in ATTENTION

    @property
    def health(self) -> str:
        """One line: ``ok``, ``running``, ``never run`` or ``STATUS: reason``."""
        if self.status in ("ok", "running"):
            return self.status
        if self.status == "never":
            return "never run"
        return f"{self.status}: {self.reason}"


def judge(
    source: str,
    run: CrawlRun | None,
    last_new: datetime | None,
    *,
    stale_after_days: float,
    crawl_timeout_s: int,
    now: datetime,
) -> Verdict:
    """The verdict on ``source`` from its last run and its newest article's first sighting."""

    def verdict(status: Status, reason: str, reason_zh: str) -> Verdict:
        return Verdict(source, status, reason, reason_zh, run, last_new, stale_after_days)

    limit = f"{stale_after_days:g}"
    if run is None:
        return verdict("never", "never run", "从未抓取")
    if run.status == "running":
        if now - run.started_at > timedelta(seconds=crawl_timeout_s) + STUCK_GRACE:
            return verdict("failing", "last run never finished", "抓取未结束（进程可能已中断）")
        return verdict("running", "", "正在抓取")
    counters = run.counters or {}
    if counters.get("robots_forbidden") and not counters.get("list_pages"):
        return verdict(
            "failing",
            "robots.txt forbids the list pages",
            "robots.txt 禁止抓取栏目列表页（请与网站联系，或换一个允许抓取的栏目地址）",
        )
    if run.status != "completed":
        message = (run.message or "").strip()[:MESSAGE_LIMIT]
        return verdict(
            "failing",
            "last run failed",
            f"最近一次抓取失败：{run_message(message) or run.status}",
        )
    if last_new is None:
        return verdict(
            "failing",
            "no article found yet; run `leadwatch sources check`",
            f"从未发现新文章（预期每 {limit} 天至少一篇），请运行 leadwatch sources check",
        )
    quiet = now - last_new
    if quiet >= timedelta(days=stale_after_days):
        return verdict(
            "stale",
            f"nothing new for {quiet.days} days",
            f"{quiet.days} 天无新文章（预期每 {limit} 天至少一篇）",
        )
    if run.errors:
        return verdict(
            "warning",
            f"{run.errors} error(s) in the last run",
            f"最近一次抓取有 {run.errors} 个错误",
        )
    return verdict("ok", "", "正常")


def source_verdicts(
    session: Session,
    config: Config,
    names: Sequence[str] | None = None,
    *,
    now: datetime | None = None,
) -> dict[str, Verdict]:
    """The verdict on each source in ``names`` (default: every configured source), in order.

    A name that is not configured (only in the run history) is judged with the default
    ``[crawl] stale_after_days``.
    """
    now = now or utcnow()
    names = [s.name for s in config.sources] if names is None else list(names)
    newest = select(CrawlRun.source, func.max(CrawlRun.id).label("id")).group_by(CrawlRun.source)
    last_ids = {source: run_id for source, run_id in session.execute(newest)}
    runs = {
        run.source: run
        for run in session.scalars(select(CrawlRun).where(CrawlRun.id.in_(last_ids.values())))
    }
    last_new: dict[str, datetime | None] = dict(
        session.execute(
            select(Article.source, func.max(Article.first_seen_at)).group_by(Article.source)
        ).all()
    )
    return {
        name: judge(
            name,
            runs.get(name),
            last_new.get(name),
            stale_after_days=config.stale_after_days(name),
            crawl_timeout_s=config.crawl.crawl_timeout_s,
            now=now,
        )
        for name in names
    }


@dataclass
class SourceHealth:
    """One source for the web view: its label, stored articles, last runs and verdict."""

    name: str
    label: str = ""
    kind: str = ""
    configured: bool = True
    enabled: bool = True  # enabled and verified: crawled on schedule
    # active | unverified | disabled (crawler.config.Source.state) | broken (a config error)
    state: str = "active"
    articles: int = 0
    runs: list[CrawlRun] = field(default_factory=list)
    last_completed: CrawlRun | None = None
    verdict: Verdict | None = None

    @property
    def last(self) -> CrawlRun | None:
        return self.runs[0] if self.runs else None

    @property
    def health(self) -> str:
        """The verdict's status: ok | warning | stale | failing | running | never."""
        return self.verdict.status if self.verdict else "never"


def source_health(session: Session, config: Config, runs_per_source: int = 5) -> list[SourceHealth]:
    """Every configured source, plus any that only appear in the run history or the
    articles, each with its verdict from :mod:`crawler.health`."""
    counts = dict(
        session.execute(select(Article.source, func.count()).group_by(Article.source)).all()
    )
    seen_in_runs = set(session.scalars(select(CrawlRun.source).distinct()))
    out = [
        SourceHealth(s.name, s.label, s.kind, True, s.enabled and s.verified, s.state)
        for s in config.sources
    ]
    out += [
        SourceHealth(name, configured=True, enabled=False, state="broken") for name in config.broken
    ]
    known = {s.name for s in out}
    out += [
        SourceHealth(n, configured=False)
        for n in sorted(seen_in_runs | set(counts))
        if n not in known
    ]
    verdicts = source_verdicts(session, config, [h.name for h in out])
    for health in out:
        health.verdict = verdicts[health.name]
        health.articles = counts.get(health.name, 0)
        health.runs = list(
            session.scalars(
                select(CrawlRun)
                .where(CrawlRun.source == health.name)
                .order_by(CrawlRun.id.desc())
                .limit(runs_per_source)
            )
        )
        health.last_completed = session.scalars(
            select(CrawlRun)
            .where(CrawlRun.source == health.name, CrawlRun.status == "completed")
            .order_by(CrawlRun.id.desc())
            .limit(1)
        ).first()
    return out
