"""`leadwatch schedule run`: crawl and digest jobs on APScheduler 3.x, in the foreground.

- One crawl job per enabled, verified source (interval or cron, with jitter). Each crawl
  runs in its own subprocess with a timeout (:func:`crawler.crawl.crawl_source`), which
  records the run, its exit and counters. ``max_instances=1`` and ``coalesce`` keep two
  crawls of one source from overlapping in this process; a run another process started
  (a manual `leadwatch crawl`) is respected too.
- One digest job per subscription on its cron, plus a tick every ``tick_s`` seconds
  that starts right away. Neither trusts the scheduler's memory: both ask the deliveries
  table whether a slot is owed (:func:`alerts.slots.owed_slot`), so a digest due while
  the service was down is sent on start-up within the grace, and never twice.
- SIGTERM stops taking new work and stops running crawls cleanly (forwarded to their
  processes: pages in hand are stored, the run is recorded "stopped (SIGTERM)"), lets a
  digest being sent finish, and returns; a digest not started yet stays pending in the
  database.
- A run left ``running`` by a crawl process that is gone (the service was killed) is
  closed as failed at start-up and before each crawl of its source, so it never blocks
  one; a source whose last run failed is due at once.
"""

from __future__ import annotations

import logging
import random
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from alerts.digest import DeliveryResult, send_owed
from alerts.slots import digest_trigger, owed_slot
from crawler.config import Config, Source, Subscription
from crawler.crawl.launch import Stopper
from crawler.crawl.liveness import close_dead_runs
from crawler.health import STUCK_GRACE
from crawler.store import Database, repo

log = logging.getLogger("leadwatch.schedule")


@dataclass
class JobSpec:
    """One scheduled job, described for `schedule list` and added to the scheduler."""

    id: str
    kind: str  # crawl | digest | tick
    target: str
    trigger: BaseTrigger
    description: str
    first_run: datetime | None = None  # overrides the trigger's first fire time


def _crawl_trigger(config: Config, source: Source, tz: ZoneInfo) -> tuple[BaseTrigger, str]:
    own = config.schedule.for_source(source.name)
    jitter = config.schedule.crawl_jitter_s if own.jitter_s is None else own.jitter_s
    if own.cron:
        trigger = CronTrigger.from_crontab(own.cron, timezone=tz)
        trigger.jitter = jitter or None
        return trigger, f"cron {own.cron}, jitter {jitter}s"
    minutes = own.every_minutes or config.schedule.crawl_every_minutes
    trigger = IntervalTrigger(minutes=minutes, timezone=tz, jitter=jitter or None)
    return trigger, f"every {minutes} min, jitter {jitter}s"


def _first_crawl(
    config: Config, database: Database, source: Source, now: datetime
) -> datetime | None:
    """An interval source is due one interval after its last run, or now if that passed
    or the last run did not complete (killed with the service, say)."""
    own = config.schedule.for_source(source.name)
    if own.cron:
        return None
    interval = timedelta(minutes=own.every_minutes or config.schedule.crawl_every_minutes)
    with database.session() as session:
        last = repo.last_run(session, source.name)
    due = last.started_at + interval if last and last.status != "failed" else now
    return max(due, now)


def crawl_sources_scheduled(config: Config) -> list[Source]:
    """Sources the scheduler crawls: enabled, verified, and not switched off in [schedule]."""
    return config.scheduled_sources()


def job_specs(config: Config, database: Database, now: datetime) -> list[JobSpec]:
    """Every job `schedule run` would add, with its trigger."""
    tz = ZoneInfo(config.settings.timezone)
    specs = []
    for source in crawl_sources_scheduled(config):
        trigger, text = _crawl_trigger(config, source, tz)
        first = _first_crawl(config, database, source, now)
        specs.append(JobSpec(f"crawl:{source.name}", "crawl", source.name, trigger, text, first))
    for sub in config.subscriptions:
        trigger = digest_trigger(sub.schedule, tz)
        specs.append(
            JobSpec(f"digest:{sub.name}", "digest", sub.name, trigger, f"cron {sub.schedule}")
        )
    tick = IntervalTrigger(seconds=config.schedule.tick_s, timezone=tz)
    text = f"every {config.schedule.tick_s}s: owed digests and due retries"
    specs.append(JobSpec("digest-tick", "tick", "*", tick, text, now))
    return specs


def next_run_times(
    config: Config, database: Database, now: datetime
) -> list[tuple[JobSpec, datetime | None]]:
    """(job, next run) for `schedule list`; an owed digest's next run is ``now``."""
    tz = ZoneInfo(config.settings.timezone)
    grace = timedelta(hours=config.schedule.digest_grace_hours)
    out = []
    for spec in job_specs(config, database, now):
        if hasattr(spec.trigger, "jitter"):
            spec.trigger.jitter = None  # show the planned time; the description names the jitter
        when = spec.first_run or spec.trigger.get_next_fire_time(None, now)
        if spec.kind == "digest":
            sub = config.subscription(spec.target)
            with database.session() as session:
                if owed_slot(session, sub.name, sub.schedule, tz, now, grace):
                    when = now
        out.append((spec, when))
    return out


