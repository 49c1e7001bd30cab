"""Generated malformed catalogue files: each is refused with `file:line: what`, never a traceback.

Every file starts as a shipped catalogue or agency list and gets one mutation: an impossible date, a value
of the wrong type or one no number can hold, absurd nesting, a key given twice, another encoding, a
control character or an invalid byte, a YAML tag that cannot build its value, a year beyond SQLite's
integers, or a plain accident (a truncated file, a line lost, swapped or re-indented). The mutations that
make a file wrong must be refused; the accidents may happen to leave a valid file, which must then load.
A file goes the whole way `python -m bot catalog load` takes it: read, validated, checked against the
agencies and written to a real database. The Excel template gets the same treatment, with problems
naming a sheet and a row.

Examples are derandomized so that CI sees the same files every run; no example database is written.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bot import services
from bot.domain.catalogue import CatalogueError, Problem, read_catalogue_file
from bot.domain.spec_parsing import MAX_DEPTH, decode_text
from bot.files.catalogue_xlsx import catalogue_to_xlsx
from bot.services.catalogue import load_agency_text, load_catalogue, parse_catalogue_bytes
from storage import Storage

PROPERTIES = settings(
    max_examples=300,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SHIPPED = services.shipped_catalogue_dir()
CATALOGUES = list(services.SHIPPED_CATALOGUES)
AGENCY_LISTS = sorted(path.name for path in SHIPPED.glob("agencies_*.yaml"))
TEXTS = {name: (SHIPPED / name).read_text(encoding="utf-8") for name in CATALOGUES + AGENCY_LISTS}
KEY_LINE = re.compile(r"^(\s*)(- )?([a-z_]+|[0-9]{4}):( .*)?$")
DATE_LINE = re.compile(r"^(\s*(- )?[a-z_]+: )\d{4}-\d{2}-\d{2}\s*$")
YEAR_LINE = re.compile(r"^(\s*(- )?(year|horizon_year|baseline_year): )\d{4}\s*$")

IMPOSSIBLE_DATES = ["2020-02-30", "2021-02-29", "2021-13-01", "2021-00-10", "2021-04-31", "0000-01-01", "2021-1-32"]
UNBUILDABLE = [
    "!!int abc",
    "!!float x",
    "!!timestamp soon",
    "!!bool maybe",
    "!!binary '###'",
    "!!set [a]",
    "0b_",
    "0x_",
]
UNBUILDABLE += ["!!python/object:os.system x", "1" * 5000, "*nowhere", "!!map [a]"]
NOT_A_NUMBER = [".inf", "-.inf", ".nan", "1.0e+400", "-1.0e+400"]
WRONG_TYPE = ["[1, 2]", "{a: 1}", "yes", "'text'", "2020-01-01", "-5", "12.5", "''", "'@nobody'", "[]", "{}"]
CONTROL = [chr(code) for code in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)]
BAD_BYTES = [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x80\x80", b"\xf8\x88\x80\x80\x80"]


@dataclass(frozen=True, repr=False)
class Mutated:
    name: str
    content: bytes
    how: str
    must_refuse: bool

    def __repr__(self) -> str:  # what hypothesis prints for a failing example: not megabytes of file
        return f"Mutated({self.name!r}, {len(self.content)} bytes, {self.how!r}, must_refuse={self.must_refuse})"


def _key_lines(lines: list[str]) -> list[int]:
    return [index for index, line in enumerate(lines) if KEY_LINE.match(line)]


@st.composite
def mutated_yaml(draw: st.DrawFn) -> Mutated:
    """A shipped YAML file with one mutation, saying whether the mutation must make it refused."""
    name = draw(st.sampled_from(CATALOGUES + AGENCY_LISTS))
    lines = TEXTS[name].split("\n")
    kind = draw(st.sampled_from(sorted(MUTATIONS)))
    how, text, must_refuse = MUTATIONS[kind](draw, lines, name)
    content = text if isinstance(text, bytes) else text.encode("utf-8")
    return Mutated(name, content, f"{kind}: {how}", must_refuse)


Mutation = Callable[[st.DrawFn, list[str], str], tuple[str, str | bytes, bool]]


def _set_value(values: list[str], must_refuse: bool = True) -> Mutation:
    """A key's value replaced; `must_refuse` unless some key could hold it (`[]` is a fine `tasks`)."""

    def mutate(draw: st.DrawFn, lines: list[str], name: str) -> tuple[str, str | bytes, bool]:
        index = draw(st.sampled_from(_key_lines(lines)))
        head = KEY_LINE.match(lines[index])
        assert head is not None
        value = draw(st.sampled_from(values))
        lines[index] = f"{head.group(1)}{head.group(2) or ''}{head.group(3)}: {value}"
        return f"line {index + 1} = {value[:30]}", "\n".join(lines), must_refuse

    return mutate


