"""Aggregation rules on hand-made values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.aggregation import Aggregate, RolledUp, aggregate, columns, roll_up
from bot.domain.models import Aggregation, Answer, ElementType, Indicator, Value, ValueStatus

T0 = datetime(2025, 12, 1, tzinfo=UTC)
TYPES = {
    "ok": ElementType.COUNT,
    "total": ElementType.COUNT,
    "share": ElementType.PERCENT,
    "pop": ElementType.COUNT,
}


def value(
    agency: str,
    element: str,
    number: float | None,
    minutes: int = 0,
    answer: Answer = Answer.VALUE,
    status: ValueStatus = ValueStatus.PRELIMINARY,
) -> Value:
    return Value(
        period_id=1,
        agency_code=agency,
        element_code=element,
        number=number,
        answer=answer,
        status=status,
        updated_at=T0 + timedelta(minutes=minutes),
    )


def indicator(aggregation: Aggregation, **formula: object) -> Indicator:
    return Indicator(
        id=1,
        programme_id=1,
        code="X",
        area="economy",
        name_vi="x",
        name_en="x",
        unit="%",
        target=None,
        aggregation=aggregation,
        **formula,
    )  # type: ignore[arg-type]


def total(indicator: Indicator, rolled: RolledUp, expected: dict[str, list[str]]) -> Aggregate:
    """The indicator's aggregate from complete rolled-up answers, as pure code sees it."""
    return aggregate(indicator, columns(rolled, expected), rolled)


RATIO = indicator(Aggregation.RATIO, numerator="ok", denominator="total", factor=100)
EXPECTED = {"ok": ["A", "B"], "total": ["A", "B"]}


def test_ratio_of_sums_is_not_the_average_of_ratios() -> None:
    # A: 9 of 10 communes (90 %); B: 10 of 40 (25 %). Average of ratios = 57.5 %; truth = 38 %.
    rolled = roll_up(
        [
            value("A", "ok", 9),
            value("A", "total", 10),
            value("B", "ok", 10),
            value("B", "total", 40),
        ],
        {},
        TYPES,
    )
    result = total(RATIO, rolled, EXPECTED)
    assert result.value == 38.0
    assert result.covered == ("A", "B") and result.missing == ()


def test_missing_agency_is_flagged_never_zero() -> None:
    rolled = roll_up([value("A", "ok", 9), value("A", "total", 10), value("B", "ok", 10)], {}, TYPES)
    result = total(RATIO, rolled, EXPECTED)
    assert result.value == 90.0  # B gave no total: it is left out, not counted as 0
    assert result.covered == ("A",) and result.missing == ("B",) and result.partial


def test_skipped_is_missing_and_not_applicable_is_not_expected() -> None:
    rolled = roll_up(
        [
            value("A", "ok", 9),
            value("A", "total", 10),
            value("B", "ok", None, answer=Answer.NOT_APPLICABLE),
            value("B", "total", None, answer=Answer.NOT_APPLICABLE),
        ],
        {},
        TYPES,
    )
    assert total(RATIO, rolled, EXPECTED).missing == ()
    rolled = roll_up(
        [
            value("A", "ok", 9),
            value("A", "total", 10),
            value("B", "ok", None, answer=Answer.SKIPPED),
        ],
        {},
        TYPES,
    )
    assert total(RATIO, rolled, EXPECTED).missing == ("B",)


def test_merged_agency_counts_once_under_its_successor() -> None:
    values = [
        value("A", "ok", 9),
        value("A", "total", 10),
        value("B", "ok", 10),
        value("B", "total", 40),
    ]
    rolled = roll_up(values, {"B": "A"}, TYPES)
    result = total(RATIO, rolled, {"ok": ["A"], "total": ["A"]})
    assert rolled.get("A", "ok") == 19 and rolled.get("A", "total") == 50
    assert result.value == 38.0 and result.covered == ("A",)


def test_merged_share_keeps_the_successors_own_answer() -> None:
    rolled = roll_up([value("B", "share", 70, minutes=5), value("A", "share", 60)], {"B": "A"}, TYPES)
    assert rolled.get("A", "share") == 60


def test_weighted_mean_single_min_max_latest_sum() -> None:
    values = [
        value("A", "share", 10, 1),
        value("A", "pop", 100),
        value("B", "share", 40, 2),
        value("B", "pop", 300),
    ]
    rolled = roll_up(values, {}, TYPES)
    expected = {"share": ["A", "B"], "pop": ["A", "B"]}
    mean = indicator(Aggregation.WEIGHTED_MEAN, element="share", weight="pop")
    assert total(mean, rolled, expected).value == 32.5
    single = indicator(Aggregation.SINGLE, element="share", lead_agency="B")
    assert total(single, rolled, expected).value == 40
    assert total(indicator(Aggregation.MIN, element="share"), rolled, expected).value == 10
    assert total(indicator(Aggregation.MAX, element="share"), rolled, expected).value == 40
    assert total(indicator(Aggregation.LATEST, element="share"), rolled, expected).value == 40
    assert total(indicator(Aggregation.SUM, element="pop"), rolled, expected).value == 400


def test_single_source_missing_names_the_lead() -> None:
    single = indicator(Aggregation.SINGLE, element="share", lead_agency="B")
    result = total(single, roll_up([], {}, TYPES), {"share": ["B"]})
    assert result.value is None and result.missing == ("B",)


def test_ratio_with_numerator_and_denominator_from_different_agencies() -> None:
    beds = indicator(Aggregation.RATIO, numerator="ok", denominator="pop", factor=10000)
    expected = {"ok": ["SYT"], "pop": ["CTK"]}
    rolled = roll_up([value("SYT", "ok", 7000), value("CTK", "pop", 1_960_000)], {}, TYPES)
    result = total(beds, rolled, expected)
    assert result.value is not None and round(result.value, 2) == 35.71
    assert result.covered == ("CTK", "SYT") and result.missing == ()
    only_beds = total(beds, roll_up([value("SYT", "ok", 7000)], {}, TYPES), expected)
    assert only_beds.value is None and only_beds.missing == ("CTK",) and only_beds.covered == ("SYT",)


def test_value_status_is_the_least_final_of_the_figures_in_the_value() -> None:
    official = ValueStatus.OFFICIAL
    values = [value("A", "ok", 9, status=official), value("A", "total", 10, status=official)]
    # B's estimate of its numerator is left out of the ratio (B gave no denominator), so it does not count.
    rolled = roll_up([*values, value("B", "ok", 3, status=ValueStatus.ESTIMATE)], {}, TYPES)
    assert total(RATIO, rolled, EXPECTED).status == "official"
    rolled = roll_up([*values, value("B", "ok", 3), value("B", "total", 5, status=ValueStatus.ESTIMATE)], {}, TYPES)
    assert total(RATIO, rolled, EXPECTED).status == "estimate"
    assert total(indicator(Aggregation.SUM, element="ok"), rolled, EXPECTED).status == "preliminary"
