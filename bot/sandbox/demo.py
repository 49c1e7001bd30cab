"""`python -m bot demo`: the whole reporting season on one machine, without a Telegram account.

It starts the local Bot API server and the real bot against it on a fresh database, loads the Hải Dương
catalogue and agencies, opens the 2025 period (due before 5 December 2025) and invites a focal point for
every agency. Then it plays the season on a simulated clock: reminders go out, simulated focal points
answer through the real conversation with plausible figures (some on time, some late, a few with typos
that the bot refuses and they correct, one never), the escalation reaches the admin, and the admin asks
for the summary and its files. Deterministic for a given seed. The transcript is one timeline of the
season (bot/sandbox/timeline.py); `--fast` plays it with a handful of agencies.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bot import services
from bot.app import build_app, polling, run_reminders
from bot.config import Settings
from bot.context import BotApplication
from bot.domain.models import DataElement, ElementType, Role
from bot.domain.reminders import ReminderPolicy, schedule
from bot.domain.workdays import shipped_calendar
from bot.files.exports import summary_json
from bot.i18n import Translator, translator
from bot.sandbox import BotApiServer, SandboxClient, SimUser
from bot.sandbox.timeline import Mark, timeline
from bot.services.summary import build_summary

PROGRAMME = "HD-NQ30"
DEADLINE = date(2025, 12, 4)  # the last day on time: the programme says "trước ngày 05 tháng 12"
ADMIN_ID = 900
NEVER_ANSWERS = "H-NINHGIANG"
FAST_AGENCIES = 8  # `--fast`: this many agencies take part, the one that never answers among them
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô")
GIVEN = ("Thị Lan", "Văn Minh", "Thu Hà", "Đức Anh", "Thị Hoa", "Quang Huy", "Ngọc Mai", "Văn Tú", "Thị Hằng")

# Plausible figures for the catalogue's data elements, per reporting agency (not official statistics).
RANGES: dict[str, tuple[float, float]] = {
    "grdp_growth": (7.5, 10.5),
    "grdp_current_prices": (150_000, 165_000),
    "population": (1_950_000, 1_980_000),
    "urban_population": (760_000, 820_000),
    "share_agriculture": (6.5, 8.0),
    "share_industry_construction": (55, 58),
    "share_services": (28, 30),
    "share_product_taxes": (5.5, 6.5),
    "labour_productivity_growth": (6.5, 9.0),
    "tfp_contribution": (40, 48),
    "digital_economy_share": (18, 24),
    "communes_total": (10, 24),
    "commune_units_total": (12, 26),
    "kindergartens_total": (18, 30),
    "primary_schools_total": (16, 28),
    "lower_secondary_total": (14, 26),
    "households_total": (30_000, 65_000),
    "urban_solid_waste_generated": (20, 120),
    "upper_secondary_total": (50, 55),
    "trained_labour_certified": (30, 36),
    "unemployment_rate": (1.8, 2.6),
    "poverty_rate_reduction": (0.8, 1.6),
    "hospital_beds": (7_000, 7_600),
    "doctors": (2_000, 2_200),
    "health_insured_people": (1_890_000, 1_940_000),
    "industrial_zones_operating": (12, 14),
    "industrial_clusters_operating": (30, 36),
    "hazardous_waste_treated_share": (92, 99),
    "ghg_emission_change": (-4, -1),
    "urban_areas_total": (20, 22),
    "urban_areas_class_1": (1, 1),
    "urban_areas_class_2": (1, 1),
    "urban_areas_class_3": (0, 1),
    "urban_areas_class_4": (3, 5),
    "urban_areas_class_5": (10, 13),
    "budget_spending_total": (25_000, 28_000),
    "science_technology_spending": (300, 450),
}
# Counts that are a share of another count the same agency reports.
PARTS: dict[str, tuple[str, float, float]] = {
    "communes_ntm_advanced": ("communes_total", 0.3, 0.8),
    "communes_ntm_model": ("communes_total", 0.05, 0.3),
    "commune_units_safe": ("commune_units_total", 0.85, 1.0),
    "kindergartens_standard": ("kindergartens_total", 0.7, 0.95),
    "primary_schools_standard": ("primary_schools_total", 0.85, 1.0),
    "lower_secondary_standard": ("lower_secondary_total", 0.75, 0.95),
    "households_clean_water": ("households_total", 0.9, 1.0),
    "urban_solid_waste_treated": ("urban_solid_waste_generated", 0.85, 1.0),
    "upper_secondary_standard": ("upper_secondary_total", 0.7, 0.85),
    "industrial_zones_wastewater": ("industrial_zones_operating", 0.8, 1.0),
    "industrial_clusters_wastewater": ("industrial_clusters_operating", 0.4, 0.7),
}


class DemoFailed(RuntimeError):
    """A step of the season did not go as it should."""


@dataclass
class Cast:
    """Who plays the season: the admin and one focal point per agency, with their plans."""

    admin: SimUser
    focal: dict[str, SimUser] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # agency code -> agency name
    answer_on: dict[str, str] = field(default_factory=dict)  # agency code -> slot after which it answers
    people: dict[int, str] = field(default_factory=dict)  # chat id -> "name (agency)" for the transcript


def _figure(rng: random.Random, element: DataElement, answered: dict[str, float]) -> float:
    if element.code in PARTS:
        whole, low, high = PARTS[element.code]
        return round(answered.get(whole, 20) * rng.uniform(low, high))
    low, high = RANGES.get(element.code, (10, 90))
    value = rng.uniform(low, high)
    return round(value) if element.type is ElementType.COUNT or value > 1000 else round(value, 1)


def typed(value: float, lang: str) -> str:
    """How a focal point would type it: Vietnamese grouping and decimal comma, or English."""
    if float(value).is_integer():
        text = f"{int(value):,}"
        return text.replace(",", ".") if lang == "vi" else text
    return f"{value}".replace(".", ",") if lang == "vi" else f"{value}"


class Season:
    def __init__(self, seed: int, out: Path, lang: str, fast: bool, log: Callable[[str], None]) -> None:
        self.rng = random.Random(seed)
        self.out, self.lang, self.fast, self.log = out, lang, fast, log
        self.t = translator(lang)
        self.clock = datetime(2025, 11, 1, 2, 0, tzinfo=UTC)  # 09:00 in Hà Nội
        self.marks: list[Mark] = []
        self.world: Any = None

    async def play(self) -> dict[str, Any]:
        self.out.mkdir(parents=True, exist_ok=True)
        database = self.out / "demo.db"
        for stale in self.out.glob("demo.db*"):
            stale.unlink()
        server = BotApiServer()
        await server.start()
        self.world = server.world
        sandbox = SandboxClient(server.api_url)
        settings = Settings(
            bot_token=server.token,
            bot_api_url=server.api_url,  # type: ignore[arg-type]
            database_url=str(database),
            admin_ids=[ADMIN_ID],
            default_locale=self.lang,
            bot_username=server.bot_username,
            reminders_enabled=False,
        )
        application = build_app(settings)
        application.bot_data.clock = lambda: self.clock
        try:
            async with polling(application):
                result, cast = await self._season(application, sandbox)
            text = timeline(server.world, self.marks, cast.people, self.t)
            (self.out / "transcript.txt").write_text(text, encoding="utf-8")
            return result
        finally:
            await sandbox.close()
            await server.stop()

    def _at(self, moment: datetime, heading: str | None = None) -> None:
        """Move the simulated clock, and mark the transcript there."""
        self.clock = moment
        zone = self.t.zone
        self.marks.append(Mark(len(self.world.journal), moment.astimezone(zone), heading))

    async def _season(self, application: BotApplication, sandbox: SandboxClient) -> tuple[dict[str, Any], Cast]:
        storage = application.bot_data.storage
        await services.load_shipped(storage)
        period = await services.open_period(storage, "2025", programme_code=PROGRAMME, deadline=DEADLINE)
        programme = await storage.catalogue.programme(PROGRAMME)
        assert programme is not None
        self._at(self.clock, self.t.gettext("Period {period} opened; focal points invited").format(period="2025"))
        cast = await self._invite(application, sandbox, sorted(await storage.catalogue.assignments(programme.id)))
        slots = schedule(ReminderPolicy(), shipped_calendar(), DEADLINE, DEADLINE + timedelta(days=7))
        moments = [(slot.name, slot.day) for slot in slots if slot.day >= date(2025, 11, 17)]
        moments.append(("escalate", shipped_calendar().shift(DEADLINE, 3)))
        moments.sort(key=lambda moment: moment[1])  # the clock only moves forward
        for step, (name, day) in enumerate(moments, start=1):
            self._at(datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC), moment_heading(name, self.t))
            self.log(f"{progress(step, len(moments))} {day:%d/%m/%Y} {name}")
            await run_reminders(application, self.clock.astimezone(application.bot_data.settings.tzinfo))
            await sandbox.wait_idle()
            for code in [c for c, slot in cast.answer_on.items() if slot == name]:
                self._at(self.clock + timedelta(minutes=30))
                await self._report(application, cast, code)
        admin = cast.admin
        self._at(self.clock + timedelta(hours=1), self.t.gettext("The consolidating agency asks for the summary"))
        escalation = await admin.expect("🚨", timeout=30)
        if cast.names[NEVER_ANSWERS] not in escalation.text:
            raise DemoFailed("the escalation does not list the agency that never answered")
        await admin.command("summary", "2025")
        summary = await admin.expect("2025", "HD-NQ30", timeout=30)
        for button, name in (("📥", "summary.xlsx"), ("📄", "summary.csv"), ("📊", "chart.png")):
            await admin.press(next(label for label, _ in summary.buttons if label.startswith(button)))
            sent = await admin.expect("", timeout=60)
            while not (sent.document or sent.photo):
                sent = await admin.expect("", timeout=60)
            file_id = sent.document["file_id"] if sent.document else sent.photo[-1]["file_id"]  # type: ignore[index]
            (self.out / name).write_bytes(await sandbox.file(file_id))
        result = summary_json(await build_summary(storage, period))
        (self.out / "summary.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
        (self.out / "summary.txt").write_text(summary.text + "\n", encoding="utf-8")
        return result, cast

    async def _invite(self, application: BotApplication, sandbox: SandboxClient, codes: list[str]) -> Cast:
        storage = application.bot_data.storage
        admin = await sandbox.user(ADMIN_ID, "Quản trị Sở KH&ĐT", language_code=self.lang)
        cast = Cast(admin)
        cast.people[ADMIN_ID] = admin.name
        await self._start(admin)
        answering = [c for c in codes if c != NEVER_ANSWERS]
        if self.fast:  # fewer agencies take part; the others are simply not invited, and show as missing
            answering = answering[:: max(1, len(answering) // (FAST_AGENCIES - 1))][: FAST_AGENCIES - 1]
            codes = sorted([*answering, NEVER_ANSWERS])
        plan = ["before-7"] * 3 + ["before-3"] * 4 + ["before-1"] * 4 + ["due"] * 3 + ["overdue-2"] * 2
        for index, code in enumerate(codes):
            agency = await storage.agencies.get(code)
            assert agency is not None
            cast.names[code] = agency.name(self.lang)
            invite = await storage.users.create_invite(code, Role.FOCAL, timedelta(days=30))
            name = f"{FAMILY[index % len(FAMILY)]} {GIVEN[index % len(GIVEN)]}"
            user = await sandbox.user(2000 + index, name, language_code=self.lang)
            await user.command("start", invite.token)
            await user.expect("Chào mừng" if self.lang == "vi" else "Welcome")
            await user.expect("/report")  # the status that follows the welcome, before the next person starts
            await self._start(user)
            cast.focal[code] = user
            cast.people[user.id] = f"{name} ({cast.names[code]})"
            if code in answering:
                cast.answer_on[code] = plan[answering.index(code) * len(plan) // len(answering)]
        return cast

    async def _start(self, user: SimUser) -> None:
        """Switch a simulated user to English when the season is played in English."""
        if self.lang == "en":
            await user.command("lang")
            await user.press("English")
            await user.expect("Language: English")

    async def _report(self, application: BotApplication, cast: Cast, code: str) -> None:
        storage = application.bot_data.storage
        user = cast.focal[code]
        programme = await storage.catalogue.programme(PROGRAMME)
        assert programme is not None
        elements = await storage.catalogue.assigned_elements(programme.id, code)
        answered: dict[str, float] = {}
        makes_typo = self.rng.random() < 0.25
        await user.command("report")
        for position, element in enumerate(elements, start=1):
            marker = f"{position}/{len(elements)}" if self.lang == "vi" else f"{position} of {len(elements)}"
            await user.expect(marker, timeout=30)
            if element.type is ElementType.TASK:
                status = self.rng.choice(
                    ["Đang thực hiện", "Hoàn thành"] if self.lang == "vi" else ["In progress", "Done"]
                )
                await user.press(status)
                done_part = self.rng.choice([40, 60, 75, 90])
                # A task marked done is 100 % done: the bot refuses "done, 60 %".
                await user.send("100" if status in ("Hoàn thành", "Done") else str(done_part))
                await user.press("Không có nhận xét" if self.lang == "vi" else "No comment")
            elif element.type is ElementType.MILESTONE:
                await user.press("✅ Đã đạt" if self.lang == "vi" else "✅ Achieved")
            else:
                value = _figure(self.rng, element, answered)
                answered[element.code] = value
                if makes_typo and position == 1:
                    await user.send(typed(value, self.lang) + "x")
                    await user.expect("⚠️", timeout=30)
                await user.send(typed(value, self.lang))  # the next question opens with "✓"; the loop awaits it
        await user.press("✅ Nộp báo cáo" if self.lang == "vi" else "✅ Submit", timeout=30)
        await user.expect("Đã nộp" if self.lang == "vi" else "submitted", timeout=30)


def progress(step: int, total: int, width: int = 20) -> str:
    filled = round(width * step / total)
    return f"[{'#' * filled}{'-' * (width - filled)}]"


def moment_heading(name: str, t: Translator) -> str:
    """A reminder slot's name (`before-7`, `due`, `overdue-2`, `escalate`) as the transcript's day heading."""
    kind, _, number = name.partition("-")
    if kind == "before":
        n = int(number)
        return t.ngettext(
            "Reminders, {n} working day before the deadline", "Reminders, {n} working days before the deadline", n
        ).format(n=n)
    if kind == "overdue":
        n = int(number)
        return t.ngettext(
            "Reminders, {n} working day after the deadline", "Reminders, {n} working days after the deadline", n
        ).format(n=n)
    if kind == "due":
        return t.gettext("Reminders on the deadline day")
    return t.gettext("Late agencies escalated to the admins")


def run_demo(seed: int, out: Path | None, lang: str, fast: bool) -> int:
    folder = out or Path(tempfile.mkdtemp(prefix="chitieu-demo-"))
    started = time.perf_counter()

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    try:
        result = asyncio.run(Season(seed, folder, lang, fast, log).play())
    except Exception as error:
        print(f"Demo failed: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    print((folder / "transcript.txt").read_text(encoding="utf-8"))
    print((folder / "summary.txt").read_text(encoding="utf-8"))
    print(closing_line(result["completeness"], time.perf_counter() - started, translator(lang)))
    files = ", ".join(sorted(p.name for p in folder.iterdir() if not p.name.startswith("demo.db")))
    print(translator(lang).gettext("Files: {files} in {folder}").format(files=files, folder=folder))
    return 0


def closing_line(completeness: dict[str, int], seconds: float, t: Translator) -> str:
    """How the season ended, in the run's language."""
    return t.gettext(
        "{submitted}/{expected} agencies submitted ({on_time} on time, {late} late); the demo took {seconds} s."
    ).format(
        submitted=completeness["submitted"],
        expected=completeness["expected"],
        on_time=completeness["on_time"],
        late=completeness["late"],
        seconds=t.number(round(seconds), digits=0),
    )