def _impossible_date(draw: st.DrawFn, lines: list[str], name: str) -> tuple[str, str | bytes, bool]:
    dates = [index for index, line in enumerate(lines) if DATE_LINE.match(line)]
    date = draw(st.sampled_from(IMPOSSIBLE_DATES))
    if dates:
        index = draw(st.sampled_from(dates))
        match = DATE_LINE.match(lines[index])
        assert match is not None
        lines[index] = match.group(1) + date
    else:  # an agency list: give an agency a date it cannot have
        index = next(i for i, line in enumerate(lines) if line.lstrip().startswith("- code:"))
        indent = len(lines[index]) - len(lines[index].lstrip()) + 2
        lines.insert(index + 1, " " * indent + f"valid_from: {date}")
    return f"line {index + 1}: {date}", "\n".join(lines), True


def _nesting(draw: st.DrawFn, lines: list[str], name: str) -> tuple[str, str | bytes, bool]:
    depth = draw(st.sampled_from([33, 100, 600, 5000, 50_000]))
    style = draw(st.sampled_from(["flow list", "flow map", "block"]))
    index = draw(st.sampled_from(_key_lines(lines)))
    head = KEY_LINE.match(lines[index])
    assert head is not None
    prefix = f"{head.group(1)}{head.group(2) or ''}{head.group(3)}:"
    if style == "flow list":
        lines[index] = f"{prefix} {'[' * depth}1{']' * depth}"
    elif style == "flow map":
        lines[index] = f"{prefix} {'{a: ' * depth}1{'}' * depth}"
    else:
        indent = len(head.group(1)) + len(head.group(2) or "")
        nested = [" " * (indent + 2 * level) + "a:" for level in range(1, min(depth, 300))]  # under 2 MB
        lines[index : index + 1] = [prefix, *nested]
    return f"{style} {depth} deep at line {index + 1}", "\n".join(lines), True


def _duplicate_key(draw: st.DrawFn, lines: list[str], name: str) -> tuple[str, str | bytes, bool]:
    index = draw(st.sampled_from(_key_lines(lines)))
    lines.insert(index, lines[index])
    return f"line {index + 1} twice", "\n".join(lines), True


def _encoding(draw: st.DrawFn, lines: list[str], name: str) -> tuple[str, str | bytes, bool]:
    encoding = draw(st.sampled_from(["utf-16", "utf-16-le", "utf-32", "latin-1", "cp1258"]))
    return encoding, "\n".join(lines).encode(encoding, errors="replace"), True


def _character(draw: st.DrawFn, lines: list[str], name: str) -> tuple[str, str | bytes, bool]:
    index = draw(st.integers(0, len(lines) - 1))
    where = draw(st.integers(0, len(lines[index])))
    if draw(st.booleans()):
        char = draw(st.sampled_from(CONTROL))
        lines[index] = lines[index][:where] + char + lines[index][where:]
        return f"U+{ord(char):04X} at line {index + 1}", "\n".join(lines), True
    quoted = [i for i, line in enumerate(lines) if re.search(r': "[^"]*"\s*$', line)]
    index = draw(st.sampled_from(quoted))
    escape = draw(st.sampled_from(["\\ud800", "\\udfff", "\\0", "\\x07", "\\e", "\\x1f"]))
    lines[index] = lines[index].replace(': "', f': "{escape}', 1)
    return f"{escape} in line {index + 1}", "\n".join(lines), True


def _bad_bytes(draw: st.DrawFn, lines: list[str], name: str) -> tuple[str, str | bytes, bool]:
    content = "\n".join(lines).encode("utf-8")
    where = draw(st.integers(0, len(content)))
    bad = draw(st.sampled_from(BAD_BYTES))
    return f"{bad!r} at byte {where}", content[:where] + bad + content[where:], True


def _huge_year(draw: st.DrawFn, lines: list[str], name: str) -> tuple[str, str | bytes, bool]:
    years = [index for index, line in enumerate(lines) if YEAR_LINE.match(line)]
    if not years:  # an agency list has no years: a founding date no calendar holds
        return _impossible_date(draw, lines, name)
    index = draw(st.sampled_from(years))
    match = YEAR_LINE.match(lines[index])
    assert match is not None
    year = draw(st.sampled_from(["10000000000000000000000000000000", "-1", "99999", "0"]))
    lines[index] = match.group(1) + year
    return f"line {index + 1}: {year}", "\n".join(lines), True


