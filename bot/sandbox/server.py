"""A small Bot API-compatible server on loopback: Telegram's side, for tests, the demo and benchmarks.

An unmodified python-telegram-bot bot whose API root points here works: it serves `/bot{token}/{method}`
and `/file/bot{token}/{path}` with the Bot API's JSON shapes. Simulated users act through the control
API under `/_sandbox/` (see `bot.sandbox.client`).

This module is the HTTP wiring and the routing table; the methods themselves are in `bot.sandbox.methods`
and `bot.sandbox.webhooks`, the control API in `bot.sandbox.control`, the limits and faults in
`bot.sandbox.limits`, and the world they act on in `bot.sandbox.state`.

Where this server differs from Telegram (on purpose, or because a test does not need more):
- Only private chats with simulated users exist; groups, channels, inline mode and payments do not.
- HTML parse mode is checked at least as strictly as Telegram: every `<`, `>` and `&` outside a tag or
  entity must be escaped (Telegram tolerates a bare `>`). MarkdownV2 is not checked, only passed through.
- Message length is checked on the visible text in UTF-16 units (4096; 1024 for captions), like Telegram.
- Rate limits are switchable and exact: per chat at most N sends per second (default off) and a global
  sends-per-second budget; over either, 429 with `parameters.retry_after` in whole seconds. Telegram's
  real limits are fuzzier and also throttle edits; here only sendMessage/sendDocument/sendPhoto count.
- Faults (5xx, a timeout, or a dropped connection after the message was stored) are injected at seeded
  rates on those same send methods only.
- The network is switchable too: `latency` (seconds, default 0) holds back every answer to the bot, of
  every method, file downloads and errors included, by that long after the call took effect: a response
  takes that long to travel. A long-polled getUpdates carries it once, after the update arrived. A
  message therefore reaches its user when the call arrives, and the bot learns of it `latency` later,
  which over a chain of calls adds up like a real round trip of that length. Simulated users' actions
  (the control API) are never delayed.
- File ids are opaque strings of this server; photos are stored as sent, with one size and no resizing.
- Webhook delivery retries a failed POST every 0.5 s for ever, in order; Telegram backs off and gives up.
- getUpdates honours `offset`, `limit`, `timeout` and `allowed_updates` (remembered between calls, like
  Telegram), redelivers unconfirmed updates, and answers 409 while a webhook is set.
- Methods outside the list in `METHODS` answer 404 "Not Found: method not found", as Telegram does for
  unknown methods; a method can also be switched off to play an older or partial server.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import socket
import time
from collections.abc import Awaitable, Callable
from typing import Any

import tornado.httpserver
import tornado.netutil
import tornado.web

from bot.sandbox import methods, webhooks
from bot.sandbox.control import control_routes
from bot.sandbox.limits import DOCUMENT_LIMIT, SEND_METHODS, ApiError, Faults, Limits
from bot.sandbox.methods import Files, Params, decode_value, public
from bot.sandbox.state import Chat, World
from bot.sandbox.webhooks import deliver_webhooks

logger = logging.getLogger(__name__)

DEFAULT_TOKEN = "123456789:SANDBOX-token-for-local-tests-only"
# A call's result when the connection is to be cut after the call took effect (an injected fault).
DROPPED = object()


class BotApiServer:
    """The server and its world. `await start()`, then point a bot at `api_url`."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "chitieu_sandbox_bot",
        limits: Limits | None = None,
        faults: Faults | None = None,
        latency: float = 0.0,
    ) -> None:
        if not 0 <= latency < math.inf:
            raise ValueError("latency must be a finite number of seconds, 0 or more")
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_username = bot_username
        self.limits = limits or Limits()
        self.faults = faults or Faults()
        self.latency = latency  # seconds every answer to the bot takes to travel back
        self.world = World()
        self.disabled_methods: set[str] = set()
        self.webhook: dict[str, Any] | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._global_sends: list[float] = []
        self._calls: set[asyncio.Task[Any]] = set()
        self._server: tornado.httpserver.HTTPServer | None = None
        self.port = 0

    @property
    def api_url(self) -> str:
        """The value for BOT_API_URL."""
        return f"http://127.0.0.1:{self.port}"

    async def start(self, port: int = 0) -> None:
        """Listen on 127.0.0.1 (`port` 0 picks a free one, then in `self.port`)."""
        application = tornado.web.Application(
            [
                (r"/bot([^/]+)/([A-Za-z]*)", MethodHandler, {"server": self}),
                (r"/file/bot([^/]+)/(.+)", FileHandler, {"server": self}),
                *control_routes(self),
            ],
            log_function=lambda handler: None,
        )
        sockets = tornado.netutil.bind_sockets(port, "127.0.0.1", family=socket.AF_INET)
        self.port = sockets[0].getsockname()[1]
        self._server = tornado.httpserver.HTTPServer(application, max_body_size=DOCUMENT_LIMIT * 2)
        self._server.add_sockets(sockets)

    async def stop(self) -> None:
        """Stop webhook delivery and the listener, and end every call in flight (long polls included)."""
        if self._webhook_task:
            self._webhook_task.cancel()
        if self._server:
            self._server.stop()
            await self._server.close_all_connections()
        await self.world.notify()
        await self._end_calls()

    def track(self, call: asyncio.Task[Any]) -> None:
        """Remember a Bot API call in flight until it ends, so that `stop` can end it."""
        self._calls.add(call)
        call.add_done_callback(self._calls.discard)

    async def _end_calls(self) -> None:
        # A long poll abandoned by a bot that went away would otherwise wait out its timeout, holding up
        # the event loop's shutdown. Cancelled again if need be: on Python 3.11 asyncio.wait_for swallows
        # a cancellation that meets a wake-up (the notify above), and the poll then waits again.
        for _ in range(20):
            calls = [call for call in self._calls if not call.done()]
            if not calls:
                return
            for call in calls:
                call.cancel()
            await asyncio.wait(calls, timeout=0.05)

    # ----- simulated users' side -----

    def add_user(
        self, user_id: int, first_name: str, username: str | None = None, language_code: str = "vi"
    ) -> dict[str, Any]:
        """A simulated user with a private chat with the bot (an existing chat is kept)."""
        user = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": language_code,
            **({"username": username} if username else {}),
        }
        self.world.chats.setdefault(user_id, Chat(user=user))
        return user

    def chat(self, user_id: int) -> Chat:
        """The chat with a simulated user; 400 "chat not found" as Telegram answers for a stranger."""
        if user_id not in self.world.chats:
            raise ApiError(400, "Bad Request: chat not found")
        return self.world.chats[user_id]

    async def user_sends(self, user_id: int, content: dict[str, Any]) -> dict[str, Any]:
        """A message from the user to the bot (text, document or photo), queued as an update."""
        chat = self.chat(user_id)
        message = {
            "message_id": chat.take_message_id(),
            "from": chat.user,
            "chat": chat.chat,
            "date": int(time.time()),
            **content,
        }
        text = content.get("text", "")
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        await self.world.enqueue("message", message)
        return message

    async def user_presses(self, user_id: int, message_id: int, data: str) -> str:
        """The user presses an inline button on a bot message; returns the callback query id."""
        chat = self.chat(user_id)
        message = chat.bot_messages.get(message_id)
        if message is None or message.get("deleted"):
            raise ApiError(400, "Bad Request: message not found")
        query_id = str(self.world.next_id() * 7919)
        self.world.pending_callbacks.add(query_id)
        await self.world.enqueue(
            "callback_query",
            {
                "id": query_id,
                "from": chat.user,
                "message": public(message),
                "chat_instance": str(user_id),
                "data": data,
            },
        )
        return query_id

    # ----- the bot's side -----

    async def call(self, method: str, params: Params, files: Files) -> Any:
        """One Bot API call from the bot, rate-limited if it sends: the `result` or ApiError."""
        self.world.counters.calls[method] += 1
        if method in self.disabled_methods or method not in METHODS:
            raise ApiError(404, "Not Found: method not found")
        if method in SEND_METHODS:
            self._check_limits(int(params.get("chat_id", 0)))
        return await METHODS[method](self, params, files)

    def _check_limits(self, chat_id: int) -> None:
        now = time.monotonic()
        counters = self.world.counters
        per_chat = self.limits.per_chat_per_second
        times = counters.send_times.get(chat_id, [])
        if per_chat and times and now - times[-1] < 1.0 / per_chat:
            counters.retry_after_sent += 1
            raise ApiError(
                429,
                "Too Many Requests: retry after 1",
                retry_after=max(1, math.ceil(1.0 / per_chat - (now - times[-1]))),
            )
        limit = self.limits.global_per_second
        if limit:
            self._global_sends = [t for t in self._global_sends if now - t < 1.0]
            if len(self._global_sends) >= limit:
                counters.retry_after_sent += 1
                raise ApiError(429, "Too Many Requests: retry after 1", retry_after=1)

    async def travel(self) -> None:
        """The time an answer takes to reach the bot: `latency`, read when the answer leaves."""
        if self.latency > 0:
            await asyncio.sleep(self.latency)

    def start_webhook_delivery(self) -> None:
        """Run the webhook delivery loop unless it is running already."""
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.create_task(deliver_webhooks(self))

    def record_send(self, chat_id: int) -> None:
        """Count a delivered message against the rate limits."""
        now = time.monotonic()
        self.world.counters.send_times[chat_id].append(now)
        self._global_sends.append(now)

    def me(self) -> dict[str, Any]:
        """The bot's User object, as getMe returns it."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Chỉ tiêu (sandbox)",
            "username": self.bot_username,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }


class MethodHandler(tornado.web.RequestHandler):
    def initialize(self, server: BotApiServer) -> None:
        self.server = server

    def check_xsrf_cookie(self) -> None:
        return None

    async def get(self, token: str, method: str) -> None:
        await self.post(token, method)

    async def post(self, token: str, method: str) -> None:
        call = asyncio.current_task()
        if call is not None:
            self.server.track(call)
        try:
            result = await self._result(token, method)
        except ApiError as error:
            await self.server.travel()
            self._reply_error(error)
            return
        await self.server.travel()
        if result is DROPPED:
            self.request.connection.close()  # type: ignore[union-attr]
            return
        self.write({"ok": True, "result": result})

    async def _result(self, token: str, method: str) -> Any:
        """The call's result (DROPPED when the connection is to be cut after it took effect), or ApiError."""
        if token != self.server.token:
            raise ApiError(401, "Unauthorized")
        params, files = self._parameters()
        fault = self.server.faults.roll() if method in SEND_METHODS else None
        if fault:
            self.server.world.counters.faults_injected[fault] += 1
        if fault == "server_error":
            raise ApiError(502, "Bad Gateway")
        if fault == "timeout":
            await asyncio.sleep(self.server.faults.timeout_seconds)
            raise ApiError(504, "Gateway Timeout")
        result = await self.server.call(method, params, files)
        return DROPPED if fault == "drop_after_store" else result

    def _reply_error(self, error: ApiError) -> None:
        self.set_status(error.code)
        body: dict[str, Any] = {"ok": False, "error_code": error.code, "description": error.description}
        if error.retry_after is not None:
            body["parameters"] = {"retry_after": error.retry_after}
        self.write(body)

    def _parameters(self) -> tuple[Params, Files]:
        params: Params = {}
        content_type = self.request.headers.get("Content-Type", "")
        if content_type.startswith("application/json") and self.request.body:
            try:
                params = json.loads(self.request.body)
            except ValueError:
                raise ApiError(400, "Bad Request: can't parse JSON") from None
        else:
            for name, values in {**self.request.query_arguments, **self.request.body_arguments}.items():
                params[name] = decode_value(values[-1].decode("utf-8"))
        files = {
            name: (parts[0].filename, parts[0].body, parts[0].content_type)
            for name, parts in self.request.files.items()
        }
        return params, files


