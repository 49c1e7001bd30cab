"""Days typed in a chat: the Vietnamese order and ISO, and anything else refused rather than guessed."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.dates import parse_day


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("31/12/2025", date(2025, 12, 31)),
        ("05/03/2026", date(2026, 3, 5)),  # day first: 5 March, not 3 May
        (" 2026-03-05 ", date(2026, 3, 5)),
    ],
)
def test_a_day_in_either_form(text: str, day: date) -> None:
    assert parse_day(text) == day


@pytest.mark.parametrize("text", ["", "mai", "32/01/2026", "2026-02-30", "HD-NQ30"])
def test_not_a_day(text: str) -> None:
    assert parse_day(text) is None