def _accident(draw: st.DrawFn, lines: list[str], name: str) -> tuple[str, str | bytes, bool]:
    kind = draw(st.sampled_from(["truncate", "delete", "swap", "indent", "tab", "blank"]))
    index, other = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
    if kind == "truncate":
        content = "\n".join(lines).encode("utf-8")
        return kind, content[: draw(st.integers(0, len(content)))], False
    if kind == "delete":
        del lines[index]
    elif kind == "swap":
        lines[index], lines[other] = lines[other], lines[index]
    elif kind == "indent":
        lines[index] = "  " + lines[index]
    elif kind == "tab":
        lines[index] = "\t" + lines[index]
    else:
        lines[index] = ""
    return f"{kind} line {index + 1}", "\n".join(lines), False


MUTATIONS: dict[str, Mutation] = {
    "impossible date": _impossible_date,
    "unbuildable scalar": _set_value(UNBUILDABLE),
    "not a finite number": _set_value(NOT_A_NUMBER),
    "wrong type": _set_value(WRONG_TYPE, must_refuse=False),
    "nesting": _nesting,
    "duplicate key": _duplicate_key,
    "encoding": _encoding,
    "character": _character,
    "bad bytes": _bad_bytes,
    "huge year": _huge_year,
    "accident": _accident,
}


def assert_located(error: CatalogueError, mutated: Mutated, whole_file: tuple[str, ...] = ()) -> None:
    """Every problem names a line (or, for a workbook, a row) and says what; none but `whole_file` may
    lack one."""
    assert error.problems, mutated.how
    for problem in error.problems:
        assert problem.message, mutated.how
        if whole_file and problem.message.startswith(whole_file):
            continue
        assert isinstance(problem.line, int) and problem.line >= 1, (mutated.how, str(error))
    assert str(error).startswith(f"{mutated.name}:"), str(error)


async def load(storage: Storage, mutated: Mutated) -> CatalogueError | None:
    """What `catalog load` (or loading an agency list) does with the file: None when it loaded."""
    try:
        if mutated.name.startswith("agencies_"):
            await load_agency_text(storage, _text(mutated), mutated.name)
        else:
            await load_catalogue(storage, parse_catalogue_bytes(mutated.content, mutated.name))
    except CatalogueError as error:
        return error
    return None


def _text(mutated: Mutated) -> str:
    return decode_text(mutated.content, mutated.name)


@PROPERTIES
@given(mutated=mutated_yaml())
async def test_every_malformed_yaml_file_is_refused_with_its_line(loaded: Storage, mutated: Mutated) -> None:
    error = await load(loaded, mutated)
    event(f"{mutated.how.split(':')[0]}: {'loaded' if error is None else 'refused'}")
    if error is None:
        assert not mutated.must_refuse, f"{mutated.how}: loaded"
        return
    assert_located(error, mutated)


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("  issued_on: 2020-02-30", 5, "programme.issued_on: '2020-02-30' is not a valid timestamp"),
        ("  baseline_year: 1" + "0" * 30, 5, "programme.baseline_year: Input should be less than or equal to 2100"),
        ("  document: " + "[" * 5000 + "]" * 5000, 5, f"nested deeper than {MAX_DEPTH} levels"),
        ("  document: !!int abc", 5, "programme.document: 'abc' is not a valid int"),
        ("  document: !!binary '###'", 5, "programme.document: '###' is not a valid binary"),  # not an empty text
        ('  document: "\\ud800"', 5, "programme.document: character U+D800 is not allowed"),
        ("  code: X\n  code: Y", 6, "programme.code: key given twice"),
        ("  document: a\x00b", 5, "YAML syntax: character U+0000 is not allowed"),
        ("  baseline_year: .inf", 5, "programme.baseline_year:"),
        ("  baseline_year: 2020\n  reporting: {deadline: 12-05, frequency: .nan}", 6, "programme.reporting"),
    ],
)
def test_the_failures_of_the_issue_have_a_line(text: str, line: int, fragment: str) -> None:
    head = "programme:\n  title_vi: a\n  title_en: b\n  horizon_year: 2030\n"
    content = (head + text + "\n").encode("utf-8")
    with pytest.raises(CatalogueError) as caught:
        parse_catalogue_bytes(content, "bad.yaml")
    assert f"bad.yaml:{line}: " in str(caught.value) and fragment in str(caught.value), str(caught.value)


