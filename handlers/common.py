"""What every handler shares: who the user is, the one access gate, and small reply helpers.

The gate runs in group -1 for every update. It loads the user once, attaches a `Who` to the context and
stops updates the user's role does not allow, so no handler checks roles ad hoc.
"""

from __future__ import annotations

import html
import logging
import time
from dataclasses import dataclass, field

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.context import BotContext
from bot.domain.flood import Verdict
from bot.domain.models import Membership, Role, User
from bot.i18n import Translator, translator

logger = logging.getLogger(__name__)

ANYONE: frozenset[Role | None] = frozenset({None, *Role})
MEMBERS: frozenset[Role | None] = frozenset(Role)
FOCAL_POINTS: frozenset[Role | None] = frozenset({Role.FOCAL, Role.BACKUP, Role.ADMIN})
ADMINS: frozenset[Role | None] = frozenset({Role.ADMIN})
READERS: frozenset[Role | None] = frozenset({Role.ADMIN, Role.VIEWER})

# Who may use which command, and which callback prefix. Anything not listed is open to everyone (the
# unknown-command handler answers it).
COMMAND_ROLES: dict[str, frozenset[Role | None]] = {
    "start": ANYONE,
    "help": ANYONE,
    "lang": ANYONE,
    "cancel": ANYONE,
    "report": FOCAL_POINTS,
    "myreports": FOCAL_POINTS,
    "pause": FOCAL_POINTS,
    "resume": FOCAL_POINTS,
    "remind": ADMINS,
    "summary": READERS,
    "status": READERS,
    **{
        command: ADMINS
        for command in (
            "agencies",
            "invite",
            "handover",
            "revoke",
            "periods",
            "open_period",
            "close_period",
            "lock_period",
            "unlock_period",
            "pending",
            "broadcast",
            "audit",
            "catalog",
            "ask",
        )
    },
}
ADMIN_COMMANDS = tuple(command for command, roles in COMMAND_ROLES.items() if roles == ADMINS)
CALLBACK_ROLES: dict[str, frozenset[Role | None]] = {
    "lang": ANYONE,
    "r": FOCAL_POINTS,
    "a": ADMINS,
    "s": READERS,
    "x": FOCAL_POINTS,
    "c": ADMINS,
}


@dataclass
class Who:
    """The user behind an update, as the database knows them."""

    telegram_id: int
    user: User | None
    memberships: list[Membership] = field(default_factory=list)
    t: Translator = field(default_factory=lambda: translator(None))

    @property
    def role(self) -> Role | None:
        return self.user.role if self.user else None

    @property
    def agency_codes(self) -> list[str]:
        return [membership.agency_code for membership in self.memberships]


def who(context: BotContext) -> Who:
    """The Who the gate attached to this update's context."""
    found = getattr(context, "who", None)
    if not isinstance(found, Who):
        raise RuntimeError("the access gate did not run for this update")
    return found


def escape(text: object) -> str:
    """Every user-, agency- and catalogue-supplied string goes through this before HTML."""
    return html.escape(str(text), quote=False)


def keyboard(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """Inline keyboard from (label, callback data) rows; data stays under Telegram's 64 bytes."""
    for row in rows:
        for _, data in row:
            if len(data.encode()) > 64:
                raise ValueError(f"callback data too long: {data!r}")
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


async def reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> Message:
    """Send a message to the chat the update came from."""
    chat = update.effective_chat
    assert chat is not None
    return await chat.send_message(text, reply_markup=markup)


def _command_of(update: Update) -> str | None:
    message = update.message
    if message is None or not message.text or not message.text.startswith("/"):
        return None
    return message.text.split()[0][1:].split("@")[0].lower()


def _callback_prefix(update: Update) -> str | None:
    query = update.callback_query
    if query is None or not query.data:
        return None
    return query.data.split(":", 1)[0]


async def gate(update: Update, context: BotContext) -> None:
    """Attach the Who and stop what the user's role does not allow."""
    telegram_user = update.effective_user
    if telegram_user is None:
        raise ApplicationHandlerStop
    storage = context.storage
    if not await storage.updates.first_time(update.update_id):
        logger.info("update %s was already handled; ignoring the redelivery", update.update_id)
        raise ApplicationHandlerStop
    verdict = context.bot_data.flood.check(telegram_user.id, time.monotonic())
    if verdict is not Verdict.ALLOW:
        if verdict is Verdict.WARN:
            user = await storage.users.get(telegram_user.id)
            locale = user.locale if user and user.locale else context.settings.default_locale
            await reply(
                update,
                translator(locale, context.settings.timezone).gettext(
                    "You are sending messages very fast, so I will pause for a minute. What you confirmed is saved."
                ),
            )
        raise ApplicationHandlerStop
    user = await storage.users.get(telegram_user.id)
    if user is not None and (user.started_at is None or user.unreachable_since is not None):
        await storage.users.touch(telegram_user.id, telegram_user.full_name, telegram_user.username)
    memberships = await storage.users.memberships(telegram_user.id) if user else []
    locale = user.locale if user and user.locale else context.settings.default_locale
    current = Who(telegram_user.id, user, memberships, translator(locale, context.settings.timezone))
    context.who = current  # type: ignore[attr-defined]

    command, prefix = _command_of(update), _callback_prefix(update)
    allowed = COMMAND_ROLES.get(command, ANYONE) if command else CALLBACK_ROLES.get(prefix or "", ANYONE)
    if current.role in allowed:
        return
    t = current.t
    text = join_hint(t) if current.role is None else t.gettext("Sorry, this is not available to your role.")
    if update.callback_query:
        await update.callback_query.answer(text, show_alert=True)
    else:
        await reply(update, text)
    raise ApplicationHandlerStop


def join_hint(t: Translator) -> str:
    """What an unknown user is told, whatever they send."""
    return t.gettext(
        "This bot is for the focal points of agencies reporting to the Department of Planning and "
        "Investment. Ask the Department for an invite link, then open it to start."
    )


def gate_handler() -> TypeHandler[Update, BotContext, None]:
    return TypeHandler(Update, gate)
