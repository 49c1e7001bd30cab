"""Generated messages against the real /report conversation: nothing typed may wedge it.

Two focal points (one in Vietnamese, one in English) each get a few hundred generated actions, mostly
typed messages (huge figures, `1e309`, `NaN`, fullwidth and Arabic-Indic digits, zero-width and bidi
characters, control characters, 4,096-character strings, random Unicode, ordinary figures so that the
conversation moves on), some presses of the buttons on screen, and now and then /report. Their items
already hold figures stored before any limit existed (10^28, infinity), so the screens that show a stored
figure are driven too. Every step asserts that the bot answered (a message for a message, an answer for
a press), never with the generic apology, and logged no error; afterwards each can still answer an item
with a normal figure.

To tie the replies to the message that caused them, the test counts the updates the Application has
finished (it handles one at a time): after each action it waits until that one is done, then reads what
arrived. The generator is seeded (FUZZ_SEED, FUZZ_ACTIONS to explore further) and names the failing step.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
from collections.abc import Callable
from typing import Any

import pytest
from telegram import Update
from telegram.ext import Application

from bot.context import BotApplication
from bot.domain.flood import FloodGate
from bot.domain.models import PeriodState
from bot.domain.validation import LIMIT
from bot.sandbox import SandboxClient, SimUser
from bot.sandbox.client import Seen
from tests.e2e import Season, join, lock

SEED = int(os.environ.get("FUZZ_SEED", "14"))
ACTIONS = int(os.environ.get("FUZZ_ACTIONS", "200"))  # per user; two users
APOLOGIES = ("Xin lỗi, hệ thống gặp sự cố", "Sorry, something went wrong")
PRESSABLE = ("r:back", "r:skip", "r:na", "r:keep", "r:edit", "r:jumpok", "r:jumpno", "r:note", "r:st", "r:yes")
TELEGRAM_TEXT_LIMIT = 4096

ODD = [
    "1" + "0" * 28,
    "1" + "0" * 27,
    "10.000.000.000.000.000.000.000.000.000",
    "10,000,000,000,000,000,000,000,000,000",
    "9" * 400,
    "1000000000000000000 nghìn tỷ",
    "1e309",
    "1E28",
    "-1e309",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "-0",
    "-0,0",
    "+0",
    "０",
    "９,５",
    "１２３",
    "１２％",
    "٩٫٥",
    "١٢٣",
    "10²⁸",
    "1\u200b2",
    "\ufeff12",
    "12\u202e",
    "\u202e21",
    "1\u200d0\u200d0",
    "1\x002",
    "\x1f7",
    "\u2212" + "5",
    "<b>12</b>",
    "12 & 13",
    "0x1F",
    "1_000",
    "½",
    "٠",
]


def generated(rng: random.Random) -> str:
    """One message: an odd figure, a random mix of number pieces, a long text, or any Unicode."""
    kind = rng.random()
    if kind < 0.3:
        return rng.choice(ODD)
    if kind < 0.55:
        pieces = ["0", "1", "9", ".", ",", " ", "-", "%", "０", "\u200b", "\u202e", "٩", "e", "k", " tỷ", "000"]
        return "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30))).strip() or "0"
    if kind < 0.65:
        return "".join(rng.choice("0123456789.,") for _ in range(rng.randint(20, TELEGRAM_TEXT_LIMIT)))
    if kind < 0.72:
        return rng.choice("x7<&\u200b") * rng.randint(121, TELEGRAM_TEXT_LIMIT)
    if kind < 0.85:
        return "".join(_any_character(rng) for _ in range(rng.randint(1, 60))).strip() or "?"
    return str(rng.choice([rng.randint(0, 60), rng.randint(0, 100_000), f"{rng.randint(0, 99)},{rng.randint(0, 9)}"]))


def _any_character(rng: random.Random) -> str:
    while True:
        code = rng.choice([rng.randint(0x20, 0x7E), rng.randint(0, 0x2FFF), rng.randint(0, 0x10FFFF)])
        if not 0xD800 <= code <= 0xDFFF:  # a lone surrogate is not text Telegram can carry
            return chr(code)


class Finished:
    """The updates the Application has finished handling, by message id or callback query id."""

    def __init__(self) -> None:
        self.done: set[str] = set()
        self.changed = asyncio.Condition()

    def wrap(self, original: Callable[..., Any]) -> Callable[..., Any]:
        async def process_update(application: Application, update: object) -> None:  # type: ignore[type-arg]
            try:
                await original(application, update)
            finally:
                async with self.changed:
                    self.done.add(_key(update))
                    self.changed.notify_all()

        return process_update

    async def reach(self, key: str, timeout: float = 20.0) -> None:
        """Wait until the update `key` names has been handled (its replies are sent by then)."""
        async with self.changed:
            await asyncio.wait_for(self.changed.wait_for(lambda: key in self.done), timeout)


def _key(update: object) -> str:
    if isinstance(update, Update) and update.callback_query is not None:
        return f"press {update.callback_query.id}"
    if isinstance(update, Update) and update.message is not None:
        return f"message {update.message.chat.id} {update.message.message_id}"
    return "other"


@pytest.fixture
def finished(monkeypatch: pytest.MonkeyPatch) -> Finished:
    counter = Finished()
    monkeypatch.setattr(Application, "process_update", counter.wrap(Application.process_update))
    return counter


async def fuzz(user: SimUser, finished: Finished, rng: random.Random, actions: int) -> int:
    """Drive `actions` generated steps; return how many were typed messages."""
    typed = 0
    for step in range(actions):
        buttons = [
            (seen.message_id, data)
            for seen in (await user.inbox())[-2:]
            for _, data in seen.buttons
            if data.startswith(PRESSABLE)
        ]
        roll = rng.random()
        action: str | tuple[int, str]
        if roll < 0.12 and buttons:
            action = rng.choice(buttons)
            what = f"press {action[1]}"
        else:
            action = "/report" if roll < 0.16 else generated(rng)
            what = f"message {action[:60]!r} ({len(action)} characters)"
            typed += action != "/report"
        new = await act(user, finished, action)
        texts = [seen.text for seen in new]
        assert not any(apology in text for text in texts for apology in APOLOGIES), f"step {step}: {what}: {texts}"
        if what.startswith("message"):
            assert new, f"step {step}: {what}: no reply"
    return typed


async def _arrived(user: SimUser, before: int) -> list[Seen]:
    """Everything the user received since `before` (the bot has finished, so it is all there), marked
    as looked at so that a later `next()` starts after it."""
    await user.inbox()  # fetches what is pending without waiting
    user._cursor = len(user.seen)
    return user.seen[before:]


def _button(screen: Seen, prefix: str) -> str | None:
    return next((data for _, data in screen.buttons if data.startswith(prefix)), None)


async def answer_a_normal_figure(user: SimUser, finished: Finished, saved_word: str) -> None:
    """Whatever screen the fuzz left, /report (then an item's number at the review, then Skip past a task
    or a milestone) reaches a typed item, and a normal figure is saved."""
    screen = (await act(user, finished, "/report"))[-1]
    for _ in range(5):
        # At the review, the first item's number; at a task or a milestone, Skip; at a typed item, stop.
        press = _button(screen, "r:edit:") or (
            _button(screen, "r:skip:") if _button(screen, "r:st:") or _button(screen, "r:yes:") else None
        )
        if press is None:
            break
        screen = (await act(user, finished, (screen.message_id, press)))[-1]
    replies = await act(user, finished, "12")
    jump = _button(replies[-1], "r:jumpok:")
    if jump:  # far from last period's figure: confirm it
        replies = await act(user, finished, (replies[-1].message_id, jump))
    assert any(saved_word in reply.text for reply in replies), [reply.text for reply in replies]


async def act(user: SimUser, finished: Finished, action: str | tuple[int, str]) -> list[Seen]:
    """Send a message or press (message id, data); return what the bot sent or edited in answer."""
    before = len(user.seen)
    if isinstance(action, str):
        sent = await user.send(action)
        key = f"message {user.id} {sent['message_id']}"
    else:
        message_id, data = action
        pressed = await user.sandbox.request(
            "POST", f"/_sandbox/users/{user.id}/press", json={"message_id": message_id, "data": data}
        )
        key = f"press {pressed['callback_query_id']}"
    await finished.reach(key)
    return [seen for seen in await _arrived(user, before) if seen.kind != "delete"]


async def test_generated_messages_never_wedge_the_report(
    bot: BotApplication, season: Season, sandbox: SandboxClient, finished: Finished, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    # The test types faster than anyone; the flood gate (tested on its own) would rightly pause it.
    bot.bot_data.flood = FloodGate(limit=10**6)
    storage = season.storage
    # Figures stored before the limits: every screen that shows them must still render.
    await storage.values.save(season.current, "H-TUKY", "households_total", number=1e28, by=1)
    await storage.values.save(season.current, "H-TUKY", "communes_ntm_model", number=float("inf"), by=1)
    await storage.values.save(season.current, "CTK", "population", number=1e300, by=1)
    reopened = await storage.periods.set_state(season.previous, PeriodState.OPEN)  # for "Previous period: …"
    await storage.values.save(reopened, "CTK", "grdp_current_prices", number=1e28, by=1)
    await lock(storage, reopened)
    tuky = await join(season, sandbox, 401, "Tú", "H-TUKY")
    ctk = await join(season, sandbox, 402, "Thu", "CTK")
    await ctk.command("lang")
    await ctk.press("English")
    await ctk.expect("Language: English")
    rng = random.Random(SEED)
    typed = 0
    for user in (tuky, ctk):
        await user.command("report")
        await user.next()
        typed += await fuzz(user, finished, rng, ACTIONS)
    errors = [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]
    assert errors == []
    assert typed >= ACTIONS  # most of the 2 × ACTIONS steps are typed messages
    print(f"fuzz seed {SEED}: {2 * ACTIONS} actions, {typed} typed messages, every one answered")
    await answer_a_normal_figure(tuky, finished, "✓ Đã lưu")
    await answer_a_normal_figure(ctk, finished, "✓ Saved")
    legacy = {1e28, float("inf"), 1e300}
    for agency in ("H-TUKY", "CTK"):
        for value in (await storage.values.for_agency(season.current.id, agency)).values():
            assert value.number is None or abs(value.number) <= LIMIT or value.number in legacy, value