def test_a_file_that_is_not_utf8_names_the_line_of_its_first_bad_byte() -> None:
    content = "programme:\n  title_vi: Hà Nam\n".encode("cp1258")
    with pytest.raises(CatalogueError) as caught:
        parse_catalogue_bytes(content, "cu.yaml")
    assert str(caught.value) == "cu.yaml:2: not UTF-8 text"
    with pytest.raises(CatalogueError, match=r"u16.yaml:1: not UTF-8 text \(UTF-16: save it as UTF-8\)"):
        parse_catalogue_bytes("programme: {}".encode("utf-16"), "u16.yaml")


# ------------------------------------------------------------------------------------ the Excel template

WORKBOOK_VALUES: list[object] = ["2020-02-30", 10**30, -(10**30), 1e308, float("nan"), float("inf"), True]
WORKBOOK_VALUES += [datetime(2020, 2, 28), time(12, 5), timedelta(days=3), "abc", " ", "=1/0", "x" * 32000, -1]
WORKBOOK_VALUES += ["2030: x", "x: 1", "2030:1:2", "; ;", "99999999999999999999: 1", "2030: 1e400", "@nobody"]
WORKBOOKS = {name: catalogue_to_xlsx(read_catalogue_file(SHIPPED / name).spec) for name in CATALOGUES}
WHOLE_WORKBOOK = ("not an Excel workbook", "sheet missing")


@st.composite
def mutated_workbook(draw: st.DrawFn) -> Mutated:
    """A shipped catalogue as the Excel template, with one mutation."""
    name = draw(st.sampled_from(CATALOGUES))
    workbook = openpyxl.load_workbook(io.BytesIO(WORKBOOKS[name]))
    sheet = workbook[draw(st.sampled_from(workbook.sheetnames))]
    kind = draw(st.sampled_from(["cell", "cell", "cell", "no sheet", "no header", "renamed", "far cell", "bytes"]))
    how, must_refuse = f"{kind} in {sheet.title}", True
    if kind == "cell":
        row, column = draw(st.integers(1, max(2, sheet.max_row))), draw(st.integers(1, sheet.max_column + 1))
        value = draw(st.sampled_from(WORKBOOK_VALUES))
        sheet.cell(row=row, column=column, value=value)  # type: ignore[arg-type]
        how, must_refuse = f"{how} row {row} column {column} = {str(value)[:30]}", False
    elif kind == "no sheet":
        workbook.remove(sheet)
    elif kind == "no header":
        must_refuse = sheet.max_row >= 2  # with items, the first becomes the header: its values are no keys
        sheet.delete_rows(1)
    elif kind == "renamed":
        sheet.title = "Sheet1"
    elif kind == "far cell":
        sheet.cell(row=draw(st.sampled_from([5002, 1_048_576])), column=draw(st.sampled_from([1, 16_384])), value="x")
    buffer = io.BytesIO()
    workbook.save(buffer)
    content = buffer.getvalue()
    if kind == "bytes":
        content, how, must_refuse = _broken_zip(draw, content)
    return Mutated(f"{Path(name).stem}.xlsx", content, how, must_refuse)


def _broken_zip(draw: st.DrawFn, content: bytes) -> tuple[bytes, str, bool]:
    """The workbook cut short, with a byte flipped (which may hit a byte nothing reads), or with a
    sheet's XML cut or made nonsense."""
    kind = draw(st.sampled_from(["cut", "flip", "sheet cut", "sheet nonsense"]))
    if kind == "cut":
        return content[: _position(draw, len(content))], kind, True
    if kind == "flip":
        where = _position(draw, len(content))
        return content[:where] + bytes([content[where] ^ 0xFF]) + content[where + 1 :], f"{kind} {where}", False
    source, result = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    target = draw(st.sampled_from([n for n in source.namelist() if n.startswith("xl/worksheets/sheet")]))
    with zipfile.ZipFile(result, "w") as rebuilt:
        for member in source.namelist():
            data = source.read(member)
            if member == target and kind == "sheet cut":
                data = data[: _position(draw, len(data))]
            elif member == target:
                data = data.replace(b"</sheetData>", b'<row r="3"><c r="A3" t="n"><v>abc</v></c></row></sheetData>')
            rebuilt.writestr(member, data)
    return result.getvalue(), f"{kind} in {target}", True


def _position(draw: st.DrawFn, size: int) -> int:
    """A place in bytes whose length varies from run to run (a workbook records when it was saved):
    drawn independently of it, so that hypothesis replays the same choices."""
    return draw(st.integers(0, 2**24)) % size


