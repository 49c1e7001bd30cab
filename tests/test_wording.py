"""What a reader sees is in one language: the glossary's words in Vietnamese, complete English in English.

A sample of outputs is checked in both languages: the invite link in Telegram, `--help`, a refusal for an
unknown agency and `catalog list`. Vietnamese output may not contain English words and English output may
not contain Vietnamese, except proper names (agency and programme names, codes, commands and options).
The catalogues themselves are checked against the glossary's bans and for placeholders kept intact."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.cli import build_parser
from bot.cli.common import argparse_language, refusal
from bot.i18n import SOURCE_LOCALES, field_error, item_kind_name, role_name, translator
from bot.sandbox import SandboxClient
from storage import AgencyError
from tests.e2e import Season

# Words that give English away in a Vietnamese text. Command names and options are removed first.
ENGLISH = {
    "the",
    "of",
    "and",
    "or",
    "to",
    "for",
    "with",
    "from",
    "by",
    "is",
    "are",
    "was",
    "be",
    "this",
    "that",
    "these",
    "it",
    "its",
    "show",
    "help",
    "message",
    "exit",
    "usage",
    "options",
    "positional",
    "arguments",
    "argument",
    "error",
    "required",
    "write",
    "load",
    "list",
    "file",
    "code",
    "default",
    "days",
    "deadline",
    "reporting",
    "programme",
    "programmes",
    "database",
    "agency",
    "agencies",
    "period",
    "periods",
    "invite",
    "valid",
    "until",
    "single",
    "use",
    "focal",
    "point",
    "backup",
    "viewer",
    "admin",
    "task",
    "milestone",
    "indicator",
    "see",
    "no",
    "not",
    "here",
}
VIETNAMESE_LETTERS = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.I)


def english_words(text: str, allowed: set[str] = frozenset()) -> set[str]:  # type: ignore[assignment]
    """The English words of `text`, once codes, commands, options, `quoted` commands and URLs are removed."""
    text = re.sub(r"`[^`]*`|https?://\S+|--?[\w-]+|\{[^}]*\}|\b[\w.-]*_[\w.-]*\b|\b[A-Z][A-Z0-9-]+\b", " ", text)
    text = text.replace("python -m bot", " ")
    return {word for word in re.findall(r"\w+", text) if word.lower() in ENGLISH - allowed}


def command_names() -> set[str]:
    """Every command, action and choice of the parser: they are typed as they are, in any language."""
    names: set[str] = set()

    def walk(parser: argparse.ArgumentParser) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    names.update(name.split("-"))
                    walk(child)
            elif action.choices:
                names.update(str(choice) for choice in action.choices)  # --role focal: typed as it is

    walk(build_parser())
    return names


def run(tmp_path: Path, locale: str, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "ADMIN_"))}
    environment |= {"DATABASE_URL": str(tmp_path / "words.db"), "DEFAULT_LOCALE": locale}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, env=environment, cwd=tmp_path, timeout=120
    )


def test_the_checkers_see_the_other_language() -> None:
    assert english_words("Link mời focal của Sở Y tế") == {"focal"}
    assert english_words("Lỗi: XYZ: no agency with this code") == {"no", "agency", "with", "this", "code"}
    assert english_words("Không có cơ quan nào mang mã XYZ. Xem `python -m bot agency list`.") == set()
    assert VIETNAMESE_LETTERS.search("Invite for focal of Sở Y tế") and not VIETNAMESE_LETTERS.search("Invite")


@pytest.mark.parametrize("path", [(), ("period", "open"), ("reminders", "policy"), ("catalog", "load"), ("invite",)])
def test_help_is_in_the_operators_language(path: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    for locale in ("vi", "en"):
        t = translator(locale)
        with argparse_language(t), pytest.raises(SystemExit):
            build_parser(t).parse_args([*path, "--help"])
        shown = capsys.readouterr().out
        if locale == "vi":
            assert shown.startswith("cách dùng: python -m bot") and "tùy chọn:" in shown
            assert english_words(shown, command_names()) == set(), shown
        else:
            assert shown.startswith("usage: python -m bot") and not VIETNAMESE_LETTERS.search(shown), shown


def test_help_and_argparse_errors_follow_default_locale_in_a_process(tmp_path: Path) -> None:
    vi = run(tmp_path, "vi", "period", "open", "--help")
    assert vi.returncode == 0 and "ngày cuối cùng nộp đúng hạn, dạng DD/MM/YYYY" in vi.stdout
    missing = run(tmp_path, "vi", "period", "open")
    assert missing.returncode == 2 and "lỗi: thiếu tham số bắt buộc: KỲ" in missing.stderr
    en = run(tmp_path, "en", "period", "open", "--help")
    assert "last day a report is on time, DD/MM/YYYY or YYYY-MM-DD" in en.stdout
    assert not VIETNAMESE_LETTERS.search(en.stdout)
    assert argparse._("usage: ") == "usage: "  # type: ignore[attr-defined]  # restored after use


def test_an_unknown_agency_is_refused_in_one_language(tmp_path: Path) -> None:
    assert run(tmp_path, "vi", "init").returncode == 0
    vi = run(tmp_path, "vi", "agency", "retire", "XYZ")
    assert vi.returncode == 1
    assert vi.stderr.strip() == "Không có cơ quan nào mang mã XYZ. Xem `python -m bot agency list`."
    en = run(tmp_path, "en", "agency", "retire", "XYZ")
    assert en.stderr.strip() == "No agency with code XYZ. See `python -m bot agency list`."
    invite = run(tmp_path, "vi", "invite", "XYZ")
    assert invite.returncode == 1 and english_words(invite.stderr) == set(), invite.stderr


def test_catalog_list_names_kinds_and_dates_in_the_readers_language(tmp_path: Path) -> None:
    assert run(tmp_path, "vi", "init").returncode == 0
    vi = run(tmp_path, "vi", "catalog", "list").stdout.splitlines()
    en = run(tmp_path, "en", "catalog", "list").stdout.splitlines()
    assert not any(re.search(r"\[(task|milestone)\]|\d{4}-\d{2}-\d{2}", line) for line in vi + en)
    assert "  mốc:        dpi_action_plan_2023_2025      20/03/2023   SKHDT    Ban hành Kế hoạch" in "\n".join(vi)
    assert any(line.startswith("  nhiệm vụ:   provincial_plan_2021_2030") for line in vi)
    assert "  milestone:  dpi_action_plan_2023_2025      Mar 20, 2023 SKHDT" in "\n".join(en)
    assert [line for line in vi if english_words(line)] == []
    tasks = [line for line in en if line.startswith(("  task:", "  milestone:"))]
    assert len(tasks) > 10 and [line for line in tasks if VIETNAMESE_LETTERS.search(line)] == []


async def test_the_invite_link_names_the_role_in_words(season: Season, sandbox: SandboxClient) -> None:
    admin = await sandbox.user(900, "Quản trị")
    await admin.command("invite", "SYT", "backup")
    vi = (await admin.expect("https://t.me/")).text
    assert vi.startswith("Link mời làm đầu mối dự phòng của Sở Y tế, dùng một lần, có hiệu lực đến ")
    assert english_words(vi) == set(), vi
    await admin.command("invite", "viewer")
    assert (await admin.expect("https://t.me/")).text.startswith("Link mời làm người xem báo cáo tổng hợp, ")
    await admin.command("pending")
    assert "• Link mời chưa dùng: đầu mối dự phòng của SYT" in (await admin.expect("Link mời chưa dùng")).text
    await admin.command("lang")
    await admin.press("English")
    await admin.expect("Language: English")
    await admin.command("invite", "SYT")
    en = (await admin.expect("https://t.me/")).text
    assert en.startswith("Invite link for the focal point of Department of Health, single use, valid until "), en
    assert not VIETNAMESE_LETTERS.search(en)


def test_roles_kinds_and_field_errors_are_words() -> None:
    vi, en = translator("vi"), translator("en")
    assert [role_name(r, vi) for r in ("focal", "backup", "admin")] == [
        "cán bộ đầu mối",
        "đầu mối dự phòng",
        "quản trị viên",
    ]
    assert item_kind_name("milestone", vi) == "mốc" and item_kind_name("task", en) == "task"
    assert field_error("Input should be greater than or equal to 1", vi) == "không được nhỏ hơn 1"
    assert field_error("Value error, Input should be 'vi' or 'en'", vi) == "phải là một trong: 'vi', 'en'"
    assert field_error("Field required", en) == "this field is required"
    assert refusal(AgencyError("XYZ: already retired"), vi) == "XYZ: cơ quan này đã ngừng báo cáo rồi."
    assert refusal(AgencyError("something new"), vi) == "Lỗi: something new"


def catalogue(locale: str) -> list[tuple[str, str]]:
    """(msgid, msgstr) of every live entry; a plural entry gives its singular and first form."""
    with (SOURCE_LOCALES / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        entries = [m for m in read_po(po, locale=locale) if m.id]
    pairs = []
    for message in entries:
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        msgstr = message.string if isinstance(message.string, str) else message.string[0]
        pairs.append((msgid, msgstr))
    return pairs


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_every_translation_keeps_the_placeholders_and_is_complete(locale: str) -> None:
    for msgid, msgstr in catalogue(locale):
        assert msgstr, f"{locale}: no translation for {msgid!r}"
        assert set(re.findall(r"\{\w+\}", msgid)) == set(re.findall(r"\{\w+\}", msgstr)), (msgid, msgstr)
        assert sorted(re.findall(r"%\(\w+\)[sr]|%[sr]", msgid)) == sorted(re.findall(r"%\(\w+\)[sr]|%[sr]", msgstr))


# The glossary's bans (locales/GLOSSARY.md): each is a wording that says something else than meant.
BANNED = {
    "nộp trước hạn": "says 'submit early'; the deadline is 'hạn nộp {date}'",
    "hết hạn ngày": "says the report expires",
    "Đã cho": "reads as if the bot dissolved or merged the agency",
    "trễ hạn": "late is 'quá hạn'",
    "đơn vị]": "agencies are 'cơ quan'; 'đơn vị' alone reads as the unit of measure",
    "Thời hạn:": "a report's deadline is 'hạn nộp', a task's 'thời hạn hoàn thành'",
    "focal ": "a role is named in words",
}


def test_vietnamese_follows_the_glossary() -> None:
    for msgid, msgstr in catalogue("vi"):
        for banned, why in BANNED.items():
            if banned == "focal " and ("[focal|backup]" in msgstr or "focal (" in msgstr):
                continue  # the command's own keywords, typed as they are
            assert banned not in msgstr, f"{msgstr!r} ({msgid!r}): {why}"
        if "chậm tiến độ" in msgstr.lower():
            assert msgid.lower() == "delayed", f"{msgid!r}: 'chậm tiến độ' is for delayed tasks only"
    assert dict(catalogue("vi"))["off track"] == "chậm so với lộ trình"
    assert dict(catalogue("vi"))["Unit"] == "Đơn vị tính"


def test_a_catalogue_problem_is_explained_in_the_operators_language(tmp_path: Path) -> None:
    assert run(tmp_path, "vi", "init").returncode == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("programme:\n  code: X\n  title_vi: a\n  title_en: b\n  horizon_year: soon\n", encoding="utf-8")
    vi = run(tmp_path, "vi", "catalog", "load", str(bad))
    assert vi.returncode == 1
    assert f"{bad}:5: programme.horizon_year: phải là số nguyên" in vi.stderr, vi.stderr
    assert "Input should be" not in vi.stderr
    en = run(tmp_path, "en", "catalog", "load", str(bad))
    assert f"{bad}:5: programme.horizon_year: must be a whole number" in en.stderr, en.stderr


def test_a_configuration_mistake_is_explained_in_the_operators_language(tmp_path: Path) -> None:
    missing = run(tmp_path, "vi", "run")
    assert missing.returncode == 2
    assert missing.stderr.strip() == "Lỗi cấu hình: BOT_TOKEN: bắt buộc để kết nối với Telegram (lấy từ @BotFather)"
    zone = subprocess.run(
        [sys.executable, "-m", "bot", "period", "list"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        env={k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "ADMIN_"))}
        | {"DATABASE_URL": str(tmp_path / "z.db"), "DEFAULT_LOCALE": "vi", "TIMEZONE": "Mars/Base"},
    )
    assert zone.stderr.strip() == "Lỗi cấu hình: TIMEZONE: không có múi giờ 'Mars/Base'"
