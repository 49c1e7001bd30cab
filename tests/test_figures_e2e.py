"""Figures that cannot be mis-scaled, end to end: simulated focal points type into the real bot over HTTP
(the local Bot API server), see the value the bot will save echoed in the item's unit, confirm it, and
the test reads what is on disk."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot import services
from bot.context import BotApplication
from bot.domain.catalogue import parse_catalogue
from bot.domain.models import Period, Role
from bot.sandbox import SandboxClient, SimUser
from storage import Storage
from tests.e2e import Season, join

# A programme of its own, so that the focal point of STC owes exactly these items in the open period.
CATALOGUE = """
programme:
  code: T-FIG
  title_vi: "Chương trình thử"
  title_en: "Test programme"
  horizon_year: 2030
elements:
  - code: budget_million
    name_vi: "Vốn đầu tư công giải ngân"
    name_en: "Public investment disbursed"
    type: number
    unit: "triệu đồng"
    min: 0
    reporters: [STC]
  - code: staff
    name_vi: "Số cán bộ"
    name_en: "Staff"
    type: count
    unit: "người"
    reporters: [STC]
"""


@pytest.fixture
async def programme(bot: BotApplication) -> tuple[Storage, Period]:
    storage = bot.bot_data.storage
    await services.load_shipped(storage)
    await services.load_catalogue(storage, parse_catalogue(CATALOGUE, "t-fig.yaml"))
    due = date.today() + timedelta(days=14)
    period = await services.open_period(storage, "2026", programme_code="T-FIG", deadline=due)
    return storage, period


async def focal_point(storage: Storage, sandbox: SandboxClient, language: str) -> SimUser:
    """STC's focal point, who chose `language` with /lang."""
    invite = await storage.users.create_invite("STC", Role.FOCAL, timedelta(days=7))
    user = await sandbox.user(301, "Hà")
    await user.command("start", invite.token)
    await user.expect("Chào mừng")
    if language == "en":
        await user.command("lang")
        await user.press("English")
        await user.expect("Language: English")
    return user


async def stored(storage: Storage, period: Period, code: str) -> float | None:
    values = await storage.values.for_agency(period.id, "STC")
    return values[code].number if code in values else None


async def test_a_multiplier_is_read_against_the_unit_and_echoed_before_saving(
    programme: tuple[Storage, Period], sandbox: SandboxClient
) -> None:
    storage, period = programme
    ha = await focal_point(storage, sandbox, "vi")
    await ha.command("report")
    question = await ha.expect("Mục 1/2")
    assert "(triệu đồng)" in question.text and "1,2 tỷ" in question.text  # the prompt's examples
    await ha.send("1,2 tỷ")
    echo = await ha.expect("1.200 triệu đồng")
    assert "1,2 tỷ" in echo.text and "Lưu số này?" in echo.text
    assert await stored(storage, period, "budget_million") is None  # nothing saved before the answer
    await ha.press("Lưu 1.200 triệu đồng")
    saved = await ha.expect("✓ Đã lưu")
    assert "1.200 triệu đồng" in saved.text and "Mục 2/2" in saved.text
    assert await stored(storage, period, "budget_million") == 1200


async def test_a_retyped_figure_replaces_the_echoed_one(
    programme: tuple[Storage, Period], sandbox: SandboxClient
) -> None:
    storage, period = programme
    ha = await focal_point(storage, sandbox, "vi")
    await ha.command("report")
    await ha.expect("Mục 1/2")
    await ha.send("150 nghìn tỷ")
    await ha.expect("150.000.000 triệu đồng")
    await ha.press("Không, gõ lại")
    await ha.expect("gõ lại số liệu")
    await ha.send("150.000")  # triệu đồng, as the item asks: no word, nothing to echo
    await ha.expect("✓ Đã lưu", "150.000 triệu đồng")
    assert await stored(storage, period, "budget_million") == 150_000


async def test_english_examples_parse_as_shown_and_an_ambiguous_separator_is_asked(
    programme: tuple[Storage, Period], sandbox: SandboxClient
) -> None:
    storage, period = programme
    ha = await focal_point(storage, sandbox, "en")
    await ha.command("report")
    question = await ha.expect("Item 1 of 2")
    assert "(million VND)" in question.text
    assert "e.g. 1,234 or 9.5 (200 million and 1.2 billion work too)" in question.text
    await ha.send("1,234")  # the example: one thousand two hundred and thirty-four, no question
    await ha.expect("✓ Saved", "1,234 million VND")
    await ha.send("1.234")  # staff: a count, so only the Vietnamese reading fits; echoed, not guessed
    echo = await ha.expect("You typed “1.234”")
    assert "1,234 people" in echo.text
    await ha.press("Save 1,234 people")
    await ha.expect("✓ Saved", "1,234 people")
    assert await stored(storage, period, "budget_million") == 1234
    assert await stored(storage, period, "staff") == 1234


async def test_english_one_point_two_three_four_is_never_saved_unasked(
    programme: tuple[Storage, Period], sandbox: SandboxClient
) -> None:
    storage, period = programme
    ha = await focal_point(storage, sandbox, "en")
    await ha.command("report")
    await ha.expect("Item 1 of 2")
    await ha.send("1.234")
    choice = await ha.expect("can be read two ways")
    assert "1.234 million VND" in choice.text and "1,234 million VND" in choice.text
    assert await stored(storage, period, "budget_million") is None
    await ha.press("Save 1,234 million VND")
    await ha.expect("✓ Saved", "1,234 million VND")
    assert await stored(storage, period, "budget_million") == 1234


async def test_a_first_period_figure_far_out_of_range_asks_first(season: Season, sandbox: SandboxClient) -> None:
    thu = await join(season, sandbox, 402, "Thu", "CTK")
    await thu.command("report")
    await thu.expect("Mục 1/12")
    await thu.send("9,2")
    await thu.expect("Mục 2/12")  # GRDP at current prices, in tỷ đồng: no figure last period
    await thu.send("145.000.000.000.000")  # typed in đồng: above Vietnam's GDP in tỷ đồng
    warning = await thu.expect("khác xa mức hợp lý")
    assert "145.000.000.000.000 tỷ đồng" in warning.text
    values = await season.storage.values.for_agency(season.current.id, "CTK")
    assert "grdp_current_prices" not in values
    await thu.press("Không, gõ lại")
    await thu.send("145.000")
    await thu.expect("✓ Đã lưu", "145.000 tỷ đồng")
    values = await season.storage.values.for_agency(season.current.id, "CTK")
    assert values["grdp_current_prices"].number == 145_000
