"""What the summary files need beyond the summary: who issues them and who entered the figures."""

from __future__ import annotations

from bot.domain.aggregation import Figure
from bot.domain.summary import Summary
from bot.files.style import FileInputs, Letterhead
from storage import Storage


async def file_inputs(storage: Storage, summary: Summary, figures: list[Figure]) -> FileInputs:
    """What the files need beyond the summary: the letterhead of the consolidating agency (the one the
    programme's reporting rule names, under its parent) and the names of the people who entered `figures`.
    The one place that decides who issues the report."""
    agency = await storage.agencies.get(summary.programme.report_to) if summary.programme.report_to else None
    parent = await storage.agencies.get(agency.parent_code) if agency and agency.parent_code else None
    letterhead = Letterhead(
        parent_vi=parent.name_vi if parent else "",
        parent_en=parent.name_en if parent else "",
        agency_vi=agency.name_vi if agency else "",
        agency_en=agency.name_en if agency else "",
    )
    wanted = {figure.updated_by for figure in figures if figure.updated_by is not None}
    people = {user.telegram_id: user.full_name or user.username or "" for user in await storage.users.with_role()}
    for telegram_id in wanted - people.keys():
        user = await storage.users.get(telegram_id)
        people[telegram_id] = (user.full_name or user.username or "") if user else ""
    return FileInputs(letterhead, {key: name for key, name in people.items() if key in wanted})
