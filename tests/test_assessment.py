"""Targets judged as the document means them: nothing said where nothing is known (a first period with
neither a path nor a history), period averages ("bình quân") judged on the average since the base year,
"about" targets passed in the good direction, tasks whose status and percentage agree."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.models import (
    Aggregation,
    Comparator,
    Direction,
    Indicator,
    Judged,
    Period,
    PeriodKind,
    PeriodState,
    Target,
    TargetKind,
)
from bot.domain.progress import Status, assess, judge, period_average
from bot.domain.reporting import Draft, TaskProgress, prepare, task_progress_problem
from bot.domain.validation import Rejected


def indicator(
    comparator: str,
    value: float,
    *,
    kind: TargetKind = TargetKind.LEVEL,
    direction: Direction = Direction.HIGHER,
    judged: Judged = Judged.YEAR,
    since: int | None = None,
) -> Indicator:
    return Indicator(
        id=1,
        programme_id=1,
        code="X",
        area="economy",
        name_vi="x",
        name_en="x",
        unit="%/năm",
        target=Target(comparator=Comparator(comparator), value=value, year=2030),
        kind=kind,
        direction=direction,
        judged=judged,
        since=since,
        aggregation=Aggregation.SINGLE,
        element="x",
        lead_agency="A",
    )


def year(number: int) -> Period:
    return Period(
        id=number,
        programme_id=1,
        programme_code="HD-NQ30",
        code=str(number),
        kind=PeriodKind.ANNUAL,
        starts_on=date(number, 1, 1),
        ends_on=date(number, 12, 31),
        deadline=date(number, 12, 4),
        state=PeriodState.OPEN,
    )


# ----------------------------------------------------------------- cannot be assessed yet


def test_a_first_period_without_path_or_history_cannot_be_assessed() -> None:
    communes = indicator("=", 100)  # "100 % of communes": no baseline in the document
    first = assess(communes, 60, 2025)
    assert first.status is Status.NOT_ASSESSABLE
    assert first.progress == 60  # what is known is still shown
    # With a previous value there is something to judge by again.
    assert assess(communes, 60, 2025, previous=55).status is Status.ON_TRACK
    assert assess(communes, 60, 2025, previous=65).status is Status.AT_RISK
    # A path from a baseline is enough on its own.
    assert assess(communes, 60, 2025, baseline=(2020, 50)).status is not Status.NOT_ASSESSABLE
    # Nothing reported is "no data", not "cannot be assessed".
    assert assess(communes, None, 2025).status is Status.NO_DATA
    assert Status("not_assessable") is Status.NOT_ASSESSABLE


# ----------------------------------------------------------------- about, in the good direction


@pytest.mark.parametrize(("reduction", "status"), [(1.5, Status.ACHIEVED), (2, Status.ACHIEVED), (3, Status.ACHIEVED)])
def test_poverty_reduced_faster_than_about_1_5_is_not_at_risk(reduction: float, status: Status) -> None:
    poverty = indicator("~", 1.5, kind=TargetKind.RATE)  # "giảm khoảng 1,5%/năm": the reduction, higher is better
    assert assess(poverty, reduction, 2025).status is status


def test_about_short_of_the_target_is_still_at_risk_or_off_track() -> None:
    poverty = indicator("~", 1.5, kind=TargetKind.RATE)
    assert assess(poverty, 1.43, 2025).status is Status.ACHIEVED  # within 5 %: about 1,5
    assert assess(poverty, 1.4, 2025).status is Status.AT_RISK
    assert assess(poverty, 1.0, 2025).status is Status.OFF_TRACK


def test_about_a_lower_share_is_met_below_it() -> None:
    agriculture = indicator("~", 4.8, direction=Direction.LOWER)  # "chiếm khoảng 4,8%", shrinking
    assert assess(agriculture, 4.0, 2030).status is Status.ACHIEVED
    assert assess(agriculture, 6.0, 2030, previous=6.5).status is Status.ON_TRACK


def test_an_exact_share_is_not_met_by_overshooting() -> None:
    services = indicator("=", 31.2)
    assert assess(services, 35, 2030, previous=30).status is not Status.ACHIEVED


# ----------------------------------------------------------------- period averages


GROWTH = indicator(">", 9, kind=TargetKind.RATE, judged=Judged.AVERAGE, since=2021)


def test_one_strong_year_does_not_make_an_average_target() -> None:
    earlier = {2021: 7.0, 2022: 8.0, 2023: 8.2, 2024: 8.5}
    assessment = judge(GROWTH, year(2025), 9.8, 8.5, None, earlier)
    assert assessment.status is Status.AT_RISK  # judged on one year, 9,8 % would be "achieved"
    assert assess(GROWTH, 9.8, 2025).status is Status.ACHIEVED
    average = assessment.average
    assert average is not None
    assert (average.since, average.until, average.years, average.missing) == (
        2021,
        2025,
        (2021, 2022, 2023, 2024, 2025),
        (),
    )
    chained = (1.07 * 1.08 * 1.082 * 1.085 * 1.098) ** (1 / 5) - 1
    assert average.value == pytest.approx(chained * 100)
    assert 8.29 < average.value < 8.30


def test_a_sustained_average_is_on_track_until_the_target_year() -> None:
    earlier = {2021: 9.5, 2022: 9.2, 2023: 9.4, 2024: 9.1}
    assert judge(GROWTH, year(2025), 9.3, 9.1, None, earlier).status is Status.ON_TRACK
    tenth = {y: 9.5 for y in range(2021, 2030)}
    assert judge(GROWTH, year(2030), 9.5, 9.5, None, tenth).status is Status.ACHIEVED
    far_behind = {2021: 5.0, 2022: 6.0}
    assert judge(GROWTH, year(2023), 6.5, 6.0, None, far_behind).status is Status.OFF_TRACK


def test_missing_years_are_named_never_filled_in() -> None:
    assessment = judge(GROWTH, year(2025), 9.8, None, None, {2023: 8.0})
    average = assessment.average
    assert average is not None
    assert average.years == (2023, 2025) and average.missing == (2021, 2022, 2024)
    assert average.value == pytest.approx(((1.08 * 1.098) ** 0.5 - 1) * 100)
    nothing = judge(GROWTH, year(2025), None, None, None, {})
    assert nothing.status is Status.NO_DATA and nothing.average is not None and nothing.average.missing[-1] == 2025


def test_growth_rates_average_geometrically_shares_arithmetically() -> None:
    swing = {2021: 20.0, 2022: -20.0}
    assert period_average(swing, 2021, 2022, geometric=True).value == pytest.approx(((1.2 * 0.8) ** 0.5 - 1) * 100)
    assert period_average(swing, 2021, 2022, geometric=False).value == pytest.approx(0.0)
    tfp = indicator(">=", 50, judged=Judged.AVERAGE, since=2021)  # a share of growth: level, arithmetic
    assessment = judge(tfp, year(2023), 60, 45, None, {2021: 40.0, 2022: 45.0})
    assert assessment.average is not None and assessment.average.value == pytest.approx(145 / 3)
    assert assessment.status is Status.AT_RISK


def test_a_year_before_since_is_judged_on_its_own() -> None:
    assessment = judge(GROWTH, year(2020), 9.8, None, None, {})
    assert assessment.average is None and assessment.status is Status.ACHIEVED


# ----------------------------------------------------------------- tasks


def test_a_task_done_at_60_percent_is_refused() -> None:
    refused = prepare(TaskProgress("done", 60, "xong phần móng"), None, None, None)
    assert refused == Rejected("task_done_below_100")
    assert prepare(TaskProgress("done", 100, None), None, None, None) == Draft(number=100, text="done")
    assert prepare(TaskProgress("in_progress", 60, None), None, None, None) == Draft(number=60, text="in_progress")


@pytest.mark.parametrize(
    ("status", "percent", "problem"),
    [
        ("done", 99.9, "task_done_below_100"),
        ("done", 100, None),
        ("not_started", 0, None),
        ("not_started", 5, "task_not_started_above_0"),
        ("in_progress", 0, None),
        ("in_progress", 100, "task_unfinished_at_100"),
        ("delayed", 40, None),
        ("delayed", 100, "task_unfinished_at_100"),
        ("done", None, None),
    ],
)
def test_a_task_status_and_its_percentage_agree(status: str, percent: float | None, problem: str | None) -> None:
    assert task_progress_problem(status, percent) == problem
