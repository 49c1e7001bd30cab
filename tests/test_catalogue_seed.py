"""The Hải Dương catalogue against the document it was written from (the seed text, read here as is).

Every number of section II.2 (the programme's 2030 targets) is found in the seed by a pattern, not listed
by hand, and must be the target of a catalogue indicator that quotes it, with the unit the text gives and
the comparator and direction its words say ("trên" above, "dưới" below, "khoảng" about, "giảm" down). A
figure the catalogue lacks, or one it changed, fails here. Every item of the catalogue quotes the
document verbatim, within the section it names; a date comes from the text; and the reporting rule is
the one section IV.1.3 states.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from bot import services
from bot.domain.catalogue import CatalogueSpec, IndicatorSpec, TargetSpec, TaskSpec, read_catalogue_file
from bot.domain.models import Comparator, Direction

SEEDS = Path(__file__).parent / "seeds"  # copies of the source documents (see its README)
SEED = SEEDS / "003_8184ebce04ffb420.txt"
CATALOGUE = "hai_duong_nq30.yaml"

ROMAN = ("I", "II", "III", "IV")
# A figure as the document writes it: 9, 58,4, 200 (a comma is the decimal mark). Not part of a longer
# number, and not a roman numeral's neighbour.
FIGURE = re.compile(r"(?<![\d,])\d+(?:,\d+)?(?![\d,])")
YEAR = re.compile(r"^(19|20)\d\d$")


def flat(text: str) -> str:
    """Whitespace as one space: the seed breaks lines (and pages) inside sentences."""
    return re.sub(r"\s+", " ", text).strip()


def sections(text: str) -> dict[str, str]:
    """The seed's numbered sections by reference ("II", "II.2", "IV.1.3"), each with its whole text."""
    found: dict[str, list[str]] = {}
    top = sub = ""
    for line in text.splitlines():
        heading = re.match(r"^(I|II|III|IV)\. [A-ZĐ]", line)
        numbered = re.match(r"^(\d+)\. ", line)
        nested = re.match(r"^(\d+\.\d+)\. ", line)
        if heading:
            top, sub = heading.group(1), ""
        elif nested and top:
            sub = f"{top}.{nested.group(1)}"
        elif numbered and top:
            sub = f"{top}.{numbered.group(1)}"
        for key in {top, sub, sub.rsplit(".", 1)[0] if sub.count(".") == 2 else ""} - {""}:
            found.setdefault(key, []).append(line)
    return {key: flat("\n".join(lines)) for key, lines in found.items()}


@dataclass(frozen=True)
class Figure:
    """One number of the text: where it is, its value, and the words just before and after it."""

    start: int
    text: str
    before: str
    after: str

    @property
    def value(self) -> float:
        return float(self.text.replace(",", "."))

    @property
    def is_year(self) -> bool:
        return bool(YEAR.match(self.text)) and (self.before.endswith(("năm ", "-")) or self.after.startswith("-"))


def figures(text: str) -> list[Figure]:
    return [
        Figure(m.start(), m.group(), text[max(0, m.start() - 20) : m.start()], text[m.end() : m.end() + 25])
        for m in FIGURE.finditer(text)
    ]


@pytest.fixture(scope="module")
def seed() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def spec() -> CatalogueSpec:
    return read_catalogue_file(services.shipped_catalogue_dir() / CATALOGUE).spec


@pytest.fixture(scope="module")
def targets(seed: str) -> str:
    """Section II.2, the programme's numeric 2030 targets (without the "2." of its heading)."""
    return sections(seed)["II.2"].removeprefix("2. ")


def quoted_in(text: str, indicators: tuple[IndicatorSpec, ...]) -> list[tuple[IndicatorSpec, int, int]]:
    """Each indicator whose quote lies in `text`, with where (a quote may serve two indicators)."""
    spans = []
    for indicator in indicators:
        at = text.find(flat(indicator.quote)) if indicator.quote else -1
        if at >= 0:
            spans.append((indicator, at, at + len(flat(indicator.quote))))
    return spans


def unit_fits(figure: Figure, unit: str) -> bool:
    """The unit the text gives after the figure, as the indicator's unit says it."""
    after = figure.after
    if after.startswith("%/năm"):
        return unit == "%/năm"
    if after.startswith("% GRDP"):
        return unit == "% GRDP"
    if after.startswith("%"):
        return unit.startswith("%")
    word = after.split()[0]
    return word in unit  # "200 triệu đồng/..." -> "triệu đồng/người/năm"; "40,5 giường bệnh" -> "giường/vạn dân"


