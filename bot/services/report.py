"""What a focal point's report needs from storage, gathered in one place for the handlers."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.models import Agency, DataElement, Indicator, Period, PeriodState, Submission, Value
from bot.domain.periods import previous_period_code
from storage import Storage


@dataclass(frozen=True)
class ReportSheet:
    """One agency's report for one period: what it owes, what it said, and what it said last time."""

    period: Period
    agency: Agency
    elements: list[DataElement]
    values: dict[str, Value]
    previous_code: str | None
    previous: dict[str, Value]
    indicators: list[Indicator]
    submission: Submission | None

    def element(self, code: str | None) -> DataElement | None:
        return next((element for element in self.elements if element.code == code), None)

    def index(self, code: str | None) -> int:
        return next((i for i, element in enumerate(self.elements) if element.code == code), -1)

    @property
    def answered(self) -> set[str]:
        return set(self.values)


async def load_sheet(storage: Storage, period: Period, agency_code: str) -> ReportSheet | None:
    agency = await storage.agencies.get(agency_code)
    if agency is None:
        return None
    elements = await storage.catalogue.assigned_elements(period.programme_id, agency_code)
    values = await storage.values.for_agency(period.id, agency_code)
    previous_code = previous_period_code(period.code)
    previous: dict[str, Value] = {}
    if previous_code:
        earlier = await storage.periods.get(period.programme_id, previous_code)
        if earlier:
            previous = await storage.values.for_agency(earlier.id, agency_code)
        else:
            previous_code = None
    return ReportSheet(
        period=period,
        agency=agency,
        elements=elements,
        values=values,
        previous_code=previous_code,
        previous=previous,
        indicators=await storage.catalogue.indicators(period.programme_id),
        submission=await storage.values.submission(period.id, agency_code),
    )


async def reportable(
    storage: Storage, agency_codes: list[str]
) -> tuple[list[tuple[Period, Agency]], list[tuple[Period, Agency]]]:
    """(period, agency) pairs the user can report in, and those that are locked."""
    open_pairs: list[tuple[Period, Agency]] = []
    locked_pairs: list[tuple[Period, Agency]] = []
    periods = await storage.periods.all()
    for code in agency_codes:
        agency = await storage.agencies.get(code)
        if agency is None:
            continue
        for period in periods:
            if not await storage.catalogue.assigned_elements(period.programme_id, code):
                continue
            target = locked_pairs if period.state is PeriodState.LOCKED else open_pairs
            target.append((period, agency))
    return open_pairs, locked_pairs
