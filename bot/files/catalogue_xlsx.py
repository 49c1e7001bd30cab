"""Catalogues as Excel workbooks, for officers who do not edit YAML.

One sheet per section (programme, data elements, indicators, tasks), one row per item, one column per
field; the header row gives each field's key and its Vietnamese label, e.g. `code (mã)`. Reading goes
through the same pydantic validation as YAML, and every problem names the sheet, the row and the column.
Writing then reading a catalogue gives the same catalogue.

Reading never fails with a traceback: a file that is not a workbook, a sheet whose XML breaks while it is
streamed, milestones that are not `year: value` pairs, more than MAX_ROWS rows: each is a CatalogueError
naming the sheet and, where there is one, the row.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill

from bot.domain.catalogue import CatalogueError, CatalogueSpec, Parsed, Problem, parse_catalogue_data

PROGRAMME = (
    "Chương trình",
    [
        ("code", "mã"),
        ("title_vi", "tên tiếng Việt"),
        ("title_en", "tên tiếng Anh"),
        ("document", "văn bản"),
        ("issued_on", "ngày ban hành"),
        ("horizon_year", "năm mục tiêu"),
        ("baseline_year", "năm gốc"),
        ("frequency", "kỳ báo cáo"),
        ("deadline", "hạn (tháng-ngày)"),
        ("report_to", "báo cáo về"),
    ],
)
ELEMENTS = (
    "Mục nhập liệu",
    [
        ("code", "mã"),
        ("name_vi", "tên"),
        ("name_en", "tên tiếng Anh"),
        ("type", "loại"),
        ("unit", "đơn vị"),
        ("min", "nhỏ nhất"),
        ("max", "lớn nhất"),
        ("reporters", "đơn vị báo cáo"),
    ],
)
INDICATORS = (
    "Chỉ tiêu",
    [
        ("code", "mã"),
        ("area", "lĩnh vực"),
        ("name_vi", "tên"),
        ("name_en", "tên tiếng Anh"),
        ("unit", "đơn vị"),
        ("comparator", "so sánh"),
        ("target", "mục tiêu"),
        ("target_year", "năm mục tiêu"),
        ("target_text_vi", "mục tiêu (nguyên văn)"),
        ("target_text_en", "mục tiêu (tiếng Anh)"),
        ("kind", "loại mục tiêu"),
        ("direction", "chiều tốt"),
        ("path", "lộ trình"),
        ("baseline_year", "năm gốc"),
        ("baseline_value", "giá trị gốc"),
        ("aggregation", "cách tổng hợp"),
        ("element", "mục"),
        ("numerator", "tử số"),
        ("denominator", "mẫu số"),
        ("weight", "trọng số"),
        ("factor", "hệ số"),
        ("lead", "đơn vị chủ trì"),
        ("milestones", "mốc theo năm"),
        ("judged", "đánh giá theo"),
        ("since", "bình quân từ năm"),
        ("section", "mục trong văn bản"),
        ("quote", "trích văn bản"),
    ],
)
TASKS = (
    "Nhiệm vụ",
    [
        ("code", "mã"),
        ("name_vi", "tên"),
        ("name_en", "tên tiếng Anh"),
        ("type", "loại"),
        ("due_on", "thời hạn"),
        ("lead", "đơn vị chủ trì"),
        ("reporters", "đơn vị báo cáo"),
        ("section", "mục trong văn bản"),
        ("quote", "trích văn bản"),
    ],
)
SHEETS = (PROGRAMME, ELEMENTS, INDICATORS, TASKS)
LIST_SEPARATOR = ","
MAX_ROWS = 5000  # per sheet; the largest shipped catalogue has 58 elements
# Columns read per row. The widest sheet has 25; a sheet may claim 16,384 columns and a million rows in
# its dimension, which read as padding would take minutes.
MAX_COLUMNS = 64


def catalogue_to_xlsx(spec: CatalogueSpec | None) -> bytes:
    """The workbook for a catalogue, or an empty template when `spec` is None."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in SHEETS}
    if spec is not None:
        rows[PROGRAMME[0]] = [_programme_row(spec)]
        rows[ELEMENTS[0]] = [element.model_dump(mode="json") for element in spec.elements]
        rows[INDICATORS[0]] = [_indicator_row(indicator.model_dump(mode="json")) for indicator in spec.indicators]
        rows[TASKS[0]] = [task.model_dump(mode="json") for task in spec.tasks]
    for name, columns in SHEETS:
        sheet = workbook.create_sheet(name)
        for index, (key, label) in enumerate(columns, start=1):
            cell = sheet.cell(row=1, column=index, value=f"{key} ({label})")
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="D9E1F2")
            sheet.column_dimensions[cell.column_letter].width = 40 if key.startswith(("name", "title")) else 16
        sheet.freeze_panes = "A2"
        for item in rows[name]:
            sheet.append([_cell(item.get(key)) for key, _ in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _programme_row(spec: CatalogueSpec) -> dict[str, Any]:
    programme = spec.programme.model_dump(mode="json")
    reporting = programme.pop("reporting")
    return programme | reporting


def _indicator_row(indicator: dict[str, Any]) -> dict[str, Any]:
    target = indicator.pop("target") or {}
    baseline = indicator.pop("baseline") or {}
    milestones = indicator.pop("milestones") or {}
    return indicator | {
        "comparator": target.get("comparator"),
        "target": target.get("value"),
        "target_year": target.get("year"),
        "baseline_year": baseline.get("year"),
        "baseline_value": baseline.get("value"),
        "milestones": "; ".join(f"{year}: {value}" for year, value in milestones.items()) or None,
    }


def _cell(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(str(part) for part in value)
    return value


def read_catalogue_xlsx(content: bytes, source: str) -> Parsed[CatalogueSpec]:
    """Parse a catalogue workbook; raise CatalogueError naming sheet, row and column for each problem."""
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl and zipfile raise a dozen kinds for a file that is not a workbook
        raise CatalogueError(source, [Problem(None, "", f"not an Excel workbook ({type(error).__name__})")]) from None
    places: dict[tuple[str | int, ...], tuple[int, str]] = {}
    sections: dict[str, list[dict[str, Any]]] = {}
    problems: list[Problem] = []
    try:
        for (name, _), section in zip(SHEETS, ("programme", "elements", "indicators", "tasks"), strict=True):
            if name not in workbook.sheetnames:
                raise CatalogueError(source, [Problem(None, name, "sheet missing")])
            sections[section] = _read_sheet(_rows(workbook[name], name, source), name, section, places, problems)
    finally:
        workbook.close()
    if problems:
        raise CatalogueError(source, problems)
    data = _assemble(sections)
    return parse_catalogue_data(data, source, lambda loc: _place(places, loc)[0], lambda loc: _place(places, loc)[1])


def _rows(sheet: Any, name: str, source: str) -> list[tuple[Any, ...]]:
    """A sheet's rows, at most MAX_ROWS of MAX_COLUMNS cells; CatalogueError naming the row the sheet's
    XML breaks at (read-only workbooks are parsed as they are read)."""
    rows: list[tuple[Any, ...]] = []
    try:
        for row in sheet.iter_rows(max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS, values_only=True):
            rows.append(row)
    except Exception as error:
        # The XML is parsed in chunks, so the break may lie a little after the first row not read.
        problem = Problem(len(rows) + 1, name, f"the sheet cannot be read from this row on ({type(error).__name__})")
        raise CatalogueError(source, [problem]) from None
    if len(rows) > MAX_ROWS:
        raise CatalogueError(source, [Problem(MAX_ROWS + 1, name, f"more than {MAX_ROWS} rows")])
    return rows


def _read_sheet(
    rows: list[tuple[Any, ...]],
    name: str,
    section: str,
    places: dict[tuple[str | int, ...], tuple[int, str]],
    problems: list[Problem],
) -> list[dict[str, Any]]:
    """The items of one sheet, keyed by the header row; where each value is goes into `places`."""
    keys = [str(cell or "").split(" (")[0].strip() for cell in (rows[0] if rows else [])]
    items: list[dict[str, Any]] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell not in (None, "") for cell in row):
            continue
        item = {key: _value(cell) for key, cell in zip(keys, row, strict=False) if key and cell not in (None, "")}
        index = len(items)
        for key in item:
            places[(section, index, key)] = (number, f"{name}!{key}")
        places[(section, index)] = (number, name)
        if section == "indicators" and "milestones" in item:
            try:
                item["milestones"] = milestones(item["milestones"])
            except ValueError as error:
                problems.append(Problem(number, f"{name}!milestones", str(error)))
        items.append(item)
    return items


def milestones(cell: object) -> dict[str | int, object]:
    """`2025: 50; 2030: 100` as {2025: 50.0, 2030: 100.0}; ValueError saying how to write it."""
    pairs: dict[str | int, object] = {}
    for part in str(cell).split(";"):
        if not part.strip():
            continue
        year, separator, value = part.partition(":")
        if not separator or not year.strip() or not value.strip():
            raise ValueError(f"{part.strip()[:40]!r}: write milestones as 2025: 50; 2030: 100")
        # Left as text: validation says which year or value is wrong, with the catalogue's own rules.
        pairs[year.strip()] = value.strip()
    return pairs


def _place(places: dict[tuple[str | int, ...], tuple[int, str]], loc: tuple[str | int, ...]) -> tuple[int | None, str]:
    """Map a validation location to (row, "Sheet!column")."""
    section = "programme" if loc and loc[0] == "programme" else (loc[0] if loc else "")
    found: tuple[int, str] | None
    if section == "programme":
        key = str(loc[2] if len(loc) > 2 and loc[1] == "reporting" else (loc[1] if len(loc) > 1 else ""))
        # With no programme row at all, point at the row it belongs in.
        found = places.get(("programme", 0, key)) or places.get(("programme", 0)) or (2, f"{PROGRAMME[0]}!{key}")
    else:
        index = loc[1] if len(loc) > 1 else 0
        key = str(loc[2]) if len(loc) > 2 else ""
        if key in ("target", "baseline") and len(loc) > 3:  # nested fields have columns of their own
            key = {
                ("target", "comparator"): "comparator",
                ("target", "value"): "target",
                ("target", "year"): "target_year",
                ("baseline", "year"): "baseline_year",
                ("baseline", "value"): "baseline_value",
            }.get((key, str(loc[3])), key)
        found = places.get((section, index, key)) or places.get((section, index))
    return (found[0], found[1]) if found else (None, str(section))


def _value(cell: Any) -> Any:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    return cell.strip() if isinstance(cell, str) else cell


def _split(value: Any) -> list[str]:
    return [part.strip() for part in str(value).split(LIST_SEPARATOR) if part.strip()]


def _assemble(sections: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Sheet rows back into the nested shape of a YAML catalogue."""
    programme = dict(sections["programme"][0]) if sections["programme"] else {}
    reporting = {key: programme.pop(key) for key in ("frequency", "deadline", "report_to") if key in programme}
    if "deadline" in reporting and isinstance(reporting["deadline"], date):
        reporting["deadline"] = f"{reporting['deadline']:%m-%d}"
    programme["reporting"] = reporting
    elements = [dict(item, reporters=_split(item.get("reporters", ""))) for item in sections["elements"]]
    tasks = [
        dict(item, reporters=_split(item["reporters"])) if "reporters" in item else item for item in sections["tasks"]
    ]
    indicators = []
    for item in sections["indicators"]:
        item = dict(item)
        target = {
            k: item.pop(f)
            for k, f in (("comparator", "comparator"), ("value", "target"), ("year", "target_year"))
            if f in item
        }
        baseline = {k: item.pop(f) for k, f in (("year", "baseline_year"), ("value", "baseline_value")) if f in item}
        if target:
            item["target"] = target
        if baseline:
            item["baseline"] = baseline
        indicators.append(item)
    return {"programme": programme, "elements": elements, "indicators": indicators, "tasks": tasks}