def sense_fits(figure: Figure, indicator: IndicatorSpec) -> bool:
    """The target's value, comparator and direction are what the words around the figure say."""
    target = indicator.target
    assert target is not None
    before = figure.before.rstrip()
    down = re.search(r"\bgiảm( khoảng)?$", before) is not None
    if down:  # a fall: either a change that must be negative enough, or a reduction that must be large enough
        approx = before.endswith("khoảng")
        if target.value < 0:  # "giảm 9%" as a change of -9 %: lower is better
            fits = target.value == -figure.value and indicator.direction is Direction.LOWER
            expected = (Comparator.APPROX,) if approx else (Comparator.LE, Comparator.LT)
        else:  # "giảm khoảng 1,5%/năm" as a reduction of 1,5: its name says so, and more is better
            fits = target.value == figure.value and "giảm" in indicator.name_vi.lower()
            fits = fits and indicator.direction is Direction.HIGHER
            expected = (Comparator.APPROX,) if approx else (Comparator.GE, Comparator.GT)
        return fits and target.comparator in expected
    if target.value != figure.value:
        return False
    if before.endswith("trên"):
        return target.comparator is Comparator.GT and indicator.direction is Direction.HIGHER
    if before.endswith("dưới"):
        return target.comparator is Comparator.LT and indicator.direction is Direction.LOWER
    if before.endswith("khoảng"):
        return target.comparator is Comparator.APPROX
    # "đạt 48%", "chiếm 31,2%", "Tiểu học 100%", "50% số xã": that much (or more), and more is better
    return target.comparator in (Comparator.EQ, Comparator.GE) and indicator.direction is Direction.HIGHER


def test_every_figure_of_section_ii_2_is_a_target_of_the_catalogue(targets: str, spec: CatalogueSpec) -> None:
    found = figures(targets)
    assert len(found) == 34  # the section was found and read: 29 targets and 5 years
    spans = quoted_in(targets, spec.indicators)
    unmatched = []
    for figure in found:
        covering = [indicator for indicator, start, end in spans if start <= figure.start < end]
        if figure.is_year:  # "đến năm 2030", "giai đoạn 2021-2030": the year of the targets, or a period
            years = {indicator.target.year for indicator in covering if indicator.target} or {
                spec.programme.horizon_year
            }
            in_range = figure.after.startswith("-") and any(f"{figure.text}-" in i.name_vi for i in covering)
            if figure.value not in years and not in_range:
                unmatched.append(f"year {figure.text} (…{figure.before}|{figure.after}…)")
            continue
        if not any(sense_fits(figure, i) and unit_fits(figure, i.unit) for i in covering if i.target):
            names = [indicator.code for indicator in covering] or "no indicator quotes it"
            unmatched.append(f"{figure.text} (…{figure.before}|{figure.after}…): {names}")
    assert unmatched == []


def test_every_target_quoted_from_section_ii_2_is_a_figure_of_its_quote(targets: str, spec: CatalogueSpec) -> None:
    from_targets = [indicator for indicator in spec.indicators if indicator.section == "II.2"]
    assert len(from_targets) == 29  # the figures of II.2 that are targets; III.4 and III.5 give the rest
    for indicator in from_targets:
        assert indicator.target is not None and indicator.target.year == 2030, indicator.code
        quote = flat(indicator.quote)
        assert quote in targets, indicator.code
        values = {figure.value for figure in figures(quote) if not figure.is_year}
        assert abs(indicator.target.value) in values, indicator.code


def test_a_changed_or_missing_figure_is_caught(targets: str, spec: CatalogueSpec) -> None:
    """The check above can fail: one target changed, and one indicator dropped."""
    beds = TargetSpec(comparator=Comparator.GE, value=40, year=2030)  # the document says 40,5
    changed = [i.model_copy(update={"target": beds}) if i.code == "HOSPITAL_BEDS" else i for i in spec.indicators]
    dropped = tuple(i for i in spec.indicators if i.code != "DIGITAL_ECONOMY")
    for indicators in (tuple(changed), dropped):
        spans = quoted_in(targets, indicators)
        lost = [
            figure.text
            for figure in figures(targets)
            if not figure.is_year
            and not any(
                sense_fits(figure, i) and unit_fits(figure, i.unit)
                for i, start, end in spans
                if start <= figure.start < end
            )
        ]
        assert lost in (["40,5"], ["35"])


def test_every_item_quotes_the_document_within_the_section_it_names(seed: str, spec: CatalogueSpec) -> None:
    parts = sections(seed)
    items: list[IndicatorSpec | TaskSpec] = [*spec.indicators, *spec.tasks]
    assert len(items) == 59  # 37 indicators, 22 tasks and milestones
    for item in items:
        assert item.quote and item.section, f"{item.code}: a quote and its section"
        named = [reference.strip() for reference in item.section.split(",")]
        assert all(reference in parts for reference in named), f"{item.code}: no section {item.section}"
        assert any(flat(item.quote) in parts[reference] for reference in named), f"{item.code}: not quoted"