@PROPERTIES
@given(mutated=mutated_workbook())
async def test_every_malformed_workbook_is_refused_with_its_sheet_and_row(loaded: Storage, mutated: Mutated) -> None:
    error = await load(loaded, mutated)
    event(f"{mutated.how.split(' ')[0]}: {'loaded' if error is None else 'refused'}")
    if error is None:
        assert not mutated.must_refuse, f"{mutated.how}: loaded"
        return
    assert_located(error, mutated, WHOLE_WORKBOOK)


def test_a_workbook_claiming_a_million_rows_is_refused_at_once() -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(catalogue_to_xlsx(None)))
    workbook["Nhiệm vụ"].cell(row=1_048_576, column=16_384, value="x")  # an 8 KB file; read as padding: minutes
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(CatalogueError) as caught:
        parse_catalogue_bytes(buffer.getvalue(), "lon.xlsx")
    assert caught.value.problems == [Problem(5001, "Nhiệm vụ", "more than 5000 rows")]


def test_a_sheet_whose_xml_breaks_names_the_row_reading_stopped_at() -> None:
    source, result = zipfile.ZipFile(io.BytesIO(WORKBOOKS["ha_nam_plan_2030.yaml"])), io.BytesIO()
    with zipfile.ZipFile(result, "w") as rebuilt:
        for member in source.namelist():
            data = source.read(member)
            if member == "xl/worksheets/sheet1.xml":  # the programme sheet: a header and one row
                data = data.replace(b"</sheetData>", b'<row r="3"><c r="A3" t="n"><v>abc</v></c></row></sheetData>')
            rebuilt.writestr(member, data)
    with pytest.raises(CatalogueError) as caught:
        parse_catalogue_bytes(result.getvalue(), "hong.xlsx")
    assert str(caught.value) == "hong.xlsx:3: Chương trình: the sheet cannot be read from this row on (ValueError)"


def test_milestones_that_are_not_year_value_pairs_name_their_row() -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(WORKBOOKS["hai_duong_nq30.yaml"]))
    workbook["Chỉ tiêu"]["W4"] = "2025: 50; 2030"
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(CatalogueError) as caught:
        parse_catalogue_bytes(buffer.getvalue(), "moc.xlsx")
    assert str(caught.value) == "moc.xlsx:4: Chỉ tiêu!milestones: '2030': write milestones as 2025: 50; 2030: 100"


# ------------------------------------------------------------------------------------ through the CLI


def _workbook_of_a_million_rows() -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(catalogue_to_xlsx(None)))
    workbook["Nhiệm vụ"].cell(row=1_048_576, column=16_384, value="x")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


HEAD = "programme:\n  code: X\n  title_vi: a\n  title_en: b\n  horizon_year: 2030\n"
CLI_FILES: list[tuple[str, bytes, str]] = [
    ("ngay.yaml", (HEAD + "  issued_on: 2020-02-30\n").encode(), "ngay.yaml:6: programme.issued_on: '2020-02-30'"),
    (
        "long.yaml",
        (HEAD + "  document: " + "[" * 5000 + "]" * 5000 + "\n").encode(),
        "long.yaml:6: YAML syntax: nested",
    ),
    (
        "the.yaml",
        (HEAD + "  document: !!int abc\n").encode(),
        "the.yaml:6: programme.document: 'abc' is not a valid int",
    ),
    ("lap.yaml", (HEAD + "  code: Y\n").encode(), "lap.yaml:6: programme.code: key given twice"),
    ("ma.yaml", (HEAD + "  document: Hà Nam\n").encode("cp1258"), "ma.yaml:6: not UTF-8 text"),
    ("lon.xlsx", _workbook_of_a_million_rows(), "lon.xlsx:5001: Nhiệm vụ: more than 5000 rows"),
]


@pytest.mark.parametrize(("name", "content", "message"), CLI_FILES, ids=[name for name, _, _ in CLI_FILES])
def test_catalog_load_refuses_each_with_one_message_and_exit_1(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    (tmp_path / name).write_bytes(content)
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "ADMIN_"))}
    environment |= {"DATABASE_URL": str(tmp_path / "cli.db"), "DEFAULT_LOCALE": "en"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "catalog", "load", name],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 1, result.stderr
    heading, problem = result.stderr.splitlines()  # one problem, and no traceback
    assert heading == "The file was not loaded; nothing changed:"
    assert problem.startswith(message), problem
