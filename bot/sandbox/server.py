"""A small Bot API-compatible server on loopback: Telegram's side, for tests, the demo and benchmarks.

An unmodified python-telegram-bot bot whose API root points here works: it serves `/bot{token}/{method}`
and `/file/bot{token}/{path}` with the Bot API's JSON shapes. Simulated users act through the control
API under `/_sandbox/` (see `bot.sandbox.client`).

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
import random
import socket
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import tornado.httpserver
import tornado.netutil
import tornado.web

from bot.sandbox.html import HtmlError, parse_html, utf16_length
from bot.sandbox.state import Chat, World

logger = logging.getLogger(__name__)

DEFAULT_TOKEN = "123456789:SANDBOX-token-for-local-tests-only"
MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
DOCUMENT_LIMIT = 50 * 1024 * 1024
PHOTO_LIMIT = 10 * 1024 * 1024
SEND_METHODS = frozenset({"sendMessage", "sendDocument", "sendPhoto"})


class ApiError(Exception):
    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after


@dataclass
class Limits:
    """Telegram's send limits; None switches one off."""

    global_per_second: float | None = None
    per_chat_per_second: float | None = None


@dataclass
class Faults:
    """Injected failures on send methods, each at a rate in [0, 1], reproducible from the seed."""

    server_error_rate: float = 0.0
    timeout_rate: float = 0.0
    drop_after_store_rate: float = 0.0
    timeout_seconds: float = 6.0
    seed: int = 0
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def __post_init__(self) -> None:
        self.rng.seed(self.seed)

    def roll(self) -> str | None:
        draw = self.rng.random()
        for name, rate in (
            ("server_error", self.server_error_rate),
            ("timeout", self.timeout_rate),
            ("drop_after_store", self.drop_after_store_rate),
        ):
            if draw < rate:
                return name
            draw -= rate
        return None


