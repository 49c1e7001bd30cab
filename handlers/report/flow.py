"""The /report conversation's name in the `conversations` table and its states (see the package docstring
and report.mmd). Apart from the modules that use them, so that none of them imports another for these."""

from __future__ import annotations

FLOW = "report"
CHOOSING = "choosing"
ASKING = "asking"
CONFIRM_JUMP = "confirm_jump"
CONFLICT = "conflict"
TASK_PERCENT = "task_percent"
TASK_NARRATIVE = "task_narrative"
NOTE = "note"
REVIEW = "review"
