"""How a human-edited spec file becomes a validated model, with a line for every problem.

Shared by the programme catalogue and the agency list (and the catalogue workbook, which brings its own
way of locating a cell): pydantic validates, and each error is reported with the source, the line and a
readable field name, so that an officer who mistyped a value is told where.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

SpecT = TypeVar("SpecT", bound="Spec")


class Spec(BaseModel):
    """A part of a spec file: unknown keys are errors (a typo must not pass silently), and it is immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a spec file, where it is and what."""

    line: int | None
    field: str
    message: str


@dataclass
class CatalogueError(Exception):
    """A catalogue file that cannot be loaded; nothing was changed."""

    source: str
    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(
            f"{self.source}:{problem.line or '?'}: {problem.field}: {problem.message}"
            if problem.field
            else f"{self.source}:{problem.line or '?'}: {problem.message}"
            for problem in self.problems
        )


Locator = Callable[[tuple[str | int, ...]], int | None]
Namer = Callable[[tuple[str | int, ...]], str]


@dataclass(frozen=True)
class Parsed(Generic[SpecT]):
    """A validated spec with the means to point back into its source for later checks."""

    spec: SpecT
    source: str
    line_of: Locator  # where an item is: a line of YAML, a row of a sheet
    field_of: Namer = field(default=lambda loc: dotted_field(loc))  # how to name a field in a message


def read_text_file(path: Path) -> str:
    """The file's UTF-8 text; CatalogueError if it is missing or unreadable."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogueError(str(path), [Problem(None, "", "file not found")]) from None
    except UnicodeDecodeError:
        raise CatalogueError(str(path), [Problem(None, "", "not UTF-8 text")]) from None
    except OSError as error:
        raise CatalogueError(str(path), [Problem(None, "", error.strerror or str(error))]) from None


def load_yaml(text: str, source: str) -> tuple[object, Locator]:
    """The YAML's data and a Locator into its lines; CatalogueError with the line of a syntax error."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(error, "problem", None) or str(error)
        raise CatalogueError(source, [Problem(line, "", f"YAML syntax: {reason}")]) from None

    def line_of(loc: tuple[str | int, ...]) -> int | None:
        return _line_of(root, loc)

    return data, line_of


def validate_spec(data: object, source: str, model: type[SpecT], line_of: Locator, field_of: Namer) -> Parsed[SpecT]:
    """Validate data as `model`; CatalogueError listing every problem with its line and field."""
    if not isinstance(data, dict):
        raise CatalogueError(source, [Problem(1, "", "expected a mapping at the top level")])
    try:
        spec = model.model_validate(data)
    except ValidationError as error:
        problems = [
            Problem(line_of(tuple(item["loc"])), field_of(tuple(item["loc"])), _message(item))
            for item in error.errors()
        ]
        raise CatalogueError(source, problems) from None
    return Parsed(spec, source, line_of, field_of)


def _message(item: Any) -> str:
    return str(item["msg"]).removeprefix("Value error, ")


def dotted_field(loc: Iterable[str | int]) -> str:
    """A field's location as a reader writes it: `indicators[2].target.value`."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _line_of(node: yaml.Node | None, loc: tuple[str | int, ...]) -> int | None:
    """The 1-based line of the deepest YAML node that `loc` reaches."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in loc:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if str(key.value) == str(part):
                    child = value
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            child = node.value[part] if 0 <= part < len(node.value) else None
        if child is None:
            return line
        node, line = child, child.start_mark.line + 1
    return line


def duplicate_code_problems(
    entries: Iterable[tuple[tuple[str | int, ...], str]], line_of: Locator, field_of: Namer
) -> list[Problem]:
    """A problem for every code that repeats an earlier one."""
    seen: set[str] = set()
    problems = []
    for loc, code in entries:
        if code in seen:
            problems.append(Problem(line_of(loc), field_of(loc), f"duplicate code {code!r}"))
        seen.add(code)
    return problems
