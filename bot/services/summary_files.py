"""What the summary files need beyond the summary: who issues them and who entered the figures.

The issuer is read as it stood on the period's day, not as the catalogue first wrote it: after the 2025
mergers a 2025 report is issued by the Department of Finance (the DPI merged into it), and after 1 July 2025
under Hải Phòng city's People's Committee, which also gives the place before the date."""

from __future__ import annotations

from datetime import date

from bot.domain.aggregation import Figure
from bot.domain.models import Agency
from bot.domain.summary import Summary
from bot.files.style import FileInputs, Letterhead
from bot.services import obligations
from storage import Storage


async def file_inputs(storage: Storage, summary: Summary, figures: list[Figure]) -> FileInputs:
    """What the files need beyond the summary: the letterhead of the consolidating agency on the period's
    day (the one the programme's reporting rule names, followed through mergers, under its parent as that
    stood then) and the names of the people who entered `figures`. The one place that decides who issues
    the report."""
    day = obligations.period_day(summary.period)
    agency = await obligations.consolidator(storage, summary.programme, day)
    parent = await _parent_on(storage, agency, day)
    letterhead = Letterhead(
        parent_vi=parent.name_on("vi", day) if parent else "",
        parent_en=parent.name_on("en", day) if parent else "",
        agency_vi=agency.name_on("vi", day) if agency else "",
        agency_en=agency.name_on("en", day) if agency else "",
    )
    wanted = {figure.updated_by for figure in figures if figure.updated_by is not None}
    people = {user.telegram_id: user.full_name or user.username or "" for user in await storage.users.with_role()}
    for telegram_id in wanted - people.keys():
        user = await storage.users.get(telegram_id)
        people[telegram_id] = (user.full_name or user.username or "") if user else ""
    return FileInputs(letterhead, {key: name for key, name in people.items() if key in wanted})


async def _parent_on(storage: Storage, agency: Agency | None, day: date) -> Agency | None:
    """The agency's parent as it stood on `day`: a merged People's Committee gives way to the one it merged
    into (Hải Dương's to Hải Phòng city's from 1 July 2025); the recorded parent when nothing answers for it."""
    if agency is None or agency.parent_code is None:
        return None
    structure = await obligations.structure_of(storage)
    followed = structure.follow(agency.parent_code, day)
    return structure.agencies.get(followed[0] if followed else agency.parent_code)
