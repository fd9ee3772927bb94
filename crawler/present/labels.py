"""The Chinese words every screen, mail and export uses for leadwatch's codes.

JSON output keeps the codes (``signing``, ``followed`` …); people read these labels.
"""

from __future__ import annotations

EVENT_LABELS = {"signing": "签约", "landing": "落地", "visit": "考察/洽谈"}
STATUS_LABELS = {"followed": "跟进中", "dismissed": "已排除"}
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
