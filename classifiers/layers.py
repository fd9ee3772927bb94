"""A taxonomy made of layers: the shipped file, then an instance's additions and overrides.

Merge rules (later layers win):

* ``[sectors.ID]``: a new id adds a sector, a known id replaces that sector as a whole;
  ``remove = true`` drops it.
* ``[[partners]]`` and ``[[places]]``: an entry with a new ``name`` is appended, one with
  a known name replaces that entry in place; ``remove = true`` drops it.
* Any other table (``[matching]``, ``[leads]``, ``[leads.score]`` …): merged key by key;
  a value that is not a table replaces the earlier one.

Every value keeps where it came from, so a problem of the merged taxonomy is reported at
the file and line that wrote it (:func:`origin`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Loc = tuple[str | int, ...]
NAMED_LISTS = ("partners", "places")
REPLACED_TABLES = ("sectors",)
REMOVE = "remove"


@dataclass
class Merged:
    """The merged mapping and, for each key written, which layer wrote it and where."""

    data: dict[str, Any] = field(default_factory=dict)
    # merged location -> (layer index, location in that layer's file)
    owners: dict[Loc, tuple[int, Loc]] = field(default_factory=dict)

    def origin(self, loc: Loc) -> tuple[int, Loc]:
        """The layer that wrote ``loc`` and the same location in that layer's file."""
        for size in range(len(loc), 0, -1):
            owner = self.owners.get(loc[:size])
            if owner is not None:
                layer, written = owner
                return layer, (*written, *loc[size:])
        return 0, loc


def merge_layers(layers: list[dict[str, Any]]) -> Merged:
    """Merge parsed taxonomy files, first = the base, by the rules above."""
    merged = Merged()
    for index, layer in enumerate(layers):
        _merge_table(merged, index, merged.data, layer, ())
    return merged


def _merge_table(
    merged: Merged, layer: int, into: dict[str, Any], table: dict[str, Any], loc: Loc
) -> None:
    for key, value in table.items():
        here = (*loc, key)
        if not loc and key in NAMED_LISTS and isinstance(value, list):
            _merge_named(merged, layer, into, key, value)
        elif not loc and key in REPLACED_TABLES and isinstance(value, dict):
            target = into.setdefault(key, {})
            if not isinstance(target, dict):
                target = into[key] = {}
            merged.owners.setdefault(here, (layer, here))
            for entry_id, entry in value.items():
                entry_loc = (*here, entry_id)
                if isinstance(entry, dict) and entry.get(REMOVE) is True:
                    target.pop(entry_id, None)
                    continue
                target[entry_id] = entry
                merged.owners[entry_loc] = (layer, entry_loc)
        elif isinstance(value, dict) and isinstance(into.get(key), dict):
            merged.owners[here] = merged.owners.get(here, (layer, here))
            _merge_table(merged, layer, into[key], value, here)
        else:
            into[key] = value
            merged.owners[here] = (layer, here)


def _merge_named(
    merged: Merged, layer: int, into: dict[str, Any], key: str, entries: list[Any]
) -> None:
    current: list[Any] = into.setdefault(key, [])
    # where each merged entry came from, kept in step with ``current``
    sources = [merged.owners.get((key, i), (layer, (key, i))) for i in range(len(current))]
    for file_index, entry in enumerate(entries):
        name = entry.get("name") if isinstance(entry, dict) else None
        # only an earlier layer's entry is replaced: a name written twice in one file
        # stays twice, for validation to report
        at = next(
            (
                i
                for i, old in enumerate(current)
                if sources[i][0] < layer and isinstance(old, dict) and old.get("name") == name
            ),
            None,
        )
        if isinstance(entry, dict) and entry.get(REMOVE) is True:
            if at is not None:
                del current[at], sources[at]
            continue
        written = (layer, (key, file_index))
        if at is None or name is None:
            current.append(entry)
            sources.append(written)
        else:
            current[at], sources[at] = entry, written
    for old in [k for k in merged.owners if len(k) == 2 and k[0] == key]:
        del merged.owners[old]
    for i, owner in enumerate(sources):
        merged.owners[(key, i)] = owner
