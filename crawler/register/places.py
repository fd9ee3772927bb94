"""Place names normalised to province / city / district (and town): a small gazetteer.

The gazetteer is ours (config/gazetteer.toml): every entry names its level and the place
that contains it, so 丁蜀 is found to lie in 宜兴, 无锡, 江苏, and 常州武进 is 武进区.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from crawler.errors import ConfigError

LEVELS = ("province", "city", "district", "town")
MAX_ALIAS = 16  # characters: no place name in news is longer


@dataclass(frozen=True)
class Place:
    """One gazetteer entry with the chain of places that contain it (outermost first)."""

    name: str
    level: str
    chain: tuple[str, ...]  # e.g. ("江苏省", "无锡市", "宜兴市", "丁蜀镇")
    levels: tuple[str, ...] = field(default=(), compare=False, repr=False)  # of ``chain``

    def within(self, other: Place) -> bool:
        """Whether this place lies in ``other`` (or is it)."""
        return other.name in self.chain

    def compatible(self, other: Place) -> bool:
        """One contains the other: 宜兴 and 丁蜀 can be one event's place; 宜兴 and 江阴
        cannot."""
        return self.within(other) or other.within(self)

    def at(self, level: str) -> str:
        """The name of the containing place at ``level`` ('' when there is none)."""
        return dict(zip(self.levels, self.chain, strict=True)).get(level, "")

    @property
    def label(self) -> str:
        """Province / city / district as an analyst reads it: 江苏 无锡 宜兴 · 丁蜀镇."""
        return " ".join(self.chain)


class Gazetteer:
    """Looks places up by name or alias and finds them in text."""

    def __init__(self, entries: Iterable[dict]) -> None:
        raw = {e["name"]: e for e in entries}
        self.places: dict[str, Place] = {}
        for name in raw:
            self.places[name] = self._build(name, raw, ())
        self._names: dict[str, Place] = {}
        self._generic: dict[str, Place] = {}
        for name, entry in raw.items():
            place = self.places[name]
            for alias in [name, *entry.get("aliases", [])]:
                self._names.setdefault(alias, place)
            for alias in entry.get("generic", []):
                self._generic.setdefault(alias, place)
        # at each position only the lengths of names beginning with that character
        lengths: dict[str, set[int]] = {}
        for alias in [*self._names, *self._generic]:
            lengths.setdefault(alias[0], set()).add(len(alias))
        self._lengths = {c: sorted(n, reverse=True) for c, n in lengths.items()}

    def _build(self, name: str, raw: dict[str, dict], seen: tuple[str, ...]) -> Place:
        entry = raw[name]
        parent = entry.get("parent")
        if parent and (parent not in raw or parent in seen):
            raise ValueError(f"place {name!r}: parent {parent!r} is not a known place")
        if entry.get("level") not in LEVELS:
            raise ValueError(f"place {name!r}: level must be one of {', '.join(LEVELS)}")
        if parent:
            outer = self.places.get(parent) or self._build(parent, raw, (*seen, name))
            chain, levels = (*outer.chain, name), (*outer.levels, entry["level"])
        else:
            chain, levels = (name,), (entry["level"],)
        return Place(name, entry["level"], chain, levels)

    def lookup(self, text: str | None) -> Place | None:
        """The place ``text`` names as a whole (宜兴, 宜兴市, 常州武进, 经开区), else the
        most specific place named inside it, else None."""
        if not text:
            return None
        text = text.strip()
        found = self._names.get(text) or self._generic.get(text)
        if found is not None:
            return found
        return self.most_specific(self.find(text))

    def find(self, text: str, skip: Iterable[tuple[int, int]] = ()) -> list[Place]:
        """Places named in ``text`` in order (see :meth:`spans`)."""
        return [place for _, _, place in self.spans(text, skip)]

    def spans(
        self, text: str, skip: Iterable[tuple[int, int]] = ()
    ) -> list[tuple[int, int, Place]]:
        """``(start, end, place)`` of the places named in ``text``, in order, the longest
        name first where names overlap; ``skip`` spans (e.g. inside organisation names)
        are ignored. Generic names (经开区) count only when no specific place is named."""
        blocked = [range(s, e) for s, e in skip]
        out: list[tuple[int, int, Place]] = []
        generic: list[tuple[int, int, Place]] = []
        i = 0
        while i < len(text):
            hit = None
            for length in self._lengths.get(text[i], ()):
                if length > len(text) - i or length < 2:
                    continue
                piece = text[i : i + length]
                place = self._names.get(piece)
                specific = place is not None
                if place is None:
                    place = self._generic.get(piece)
                if place is not None:
                    hit = (length, place, specific)
                    break
            if hit is None or any(i in r for r in blocked):
                i += 1
                continue
            length, place, specific = hit
            (out if specific else generic).append((i, i + length, place))
            i += length
        return out or generic

    @staticmethod
    def most_specific(places: list[Place]) -> Place | None:
        """The deepest place among ``places`` that agrees with the first one named (a
        sentence that names 江苏 and then 宜兴经开区 is about the zone)."""
        if not places:
            return None
        best = places[0]
        for place in places[1:]:
            if place.within(best) and len(place.chain) > len(best.chain):
                best = place
        return best


def load_gazetteer(path: str | Path) -> Gazetteer:
    """Read a gazetteer TOML file; a broken one is a :class:`ConfigError`."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(
            str(path), None, "gazetteer file not found", "copy config/gazetteer.toml there"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), None, f"not valid TOML: {exc}", "fix the syntax") from None
    try:
        return Gazetteer(data.get("places", []))
    except (KeyError, ValueError, TypeError) as exc:
        raise ConfigError(str(path), "places", str(exc), "fix that entry") from None
