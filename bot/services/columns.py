"""Each period's columns read in bulk, the part of the summary that touches SQL hardest.

One GROUP BY per period gives each element's column (who answered, the totals); the periods are read side
by side on read-only connections. An element answered by an agency not assigned it (merged, retired or
reassigned since) cannot come from totals: it is marked ODD and rolled up from its answers instead, the one
way to know what they count for. `bot.services.summary` builds the summary from these snapshots."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from bot.domain.aggregation import Column, RolledUp, columns, needs, roll_up
from bot.domain.models import Answer, ElementType, Indicator
from storage import Storage
from storage.values import ElementTotals


@dataclass(frozen=True)
class Snapshot:
    """One period's answers as aggregation reads them."""

    columns: dict[str, Column]
    rolled: RolledUp  # the single figures the indicators need, and every figure of the rolled-up elements


ODD = None  # an element whose column cannot come from totals: it is rolled up from its answers


async def read_columns(
    storage: Storage,
    period_ids: list[int],
    reporters: Mapping[str, frozenset[str]],
    *,
    by_period: Mapping[int, Mapping[str, frozenset[str]]] | None = None,
) -> dict[int, dict[str, Column | None]]:
    """Each period's columns, from its GROUP BY, side by side: period number i on read-only connection i,
    its columns built in that connection's thread while the other connection is still reading. ODD marks
    the elements answered by an agency not assigned them. `by_period` gives a period its own reporters."""
    owed = {period_id: (by_period or {}).get(period_id, reporters) for period_id in period_ids}
    waived: defaultdict[int, defaultdict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for period_id, figure in await storage.values.not_numbers(period_ids):
        if figure.answer == Answer.NOT_APPLICABLE:
            waived[period_id][figure.element_code].add(figure.agency_code)
    built = await asyncio.gather(
        *(
            storage.values.element_totals(period_id, _column_builder(owed[period_id], waived[period_id]), reader=index)
            for index, period_id in enumerate(period_ids)
        )
    )
    result = {}
    for period_id, pairs in zip(period_ids, built, strict=True):
        found = dict(pairs)
        for code, expected in owed[period_id].items():
            if code not in found:  # nobody gave a number
                owing = _owing(expected, waived[period_id].get(code))
                found[code] = ODD if owing is None else Column(owing=owing, unanswered=owing, expected=expected)
        result[period_id] = found
    return result


def _column_builder(
    reporters: Mapping[str, frozenset[str]], waived: Mapping[str, set[str]]
) -> Callable[[ElementTotals], tuple[str, Column | None]]:
    def build(row: ElementTotals) -> tuple[str, Column | None]:
        expected = reporters.get(row.element_code, frozenset())
        owing = _owing(expected, waived.get(row.element_code))
        # Assignments name active agencies only (a merger moves them, a retirement drops them, a catalogue
        # naming any other is refused), so an answer from outside them is a merged, retired or reassigned
        # agency's, and only rolling up its answers can say what it counts for.
        if owing is None or not row.answered <= owing:
            return row.element_code, ODD
        column = Column(
            owing=owing,
            answered=row.answered,
            unanswered=owing - row.answered,
            total=row.total,
            lowest=row.lowest,
            highest=row.highest,
            statuses=row.statuses,
            expected=expected,
        )
        return row.element_code, column

    return build


def _owing(expected: frozenset[str], waived: set[str] | None) -> frozenset[str] | None:  # None: ODD
    """The agencies assigned an element less those that answered "not applicable"; ODD when one that
    answered so was not assigned it."""
    if not waived:
        return expected  # no copy of a thousand codes
    return expected - waived if waived <= expected else ODD


async def read_snapshots(
    storage: Storage,
    built: Mapping[int, Mapping[str, Column | None]],
    indicators: list[Indicator],
    reporters: Mapping[str, frozenset[str]],
    successors: Mapping[str, str],
    types: Mapping[str, ElementType],
    *,
    by_period: Mapping[int, Mapping[str, frozenset[str]]] | None = None,
    successors_by: Mapping[int, Mapping[str, str]] | None = None,
) -> dict[int, Snapshot]:
    """Each period's snapshot from its `read_columns`: the elements rolled up from their answers, and the
    single figures the indicators need, read side by side. `by_period` and `successors_by` give a period
    its own reporters and its own mergers (those in effect on its day)."""

    async def read(period_id: int, reader: int) -> Snapshot:
        owed = (by_period or {}).get(period_id, reporters)
        heirs = (successors_by or {}).get(period_id, successors)
        found = {code: column for code, column in built[period_id].items() if column is not ODD}
        odd = [code for code, column in built[period_id].items() if column is ODD]
        figures = await storage.values.figures(period_id, odd, reader=reader) if odd else []
        rolled = roll_up(figures, heirs, types)
        found |= columns(rolled, {code: owed[code] for code in odd})
        wanted = {pair for indicator in indicators for pair in needs(indicator, found) if pair[1] not in odd}
        if wanted:  # none of them has a merged agency's answer: those elements are rolled up above
            figures += await storage.values.figures_of(period_id, wanted, reader=reader)
            rolled = roll_up(figures, heirs, types)
        return Snapshot(found, rolled)

    snapshots = await asyncio.gather(*(read(period_id, index) for index, period_id in enumerate(built)))
    return dict(zip(built, snapshots, strict=True))