def test_the_six_added_commitments_are_there(spec: CatalogueSpec) -> None:
    indicators = {indicator.code: indicator for indicator in spec.indicators}
    rank = indicators["ECONOMIC_SIZE_RANK"]
    assert (rank.section, rank.direction, rank.element) == ("II.1", Direction.LOWER, "grdp_rank")
    assert rank.target is not None and (rank.target.comparator, rank.target.value) == (Comparator.LE, 10)
    tasks = {task.code: task for task in spec.tasks}
    assert tasks["class_5_recognised_before_2025"].due_on == date(2024, 12, 31)
    towns = [code for code in tasks if code.startswith("new_class_5_")]
    assert len(towns) == 6 and all(tasks[code].type.value == "milestone" for code in towns)
    assert {tasks[code].reporters[0] for code in towns} == {
        "H-CAMGIANG",
        "H-KIMTHANH",
        "H-NAMSACH",
        "H-THANHMIEN",
        "H-GIALOC",
    }
    for code in ("regional_expressways", "railway_yen_vien_cai_lan", "railway_ha_noi_hai_phong"):
        assert tasks[code].due_on == date(2030, 12, 31)
    assert tasks["asean_benchmark_urban_centres"].due_on is None  # the document gives it no date
    assert "4 nước dẫn đầu ASEAN" in tasks["asean_benchmark_urban_centres"].quote


def test_every_due_date_comes_from_the_text(seed: str, spec: CatalogueSpec) -> None:
    parts = sections(seed)
    for task in spec.tasks:
        if task.due_on is None:
            continue
        due, quote = task.due_on, flat(task.quote)
        texts = [parts[reference.strip()] for reference in task.section.split(",")]
        stated = f"{due.day}/{due.month}/{due.year}" in quote or (
            (due.month, due.day) == (12, 31)
            and (f"trước năm {due.year + 1}" in quote or any(f"năm {due.year}" in text for text in texts))
        )
        assert stated, f"{task.code}: {due} is not in its quote or section"


def test_the_reporting_rule_is_the_one_section_iv_1_3_states(seed: str, spec: CatalogueSpec) -> None:
    rule = sections(seed)["IV.1.3"]
    reporting = spec.programme.reporting
    assert reporting.deadline == "12-05" and "trước ngày 05 tháng 12 hằng năm" in rule
    assert reporting.report_to == "SKHDT" and "gửi Sở Kế hoạch và Đầu tư" in rule
    assert spec.programme.issued_on == date(2023, 2, 28) and "ngày 28 tháng 02 năm 2023" in flat(seed)


# The task catalogues and the documents they come from (news reports and web pages: no numbered sections).
TASK_CATALOGUES = {
    "hai_duong_congress_17.yaml": "004_59e30320a28e55c0.txt",
    "hai_duong_vision_2050.yaml": "000_772ba1c5ca5f4176.txt",
    "hai_phong_2020.yaml": "001_6af29dd51060b392.txt",
    "ha_nam_plan_2030.yaml": "002_ce95f9a31db25a79.txt",
}


@pytest.mark.parametrize(("name", "source"), TASK_CATALOGUES.items())
def test_every_task_of_a_task_catalogue_quotes_its_document(name: str, source: str) -> None:
    spec = read_catalogue_file(services.shipped_catalogue_dir() / name).spec
    text = flat((SEEDS / source).read_text(encoding="utf-8"))
    assert spec.tasks and not spec.indicators  # the documents give no numeric target
    for task in spec.tasks:
        assert task.quote and flat(task.quote) in text, task.code
        if task.due_on is None:
            continue
        before = re.search(r"trước năm (\d{4})", task.quote)
        if before:  # "trước năm 2025": by the end of 2024
            assert task.due_on == date(int(before.group(1)) - 1, 12, 31), task.code
        else:
            assert str(task.due_on.year) in text, f"{task.code}: {task.due_on.year} is not in the document"


@pytest.mark.parametrize("name", TASK_CATALOGUES)
def test_a_document_that_states_no_reporting_rule_gets_none(name: str) -> None:
    programme = read_catalogue_file(services.shipped_catalogue_dir() / name).spec.programme
    assert (programme.reporting.deadline, programme.reporting.report_to) == (None, None)


def test_the_vision_page_gives_no_date_of_its_own() -> None:
    programme = read_catalogue_file(services.shipped_catalogue_dir() / "hai_duong_vision_2050.yaml").spec.programme
    page = (SEEDS / "000_772ba1c5ca5f4176.txt").read_text(encoding="utf-8")
    header = page.split("Hải Dương phấn đấu", 1)[0]
    assert "23/4/2023" in header and "23/4/2023" not in page.removeprefix(header)  # only the portal's header
    assert programme.issued_on is None and "23/4/2023" not in programme.document
