"""The command line: `python -m bot COMMAND`. Every command has --help.

Bad input (a malformed file, an unknown code, a bad date) prints one clear message and exits 1; bad
configuration exits 2. No traceback reaches the user for either.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from datetime import date, timedelta
from pathlib import Path

from bot import services
from bot.cli import reminders as cli_reminders
from bot.cli import summary as cli_summary
from bot.cli.common import EXIT_BAD_CONFIG, EXIT_BAD_INPUT, Command, UserError, find_period, iso_date
from bot.config import ConfigError, Settings, load_settings
from bot.domain.catalogue import CatalogueError, Problem, read_agency_file
from bot.domain.models import PeriodState, Role
from bot.domain.periods import PeriodCodeError
from bot.i18n import Translator, translator
from bot.logs import configure_logging
from bot.services.catalogue_listing import catalogue_listing
from storage import AgencyError, PeriodError, Storage, open_storage
from storage.db import migrate

PLACEHOLDER_USERNAME = "your_bot"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Progress tracker bot for a provincial action programme.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser("init", help="migrate the database and load the shipped catalogues")

    run = commands.add_parser("run", help="run the Telegram bot (needs BOT_TOKEN); polling by default")
    run.add_argument("--webhook", action="store_true", help="receive updates by webhook (WEBHOOK_* settings)")

    db = commands.add_parser("db", help="database maintenance").add_subparsers(
        dest="db_command", required=True, metavar="ACTION"
    )
    db.add_parser("migrate", help="apply pending migrations")
    backup = db.add_parser("backup", help="copy the database with SQLite's online backup")
    backup.add_argument("path", type=Path, help="where to write the copy")

    catalog = commands.add_parser("catalog", help="programme catalogues").add_subparsers(
        dest="catalog_command", required=True, metavar="ACTION"
    )
    catalog_load = catalog.add_parser("load", help="validate and load a catalogue file")
    catalog_load.add_argument("file", type=Path, help="a catalogue: YAML, or the Excel template (.xlsx)")
    template = catalog.add_parser("template", help="write the Excel catalogue template")
    template.add_argument("--out", type=Path, required=True, help="the .xlsx file to write")
    template.add_argument("--programme", help="fill it with this loaded programme (empty otherwise)")
    catalog_list = catalog.add_parser("list", help="list programmes, indicators and tasks")
    catalog_list.add_argument("--json", action="store_true", help="print JSON")

    agency = commands.add_parser("agency", help="reporting agencies").add_subparsers(
        dest="agency_command", required=True, metavar="ACTION"
    )
    agency_load = agency.add_parser("load", help="load an agency list file")
    agency_load.add_argument("file", type=Path, help="an agency list YAML file")
    agency_list = agency.add_parser("list", help="list agencies")
    agency_list.add_argument("--json", action="store_true", help="print JSON")
    merge = agency.add_parser("merge", help="merge agencies into a successor, keeping history")
    merge.add_argument("old", nargs="+", help="codes of the agencies being merged")
    merge.add_argument("--into", required=True, help="code of the successor agency")
    merge.add_argument("--date", type=iso_date, default=None, help="merge date YYYY-MM-DD (today)")

    retire = agency.add_parser("retire", help="retire an agency: it stops reporting, its history stays")
    retire.add_argument("code", help="code of the agency")
    retire.add_argument("--date", type=iso_date, default=None, help="retirement date YYYY-MM-DD (today)")

    period = commands.add_parser("period", help="reporting periods").add_subparsers(
        dest="period_command", required=True, metavar="ACTION"
    )
    period_open = period.add_parser("open", help="open a period (2025, 2025-H1, 2025-Q3, 2025-07)")
    period_open.add_argument("period", help="period code")
    period_open.add_argument("--deadline", type=iso_date, help="YYYY-MM-DD (programme default)")
    period_open.add_argument("--programme", help="programme code (needed if several)")
    period.add_parser("list", help="list periods")
    for state, text in (
        ("close", "close a period"),
        ("lock", "lock a period: read-only"),
        ("unlock", "unlock a locked period (logged)"),
    ):
        action = period.add_parser(state, help=text)
        action.add_argument("period", help="period code")
        action.add_argument("--programme", help="programme code (needed if several)")

    demo = commands.add_parser("demo", help="play a whole reporting season offline, with no Telegram account")
    demo.add_argument("--seed", type=int, default=1, help="the same seed gives the same season (1)")
    demo.add_argument("--out", type=Path, default=Path("demo-out"), help="folder for the files (demo-out)")
    demo.add_argument("--fast", action="store_true", help="fewer agencies answer, for a quick look or CI")
    demo.add_argument("--lang", choices=("vi", "en"), default="vi", help="language of the season (vi)")
    cli_reminders.add_parser(commands)
    cli_summary.add_parser(commands)

    invite = commands.add_parser("invite", help="create a single-use invite link")
    invite.add_argument("agency", nargs="?", help="agency code (not needed for admin or viewer)")
    invite.add_argument(
        "--role",
        choices=[role.value for role in Role],
        default=Role.FOCAL.value,
        help="focal (primary), backup, viewer or admin",
    )
    invite.add_argument("--expires-days", type=int, default=7, help="days until it expires (7)")
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return EXIT_BAD_CONFIG
    configure_logging(settings, logging.INFO if arguments.command == "run" else logging.WARNING)
    t = translator(settings.default_locale)
    if arguments.command == "demo":
        from bot.sandbox.demo import run_demo

        return run_demo(arguments.seed, arguments.out, arguments.lang, arguments.fast)
    if arguments.command == "run":
        from bot.runner import run_bot

        try:
            return run_bot(settings, webhook=arguments.webhook)
        except ConfigError as error:
            print(f"Configuration error: {error}", file=sys.stderr)
            return EXIT_BAD_CONFIG
    return asyncio.run(_dispatch(arguments, settings, t))


async def _dispatch(arguments: argparse.Namespace, settings: Settings, t: Translator) -> int:
    handler = _COMMANDS[_command_key(arguments)]
    storage = await open_storage(settings.database_path, run_migrations=arguments.command != "db")
    try:
        return await handler(arguments, settings, storage, t)
    except CatalogueError as error:
        print(t.gettext("The file was not loaded; nothing changed:"), file=sys.stderr)
        print(str(error), file=sys.stderr)
    except (UserError, AgencyError, PeriodError) as error:
        print(t.gettext("Error: {message}").format(message=error), file=sys.stderr)
    except PeriodCodeError as error:
        print(
            t.gettext("{code} is not a period. Write 2025, 2025-H1, 2025-Q3 or 2025-07.").format(code=error),
            file=sys.stderr,
        )
    except services.UnknownProgramme as error:
        print(_programme_hint(t, str(error)), file=sys.stderr)
    except ConfigError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return EXIT_BAD_CONFIG
    finally:
        await storage.close()
    return EXIT_BAD_INPUT


def _programme_hint(t: Translator, code: str) -> str:
    if code:
        return t.gettext("No programme {code}. See `python -m bot catalog list`.").format(code=code)
    return t.gettext("Several programmes are loaded: name one with --programme CODE.")


def _command_key(arguments: argparse.Namespace) -> str:
    sub = getattr(arguments, f"{arguments.command}_command", None)
    return f"{arguments.command} {sub}" if sub else arguments.command


async def _init(_: argparse.Namespace, settings: Settings, storage: Storage, t: Translator) -> int:
    loads = await services.load_shipped(storage)
    await storage.users.ensure_admins(settings.admin_ids)
    for load in loads:
        state = (
            t.gettext("unchanged")
            if load.diff.empty
            else t.gettext("{added} added, {changed} changed, {removed} removed").format(
                added=len(load.diff.added),
                changed=len(load.diff.changed),
                removed=len(load.diff.removed),
            )
        )
        print(f"{load.programme_code}: {state}")
    print(t.gettext("Database ready: {path}").format(path=settings.database_path))
    return 0


async def _db_migrate(_: argparse.Namespace, __: Settings, storage: Storage, t: Translator) -> int:
    applied = await migrate(storage.db)
    print(
        t.gettext("Applied: {names}").format(names=", ".join(applied))
        if applied
        else t.gettext("The schema is up to date.")
    )
    return 0


async def _db_backup(arguments: argparse.Namespace, _: Settings, storage: Storage, t: Translator) -> int:
    await storage.db.backup(arguments.path)
    print(t.gettext("Backup written to {path}").format(path=arguments.path))
    return 0


async def _catalog_load(arguments: argparse.Namespace, _: Settings, storage: Storage, t: Translator) -> int:
    try:
        content = arguments.file.read_bytes()
    except OSError as error:
        raise CatalogueError(
            str(arguments.file), [Problem(None, "", (error.strerror or "cannot read").lower())]
        ) from None
    load = await services.load_catalogue(storage, services.parse_catalogue_bytes(content, str(arguments.file)))
    if load.diff.empty:
        print(t.gettext("{code}: unchanged").format(code=load.programme_code))
    for label, items in (
        (t.gettext("added"), load.diff.added),
        (t.gettext("changed"), load.diff.changed),
        (t.gettext("removed"), load.diff.removed),
    ):
        if items:
            print(f"{load.programme_code}: {label}: {', '.join(items)}")
    return 0


async def _catalog_template(arguments: argparse.Namespace, _: Settings, storage: Storage, t: Translator) -> int:
    from bot.files.catalogue_xlsx import catalogue_to_xlsx

    spec = await storage.catalogue.spec(arguments.programme) if arguments.programme else None
    if arguments.programme and spec is None:
        raise services.UnknownProgramme(arguments.programme)
    arguments.out.parent.mkdir(parents=True, exist_ok=True)
    arguments.out.write_bytes(catalogue_to_xlsx(spec))
    print(t.gettext("Written: {path}").format(path=arguments.out))
    return 0


async def _catalog_list(arguments: argparse.Namespace, _: Settings, storage: Storage, t: Translator) -> int:
    listing = await catalogue_listing(storage.catalogue)
    if arguments.json:
        print(json.dumps(listing, ensure_ascii=False, indent=2))
        return 0
    for programme in listing:
        print(f"{programme['code']}  {programme['title_vi' if t.locale == 'vi' else 'title_en']}")
        for indicator in programme["indicators"]:
            target = indicator["target"]
            shown = f"{target['comparator']} {t.number(target['value'])} ({target['year']})" if target else "–"
            name = indicator["name_vi" if t.locale == "vi" else "name_en"]
            print(f"  {indicator['code']:<34} {shown:<18} {indicator['unit']:<10} {name}")
        for task in programme["tasks"]:
            due = task["due_on"] or "–"
            print(f"  [{task['type']}] {task['code']:<30} {due:<12} {task['lead']}")
    return 0


async def _agency_load(arguments: argparse.Namespace, _: Settings, storage: Storage, t: Translator) -> int:
    parsed = read_agency_file(arguments.file)
    added, updated = await storage.agencies.load(parsed.spec.agencies)
    print(t.gettext("Agencies: {added} added, {updated} updated").format(added=added, updated=updated))
    return 0


async def _agency_list(arguments: argparse.Namespace, _: Settings, storage: Storage, t: Translator) -> int:
    agencies = await storage.agencies.all()
    if arguments.json:
        print(
            json.dumps(
                [a.model_dump(mode="json", exclude={"id"}) for a in agencies],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    for agency in agencies:
        status = "" if agency.successor_code is None else f" → {agency.successor_code}"
        print(f"{agency.code:<14} {agency.kind.value:<10} {agency.status.value:<8} {agency.name(t.locale)}{status}")
    return 0


async def _agency_merge(arguments: argparse.Namespace, settings: Settings, storage: Storage, t: Translator) -> int:
    on = arguments.date or date.today()
    await storage.agencies.merge(arguments.old, arguments.into, on)
    print(
        t.gettext("Merged {old} into {new}; their history is kept.").format(
            old=", ".join(arguments.old), new=arguments.into
        )
    )
    return 0


async def _agency_retire(arguments: argparse.Namespace, _: Settings, storage: Storage, t: Translator) -> int:
    await storage.agencies.retire(arguments.code, arguments.date or date.today())
    print(t.gettext("Retired {code}; what it reported is kept.").format(code=arguments.code))
    return 0


async def _period_open(arguments: argparse.Namespace, _: Settings, storage: Storage, t: Translator) -> int:
    period = await services.open_period(
        storage, arguments.period, programme_code=arguments.programme, deadline=arguments.deadline
    )
    print(
        t.gettext("Period {code} of {programme} is open; deadline {deadline}.").format(
            code=period.code, programme=period.programme_code, deadline=t.date(period.deadline)
        )
    )
    return 0


async def _period_list(_: argparse.Namespace, __: Settings, storage: Storage, t: Translator) -> int:
    periods = await storage.periods.all()
    if not periods:
        print(t.gettext("No periods yet. Open one with `python -m bot period open 2025`."))
    for period in periods:
        print(f"{period.programme_code:<10} {period.code:<8} {period.state.value:<7} {t.date(period.deadline)}")
    return 0


async def _period_state(arguments: argparse.Namespace, _: Settings, storage: Storage, t: Translator) -> int:
    state = {"close": PeriodState.CLOSED, "lock": PeriodState.LOCKED, "unlock": PeriodState.CLOSED}[
        arguments.period_command
    ]
    period = await find_period(storage, arguments.period, arguments.programme, t)
    if arguments.period_command == "unlock" and period.state is not PeriodState.LOCKED:
        raise UserError(t.gettext("{code} is not locked.").format(code=period.code))
    updated = await storage.periods.set_state(period, state)
    print(t.gettext("{code}: {state}").format(code=updated.code, state=updated.state.value))
    return 0


async def _invite(arguments: argparse.Namespace, settings: Settings, storage: Storage, t: Translator) -> int:
    role = Role(arguments.role)
    if arguments.expires_days < 1:
        raise UserError(t.gettext("--expires-days must be at least 1."))
    if role in (Role.FOCAL, Role.BACKUP):
        if not arguments.agency:
            raise UserError(t.gettext("A focal point's invite needs an agency code."))
        agency = await storage.agencies.get(arguments.agency)
        if agency is None or agency.status.value != "active":
            raise UserError(
                t.gettext("No active agency {code}. See `python -m bot agency list`.").format(code=arguments.agency)
            )
    invite = await storage.users.create_invite(
        arguments.agency if role in (Role.FOCAL, Role.BACKUP) else None,
        role,
        timedelta(days=arguments.expires_days),
    )
    username = await bot_username(settings)
    print(invite.token)
    print(f"https://t.me/{username}?start={invite.token}")
    return 0


async def bot_username(settings: Settings) -> str:
    """The bot's @username for deep links: from settings, else getMe, else a placeholder."""
    if settings.bot_username:
        return settings.bot_username
    if settings.bot_token is None:
        return PLACEHOLDER_USERNAME
    from telegram import Bot
    from telegram.error import TelegramError

    token = settings.bot_token.get_secret_value()
    bot = Bot(
        token,
        base_url=f"{settings.bot_api_url}/bot",
        base_file_url=f"{settings.bot_api_url}/file/bot",
    )
    try:
        async with asyncio.timeout(10):
            me = await bot.get_me()
        return me.username or PLACEHOLDER_USERNAME
    except (TelegramError, TimeoutError):
        return PLACEHOLDER_USERNAME


_COMMANDS: dict[str, Command] = {
    "init": _init,
    "db migrate": _db_migrate,
    "db backup": _db_backup,
    "catalog load": _catalog_load,
    "catalog list": _catalog_list,
    "catalog template": _catalog_template,
    "agency load": _agency_load,
    "agency list": _agency_list,
    "agency merge": _agency_merge,
    "agency retire": _agency_retire,
    "period open": _period_open,
    "period list": _period_list,
    "period close": _period_state,
    "period lock": _period_state,
    "period unlock": _period_state,
    "invite": _invite,
    **cli_reminders.COMMANDS,
    **cli_summary.COMMANDS,
}
