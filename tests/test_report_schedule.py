"""Scheduled reports: a subscription with ``report = "weekly"`` gets each closed week's
report attached to a mail, exactly once, through the digest's own entry point
(:func:`alerts.digest.send_owed`, what `digest --send` and the scheduler call), against a
real aiosmtpd server on 127.0.0.1 and a real SQLite store."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest

from alerts.digest import send_owed
from crawler.config import load_config
from crawler.errors import ConfigError
from crawler.store import Database
from tests.helpers.instance import Instance, write_instance
from tests.helpers.smtp import running_smtp
from tests.helpers.store import store_articles

SUBSCRIPTION = """
[[subscriptions]]
name = "office"
recipients = ["zhaoshang@example.gov.cn"]
schedule = "0 8 * * *"
report = "weekly"
report_format = "xlsx"
"""
# Wednesday 2025-03-05 (Asia/Shanghai): the week of Monday 2025-02-24 has closed, and the
# Monday 08:00 slot (2025-03-03 00:00 UTC) has passed since
NOW = datetime(2025, 3, 5, 3, 0, tzinfo=UTC)
SUNDAY = datetime(2025, 3, 2, 12, 0, tzinfo=UTC)  # 20:00 on Sunday: the week is still open


def deliveries(inst: Instance) -> list[tuple]:
    with sqlite3.connect(inst.db) as db:
        return db.execute(
            "select kind, period, status, attempts from deliveries order by id"
        ).fetchall()


def _instance(tmp_path, port: int) -> tuple[Instance, object, Database]:  # noqa: ANN001
    inst = write_instance(tmp_path, "", smtp_port=port, subscriptions=SUBSCRIPTION)
    store_articles(
        inst,
        [
            (
                "https://www.yixing.gov.cn/doc/2025/02/26/1.shtml",
                "储能电池项目签约落户宜兴经济技术开发区",
                "2月26日，宜兴经济技术开发区与江苏澄远储能科技有限公司签署投资协议，"
                "项目总投资约12亿元，建设储能电池生产基地。",
                datetime(2025, 2, 26, 2, 0, tzinfo=UTC),
            )
        ],
    )
    config = load_config(inst.config)
    return inst, config, Database(config.database_url)


def test_the_weekly_report_is_mailed_once_with_the_report_attached(tmp_path):
    from openpyxl import load_workbook

    with running_smtp() as mailbox:
        inst, config, database = _instance(tmp_path, mailbox.port)
        sub = config.subscription("office")
        try:
            early = send_owed(config, database, sub, SUNDAY)
            # on Sunday the week is still open: only the week before is owed
            assert [r.period for r in early if r.period.startswith("report-")] == [
                "report-week-2025-W08"
            ]
            results = send_owed(config, database, sub, NOW)
            again = send_owed(config, database, sub, NOW)
        finally:
            database.close()
    reports = [r for r in results if r.period.startswith("report-")]
    assert [(r.period, r.status) for r in reports] == [("report-week-2025-W09", "sent")]
    assert not [r for r in again if r.period.startswith("report-")]
    mails = [m for m in mailbox.messages if "第9周" in m["Subject"]]
    assert len(mails) == 1
    mail = mails[0]
    assert mail["Subject"].startswith("宜兴招商周报（2025年第9周（2月24日—3月2日））")
    assert mail["Message-ID"] == "<report-week-2025-W09.office@leadwatch>"
    assert "监测事件：1" in mail.get_body(("plain",)).get_content()
    (attachment,) = list(mail.iter_attachments())
    assert attachment.get_filename() == "招商周报-2025-W09.xlsx"
    path = tmp_path / "attached.xlsx"
    path.write_bytes(attachment.get_content())
    rows = list(load_workbook(path)["事件明细"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1 and rows[0][8] == "总投资约12亿元"
    kinds = deliveries(inst)
    assert ("report", "report-week-2025-W09", "sent", 1) in kinds
    assert all(kind == "digest" for kind, period, *_ in kinds if not period.startswith("report-"))


def test_a_refused_report_stays_pending_and_is_sent_once_on_retry(tmp_path):
    with running_smtp() as mailbox:
        inst, config, database = _instance(tmp_path, mailbox.port)
        sub = config.subscription("office")
        mailbox.refuse = True
        try:
            first = [
                r for r in send_owed(config, database, sub, NOW) if r.period.startswith("report-")
            ]
            assert [r.status for r in first] == ["pending"] and "451" in first[0].error
            mailbox.refuse = False
            later = datetime(2025, 3, 5, 4, 0, tzinfo=UTC)  # past the first backoff
            second = [
                r for r in send_owed(config, database, sub, later) if r.period.startswith("report-")
            ]
            third = [
                r for r in send_owed(config, database, sub, later) if r.period.startswith("report-")
            ]
        finally:
            database.close()
    assert [r.status for r in second] == ["sent"] and third == []
    assert len([m for m in mailbox.messages if "周报" in m["Subject"]]) == 1
    assert ("report", "report-week-2025-W09", "sent", 2) in deliveries(inst)
    # a service down for weeks sends only the latest closed week's report
    assert not [p for _, p, *_ in deliveries(inst) if p == "report-week-2025-W08"]


def test_a_report_needs_mail(tmp_path):
    inst = write_instance(
        tmp_path,
        "",
        subscriptions='[[subscriptions]]\nname = "chat"\nemail = false\nreport = "monthly"\n'
        '[[subscriptions.webhooks]]\nname = "wecom"\nurl = "json://127.0.0.1:9/"\n',
    )
    with pytest.raises(ConfigError, match="mail attachment"):
        load_config(inst.config)


def test_the_workers_tick_finds_a_report_owed_and_no_longer_once_it_is_sent(tmp_path):
    from crawler.workers.plan import report_or_retry_due

    with running_smtp() as mailbox:
        _inst, config, database = _instance(tmp_path, mailbox.port)
        sub = config.subscription("office")
        try:
            owed_before = report_or_retry_due(config, database, sub, NOW)
            send_owed(config, database, sub, NOW)
            owed_after = report_or_retry_due(config, database, sub, NOW)
        finally:
            database.close()
    assert owed_before and not owed_after
