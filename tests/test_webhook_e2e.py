"""Webhook mode against the local Bot API server, which POSTs updates with the secret header."""

from __future__ import annotations

import asyncio
import json
import socket

import httpx

from bot.app import build_app
from bot.config import Settings
from bot.sandbox import SandboxClient
from bot.webhook import serve

SECRET = "s3cret-token-for-the-webhook-test"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def crafted_start(user_id: int) -> dict[str, object]:
    user = {"id": user_id, "is_bot": False, "first_name": "Mạo danh"}
    return {
        "update_id": 10_000 + user_id,
        "message": {
            "message_id": 1,
            "date": 0,
            "from": user,
            "chat": {"id": user_id, "type": "private"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


async def test_webhook_checks_the_secret_and_processes_real_updates(settings: Settings, sandbox: SandboxClient) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    hooked = settings.model_copy(
        update={"webhook_url": url, "webhook_port": port, "webhook_secret": __import__("pydantic").SecretStr(SECRET)}
    )
    stop = asyncio.Event()
    intruder = await sandbox.user(998, "Mạo danh")
    running = asyncio.create_task(serve(build_app(hooked), hooked, stop))
    try:
        lan = await sandbox.user(101, "Lan")
        await lan.command("start")
        # No programme is loaded yet, so no consolidating agency is named.
        assert "cơ quan tổng hợp" in (await lan.expect("đường link mời", timeout=20)).text
        async with httpx.AsyncClient() as client:
            body = json.dumps(crafted_start(998))
            missing = await client.post(url, content=body, headers={"Content-Type": "application/json"})
            wrong = await client.post(url, content=body, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"})
            almost = await client.post(url, content=body, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET[:-1]})
        assert (missing.status_code, wrong.status_code, almost.status_code) == (403, 403, 403)
        await lan.command("help")  # processed after the refused ones, so they had their chance
        await lan.expect("/lang")
        assert await intruder.inbox() == []
        assert (await sandbox.stats())["calls"]["setWebhook"] == 1
    finally:
        stop.set()
        await asyncio.wait_for(running, 20)


def test_webhook_settings_are_required(settings: Settings) -> None:
    import pytest

    from bot.config import ConfigError

    with pytest.raises(ConfigError, match="WEBHOOK_URL"):
        settings.require_webhook()
    short = settings.model_copy(
        update={"webhook_url": "https://x.vn/hook", "webhook_secret": __import__("pydantic").SecretStr("short")}
    )
    with pytest.raises(ConfigError, match="WEBHOOK_SECRET"):
        short.require_webhook()
