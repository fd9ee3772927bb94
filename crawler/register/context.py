"""What the register needs from the configuration: the gazetteer, the office's place,
the rival places, the taxonomy's partners and which sources are the office's own."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from classifiers.taxonomy import Taxonomy
from crawler.config import Config
from crawler.errors import ConfigError
from crawler.register.orgs import OrgIndex
from crawler.register.places import Gazetteer, Place, load_gazetteer


@dataclass(frozen=True)
class Partner:
    name: str
    aliases: tuple[str, ...]
    kind: str
    parent: str | None


@dataclass
class RegisterContext:
    """The register's settings, resolved."""

    gazetteer: Gazetteer
    home: Place | None
    peers: list[Place] = field(default_factory=list)
    partners: list[Partner] = field(default_factory=list)
    local_sources: frozenset[str] = frozenset()  # municipal sources: unplaced events are local

    @property
    def regions(self) -> list[str]:
        """Place names that may stand in front of a firm's name (江苏, 常州 …)."""
        names: set[str] = set()
        for place in self.gazetteer.places.values():
            if place.level in ("province", "city", "district"):
                names.add(place.name)
                names.add(place.name.rstrip("省市县区"))
        return sorted(n for n in names if len(n) >= 2)

    def org_index(self) -> OrgIndex:
        """An index that knows the taxonomy's partners (stored organisations are added by
        the caller)."""
        index = OrgIndex(self.regions)
        for p in self.partners:
            index.add_partner(p.name, p.aliases, p.kind, p.parent)
        return index

    def scope(self, place: Place | None, sources: set[str] | frozenset[str] = frozenset()) -> str:
        """peer (in a rival's place), local (in the office's place, or reported by the
        office's own sources: its leaders' visits to Beijing are its leads), other, or
        unknown (no place, no local report)."""
        if place is not None and any(place.within(peer) for peer in self.peers):
            return "peer"
        if place is not None and self.home is not None and place.within(self.home):
            return "local"
        if sources & self.local_sources:
            return "local"
        return "unknown" if place is None else "other"

    def peer_of(self, place: Place | None) -> Place | None:
        """The rival place ``place`` lies in."""
        if place is None:
            return None
        return next((peer for peer in self.peers if place.within(peer)), None)


def partners_of(taxonomy: Taxonomy) -> list[Partner]:
    """The taxonomy's partners as the register needs them."""
    return [Partner(p.name, tuple(p.aliases), p.kind, p.parent) for p in taxonomy.config.partners]


@cache
def _cached(gazetteer: Path, mtime: float) -> Gazetteer:
    return load_gazetteer(gazetteer)


def register_context(config: Config) -> RegisterContext:
    """The register's context for ``config``; an unknown home or peer place is a
    :class:`ConfigError` naming the key."""
    path = config.gazetteer_path
    gazetteer = _cached(path, path.stat().st_mtime if path.exists() else 0.0)
    settings = config.register
    home = gazetteer.lookup(settings.home)
    if settings.home and home is None:
        raise ConfigError(
            str(config.path),
            "register.home",
            f"{settings.home!r} is not in the gazetteer {path}",
            "use a place listed there, or add it to the gazetteer",
        )
    peers = []
    for name in settings.peers:
        place = gazetteer.lookup(name)
        if place is None:
            raise ConfigError(
                str(config.path),
                "register.peers",
                f"{name!r} is not in the gazetteer {path}",
                "use a place listed there (江阴, 常州武进 …), or add it to the gazetteer",
            )
        peers.append(place)
    return RegisterContext(
        gazetteer=gazetteer,
        home=home,
        peers=peers,
        partners=partners_of(config.taxonomy()),
        local_sources=frozenset(s.name for s in config.sources if s.kind == "municipal"),
    )
