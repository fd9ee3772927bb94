"""The Chinese words every screen, mail and export uses for leadwatch's codes.

JSON output keeps the codes (``signing``, ``followed`` …); people read these labels.
"""

from __future__ import annotations

EVENT_LABELS = {"signing": "签约", "landing": "落地", "visit": "考察/洽谈"}
STATUS_LABELS = {"followed": "跟进中", "dismissed": "已排除"}
# a project's stages (crawler.register.stages)
STAGE_LABELS = {
    "visit": "考察/洽谈",
    "signing": "签约",
    "planned": "拟落户",
    "landing": "落地",
    "groundbreaking": "开工",
    "production": "投产",
}
# where an event happened, seen from the office (crawler.register.context)
SCOPE_LABELS = {"local": "本地", "peer": "周边城市", "other": "外地", "unknown": "地点不详"}
ORG_KIND_LABELS = {
    "soe": "央企/国企",
    "company": "企业",
    "institute": "院所/高校",
    "government": "政府机构",
    "other": "其他",
}
ALIAS_ORIGIN_LABELS = {
    "taxonomy": "词表",
    "derived": "自动简称",
    "seen": "报道用名",
    "analyst": "人工添加",
}
HEALTH_LABELS = {
    "ok": "正常",
    "warning": "有错误",
    "stale": "无新文章",
    "failing": "失败",
    "running": "运行中",
    "never": "从未运行",
}


# Where a source stands (`sources list`, the web view's sources page): see
# crawler.config.Source.state; "broken" is a source whose entry has a config error.
SOURCE_STATE_LABELS = {
    "active": "自动采集",
    "unverified": "待验证",
    "disabled": "未启用",
    "broken": "配置有误",
}


# What a source is (sources.toml ``kind``)
SOURCE_KIND_LABELS = {"municipal": "政府", "partner": "合作伙伴", "media": "媒体"}
# A crawl run's status (crawler.store.models.CrawlRun.status)
RUN_STATUS_LABELS = {"running": "运行中", "completed": "完成", "failed": "失败"}
# A digest or report delivery's status (alerts.digest)
DELIVERY_STATUS_LABELS = {"sent": "已发送", "pending": "待发送", "empty": "无新内容"}


def outlet_name(publisher: str | None, source: str, source_labels: dict[str, str]) -> str:
    """Who published an article, for people: its 来源 line, else the publisher part of
    its source's label ("宜兴市人民政府 · 宜兴要闻" → 宜兴市人民政府), else the source's name."""
    if publisher and publisher.strip():
        return publisher.strip()
    configured = source_labels.get(source, "").split(" · ")[0].strip()
    return configured or source


def label(table: dict[str, str], code: str | None) -> str:
    """``table``'s label for ``code``; an unknown code is shown as it is, ``None`` as ''."""
    if code is None:
        return ""
    return table.get(code, code)
