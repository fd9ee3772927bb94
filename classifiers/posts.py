"""Titles of office written next to people's names (市长王翔, 王翔董事长), shared by the
organisation finder (classifiers.orgs) and the party finder (classifiers.parties)."""

from __future__ import annotations

# Government posts, in the order every list that uses them begins with.
OFFICIAL_TITLES = ("书记", "市长", "区长", "县长", "镇长", "省长", "主任", "局长", "部长", "主席")
# The posts of people of any body, government or firm.
POSTS = (
    *OFFICIAL_TITLES,
    "会长",
    "组长",
    "经理",
    "总监",
    "处长",
    "科长",
    "厅长",
    "司长",
    "行长",
    "所长",
    "院长",
    "校长",
)
