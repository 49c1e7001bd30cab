"""`python -m bot demo`: two reporting seasons on one machine, without a Telegram account, in the world as
it was: Hải Dương before and after the reorganisation of 1 July 2025.

It starts the local Bot API server and the real bot against it on a fresh database and sets it up as
`python -m bot init` does: Hải Dương's agencies, the dated 2025 reorganisation and the catalogues. Then it
plays, on a simulated clock and through the real conversation:
- 2024, compactly: the districts, towns, cities and departments report to the Department of Planning and
  Investment on three reminder days, all on time; its admin reads the summary and locks the period;
- the reorganisation day (1 July 2025): the districts are gone, the communes and wards report from now on,
  and the DPI is part of the Department of Finance;
- 2025, whole: the communes, wards and departments are invited and report to the Department of Finance;
  reminders go out, some answer late, a few make typos the bot refuses, one never answers and is escalated;
  the admin asks for the summary, which compares 2025 with 2024, and its files.
Every figure goes through the bot's validation, typed by a simulated focal point. Deterministic per seed.
The transcript is one timeline (bot/sandbox/timeline.py); `--fast` plays both seasons with a handful of
agencies, the others show as missing.
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
from bot.domain.flood import FloodGate
from bot.domain.models import ElementType, Period, PeriodState, Role
from bot.domain.reminders import ReminderPolicy, schedule
from bot.domain.workdays import shipped_calendar
from bot.files.exports import summary_json
from bot.i18n import Translator, period_state_name, translator
from bot.sandbox import BotApiServer, SandboxClient, SimUser
from bot.sandbox.demo_figures import ADMIN_NAME, NEWCOMERS, figure, is_commune, person, typed
from bot.sandbox.timeline import Mark, timeline
from bot.services.obligations import consolidator, consolidator_name, owed_elements, owing, period_day
from bot.services.reorganisation import init_shipped
from bot.services.summary import build_summary

PROGRAMME = "HD-NQ30"
ADMIN_ID = 900
REORGANISED_ON = date(2025, 7, 1)


@dataclass(frozen=True)
class Plan:
    """How one season is played: its period, deadline, reminder days, who takes part, who never answers."""

    code: str
    deadline: date  # the last day on time: the programme says "trước ngày 05 tháng 12"
    slots: tuple[str, ...]  # the reminder slots played (others pass without a scene); () = all of them
    answers: tuple[str, ...]  # the slots after which the answering agencies report, spread over them in order
    fast: tuple[str, ...]  # `--fast`: only these agencies are invited
    never: str | None = None  # the agency that never answers (escalated)


SEASONS = (
    Plan(
        "2024",
        date(2024, 12, 4),
        ("before-7", "before-1", "due"),
        ("before-7",) * 2 + ("before-1",) * 3 + ("due",) * 1,
        ("CTK", "SKHDT", "STC", "SYT", "H-NINHGIANG", "TP-HAIDUONG", "H-GIALOC"),
    ),
    Plan(
        "2025",
        date(2025, 12, 4),
        (),
        ("before-7",) * 3 + ("before-3",) * 4 + ("before-1",) * 4 + ("due",) * 3 + ("overdue-2",) * 2,
        ("CTK", "STC", "SYT", "P-HAIDUONG", "X-GIALOC", "X-NINHGIANG", "X-TUKY"),
        never="X-NINHGIANG",
    ),
)
FILES = (  # the summary's buttons pressed in 2025, and the file each one's answer is saved as
    ("📥 Excel", "summary.xlsx"),
    ("📝 Word report", "summary.docx"),
    ("📊 Chart", "chart.png"),
    ("📄 CSV", "summary.csv"),
    ("📄 CSV (Excel, Vietnamese)", "summary_vi.csv"),
)


class DemoFailed(RuntimeError):
    """A step of the season did not go as it should."""


@dataclass
class Cast:
    """Who plays: the admin and one focal point per agency, with their plans for the current season."""

    admin: SimUser
    focal: dict[str, SimUser] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # agency code -> agency name
    answer_on: dict[str, str] = field(default_factory=dict)  # agency code -> slot after which it answers
    people: dict[int, str] = field(default_factory=dict)  # chat id -> "name (agency)" for the transcript


class Season:
    def __init__(self, seed: int, out: Path, lang: str, fast: bool, log: Callable[[str], None]) -> None:
        self.rng = random.Random(seed)
        self.out, self.lang, self.fast, self.log = out, lang, fast, log
        self.t = translator(lang)
        self.clock = datetime(2024, 11, 1, 2, 0, tzinfo=UTC)  # 09:00 in Hà Nội
        self.marks: list[Mark] = []
        self.world: Any = None
        self.cast: Cast | None = None
        self.answers: dict[str, dict[str, float]] = {}  # agency code -> its last report's figures

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
        # Simulated people answer a whole report within a second of real time, faster than the per-user
        # flood gate lets anyone type; the gate reads the real clock, so the demo widens it.
        application.bot_data.flood = FloodGate(limit=10_000)
        try:
            async with polling(application):
                return await self._seasons(application, sandbox)
        finally:  # written also when a step fails, to show where
            text = timeline(server.world, self.marks, self.cast.people if self.cast else {}, self.t)
            (self.out / "transcript.txt").write_text(text, encoding="utf-8")
            await sandbox.close()
            await server.stop()

    def _at(self, moment: datetime, heading: str | None = None, people: dict[int, str] | None = None) -> None:
        """Move the simulated clock, and mark the transcript there."""
        self.clock = moment
        self.marks.append(Mark(len(self.world.journal), moment.astimezone(self.t.zone), heading, people or {}))

    async def _seasons(self, application: BotApplication, sandbox: SandboxClient) -> dict[str, Any]:
        storage = application.bot_data.storage
        await init_shipped(storage)  # as `python -m bot init`: the 2025 reorganisation is data, dated
        first, second = SEASONS
        earlier = await services.open_period(storage, first.code, programme_code=PROGRAMME, deadline=first.deadline)
        cast = self.cast = Cast(await sandbox.user(ADMIN_ID, ADMIN_NAME, language_code=self.lang))
        cast.people[ADMIN_ID] = label = await self._admin_label(application, cast, earlier)
        opened = self.t.gettext("Period {period} opened; focal points invited").format(period=first.code)
        self._at(self.clock, opened, {ADMIN_ID: label})
        await self._start(cast.admin)
        await self._newcomer(sandbox, cast, 0)
        await self._season(application, sandbox, cast, earlier, first)
        after = shipped_calendar().shift(first.deadline, 1)
        self._at(datetime(after.year, after.month, after.day, 2, 0, tzinfo=UTC), self._asks_for_summary())
        summary = await self._summary(cast, earlier)
        (self.out / f"summary_{first.code}.txt").write_text(summary.text + "\n", encoding="utf-8")
        await cast.admin.command("lock_period", first.code, PROGRAMME)
        await cast.admin.press(self.t.gettext("Confirm"))
        locked = period_state_name(PeriodState.LOCKED, self.t)
        await cast.admin.expect(self.t.gettext("{code}: {state}").format(code=first.code, state=locked), timeout=30)

        current = await services.open_period(storage, second.code, programme_code=PROGRAMME, deadline=second.deadline)
        await self._reorganisation(application, cast, earlier, current)
        await self._newcomer(sandbox, cast, 1)
        self._at(
            datetime(2025, 11, 1, 2, 0, tzinfo=UTC),
            self.t.gettext("Period {period} opened; focal points invited").format(period=second.code),
        )
        escalated = await self._season(application, sandbox, cast, current, second)
        if second.never and second.never in cast.names and cast.names[second.never] not in escalated:
            raise DemoFailed("the escalation does not list the agency that never answered")
        summary = await self._summary(cast, current)
        await self._files(cast.admin, sandbox, summary)
        result = summary_json(await build_summary(storage, current))
        (self.out / "summary.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
        (self.out / "summary.txt").write_text(summary.text + "\n", encoding="utf-8")
        return result

    async def _admin_label(self, application: BotApplication, cast: Cast, period: Period) -> str:
        """The admin as the transcript names them: of the agency the period reports to, read from data."""
        storage = application.bot_data.storage
        programme = await storage.catalogue.programme(PROGRAMME)
        agency = await consolidator(storage, programme, period_day(period))
        return f"{cast.admin.name} ({agency.name(self.lang)})" if agency else cast.admin.name

    async def _reorganisation(self, application: BotApplication, cast: Cast, earlier: Period, current: Period) -> None:
        """The day the communes and wards replace the districts: a heading, and who owes what changes."""
        storage = application.bot_data.storage
        before, after = set(await owing(storage, earlier)), set(await owing(storage, current))
        heading = self.t.gettext(
            "Reorganisation in effect: {gone} agencies that reported for {before} no longer report; "
            "{new} new ones report for {after}, to {agency}"
        ).format(
            gone=len(before - after),
            new=len(after - before),
            before=earlier.code,
            after=current.code,
            agency=await consolidator_name(storage, self.lang, period_day(current)),
        )
        label = await self._admin_label(application, cast, current)
        self._at(datetime(2025, 7, 1, 1, 0, tzinfo=UTC), heading, {ADMIN_ID: label})
        cast.people[ADMIN_ID] = label
        cast.answer_on.clear()

    def _asks_for_summary(self) -> str:
        return self.t.gettext("The consolidating agency asks for the summary")

    async def _newcomer(self, sandbox: SandboxClient, cast: Cast, index: int) -> None:
        """An official writes to the bot before being invited: the bot names the agency to ask, from data
        (the Department of Planning and Investment in 2024, the Department of Finance after the merger)."""
        user = await sandbox.user(3000 + index, NEWCOMERS[index], language_code=self.lang)
        cast.people[user.id] = user.name
        await user.command("start")
        await user.expect("", timeout=30)

    async def _season(
        self, application: BotApplication, sandbox: SandboxClient, cast: Cast, period: Period, plan: Plan
    ) -> str:
        """Invite, remind, answer; returns the escalation's text ("" when the season has none)."""
        storage = application.bot_data.storage
        owed = sorted(await owing(storage, period))
        codes = [code for code in owed if code in plan.fast] if self.fast else owed
        await self._invite(application, sandbox, cast, codes, plan)
        until = plan.deadline + timedelta(days=7)
        slots = schedule(ReminderPolicy(), shipped_calendar(), plan.deadline, until)
        moments = [(s.name, s.day) for s in slots if s.day.month >= 11 and (not plan.slots or s.name in plan.slots)]
        if plan.never:
            moments.append(("escalate", shipped_calendar().shift(plan.deadline, 3)))
        moments.sort(key=lambda moment: moment[1])  # the clock only moves forward
        for step, (name, day) in enumerate(moments, start=1):
            self._at(datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC), moment_heading(name, self.t))
            self.log(f"{plan.code} {progress(step, len(moments))} {day:%d/%m/%Y} {name}")
            await run_reminders(application, self.clock.astimezone(application.bot_data.settings.tzinfo))
            await sandbox.wait_idle()
            for code in [c for c, slot in cast.answer_on.items() if slot == name]:
                self._at(self.clock + timedelta(minutes=30))
                await self._report(application, cast, code, period)
        if not plan.never:
            return ""
        self._at(self.clock + timedelta(hours=1), self._asks_for_summary())
        return (await cast.admin.expect("🚨", timeout=30)).text

    async def _invite(
        self, application: BotApplication, sandbox: SandboxClient, cast: Cast, codes: list[str], plan: Plan
    ) -> None:
        """Invite a focal point for each agency that has none yet (a department keeps its own), and plan when
        each answers."""
        storage = application.bot_data.storage
        for code in codes:
            if code in cast.focal:
                continue
            agency = await storage.agencies.get(code)
            assert agency is not None
            cast.names[code] = agency.name(self.lang)
            invite = await storage.users.create_invite(code, Role.FOCAL, timedelta(days=30))
            index = len(cast.focal)
            user = await sandbox.user(2000 + index, person(index), language_code=self.lang)
            await user.command("start", invite.token)
            await user.expect("Chào mừng" if self.lang == "vi" else "Welcome")
            await user.expect("/report")  # the status that follows the welcome, before the next person starts
            await self._start(user)
            cast.focal[code] = user
            cast.people[user.id] = f"{user.name} ({cast.names[code]})"
        answering = [code for code in codes if code != plan.never]
        for position, code in enumerate(answering):
            cast.answer_on[code] = plan.answers[position * len(plan.answers) // len(answering)]

    async def _start(self, user: SimUser) -> None:
        """Switch a simulated user to English when the season is played in English."""
        if self.lang == "en":
            await user.command("lang")
            await user.press("English")
            await user.expect("Language: English")

    async def _report(self, application: BotApplication, cast: Cast, code: str, period: Period) -> None:
        user = cast.focal[code]
        elements = await owed_elements(application.bot_data.storage, period, code)
        answered: dict[str, float] = {}
        makes_typo = self.rng.random() < 0.25
        vi = self.lang == "vi"
        await user.command("report")
        for position, element in enumerate(elements, start=1):
            await user.expect(f"{position}/{len(elements)}" if vi else f"{position} of {len(elements)}", timeout=30)
            if element.type is ElementType.TASK:
                status = self.rng.choice(["Đang thực hiện", "Hoàn thành"] if vi else ["In progress", "Done"])
                await user.press(status)
                done_part = self.rng.choice([40, 60, 75, 90])
                # A task marked done is 100 % done: the bot refuses "done, 60 %".
                await user.send("100" if status in ("Hoàn thành", "Done") else str(done_part))
                await user.press("Không có nhận xét" if vi else "No comment")
            elif element.type is ElementType.MILESTONE:
                await user.press("✅ Đã đạt" if vi else "✅ Achieved")
            else:
                last = self.answers.setdefault(code, {})
                value = figure(self.rng, element, answered, is_commune(code), last)
                answered[element.code] = value
                if makes_typo and position == 1:
                    await user.send(typed(value, self.lang) + "x")
                    await user.expect("⚠️", timeout=30)
                await user.send(typed(value, self.lang))  # the next question opens with "✓"; the loop awaits it
        self.answers[code] = answered
        await user.press("✅ Nộp báo cáo" if vi else "✅ Submit", timeout=30)
        await user.expect("Đã nộp" if vi else "submitted", timeout=30)

    async def _summary(self, cast: Cast, period: Period) -> Any:
        """The admin asks for the period's summary; its first page."""
        await cast.admin.command("summary", period.code, PROGRAMME)
        return await cast.admin.expect(period.code, PROGRAMME, timeout=30)

    async def _files(self, admin: SimUser, sandbox: SandboxClient, summary: Any) -> None:
        """Press each file button of the summary and save what the bot sends."""
        for label, name in FILES:
            wanted = self.t.gettext(label)
            await admin.press(next(shown for shown, _ in summary.buttons if shown == wanted))
            sent = await admin.expect("", timeout=60)
            while not (sent.document or sent.photo):
                sent = await admin.expect("", timeout=60)
            file_id = sent.document["file_id"] if sent.document else sent.photo[-1]["file_id"]  # type: ignore[index]
            (self.out / name).write_bytes(await sandbox.file(file_id))


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
        return t.gettext("Reminders on the last day on time")
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
