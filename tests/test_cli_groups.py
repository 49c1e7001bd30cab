"""The command line as a package of groups: the parser and the command table agree, the imports run one way.

`bot.cli` builds the parser from each group's `add_parser` and dispatches through the groups' `COMMANDS`
and `PROGRAMS`; a group that adds a command but forgets to map it would fail only when someone runs it.
"""

from __future__ import annotations

import argparse
from datetime import date

from bot.cli import COMMANDS, PROGRAMS, build_parser
from bot.domain.models import Aggregation, DataElement, ElementType, Indicator, Programme, Target
from bot.services.catalogue_listing import catalogue_listing
from tests.test_layout import import_graph


def command_paths(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> set[str]:
    """Every runnable command of the parser, written as dispatch keys ("period open")."""
    subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subparsers:
        return {" ".join(path)}
    return {
        key
        for action in subparsers
        for name, child in action.choices.items()
        for key in command_paths(child, (*path, name))
    }


def test_every_command_in_the_parser_has_exactly_one_handler() -> None:
    assert not set(COMMANDS) & set(PROGRAMS)
    assert command_paths(build_parser()) == set(COMMANDS) | set(PROGRAMS)


def test_groups_import_only_common_from_the_package() -> None:
    graph = import_graph()
    groups = {name for name in graph if name.startswith("bot.cli.")}
    assert "bot.cli.reminders" in groups and "bot.cli.common" in groups
    assert {target for target in graph["bot.cli.common"] if target.startswith("bot.cli")} == set()
    for group in groups - {"bot.cli.common"}:
        assert {target for target in graph[group] if target.startswith("bot.cli")} == {"bot.cli.common"}, group
    assert [name for name, targets in graph.items() if "bot.cli" in targets] == ["bot.__main__"]


class Shelf:
    """A catalogue of one programme with one indicator (with a target), one without, and one task."""

    programme = Programme(id=7, code="P", title_vi="Chương trình", title_en="Programme", horizon_year=2030)

    async def programmes(self) -> list[Programme]:
        return [self.programme]

    async def indicators(self, programme_id: int) -> list[Indicator]:
        assert programme_id == 7
        common = {"id": 1, "programme_id": 7, "area": "economy", "unit": "%", "aggregation": Aggregation.SUM}
        return [
            Indicator(
                code="GROWTH",
                name_vi="Tăng",
                name_en="Growth",
                target=Target(comparator=">", value=9, year=2030),
                **common,
            ),
            Indicator(code="OPEN", name_vi="Mở", name_en="Open", target=None, **common),
        ]

    async def elements(self, programme_id: int, *, tasks: bool | None = None) -> list[DataElement]:
        assert (programme_id, tasks) == (7, True)
        return [
            DataElement(
                id=3,
                programme_id=7,
                code="plan",
                name_vi="Kế hoạch",
                name_en="Plan",
                type=ElementType.TASK,
                due_on=date(2026, 3, 20),
                lead_agency="SKHDT",
            )
        ]


async def test_catalogue_listing_is_plain_json_data() -> None:
    [programme] = await catalogue_listing(Shelf())
    assert (programme["code"], programme["title_en"], programme["horizon_year"]) == ("P", "Programme", 2030)
    growth, without = programme["indicators"]
    assert growth["target"] == {"comparator": ">", "value": 9.0, "year": 2030}
    assert growth["aggregation"] == "sum" and without["target"] is None
    assert programme["tasks"] == [
        {
            "code": "plan",
            "name_vi": "Kế hoạch",
            "name_en": "Plan",
            "type": "task",
            "due_on": "2026-03-20",
            "lead": "SKHDT",
        }
    ]
