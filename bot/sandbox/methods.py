"""The Bot API methods the sandbox serves, one async function each, over the world in `bot.sandbox.state`.

Each takes the server (as the narrow `BotSide` it needs), the call's parameters and its uploaded files,
and returns the `result` of the Bot API's answer or raises ApiError with Telegram's code and wording.
The table that names them by Bot API method lives with the server, which is what routes calls to them.
"""

from __future__ import annotations

import json
import time
from typing import Any, Protocol

from bot.sandbox.html import HtmlError, parse_html, utf16_length
from bot.sandbox.limits import CAPTION_LIMIT, DOCUMENT_LIMIT, MESSAGE_LIMIT, PHOTO_LIMIT, ApiError
from bot.sandbox.state import Chat, World

Params = dict[str, Any]
# An uploaded file by form field: (file name, content, MIME type).
Files = dict[str, tuple[str, bytes, str]]


class BotSide(Protocol):
    """What a Bot API method needs of the server."""

    @property
    def world(self) -> World: ...

    @property
    def webhook(self) -> dict[str, Any] | None: ...

    def chat(self, user_id: int) -> Chat: ...

    def me(self) -> dict[str, Any]: ...

    def record_send(self, chat_id: int) -> None: ...


def public(message: dict[str, Any]) -> dict[str, Any]:
    """A stored message as the Bot API shows it, without the sandbox's own bookkeeping keys."""
    return {key: value for key, value in message.items() if key not in ("deleted", "edits")}


def decode_value(value: str) -> Any:
    """A form-encoded parameter: JSON if it looks like an object or array, else the string itself."""
    if value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def flag(value: Any) -> bool:
    """A boolean parameter, however the client spelled true."""
    return value in (True, "true", "True", "1", 1)


async def get_me(server: BotSide, params: Params, _: Any) -> Any:
    """getMe: the bot itself."""
    return server.me()


async def get_updates(server: BotSide, params: Params, _: Any) -> Any:
    """getUpdates: pending updates, long-polled; confirms those below `offset`; 409 while a webhook is set."""
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


def _visible_text(params: Params, key: str, limit: int) -> tuple[str, str]:
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


def _bot_chat(server: BotSide, params: Params) -> Chat:
    try:
        chat_id = int(params.get("chat_id", ""))
    except ValueError:
        raise ApiError(400, "Bad Request: chat not found") from None
    chat = server.chat(chat_id)
    if chat.blocked:
        raise ApiError(403, "Forbidden: bot was blocked by the user")
    return chat


def _markup(params: Params) -> dict[str, Any] | None:
    markup = params.get("reply_markup")
    if isinstance(markup, str):
        markup = decode_value(markup)
    if markup and "inline_keyboard" in markup:
        for row in markup["inline_keyboard"]:
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    return markup or None


async def _store(server: BotSide, chat: Chat, content: dict[str, Any]) -> dict[str, Any]:
    message = {
        "message_id": chat.take_message_id(),
        "from": server.me(),
        "chat": chat.chat,
        "date": int(time.time()),
        **content,
    }
    chat.bot_messages[message["message_id"]] = message
    chat.events.append({"kind": "send", "message": dict(message)})
    server.world.journal.append((chat.user["id"], "send", dict(message)))
    server.record_send(chat.user["id"])
    await server.world.notify()
    return message


async def send_message(server: BotSide, params: Params, _: Any) -> Any:
    """sendMessage: a text message, its HTML checked and its length measured as Telegram does."""
    chat = _bot_chat(server, params)
    raw, visible = _visible_text(params, "text", MESSAGE_LIMIT)
    content: dict[str, Any] = {"text": visible, "raw_text": raw, "parse_mode": params.get("parse_mode")}
    if markup := _markup(params):
        content["reply_markup"] = markup
    return public(await _store(server, chat, content))


async def _send_file(server: BotSide, params: Params, files: Files, kind: str) -> Any:
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
    return public(await _store(server, chat, message))


async def send_document(server: BotSide, params: Params, files: Files) -> Any:
    """sendDocument: a file, uploaded or by a known file_id."""
    return await _send_file(server, params, files, "document")


async def send_photo(server: BotSide, params: Params, files: Files) -> Any:
    """sendPhoto: a photo, stored as sent."""
    return await _send_file(server, params, files, "photo")


def _existing(server: BotSide, params: Params) -> tuple[Chat, dict[str, Any]]:
    chat = _bot_chat(server, params)
    message = chat.bot_messages.get(int(params.get("message_id") or 0))
    if message is None or message.get("deleted"):
        raise ApiError(400, "Bad Request: message to edit not found")
    return chat, message


async def _edit(server: BotSide, chat: Chat, message: dict[str, Any], changes: dict[str, Any]) -> Any:
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
    return public(message)


async def edit_message_text(server: BotSide, params: Params, _: Any) -> Any:
    """editMessageText: new text (and keyboard) for a message the bot sent."""
    chat, message = _existing(server, params)
    raw, visible = _visible_text(params, "text", MESSAGE_LIMIT)
    return await _edit(server, chat, message, {"text": visible, "raw_text": raw, "reply_markup": _markup(params)})


async def edit_message_reply_markup(server: BotSide, params: Params, _: Any) -> Any:
    """editMessageReplyMarkup: a new keyboard, or none, for a message the bot sent."""
    chat, message = _existing(server, params)
    return await _edit(server, chat, message, {"reply_markup": _markup(params)})


async def delete_message(server: BotSide, params: Params, _: Any) -> Any:
    """deleteMessage: marks the message deleted; it stays in the chat's events."""
    chat, message = _existing(server, params)
    message["deleted"] = True
    chat.events.append({"kind": "delete", "message": dict(message)})
    await server.world.notify()
    return True


async def answer_callback_query(server: BotSide, params: Params, _: Any) -> Any:
    """answerCallbackQuery: answers a pending button press once."""
    query_id = str(params.get("callback_query_id"))
    if query_id not in server.world.pending_callbacks:
        raise ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
    server.world.pending_callbacks.discard(query_id)
    server.world.callback_answers[query_id] = {
        "text": params.get("text"),
        "show_alert": flag(params.get("show_alert")),
    }
    await server.world.notify()
    return True


async def get_file(server: BotSide, params: Params, _: Any) -> Any:
    """getFile: where to download a stored file."""
    stored = server.world.files.get(str(params.get("file_id")))
    if stored is None:
        raise ApiError(400, "Bad Request: invalid file_id")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.content),
        "file_path": stored.path,
    }


async def set_my_commands(server: BotSide, params: Params, _: Any) -> Any:
    """setMyCommands: remembers the commands per scope and language."""
    commands = params.get("commands") or []
    scope = json.dumps(params.get("scope") or {}, sort_keys=True) + str(params.get("language_code"))
    server.world.commands[scope] = list(commands)
    return True


async def get_my_commands(server: BotSide, params: Params, _: Any) -> Any:
    """getMyCommands: the commands set for a scope and language."""
    scope = json.dumps(params.get("scope") or {}, sort_keys=True) + str(params.get("language_code"))
    return server.world.commands.get(scope, [])


async def accept(server: BotSide, params: Params, _: Any) -> Any:
    """A method the sandbox accepts and ignores."""
    return True


async def send_chat_action(server: BotSide, params: Params, _: Any) -> Any:
    """sendChatAction: checks the chat and shows nothing."""
    _bot_chat(server, params)
    return True


async def get_chat(server: BotSide, params: Params, _: Any) -> Any:
    """getChat: the private chat with a simulated user."""
    chat = server.chat(int(params.get("chat_id") or 0))
    return chat.chat
