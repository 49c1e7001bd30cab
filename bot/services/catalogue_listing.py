"""The loaded catalogues as plain data: every programme with its indicators and tasks.

The stable JSON shape of `python -m bot catalog list --json`, which scripts read; the text listing is
printed from the same data, so the two never disagree.
"""

from __future__ import annotations

from typing import Any, Protocol

from bot.domain.models import DataElement, Indicator, Programme


class CatalogueShelf(Protocol):
    """The catalogue reads the listing needs (storage's catalogue repository has them)."""

    async def programmes(self) -> list[Programme]: ...

    async def indicators(self, programme_id: int) -> list[Indicator]: ...

    async def elements(self, programme_id: int, *, tasks: bool | None = None) -> list[DataElement]: ...


async def catalogue_listing(catalogue: CatalogueShelf) -> list[dict[str, Any]]:
    """Every programme with its active indicators (and targets) and tasks, in catalogue order."""
    listing = []
    for programme in await catalogue.programmes():
        indicators = await catalogue.indicators(programme.id)
        tasks = await catalogue.elements(programme.id, tasks=True)
        listing.append(
            {
                "code": programme.code,
                "title_vi": programme.title_vi,
                "title_en": programme.title_en,
                "horizon_year": programme.horizon_year,
                "indicators": [_indicator(indicator) for indicator in indicators],
                "tasks": [_task(task) for task in tasks],
            }
        )
    return listing


def _indicator(indicator: Indicator) -> dict[str, Any]:
    return {
        "code": indicator.code,
        "name_vi": indicator.name_vi,
        "name_en": indicator.name_en,
        "unit": indicator.unit,
        "area": indicator.area,
        "target": indicator.target.model_dump(mode="json") if indicator.target else None,
        "target_text_vi": indicator.target_text_vi,
        "aggregation": indicator.aggregation.value,
    }


def _task(task: DataElement) -> dict[str, Any]:
    return {
        "code": task.code,
        "name_vi": task.name_vi,
        "name_en": task.name_en,
        "type": task.type.value,
        "due_on": task.due_on.isoformat() if task.due_on else None,
        "lead": task.lead_agency,
    }
