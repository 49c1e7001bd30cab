import logging

import pytest

from bot.config import Settings
from bot.logs import REDACTED, configure_logging


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
