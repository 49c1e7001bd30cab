"""The demo's transcript: one timeline for the whole season, each exchange in the order it happened.

The sandbox journals every update a user sent and every message the bot sent, in one order (World.journal);
the demo marks the simulated clock each time it moves. Reading the journal between marks gives the date,
who and what, so a newcomer can follow the season from the invitations to the summary, the way it was
lived, instead of chat by chat. Files show as files, with their name and size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from babel.units import format_unit

from bot.i18n import Translator
from bot.sandbox.state import World

BOT = "Bot"
INDENT = " " * 9  # under "HH:MM    "


@dataclass(frozen=True)
class Mark:
    """The simulated clock moved to `moment` (local time) when the journal held `position` entries."""

    position: int
    moment: datetime
    heading: str | None = None
    people: dict[int, str] = field(default_factory=dict)  # from here on, these chats are shown so (a new post)


def timeline(world: World, marks: list[Mark], people: dict[int, str], t: Translator) -> str:
    """The whole season as text: a heading per day, then `HH:MM  who: what` in the order things happened."""
    lines: list[str] = []
    shown_as = dict(people)
    ordered = sorted(marks, key=lambda mark: mark.position)
    current: Mark | None = None
    shown_day = None
    upcoming = iter(ordered)
    following = next(upcoming, None)
    for position, (chat_id, kind, payload) in enumerate(world.journal):
        while following is not None and following.position <= position:
            current, following = following, next(upcoming, None)
            shown_as.update(current.people)
            if current.moment.date() != shown_day or current.heading:
                shown_day = current.moment.date()
                lines.append(_heading(current, t))
        clock = f"{current.moment:%H:%M}" if current else "     "
        who = shown_as.get(chat_id, str(chat_id))
        text = _what(world, kind, payload, t)
        if text is None:
            continue
        speaker = f"{BOT} → {who}" if kind == "send" else who
        first, *rest = text.splitlines() or [""]
        lines.append(f"{clock}    {speaker}: {first}")
        lines += [f"{INDENT}{line}" if line else "" for line in rest]
    lines += [_heading(mark, t) for mark in [following, *upcoming] if mark is not None and mark.heading]
    return "\n".join(lines).strip() + "\n"


def _heading(mark: Mark, t: Translator) -> str:
    """A day's heading; a mark with a heading starts a new one even on the same day."""
    return f"\n── {t.date(mark.moment.date())}" + (f" · {mark.heading}" if mark.heading else "") + " ──"


def _what(world: World, kind: str, payload: dict[str, Any], t: Translator) -> str | None:
    """What one journal entry shows on the phone: text, a pressed button, a file; None for nothing visible."""
    if kind == "send":
        return _sent(world, payload, t)
    if message := payload.get("message"):
        return str(message.get("text", ""))
    query = payload.get("callback_query")
    if query is None:
        return None
    keyboard = (query["message"].get("reply_markup") or {}).get("inline_keyboard", [])
    label = next((b["text"] for row in keyboard for b in row if b.get("callback_data") == query["data"]), query["data"])
    return f"[{label}]"


def _sent(world: World, message: dict[str, Any], t: Translator) -> str:
    caption = message.get("caption") or ""
    if document := message.get("document"):
        return _file_line("📎", document["file_name"], document["file_size"], caption, t)
    if photo := message.get("photo"):
        stored = world.files.get(photo[-1]["file_id"])
        name = stored.file_name if stored else "photo"
        return _file_line("🖼", name, photo[-1]["file_size"], caption, t)
    return str(message.get("text", ""))


def _file_line(icon: str, name: str, size: int, caption: str, t: Translator) -> str:
    kilobytes = format_unit(size / 1024, "digital-kilobyte", length="short", format="#,##0.0", locale=t.locale)
    return f"{icon} {name} ({kilobytes})" + (f"\n{caption}" if caption else "")
