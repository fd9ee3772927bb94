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


def label(table: dict[str, str], code: str | None) -> str:
    """``table``'s label for ``code``; an unknown code is shown as it is, ``None`` as ''."""
    if code is None:
        return ""
    return table.get(code, code)
