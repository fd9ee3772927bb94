"""Which organisation a counterpart names: the taxonomy's partners, then known aliases,
then derived short forms, else a new organisation.

Pure: built from the taxonomy's partners and the organisations (with their aliases) the
store knows; :meth:`OrgIndex.resolve` learns every new organisation it creates, so the
spellings of one run resolve alike. Resolving the longest spellings first (full legal
names) lets the short ones (澄远储能, 澄远) find them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from crawler.register.names import (
    clean,
    core,
    is_firm,
    is_government,
    short_forms,
)

INSTITUTE_ENDINGS = ("研究院", "研究所", "设计院", "大学", "学院", "实验室", "中心", "协会", "商会")


@dataclass
class OrgInfo:
    """An organisation as the matcher needs it."""

    name: str
    kind: str  # soe | company | institute | government | firm | other (taxonomy kinds too)
    parent: str | None = None
    aliases: dict[str, str] = field(default_factory=dict)  # alias -> origin
    rejected: set[str] = field(default_factory=set)  # aliases an analyst said are wrong
    new: bool = False  # created by this index (not yet stored)


def guess_kind(name: str) -> str:
    """A kind for an organisation the taxonomy does not know."""
    if is_government(name):
        return "government"
    if is_firm(name):
        return "company"
    if name.endswith(INSTITUTE_ENDINGS):
        return "institute"
    return "other"


class OrgIndex:
    """Counterpart spelling -> organisation name."""

    def __init__(self, regions: Iterable[str] = ()) -> None:
        self.regions = tuple(regions)
        self.orgs: dict[str, OrgInfo] = {}
        self._exact: dict[str, set[str]] = {}  # spelling (lower case) -> org names
        self._short: dict[str, set[str]] = {}  # derived short form -> org names
        self._cache: dict[str, str] = {}

    # ------------------------------------------------------------------ building

    def add_partner(self, name: str, aliases: Iterable[str], kind: str, parent: str | None) -> None:
        """A taxonomy partner: its own aliases only (国投 cannot be derived)."""
        info = self.orgs.get(name) or OrgInfo(name, kind, parent)
        info.kind, info.parent = kind, parent
        self.orgs[name] = info
        for alias in [name, *aliases]:
            info.aliases.setdefault(clean(alias), "taxonomy")
            self._exact.setdefault(clean(alias).lower(), set()).add(name)
        self._cache.clear()

    def add_known(
        self,
        name: str,
        kind: str,
        aliases: Iterable[tuple[str, str, bool | None]] = (),
        parent: str | None = None,
    ) -> None:
        """A stored organisation with its ``(alias, origin, confirmed)`` aliases; an alias
        with ``confirmed is False`` was rejected by an analyst and is never used."""
        info = self.orgs.get(name) or OrgInfo(name, kind, parent)
        if info.parent is None and info.aliases.get(name) != "taxonomy":
            info.parent = self._parent_of(name)
        self.orgs[name] = info
        self._learn(info)
        for alias, origin, confirmed in aliases:
            alias = clean(alias)
            if confirmed is False:
                info.rejected.add(alias)
                self._forget(name, alias)
                continue
            info.aliases.setdefault(alias, origin)
            self._exact.setdefault(alias.lower(), set()).add(name)
        self._cache.clear()

    def _learn(self, info: OrgInfo) -> None:
        """Index ``info``'s name and derived short forms."""
        self._exact.setdefault(info.name.lower(), set()).add(info.name)
        if info.kind in ("soe",) or info.aliases.get(info.name) == "taxonomy":
            return
        for short in [core(info.name, self.regions), *short_forms(info.name, self.regions)]:
            taken = self._exact.get(short.lower(), set()) - {info.name}
            if short and short not in info.rejected and short != info.name and not taken:
                info.aliases.setdefault(short, "derived")
                self._short.setdefault(short, set()).add(info.name)

    def _forget(self, name: str, alias: str) -> None:
        for table in (self._short, self._exact):
            owners = table.get(alias) or table.get(alias.lower())
            if owners:
                owners.discard(name)

    # ------------------------------------------------------------------ resolving

    def _only(self, names: set[str] | None) -> str | None:
        return next(iter(names)) if names and len(names) == 1 else None

    def lookup(self, spelling: str) -> str | None:
        """The organisation ``spelling`` names, if one is known (None when unknown or
        ambiguous)."""
        text = clean(spelling)
        if not text:
            return None
        found = self._only(self._exact.get(text.lower()))
        if found:
            return found
        key = core(text, self.regions)
        found = self._only(self._short.get(key)) or self._only(self._exact.get(key.lower()))
        if found:
            return found
        # a longer spelling of a firm known by a shorter one (澄远储能公司 stored first)
        for short in short_forms(text, self.regions):
            owner = self._only(
                {n for n in self._short.get(short, set()) if core(n, self.regions) == short}
            )
            if owner:
                return owner
        return None

    def _parent_of(self, name: str) -> str | None:
        """A taxonomy partner whose alias begins a new firm's name: 国投电力控股股份有限公司
        belongs to 国投 (its own organisation, with 国投 as parent)."""
        for short in short_forms(name, self.regions):
            owners = {
                n
                for n in self._exact.get(short.lower(), set())
                if self.orgs[n].aliases.get(n) == "taxonomy"
            }
            owner = self._only(owners)
            if owner and owner != name:
                return owner
        return None

    def resolve(self, spelling: str) -> str:
        """The organisation's name for ``spelling``; an unknown one becomes a new
        organisation (named as written) that later spellings resolve to."""
        cached = self._cache.get(spelling)
        if cached is not None:
            return cached
        name = self.lookup(spelling)
        if name is None:
            name = clean(spelling)
            info = OrgInfo(name, guess_kind(name), self._parent_of(name), new=True)
            info.aliases[name] = "seen"
            self.orgs[name] = info
            self._learn(info)
        else:
            info = self.orgs[name]
            text = clean(spelling)
            if text != name and text not in info.aliases:
                info.aliases[text] = "seen"
                self._exact.setdefault(text.lower(), set()).add(name)
        self._cache[spelling] = name
        return name

    def resolve_all(self, spellings: Iterable[str]) -> dict[str, str]:
        """Every spelling resolved, the longest first (so short forms find full names)."""
        return {s: self.resolve(s) for s in sorted(set(spellings), key=lambda s: (-len(s), s))}

    # ------------------------------------------------------------------ facts

    def kind(self, name: str) -> str:
        info = self.orgs.get(name)
        return info.kind if info else guess_kind(name)

    def ancestors(self, name: str) -> tuple[str, ...]:
        """Parents up the taxonomy (国投生物制造创新研究院 -> 国家开发投资集团)."""
        out: list[str] = []
        info = self.orgs.get(name)
        while info is not None and info.parent and info.parent not in out:
            out.append(info.parent)
            info = self.orgs.get(info.parent)
        return tuple(out)

    def is_government(self, name: str) -> bool:
        return self.kind(name) == "government"
