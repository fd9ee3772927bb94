"""A month's report over a store of 100,000 generated articles, in each format, beside a
plain SQL count of the month's articles on the same store.

The store has our real schema (Alembic migrations) and a register as the link step
leaves it: articles over three years with sector and partner tags, leads with their
amounts (some qualified 约, some plans, some in USD), events (some reported twice), the
events' organisations, projects over several stages, followed organisations, follow-up
history and crawl runs. The rows are generated straight into the tables (classifying
100,000 texts would take an hour and is measured by benchmarks.classify); the report then
runs exactly as `leadwatch report` does: link check, gather, charts, writer.

``python -m benchmarks report``. The store is kept under /tmp and reused;
``LEADWATCH_BENCH_REPORT_ARTICLES`` changes its size (default 100,000).
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ARTICLES = int(os.environ.get("LEADWATCH_BENCH_REPORT_ARTICLES", "100000"))
STORE_DIR = Path(os.environ.get("LEADWATCH_BENCH_DIR", "/tmp/leadwatch-bench"))
GENERATOR_VERSION = 1
SEED = 20251205
FIRST = datetime(2023, 1, 1, tzinfo=UTC)
DAYS = 3 * 365
MONTH = (2025, 6)
LIMIT_S = 5.0
SECTORS = (
    ("new_energy", "新能源"),
    ("new_infra", "新基建"),
    ("low_altitude", "低空经济"),
    ("biomed", "生物医药"),
    ("synbio", "合成生物"),
    ("silver", "银发经济"),
    ("transport_tech", "交通科技"),
    ("semiconductor", "半导体"),
)
SOURCES = ("bench-city", "bench-zone", "bench-media", "bench-partner", "bench-province")
PLACES = (
    ("宜兴市", "江苏省 无锡市 宜兴市", "local"),
    ("丁蜀镇", "江苏省 无锡市 宜兴市 丁蜀镇", "local"),
    ("江阴高新区", "江苏省 无锡市 江阴市 江阴高新区", "peer"),
    ("溧阳市", "江苏省 常州市 溧阳市", "peer"),
    ("南京市", "江苏省 南京市", "other"),
    ("", "", "unknown"),
)
STAGES = ("visit", "signing", "planned", "landing", "groundbreaking", "production")


def _generate(path: Path, articles: int) -> None:
    """Write the generated store to ``path`` (schema by our migrations)."""
    from crawler.store import Database

    Database(f"sqlite:///{path}").close()  # migrate an empty store
    rng = random.Random(SEED)
    db = sqlite3.connect(path)
    now = "2025-12-31 00:00:00.000000"
    orgs = [(i, f"江苏测试{i:04d}科技有限公司", "company") for i in range(1, 2001)]
    db.executemany(
        "insert into orgs (id, name, kind, first_seen_at, followed_at, followed_by) "
        "values (?, ?, ?, ?, ?, ?)",
        [(i, n, k, now, now if i % 100 == 0 else None, "") for i, n, k in orgs],
    )
    projects = []
    for pid in range(1, 4001):
        projects.append((pid, f"测试项目{pid:04d}", "signing", "2023-01-01", "2025-12-31", 1))
    db.executemany(
        "insert into projects (id, name, stage, first_day, last_day, place, scope, n_events, "
        "anchor_article_id, anchor_key) values (?, ?, ?, ?, ?, '宜兴市', 'local', ?, 1, 'k')",
        projects,
    )
    article_rows, tag_rows, lead_rows, event_rows, report_rows, org_rows = [], [], [], [], [], []
    lead_id = event_id = 0
    for aid in range(1, articles + 1):
        when = FIRST + timedelta(seconds=rng.randrange(DAYS * 86400))
        stamp = when.strftime("%Y-%m-%d %H:%M:%S.000000")
        source = SOURCES[aid % len(SOURCES)]
        article_rows.append(
            (
                aid,
                f"https://bench.example.cn/{aid}.html",
                source,
                f"测试文章{aid}",
                stamp,
                "测试日报",
                "",
                f"fp{aid}",
                stamp,
                stamp,
            )
        )
        sector = SECTORS[rng.randrange(len(SECTORS))]
        tag_rows.append((aid, "sector", sector[0], sector[1], rng.uniform(5, 40), "{}"))
        if rng.random() < 0.3:
            tag_rows.append(
                (
                    aid,
                    "partner",
                    f"江苏测试{rng.randrange(1, 2001):04d}科技有限公司",
                    "",
                    10.0,
                    "{}",
                )
            )
        if rng.random() >= 0.3:
            continue
        stage = rng.choice(STAGES)
        event = "visit" if stage == "visit" else "signing" if stage == "signing" else "landing"
        value = rng.choice((None, 3 * 10**8, 12 * 10**8, 50 * 10**8, 8 * 10**7))
        amounts, headline = [], None
        if value and stage != "visit":
            kind = rng.random()
            if kind < 0.1:  # a plan: listed, never the headline
                amounts = [
                    {
                        "value": value * 10,
                        "currency": "CNY",
                        "text": f"超过{value * 10 // 10**8}亿元",
                        "qualifier": "超",
                        "label": "计划投资",
                        "plan": True,
                    }
                ]
            elif kind < 0.15:
                amounts = [
                    {
                        "value": 5 * 10**7,
                        "currency": "USD",
                        "text": "5000万美元",
                        "qualifier": None,
                        "label": "总额",
                        "plan": False,
                    }
                ]
            else:
                approx = kind < 0.4
                text = ("约" if approx else "") + f"{value / 10**8:g}亿元"
                amounts = [
                    {
                        "value": value,
                        "currency": "CNY",
                        "text": text,
                        "qualifier": "约" if approx else None,
                        "label": "总投资",
                        "plan": False,
                    }
                ]
                headline = value
        place = rng.choice(PLACES)
        day = when.date()
        event_id += 1
        reports = 2 if rng.random() < 0.15 else 1
        for _ in range(reports):
            lead_id += 1
            lead_rows.append(
                (
                    lead_id,
                    aid,
                    event,
                    headline,
                    "USD" if amounts and amounts[0]["currency"] == "USD" else "CNY",
                    None,
                    json.dumps(["测试公司"]),
                    place[0],
                    f"测试句子{lead_id}",
                    5.0,
                    json.dumps(amounts, ensure_ascii=False),
                )
            )
            report_rows.append((lead_id, event_id, aid))
        project = rng.randrange(1, 4001) if rng.random() < 0.4 else None
        event_rows.append(
            (
                event_id,
                event,
                stage,
                day.isoformat(),
                f"测试事件{event_id}",
                place[0],
                place[1],
                place[2],
                headline,
                json.dumps([headline] if headline else []),
                aid,
                f"k{event_id}",
                reports,
                reports,
                stamp,
                project,
            )
        )
        for org in rng.sample(range(1, 2001), rng.choice((1, 1, 2))):
            org_rows.append((event_id, org, "party"))
    db.executemany(
        "insert into articles (id, url, source, title, published_at, publisher, body, fingerprint, "
        "first_seen_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        article_rows,
    )
    db.executemany(
        "insert into tags (article_id, kind, name, label, score, evidence) values (?, ?, ?, ?, ?, ?)",
        tag_rows,
    )
    db.executemany(
        "insert into leads (id, article_id, event, amount_yuan, currency, amount_text, counterparts, "
        "place, sentence, score, amounts) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        lead_rows,
    )
    db.executemany(
        "insert into events (id, event, stage, day, exact, title, sentence, place, place_label, scope, "
        "amount_yuan, amounts, project_names, article_id, anchor_key, reports, outlets, independent, "
        "n_leads, score, first_seen_at, project_id, note) "
        "values (?, ?, ?, ?, 0, ?, '', ?, ?, ?, ?, ?, '[]', ?, ?, ?, 1, 1, ?, 5.0, ?, ?, '')",
        event_rows,
    )
    db.executemany(
        "insert into event_reports (lead_id, event_id, article_id) values (?, ?, ?)", report_rows
    )
    db.executemany(
        "insert or ignore into event_orgs (event_id, org_id, role) values (?, ?, ?)", org_rows
    )
    db.executemany(
        "insert into follow_up_history (subject, article_id, lead_key, status, note, changed_at, "
        "changed_by, about) values ('event', ?, 'k', 'followed', '已联系', ?, '王科长', ?)",
        [(r[10], r[14], r[4]) for r in event_rows[::50]],
    )
    db.executemany(
        "insert into crawl_runs (source, status, started_at, finished_at, pages_fetched, "
        "articles_fetched, articles_new, articles_updated, errors, message, counters) "
        "values (?, 'completed', ?, ?, 10, 10, 5, 0, 0, '', '{}')",
        [(s, now, now) for s in SOURCES],
    )
    db.commit()
    db.close()


def _store() -> Path:
    STORE_DIR.mkdir(parents=True, exist_ok=True)
    path = STORE_DIR / f"report-{ARTICLES}-v{GENERATOR_VERSION}.db"
    if not path.exists():
        started = time.perf_counter()
        tmp = path.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        _generate(tmp, ARTICLES)
        tmp.rename(path)
        print(f"generated {path} in {time.perf_counter() - started:.1f} s")
    return path


def _config(directory: Path, store: Path):  # noqa: ANN202
    from crawler.config import load_config

    sources = "".join(
        f'[[sources]]\nname = "{s}"\nkind = "media"\nstart_urls = ["https://bench.example.cn/"]\n'
        for s in SOURCES
    )
    (directory / "sources.toml").write_text(sources, encoding="utf-8")
    (directory / "leadwatch.toml").write_text(
        f'[leadwatch]\ndatabase_url = "sqlite:///{store}"\nsources = "sources.toml"\n'
        f'taxonomy = "{(REPO / "config" / "taxonomy.toml").as_posix()}"\n',
        encoding="utf-8",
    )
    return load_config(directory / "leadwatch.toml")


def main() -> None:
    from crawler.report.period import month_of
    from crawler.report.render import report_data, write_report
    from crawler.store import Database

    store = _store()
    period = month_of(*MONTH)
    with tempfile.TemporaryDirectory(prefix="leadwatch-report-bench-") as tmp:
        config = _config(Path(tmp), store)
        database = Database(config.database_url)
        with sqlite3.connect(store) as db:
            t0 = time.perf_counter()
            count = db.execute(
                "select count(*) from articles where published_at >= ? and published_at < ?",
                ("2025-05-31 16:00:00", "2025-06-30 16:00:00"),
            ).fetchone()[0]
            count_s = time.perf_counter() - t0
            events = db.execute(
                "select count(*) from events where day >= ? and day < ?",
                (period.start.isoformat(), period.end.isoformat()),
            ).fetchone()[0]
        print(
            f"store: {ARTICLES:,} articles; {period.label}: {count:,} articles, {events:,} events"
        )
        print(f"plain SQL count of the month's articles: {count_s * 1000:.1f} ms")
        for fmt in ("xlsx", "docx", "pdf"):
            t0 = time.perf_counter()
            data = report_data(config, database, period, now=datetime(2026, 1, 1, tzinfo=UTC))
            t1 = time.perf_counter()
            written = write_report(Path(tmp, f"report.{fmt}"), data, fmt)
            t2 = time.perf_counter()
            total = t2 - t0
            db_total = t1 - t0
            verdict = "ok" if total <= LIMIT_S else f"OVER the {LIMIT_S:g} s budget"
            print(
                f"  {fmt:4}: {total:5.2f} s (gather {db_total:.2f} s, render {t2 - t1:.2f} s, "
                f"{written.charts} charts, {Path(tmp, f'report.{fmt}').stat().st_size // 1024} KB)"
                f" = {total / count_s:,.0f} x the SQL count — {verdict}"
            )
        database.close()


if __name__ == "__main__":
    main()