class FileHandler(tornado.web.RequestHandler):
    def initialize(self, server: BotApiServer) -> None:
        self.server = server

    async def get(self, token: str, path: str) -> None:
        stored = self.server.world.files_by_path.get(path)
        await self.server.travel()
        if token != self.server.token or stored is None:
            self.set_status(404)
            self.write({"ok": False, "error_code": 404, "description": "Not Found"})
            return
        self.set_header("Content-Type", stored.mime_type)
        self.write(stored.content)


Method = Callable[[BotApiServer, Params, Files], Awaitable[Any]]

METHODS: dict[str, Method] = {
    "getMe": methods.get_me,
    "getUpdates": methods.get_updates,
    "sendMessage": methods.send_message,
    "editMessageText": methods.edit_message_text,
    "editMessageReplyMarkup": methods.edit_message_reply_markup,
    "answerCallbackQuery": methods.answer_callback_query,
    "deleteMessage": methods.delete_message,
    "sendDocument": methods.send_document,
    "sendPhoto": methods.send_photo,
    "getFile": methods.get_file,
    "setMyCommands": methods.set_my_commands,
    "getMyCommands": methods.get_my_commands,
    "deleteMyCommands": methods.accept,
    "setMyDescription": methods.accept,
    "setMyShortDescription": methods.accept,
    "setChatMenuButton": methods.accept,
    "sendChatAction": methods.send_chat_action,
    "setWebhook": webhooks.set_webhook,
    "deleteWebhook": webhooks.delete_webhook,
    "getWebhookInfo": webhooks.get_webhook_info,
    "getChat": methods.get_chat,
    "logOut": methods.accept,
    "close": methods.accept,
}
