"""How a human-edited spec file becomes a validated model, with a line for every problem.

Shared by the programme catalogue and the agency list (and the catalogue workbook, which brings its own
way of locating a cell): pydantic validates, and each error is reported with the source, the line and a
readable field name, so that an officer who mistyped a value is told where.

Reading YAML can fail in more ways than its syntax, and each becomes a CatalogueError with a line, never
a traceback: a scalar its tag cannot hold (`due_on: 2020-02-30`, `!!int abc`, an integer of 5,000
digits, any `!!binary`), nesting deeper than MAX_DEPTH (which would otherwise exhaust Python's recursion), a key given
twice in one mapping (YAML forbids it; PyYAML would silently keep the last), a character no database or
chat can carry (a lone surrogate from `"\ud800"`, a control character), bytes that are not UTF-8. Numbers
must be finite (`.inf`, `.nan` and `1.0e+400` are refused by every Spec).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError
from yaml.composer import ComposerError

SpecT = TypeVar("SpecT", bound="Spec")


class Spec(BaseModel):
    """A part of a spec file: unknown keys are errors (a typo must not pass silently), and it is immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


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
        content = path.read_bytes()
    except FileNotFoundError:
        raise CatalogueError(str(path), [Problem(None, "", "file not found")]) from None
    except OSError as error:
        raise CatalogueError(str(path), [Problem(None, "", error.strerror or str(error))]) from None
    return decode_text(content, str(path))


def decode_text(content: bytes, source: str) -> str:
    """UTF-8 bytes as text; CatalogueError with the line of the first byte that is not UTF-8."""
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as error:
        line = content.count(b"\n", 0, error.start) + 1
        hint = " (UTF-16: save it as UTF-8)" if content[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
        raise CatalogueError(source, [Problem(line, "", f"not UTF-8 text{hint}")]) from None


MAX_DEPTH = 32  # a catalogue nests 4 deep (indicators[0].target.value); 32 leaves room and stays far from
# Python's recursion limit, which PyYAML's composer would otherwise reach (about 490 levels)


class _Unreadable(Exception):
    """A scalar its tag cannot hold, with the node it came from."""

    def __init__(self, node: yaml.Node, reason: str) -> None:
        super().__init__(reason)
        self.node, self.reason = node, reason


class _Loader(yaml.SafeLoader):
    """The safe loader, with a depth limit and every failure to build a value tied to its node."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise ComposerError(None, None, f"nested deeper than {MAX_DEPTH} levels", mark)
            return super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self._depth -= 1

    def construct_object(self, node: yaml.Node, deep: bool = False) -> object:
        try:
            return super().construct_object(node, deep)
        except (_Unreadable, yaml.YAMLError):
            raise
        except (ValueError, TypeError, AttributeError, OverflowError, LookupError) as error:
            shown = node.value if isinstance(node, yaml.ScalarNode) else node.tag
            tag = node.tag.removeprefix("tag:yaml.org,2002:")
            raise _Unreadable(node, f"{str(shown)[:40]!r} is not a valid {tag} ({error})") from None


def _no_binary(loader: yaml.SafeLoader, node: yaml.Node) -> bytes:
    """Refuse `!!binary`: no spec field holds bytes, pydantic would quietly make text of them, and base64
    decoding skips what is not base64 (`!!binary '###'` would load as an empty unit)."""
    raise ValueError("binary data has no place in a spec file")


_Loader.add_constructor("tag:yaml.org,2002:binary", _no_binary)


def load_yaml(text: str, source: str) -> tuple[object, Locator]:
    """The YAML's data and a Locator into its lines; CatalogueError with the line of anything unreadable."""
    root: yaml.Node | None = None
    try:
        loader = _Loader(text)  # the reader checks every character here
        try:
            root = loader.get_single_node()
            problems = node_problems(root)
            if problems:
                raise CatalogueError(source, problems)
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except _Unreadable as error:
        loc = _path_to(root, error.node)
        line = error.node.start_mark.line + 1
        raise CatalogueError(source, [Problem(line, dotted_field(loc), error.reason)]) from None
    except yaml.YAMLError as error:
        raise CatalogueError(source, [_syntax_problem(error, text)]) from None

    def line_of(loc: tuple[str | int, ...]) -> int | None:
        return _line_of(root, loc)

    return data, line_of


def _syntax_problem(error: yaml.YAMLError, text: str) -> Problem:
    if isinstance(error, yaml.reader.ReaderError):  # a character YAML refuses: it has a position, no mark
        character = error.character if isinstance(error.character, int) else ord(str(error.character)[:1] or " ")
        line = text.count("\n", 0, error.position) + 1
        return Problem(line, "", f"YAML syntax: character U+{character:04X} is not allowed")
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    reason = getattr(error, "problem", None) or str(error)
    return Problem(mark.line + 1 if mark is not None else None, "", f"YAML syntax: {reason}")


def node_problems(root: yaml.Node | None) -> list[Problem]:
    """Keys given twice in a mapping, and characters no database or chat carries, each with its line."""
    problems: list[Problem] = []
    for loc, node in _walk(root):
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key, _ in node.value:
                name = str(key.value)
                if isinstance(key, yaml.ScalarNode) and name in seen and name != "<<":
                    problems.append(Problem(key.start_mark.line + 1, dotted_field((*loc, name)), "key given twice"))
                seen.add(name)
        elif isinstance(node, yaml.ScalarNode) and isinstance(node.value, str):
            bad = next((char for char in node.value if _unstorable(char)), None)
            if bad is not None:
                problems.append(Problem(line, dotted_field(loc), f"character U+{ord(bad):04X} is not allowed"))
    return problems


def _unstorable(char: str) -> bool:
    """A lone surrogate (no UTF-8 for it) or a control character other than tab and newline."""
    return "\ud800" <= char <= "\udfff" or (char < " " and char not in "\t\n") or char == "\x7f"


def _walk(root: yaml.Node | None) -> list[tuple[tuple[str | int, ...], yaml.Node]]:
    """Every node once (an alias may point back up), with the location of its first appearance."""
    found: list[tuple[tuple[str | int, ...], yaml.Node]] = []
    seen: set[int] = set()
    stack: list[tuple[tuple[str | int, ...], yaml.Node]] = [((), root)] if root is not None else []
    while stack:
        loc, node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        found.append((loc, node))
        if isinstance(node, yaml.MappingNode):
            for key, value in reversed(node.value):
                stack += [((*loc, str(key.value)), value), (loc, key)]
        elif isinstance(node, yaml.SequenceNode):
            stack += [((*loc, index), child) for index, child in reversed(list(enumerate(node.value)))]
    return found


def _path_to(root: yaml.Node | None, target: yaml.Node) -> tuple[str | int, ...]:
    return next((loc for loc, node in _walk(root) if node is target), ())


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
