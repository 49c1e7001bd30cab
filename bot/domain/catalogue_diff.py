"""What loading a catalogue would change: items added, changed and removed, by code.

Shown to whoever loads a catalogue (in the bot or on the command line) and stored with each load; an
empty diff means there is nothing to apply.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.catalogue_spec import CatalogueSpec
from bot.domain.spec_parsing import Spec


@dataclass(frozen=True)
class CatalogueDiff:
    """What loading a catalogue would change, by code."""

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)


def diff_catalogue(old: CatalogueSpec | None, new: CatalogueSpec) -> CatalogueDiff:
    """Compare two catalogues item by item: `programme`, `element:x`, `indicator:X`, `task:x`."""
    if old is None:
        return CatalogueDiff(added=tuple(_items(new)))
    before, after = _items(old), _items(new)
    return CatalogueDiff(
        added=tuple(key for key in after if key not in before),
        changed=tuple(key for key in after if key in before and before[key] != after[key]),
        removed=tuple(key for key in before if key not in after),
    )


def _items(spec: CatalogueSpec) -> dict[str, Spec]:
    items: dict[str, Spec] = {"programme": spec.programme}
    items |= {f"element:{element.code}": element for element in spec.elements}
    items |= {f"indicator:{indicator.code}": indicator for indicator in spec.indicators}
    items |= {f"task:{task.code}": task for task in spec.tasks}
    return items
