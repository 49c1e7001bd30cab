"""/report: a focal point reports their agency's figures for a period (state diagram: report.mmd).

The conversation's position lives in the `conversations` table and is saved at every step, not in PTB's
memory: after a restart the user's next message continues at the same question, and several bot
instances can share one database. Every confirmed value is written at once, as a draft; Submit marks
the agency's report complete. Buttons carry the question's serial number, so a press on an old message
is recognised as stale instead of answering the wrong question.

The conversation row (`storage.Conversation`) holds: the state; the period and agency being reported;
`element_code`, the item asked; `serial`, raised with every screen; and in `data` what one step leaves
for the next: `seen_version` (the version of the value the question showed, for conflict detection),
`to_review` (return to the review after this item), `screen` (the message whose buttons are live),
`screen_note` (the item whose note offer that message carries, left on it when its other buttons go),
`pending` (a figure awaiting confirmation, or the user's answer in a conflict), `alternative` (the other
reading of an ambiguous separator, offered beside `pending`), `their_version`, the task's
`status` and `percent`, and a note's `note_for` and `resume`.

States:
    CHOOSING        pick the (period, agency) when more than one is open
    ASKING          one data element: a typed number, or buttons for milestones and tasks
    CONFIRM_JUMP    a figure waits to be confirmed before it is saved: far from last period's, or in a
                    first period far from the item's plausible range, or not what was typed (a
                    multiplier word read against the unit, a separator read two ways)
    CONFLICT        another focal point of the agency changed this value meanwhile
    TASK_PERCENT    a task's percentage done, after its status
    TASK_NARRATIVE  a task's short narrative
    NOTE            a note for a value just saved
    REVIEW          every answer, edit any one, Submit

The modules: `opening` (/report, choosing a report), `screens` (question, review, nudge), `saving` (the
one way an answer is saved, through `bot.services.report.record_answer`, and its outcome shown: saved,
refused, jump to confirm, conflict, locked), `answers` (typed input), `buttons` (the `r:` buttons),
`myreports` (/myreports). Beside the conversation, with buttons of their own: `sheet` (📥 the agency's Excel
sheet, and a filled one sent back), `status` (📊 estimate, preliminary, official), `official` (/official and
the official-figures round) and `confidence` (a lead agency's view of its indicators, after submitting).
The use cases and rules are in `bot.services.report` and `bot.domain.reporting`.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import CallbackQueryHandler, CommandHandler

from handlers.report.answers import on_text
from handlers.report.buttons import on_button, report_button
from handlers.report.flow import FLOW
from handlers.report.myreports import my_reports
from handlers.report.opening import report_command
from handlers.report.screens import nudge

__all__ = ["FLOW", "handlers", "nudge", "on_text", "report_button"]


def handlers() -> list[Any]:
    """The /report and /myreports commands and every `r:` button."""
    return [
        CommandHandler("report", report_command),
        CommandHandler("myreports", my_reports),
        CallbackQueryHandler(on_button, pattern=r"^r:"),
    ]
