import logging

import pytest

from bot.config import Settings
from bot.logs import REDACTED, configure_logging, level_for


def test_token_never_reaches_the_log(capsys: pytest.CaptureFixture[str]) -> None:
    token = "123456:AAE-very-secret-token"
    configure_logging(Settings(bot_token=token), logging.DEBUG)  # type: ignore[arg-type]
    try:
        logging.getLogger("httpx").warning("HTTP Request: POST https://api.telegram.org/bot%s/getMe", token)
        logging.getLogger("telegram.Bot").error("Set Bot API URL: https://x/bot" + token)
        logged = capsys.readouterr().err
        assert token not in logged
        assert logged.count(REDACTED) == 2
        assert repr(Settings(bot_token=token)).count(token) == 0  # type: ignore[arg-type]
    finally:
        logging.getLogger().handlers.clear()


def test_token_is_redacted_from_exception_text_and_tracebacks(capsys: pytest.CaptureFixture[str]) -> None:
    token = "123456:AAE-very-secret-token"
    configure_logging(Settings(bot_token=token), logging.DEBUG)  # type: ignore[arg-type]
    try:
        try:
            raise RuntimeError(f"POST https://api.telegram.org/bot{token}/getMe: Unauthorized")
        except RuntimeError:
            logging.getLogger("telegram.ext.Updater").exception("polling failed")
        logged = capsys.readouterr().err
        assert "Traceback" in logged and "Unauthorized" in logged
        assert token not in logged
        assert f"RuntimeError: POST https://api.telegram.org/bot{REDACTED}/getMe" in logged
    finally:
        logging.getLogger().handlers.clear()


def test_log_level_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "debug")
    assert level_for(Settings(), "run") == logging.DEBUG
    assert level_for(Settings(), "summary") == logging.DEBUG  # asked for explicitly: honoured everywhere
    monkeypatch.delenv("LOG_LEVEL")
    assert level_for(Settings(), "run") == logging.INFO
    assert level_for(Settings(), "summary") == logging.WARNING
