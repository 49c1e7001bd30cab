"""`python -m bot invite`: a single-use invite link, the way a focal point (or an admin, a viewer) joins."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import timedelta

from bot.cli.common import Command, Subcommands, UserError
from bot.config import Settings
from bot.domain.models import Role
from bot.i18n import N_, Translator
from storage import Storage

# Shown in the link when the bot's @username is unknown, so the administrator sees what to replace.
PLACEHOLDER_USERNAME = "your_bot"


def add_parser(commands: Subcommands) -> None:
    """Add `invite`."""
    invite = commands.add_parser("invite", help=N_("create a single-use invite link"))
    invite.add_argument("agency", nargs="?", help=N_("agency code (not needed for admin or viewer)"))
    invite.add_argument(
        "--role",
        choices=[role.value for role in Role],
        default=Role.FOCAL.value,
        help=N_("focal (primary), backup, viewer or admin"),
    )
    invite.add_argument("--expires-days", type=int, default=7, help=N_("days until it expires (7)"))


async def invite(arguments: argparse.Namespace, settings: Settings, storage: Storage, t: Translator) -> int:
    """Create the invite and print its token and deep link."""
    role = Role(arguments.role)
    if arguments.expires_days < 1:
        raise UserError(t.gettext("--expires-days must be at least 1."))
    if role in (Role.FOCAL, Role.BACKUP):
        if not arguments.agency:
            raise UserError(t.gettext("A focal point's invite needs an agency code."))
        agency = await storage.agencies.current(arguments.agency)  # a merged agency's code names its successor
        if agency is None:
            raise UserError(
                t.gettext("No active agency {code}. See `python -m bot agency list`.").format(code=arguments.agency)
            )
        arguments.agency = agency.code
    created = await storage.users.create_invite(
        arguments.agency if role in (Role.FOCAL, Role.BACKUP) else None,
        role,
        timedelta(days=arguments.expires_days),
    )
    username = await bot_username(settings)
    print(created.token)
    print(f"https://t.me/{username}?start={created.token}")
    if username == PLACEHOLDER_USERNAME:
        print(
            t.gettext(
                "This link is a placeholder: “{placeholder}” stands for your bot's username. Set BOT_USERNAME (or "
                "BOT_TOKEN, to ask Telegram) and run invite again, or send /invite in the bot."
            ).format(placeholder=PLACEHOLDER_USERNAME),
            file=sys.stderr,
        )
    return 0


async def bot_username(settings: Settings) -> str:
    """The bot's @username for deep links: from settings, else getMe, else a placeholder."""
    if settings.bot_username:
        return settings.bot_username
    if settings.bot_token is None:
        return PLACEHOLDER_USERNAME
    # Imported here: only a link without BOT_USERNAME asks Telegram, and telegram is slow to import.
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


COMMANDS: dict[str, Command] = {"invite": invite}