class DigestRunner:
    """Sends what is owed, deciding from the deliveries table; one run at a time."""

    def __init__(self, config: Config, database: Database, stop: threading.Event | None = None):
        self.config = config
        self.database = database
        self.stop = stop or threading.Event()
        self.lock = threading.Lock()

    def run(
        self, now: datetime | None = None, names: list[str] | None = None
    ) -> list[DeliveryResult]:
        """For each subscription (or ``names``): retry due pending deliveries, then send
        the digest of the latest slot if it is owed."""
        results: list[DeliveryResult] = []
        with self.lock:
            now = now or datetime.now(UTC)
            for sub in self.config.subscriptions:
                if names is not None and sub.name not in names:
                    continue
                if self.stop.is_set():
                    break
                try:
                    results += self._run_one(sub, now)
                except Exception:  # one subscription's trouble must not starve the others
                    log.exception("digest %s failed; it is retried at the next tick", sub.name)
        for result in results:
            (log.info if result.sent else log.warning)("digest %s", result.summary())
        return results

    def _run_one(self, sub: Subscription, now: datetime) -> list[DeliveryResult]:
        return send_owed(self.config, self.database, sub, now, stop=self.stop)


class RunningJobs:
    """Counts running jobs so shutdown can wait for them to finish."""

    def __init__(self) -> None:
        self._count = 0
        self._idle = threading.Condition()

    def wrap(self, func: Callable[..., Any], *args: Any) -> Callable[[], None]:
        def job() -> None:
            with self._idle:
                self._count += 1
            try:
                func(*args)
            finally:
                with self._idle:
                    self._count -= 1
                    self._idle.notify_all()

        return job

    def wait_idle(self) -> None:
        with self._idle:
            self._idle.wait_for(lambda: self._count == 0)


def run_crawl(
    config: Config,
    database: Database,
    name: str,
    stop: threading.Event,
    stopper: Stopper | None = None,
) -> None:
    """One scheduled crawl, unless shutting down or the source is being crawled already."""
    from crawler.crawl import crawl_source

    if stop.is_set():
        return
    outcome = crawl_source(config, database, name, stopper=stopper)
    if outcome.busy:
        log.info("crawl %s skipped: %s", name, outcome.busy)
        return
    (log.info if outcome.ok else log.warning)("crawl %s", outcome.summary())


def fail_abandoned_runs(config: Config, database: Database, now: datetime) -> int:
    """Close runs still 'running' whose process is gone from this host (at once), or
    that started long before any crawl would have timed out (another host's)."""
    limit = timedelta(seconds=config.crawl.crawl_timeout_s) + STUCK_GRACE
    return len(close_dead_runs(database, older_than=limit))


def build_scheduler(
    config: Config,
    database: Database,
    stop: threading.Event,
    now: datetime,
    stopper: Stopper | None = None,
) -> tuple[BlockingScheduler, RunningJobs, DigestRunner]:
    """A BlockingScheduler (timezone from the config) with every job added."""
    tz = ZoneInfo(config.settings.timezone)
    scheduler = BlockingScheduler(
        timezone=tz,
        executors={
            "default": ThreadPoolExecutor(2),
            "crawl": ThreadPoolExecutor(config.schedule.max_parallel_crawls),
        },
    )
    running = RunningJobs()
    runner = DigestRunner(config, database, stop)
    grace_s = int(config.schedule.digest_grace_hours * 3600)
    for spec in job_specs(config, database, now):
        if spec.kind == "crawl":
            func = running.wrap(run_crawl, config, database, spec.target, stop, stopper)
            executor, grace = "crawl", None  # a late crawl is still worth running
        elif spec.kind == "digest":
            func = running.wrap(runner.run, None, [spec.target])
            executor, grace = "default", grace_s
        else:
            func = running.wrap(runner.run)
            executor, grace = "default", None
        options: dict[str, Any] = {}
        if spec.first_run is not None:
            jitter = getattr(spec.trigger, "jitter", None) or 0
            options["next_run_time"] = spec.first_run + timedelta(seconds=random.uniform(0, jitter))
        scheduler.add_job(
            func,
            spec.trigger,
            id=spec.id,
            name=spec.description,
            executor=executor,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=grace,
            **options,
        )

    def on_trouble(event: JobExecutionEvent) -> None:
        if event.code == EVENT_JOB_MISSED:
            log.warning(
                "job %s missed its %s run (the tick catches up)",
                event.job_id,
                event.scheduled_run_time,
            )
        else:
            log.error("job %s failed: %r", event.job_id, event.exception)

    scheduler.add_listener(on_trouble, EVENT_JOB_MISSED | EVENT_JOB_ERROR)
    return scheduler, running, runner


def run_scheduler(config: Config, database: Database) -> int:
    """Run until SIGTERM/SIGINT; running jobs finish before this returns."""
    now = datetime.now(UTC)
    abandoned = fail_abandoned_runs(config, database, now)
    if abandoned:
        log.warning("marked %d abandoned crawl run(s) failed", abandoned)
    stop = threading.Event()
    stopper = Stopper()
    scheduler, running, _ = build_scheduler(config, database, stop, now, stopper)

    def on_signal(signum: int, _frame: Any) -> None:
        if stop.is_set():
            return
        log.info("%s: no new jobs; waiting for running jobs to finish", signal.Signals(signum).name)
        stop.set()
        stopper.request_stop(signum)  # running crawls stop cleanly, within seconds
        # not from the handler itself: the main thread may hold the scheduler's locks
        threading.Thread(target=scheduler.shutdown, kwargs={"wait": False}).start()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    for job in scheduler.get_jobs():
        log.info("job %s: %s", job.id, job.name)
    log.info("scheduler started (timezone %s)", config.settings.timezone)
    scheduler.start()  # blocks until on_signal shuts it down
    running.wait_idle()
    log.info("scheduler stopped")
    return 0
