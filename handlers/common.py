"""What every handler shares: who the user is, the one access gate, and small reply helpers.

The gate runs in group -1 for every update. It loads the user once, attaches a `Who` to the context and
stops updates the user's role does not allow, so no handler checks roles ad hoc.

A reply is the one Bot API call a user waits for. The calls that only tidy up around it (answering a
button press, taking the buttons off an older message) go `beside` it: started as tasks, not awaited
first, so that the user's next screen costs one round trip to Telegram instead of two to four.
"""

from __future__ import annotations

import asyncio
import html
import logging
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, NetworkError, TelegramError
from telegram.ext import Application, ApplicationHandlerStop, TypeHandler

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
            "review",
            "unlock",
            "official",
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
    "rv": ADMINS,
    "vs": FOCAL_POINTS,
    "vt": FOCAL_POINTS,
    "cf": FOCAL_POINTS,
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


# Tasks started while the application is not running (it is stopping and handles its last updates): PTB
# awaits only the tasks it tracks, so these are held here until they end, lest they be garbage-collected.
_untracked: set[asyncio.Task[None]] = set()
AnyApplication = Application[Any, Any, Any, Any, Any, Any]


def beside(application: AnyApplication, call: Coroutine[Any, Any, object], what: str) -> asyncio.Task[None]:
    """Run a Bot API call the reply need not wait for as a task beside it; a failure is logged, one line.

    While the application runs, PTB keeps the task and `Application.stop()` awaits it, so none is lost on
    shutdown; an error other than Telegram's (a bug) reaches the error handler with its traceback."""
    work = _logged(call, what)
    if application.running:
        return application.create_task(work, name=what)
    task = asyncio.create_task(work, name=what)
    _untracked.add(task)
    task.add_done_callback(_untracked.discard)
    return task


async def _logged(call: Coroutine[Any, Any, object], what: str) -> None:
    """Await a cosmetic call; say in one log line why it failed, without a traceback."""
    try:
        await call
    except BadRequest as error:
        if "not modified" in str(error).lower():
            logger.debug("%s: already so (%s)", what, error)  # the buttons were already off: nothing to do
        else:
            logger.warning("%s failed: %s: %s", what, type(error).__name__, error)
    except NetworkError as error:
        # The transport told the network watch, which warns once per outage; a line per call would flood.
        logger.debug("%s failed: %s: %s", what, type(error).__name__, error)
    except TelegramError as error:
        logger.warning("%s failed: %s: %s", what, type(error).__name__, error)


def lasting_rows(markup: InlineKeyboardMarkup | None, keep_prefix: str) -> list[list[InlineKeyboardButton]]:
    """The rows of a keyboard whose every button's data starts with `keep_prefix`: the offers that outlive
    the question they came with (a note for an item saved on that message)."""
    if markup is None:
        return []
    return [
        list(row)
        for row in markup.inline_keyboard
        if row and all(str(button.callback_data or "").startswith(keep_prefix) for button in row)
    ]


def settle_pressed(application: AnyApplication, query: CallbackQuery, keep_prefix: str | None = None) -> None:
    """Beside the reply, take the buttons off the message whose button was pressed, so the chat shows what
    was chosen, except the rows `lasting_rows` keeps; skipped when there is nothing to take off."""
    message = query.message
    current = message.reply_markup if isinstance(message, Message) else None
    if isinstance(message, Message) and current is None:
        return
    kept = lasting_rows(current, keep_prefix) if keep_prefix else []
    if current is not None and len(kept) == len(current.inline_keyboard):
        return
    markup = InlineKeyboardMarkup(kept) if kept else None
    beside(application, query.edit_message_reply_markup(markup), "taking the buttons off a pressed message")


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
