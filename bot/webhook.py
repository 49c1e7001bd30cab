"""Webhook mode: Telegram POSTs updates to us instead of being polled.

PTB's own webhook handler compares the secret token with `!=`; this receiver compares it in constant time
(`hmac.compare_digest`), so the time a wrong guess takes says nothing about the secret. A request whose
`X-Telegram-Bot-Api-Secret-Token` is missing or wrong gets 403 and is not processed.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal
from typing import Any
from urllib.parse import urlparse

import tornado.httpserver
import tornado.web
from telegram import Update

from bot.config import Settings
from bot.context import BotApplication

logger = logging.getLogger(__name__)
MAX_BODY = 1024 * 1024


class WebhookReceiver(tornado.web.RequestHandler):
    def initialize(self, bot_application: BotApplication, secret: str) -> None:
        self.application_ = bot_application
        self.secret = secret.encode()

    def check_xsrf_cookie(self) -> None:
        return None

    async def post(self) -> None:
        given = self.request.headers.get("X-Telegram-Bot-Api-Secret-Token", "").encode()
        if not hmac.compare_digest(given, self.secret):
            self.set_status(403)
            return
        try:
            update = Update.de_json(json.loads(self.request.body), self.application_.bot)
        except (ValueError, TypeError, KeyError):
            self.set_status(400)
            return
        await self.application_.update_queue.put(update)
        self.set_status(200)


def webhook_app(application: BotApplication, settings: Settings) -> tornado.web.Application:
    secret = settings.require_webhook()[1]
    path = urlparse(settings.webhook_url or "").path or "/"
    routes: list[Any] = [(path, WebhookReceiver, {"bot_application": application, "secret": secret})]
    return tornado.web.Application(routes, log_function=lambda handler: None)


async def serve(application: BotApplication, settings: Settings, stop: asyncio.Event) -> None:
    """Receive updates by webhook until `stop` is set; register the webhook with Telegram first."""
    url, secret = settings.require_webhook()
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    server = tornado.httpserver.HTTPServer(webhook_app(application, settings), max_body_size=MAX_BODY)
    server.listen(settings.webhook_port, settings.webhook_listen)
    await application.start()
    await application.bot.set_webhook(url, secret_token=secret, allowed_updates=Update.ALL_TYPES)
    logger.info("receiving updates by webhook on %s:%s", settings.webhook_listen, settings.webhook_port)
    try:
        await stop.wait()
    finally:
        server.stop()
        await application.stop()
        if application.post_shutdown:
            await application.post_shutdown(application)
        await application.shutdown()


def run_webhook(application: BotApplication, settings: Settings) -> int:
    """Serve until SIGINT or SIGTERM."""
    settings.require_webhook()

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await serve(application, settings, stop)

    asyncio.run(main())
    return 0