class BotApiServer:
    """The server and its world. `await start()`, then point a bot at `api_url`."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "chitieu_sandbox_bot",
        limits: Limits | None = None,
        faults: Faults | None = None,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_username = bot_username
        self.limits = limits or Limits()
        self.faults = faults or Faults()
        self.world = World()
        self.disabled_methods: set[str] = set()
        self.webhook: dict[str, Any] | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._global_sends: list[float] = []
        self._server: tornado.httpserver.HTTPServer | None = None
        self.port = 0

    @property
    def api_url(self) -> str:
        """The value for BOT_API_URL."""
        return f"http://127.0.0.1:{self.port}"

    async def start(self, port: int = 0) -> None:
        from bot.sandbox.control import control_routes

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
        if self._webhook_task:
            self._webhook_task.cancel()
        if self._server:
            self._server.stop()
            await self._server.close_all_connections()
        await self.world.notify()

    # ----- simulated users' side -----

    def add_user(
        self, user_id: int, first_name: str, username: str | None = None, language_code: str = "vi"
    ) -> dict[str, Any]:
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
                "message": _public(message),
                "chat_instance": str(user_id),
                "data": data,
            },
        )
        return query_id

    # ----- the bot's side -----

    async def call(self, method: str, params: dict[str, Any], files: dict[str, tuple[str, bytes, str]]) -> Any:
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

    def record_send(self, chat_id: int) -> None:
        now = time.monotonic()
        self.world.counters.send_times[chat_id].append(now)
        self._global_sends.append(now)

    def me(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Chỉ tiêu (sandbox)",
            "username": self.bot_username,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }


def _public(message: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in message.items() if key not in ("deleted", "edits")}


class MethodHandler(tornado.web.RequestHandler):
    def initialize(self, server: BotApiServer) -> None:
        self.server = server

    def check_xsrf_cookie(self) -> None:
        return None

    async def get(self, token: str, method: str) -> None:
        await self.post(token, method)

    async def post(self, token: str, method: str) -> None:
        if token != self.server.token:
            self._reply_error(ApiError(401, "Unauthorized"))
            return
        try:
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
            if fault == "drop_after_store":
                self.request.connection.close()  # type: ignore[union-attr]
                return
        except ApiError as error:
            self._reply_error(error)
            return
        self.write({"ok": True, "result": result})

    def _reply_error(self, error: ApiError) -> None:
        self.set_status(error.code)
        body: dict[str, Any] = {"ok": False, "error_code": error.code, "description": error.description}
        if error.retry_after is not None:
            body["parameters"] = {"retry_after": error.retry_after}
        self.write(body)

    def _parameters(self) -> tuple[dict[str, Any], dict[str, tuple[str, bytes, str]]]:
        params: dict[str, Any] = {}
        content_type = self.request.headers.get("Content-Type", "")
        if content_type.startswith("application/json") and self.request.body:
            try:
                params = json.loads(self.request.body)
            except ValueError:
                raise ApiError(400, "Bad Request: can't parse JSON") from None
        else:
            for name, values in {**self.request.query_arguments, **self.request.body_arguments}.items():
                params[name] = _decode(values[-1].decode("utf-8"))
        files = {
            name: (parts[0].filename, parts[0].body, parts[0].content_type)
            for name, parts in self.request.files.items()
        }
        return params, files


class FileHandler(tornado.web.RequestHandler):
    def initialize(self, server: BotApiServer) -> None:
        self.server = server

    def get(self, token: str, path: str) -> None:
        stored = self.server.world.files_by_path.get(path)
        if token != self.server.token or stored is None:
            self.set_status(404)
            self.write({"ok": False, "error_code": 404, "description": "Not Found"})
            return
        self.set_header("Content-Type", stored.mime_type)
        self.write(stored.content)


def _decode(value: str) -> Any:
    if value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _flag(value: Any) -> bool:
    return value in (True, "true", "True", "1", 1)


# ---------------------------------------------------------------- methods


async def _get_me(server: BotApiServer, params: dict[str, Any], _: Any) -> Any:
    return server.me()


async def _get_updates(server: BotApiServer, params: dict[str, Any], _: Any) -> Any:
    if server.webhook:
        raise ApiError(
            409,
            "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        )
    world = server.world
    offset = int(params.get("offset") or 0)
    limit = max(1, min(100, int(params.get("limit") or 100)))
    timeout = max(0.0, min(50.0, float(params.get("timeout") or 0)))
    if "allowed_updates" in params and params["allowed_updates"] is not None:
        world.allowed_updates = list(params["allowed_updates"])
    if offset:
        world.confirm(offset)
    await world.wait_for(lambda: bool(world.deliverable(limit)), timeout)
    return world.deliverable(limit)


def _visible_text(params: dict[str, Any], key: str, limit: int) -> tuple[str, str]:
    raw = str(params.get(key) or "")
    visible = raw
    if str(params.get("parse_mode") or "").upper() == "HTML":
        try:
            visible = parse_html(raw)
        except HtmlError as error:
            raise ApiError(400, f"Bad Request: can't parse entities: {error}") from None
    length = utf16_length(visible.strip())
    if key == "text" and length == 0:
        raise ApiError(400, "Bad Request: message text is empty")
    if length > limit:
        what = "message is too long" if key == "text" else "message caption is too long"
        raise ApiError(400, f"Bad Request: {what}")
    return raw, visible


def _bot_chat(server: BotApiServer, params: dict[str, Any]) -> Chat:
    try:
        chat_id = int(params.get("chat_id", ""))
    except ValueError:
        raise ApiError(400, "Bad Request: chat not found") from None
    chat = server.chat(chat_id)
    if chat.blocked:
        raise ApiError(403, "Forbidden: bot was blocked by the user")
    return chat


def _markup(params: dict[str, Any]) -> dict[str, Any] | None:
    markup = params.get("reply_markup")
    if isinstance(markup, str):
        markup = _decode(markup)
    if markup and "inline_keyboard" in markup:
        for row in markup["inline_keyboard"]:
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    return markup or None


async def _store(server: BotApiServer, chat: Chat, content: dict[str, Any]) -> dict[str, Any]:
    message = {
        "message_id": chat.take_message_id(),
        "from": server.me(),
        "chat": chat.chat,
        "date": int(time.time()),
        **content,
    }
    chat.bot_messages[message["message_id"]] = message
    chat.events.append({"kind": "send", "message": dict(message)})
    server.record_send(chat.user["id"])
    await server.world.notify()
    return message


async def _send_message(server: BotApiServer, params: dict[str, Any], _: Any) -> Any:
    chat = _bot_chat(server, params)
    raw, visible = _visible_text(params, "text", MESSAGE_LIMIT)
    content: dict[str, Any] = {"text": visible, "raw_text": raw, "parse_mode": params.get("parse_mode")}
    if markup := _markup(params):
        content["reply_markup"] = markup
    return _public(await _store(server, chat, content))


async def _send_file(
    server: BotApiServer, params: dict[str, Any], files: dict[str, tuple[str, bytes, str]], kind: str
) -> Any:
    chat = _bot_chat(server, params)
    value = params.get(kind)
    if isinstance(value, str) and value.startswith("attach://"):
        upload = files.get(value.removeprefix("attach://"))
    else:
        upload = files.get(kind)
    if upload is None and isinstance(value, str) and value in server.world.files:
        known = server.world.files[value]
        upload = (known.file_name, known.content, known.mime_type)
    if upload is None:
        raise ApiError(400, f"Bad Request: there is no {kind} in the request")
    name, content, mime = upload
    if len(content) > (PHOTO_LIMIT if kind == "photo" else DOCUMENT_LIMIT):
        raise ApiError(413, "Request Entity Too Large")
    if not content:
        raise ApiError(400, "Bad Request: file must be non-empty")
    stored = server.world.add_file(
        content,
        name or kind,
        mime or "application/octet-stream",
        "documents" if kind == "document" else "photos",
    )
    message: dict[str, Any] = {kind: stored.as_document() if kind == "document" else stored.as_photo()}
    if params.get("caption"):
        _, visible = _visible_text(params, "caption", CAPTION_LIMIT)
        message["caption"] = visible
    if markup := _markup(params):
        message["reply_markup"] = markup
    return _public(await _store(server, chat, message))


async def _send_document(server: BotApiServer, params: dict[str, Any], files: Any) -> Any:
    return await _send_file(server, params, files, "document")


async def _send_photo(server: BotApiServer, params: dict[str, Any], files: Any) -> Any:
    return await _send_file(server, params, files, "photo")


def _existing(server: BotApiServer, params: dict[str, Any]) -> tuple[Chat, dict[str, Any]]:
    chat = _bot_chat(server, params)
    message = chat.bot_messages.get(int(params.get("message_id") or 0))
    if message is None or message.get("deleted"):
        raise ApiError(400, "Bad Request: message to edit not found")
    return chat, message


async def _edit(server: BotApiServer, chat: Chat, message: dict[str, Any], changes: dict[str, Any]) -> Any:
    if all(message.get(key) == value for key, value in changes.items()):
        raise ApiError(
            400,
            "Bad Request: message is not modified: specified new message content "
            "and reply markup are exactly the same as a current content and reply "
            "markup of the message",
        )
    for key, value in changes.items():
        if value is None:
            message.pop(key, None)
        else:
            message[key] = value
    message["edit_date"] = int(time.time())
    chat.events.append({"kind": "edit", "message": dict(message)})
    await server.world.notify()
    return _public(message)


async def _edit_message_text(server: BotApiServer, params: dict[str, Any], _: Any) -> Any:
    chat, message = _existing(server, params)
    raw, visible = _visible_text(params, "text", MESSAGE_LIMIT)
    return await _edit(server, chat, message, {"text": visible, "raw_text": raw, "reply_markup": _markup(params)})


async def _edit_message_reply_markup(server: BotApiServer, params: dict[str, Any], _: Any) -> Any:
    chat, message = _existing(server, params)
    return await _edit(server, chat, message, {"reply_markup": _markup(params)})


async def _delete_message(server: BotApiServer, params: dict[str, Any], _: Any) -> Any:
    chat, message = _existing(server, params)
    message["deleted"] = True
    chat.events.append({"kind": "delete", "message": dict(message)})
    await server.world.notify()
    return True


async def _answer_callback_query(server: BotApiServer, params: dict[str, Any], _: Any) -> Any:
    query_id = str(params.get("callback_query_id"))
    if query_id not in server.world.pending_callbacks:
        raise ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
    server.world.pending_callbacks.discard(query_id)
    server.world.callback_answers[query_id] = {
        "text": params.get("text"),
        "show_alert": _flag(params.get("show_alert")),
    }
    await server.world.notify()
    return True


async def _get_file(server: BotApiServer, params: dict[str, Any], _: Any) -> Any:
    stored = server.world.files.get(str(params.get("file_id")))
    if stored is None:
        raise ApiError(400, "Bad Request: invalid file_id")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.content),
        "file_path": stored.path,
    }


async def _set_my_commands(server: BotApiServer, params: dict[str, Any], _: Any) -> Any:
    commands = params.get("commands") or []
    scope = json.dumps(params.get("scope") or {}, sort_keys=True) + str(params.get("language_code"))
    server.world.commands[scope] = list(commands)
    return True


async def _get_my_commands(server: BotApiServer, params: dict[str, Any], _: Any) -> Any:
    scope = json.dumps(params.get("scope") or {}, sort_keys=True) + str(params.get("language_code"))
    return server.world.commands.get(scope, [])


async def _accept(server: BotApiServer, params: dict[str, Any], _: Any) -> Any:
    return True


async def _send_chat_action(server: BotApiServer, params: dict[str, Any], _: Any) -> Any:
    _bot_chat(server, params)
    return True


async def _get_chat(server: BotApiServer, params: dict[str, Any], _: Any) -> Any:
    chat = server.chat(int(params.get("chat_id") or 0))
    return chat.chat


async def _set_webhook(server: BotApiServer, params: dict[str, Any], _: Any) -> Any:
    url = str(params.get("url") or "")
    if not url:
        return await _delete_webhook(server, params, _)
    if _flag(params.get("drop_pending_updates")):
        server.world.updates.clear()
    if params.get("allowed_updates") is not None:
        server.world.allowed_updates = list(params["allowed_updates"])
    server.webhook = {"url": url, "secret_token": params.get("secret_token")}
    if server._webhook_task is None or server._webhook_task.done():
        server._webhook_task = asyncio.create_task(_deliver_webhooks(server))
    await server.world.notify()
    return True


async def _delete_webhook(server: BotApiServer, params: dict[str, Any], _: Any) -> Any:
    server.webhook = None
    if _flag(params.get("drop_pending_updates")):
        server.world.updates.clear()
    await server.world.notify()
    return True


async def _get_webhook_info(server: BotApiServer, params: dict[str, Any], _: Any) -> Any:
    return {
        "url": server.webhook["url"] if server.webhook else "",
        "has_custom_certificate": False,
        "pending_update_count": len(server.world.updates),
    }


async def _deliver_webhooks(server: BotApiServer) -> None:
    """POST pending updates, in order, to the webhook; an update is confirmed by a 2xx answer."""
    world = server.world
    async with httpx.AsyncClient(timeout=10) as client:
        while server.webhook:
            await world.wait_for(lambda: bool(world.deliverable(1)) or not server.webhook, 30)
            if not server.webhook or not world.deliverable(1):
                continue
            update = world.deliverable(1)[0]
            headers = {"Content-Type": "application/json"}
            if server.webhook.get("secret_token"):
                headers["X-Telegram-Bot-Api-Secret-Token"] = str(server.webhook["secret_token"])
            try:
                response = await client.post(server.webhook["url"], content=json.dumps(update), headers=headers)
                delivered = 200 <= response.status_code < 300
            except httpx.HTTPError:
                delivered = False
            if delivered:
                world.updates = [u for u in world.updates if u is not update]
                await world.notify()
            else:
                await world.wait_for(lambda: not server.webhook, 0.5)


METHODS: dict[str, Any] = {
    "getMe": _get_me,
    "getUpdates": _get_updates,
    "sendMessage": _send_message,
    "editMessageText": _edit_message_text,
    "editMessageReplyMarkup": _edit_message_reply_markup,
    "answerCallbackQuery": _answer_callback_query,
    "deleteMessage": _delete_message,
    "sendDocument": _send_document,
    "sendPhoto": _send_photo,
    "getFile": _get_file,
    "setMyCommands": _set_my_commands,
    "getMyCommands": _get_my_commands,
    "deleteMyCommands": _accept,
    "setMyDescription": _accept,
    "setMyShortDescription": _accept,
    "setChatMenuButton": _accept,
    "sendChatAction": _send_chat_action,
    "setWebhook": _set_webhook,
    "deleteWebhook": _delete_webhook,
    "getWebhookInfo": _get_webhook_info,
    "getChat": _get_chat,
    "logOut": _accept,
    "close": _accept,
}
