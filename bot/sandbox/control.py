"""The sandbox's control API: what simulated users do, over HTTP, under `/_sandbox/`.

Reads that wait (`events`, `answer`, `idle`) are long polls on the world's condition, so tests and the
demo wait on conditions, never on fixed sleeps.
"""

from __future__ import annotations

import json
import math
from typing import Any, Protocol

import tornado.web

from bot.sandbox.limits import PHOTO_LIMIT, ApiError, Faults, Limits
from bot.sandbox.state import Chat, World

MAX_WAIT = 60.0


class UserSide(Protocol):
    """What the control API needs of the server: the simulated users' actions and its switches.

    A Protocol, so that this module need not import the server, which imports it for its routes.
    """

    @property
    def world(self) -> World: ...

    limits: Limits
    faults: Faults
    latency: float
    disabled_methods: set[str]

    def add_user(
        self, user_id: int, first_name: str, username: str | None = None, language_code: str = "vi"
    ) -> dict[str, Any]: ...

    def chat(self, user_id: int) -> Chat: ...

    async def user_sends(self, user_id: int, content: dict[str, Any]) -> dict[str, Any]: ...

    async def user_presses(self, user_id: int, message_id: int, data: str) -> str: ...


class ControlHandler(tornado.web.RequestHandler):
    def initialize(self, server: UserSide) -> None:
        self.server = server

    def check_xsrf_cookie(self) -> None:
        return None

    def body(self) -> dict[str, Any]:
        if self.request.headers.get("Content-Type", "").startswith("application/json"):
            return json.loads(self.request.body or b"{}")
        return {k: v[-1].decode() for k, v in self.request.body_arguments.items()}

    def timeout(self) -> float:
        return min(MAX_WAIT, float(self.get_query_argument("timeout", "0")))

    def fail(self, error: ApiError) -> None:
        self.set_status(error.code)
        self.write({"ok": False, "description": error.description})

    def reply(self, result: Any) -> None:
        self.write(json.dumps({"ok": True, "result": result}, ensure_ascii=False))
        self.set_header("Content-Type", "application/json")


class UsersHandler(ControlHandler):
    def post(self) -> None:
        data = self.body()
        user = self.server.add_user(
            int(data["id"]),
            data.get("first_name", "User"),
            data.get("username"),
            data.get("language_code", "vi"),
        )
        self.reply(user)


class MessagesHandler(ControlHandler):
    async def post(self, user_id: str) -> None:
        try:
            content: dict[str, Any] = {}
            uploads = self.request.files
            data = self.body()
            if "document" in uploads or "photo" in uploads:
                kind = "document" if "document" in uploads else "photo"
                part = uploads[kind][0]
                if kind == "photo" and len(part.body) > PHOTO_LIMIT:
                    raise ApiError(400, "Bad Request: photo is too big")
                stored = self.server.world.add_file(part.body, part.filename, part.content_type, kind + "s")
                content[kind] = stored.as_document() if kind == "document" else stored.as_photo()
                if data.get("caption"):
                    content["caption"] = data["caption"]
            elif "sticker" in data:
                content["sticker"] = {
                    "file_id": "STICKER",
                    "file_unique_id": "STK",
                    "width": 512,
                    "height": 512,
                    "is_animated": False,
                    "is_video": False,
                    "type": "regular",
                    "emoji": data["sticker"],
                }
            else:
                content["text"] = str(data["text"])
            message = await self.server.user_sends(int(user_id), content)
        except ApiError as error:
            self.fail(error)
            return
        self.reply(message)


class PressHandler(ControlHandler):
    async def post(self, user_id: str) -> None:
        data = self.body()
        try:
            query_id = await self.server.user_presses(int(user_id), int(data["message_id"]), str(data["data"]))
        except ApiError as error:
            self.fail(error)
            return
        self.reply({"callback_query_id": query_id})


class AnswerHandler(ControlHandler):
    async def get(self, query_id: str) -> None:
        answers = self.server.world.callback_answers
        await self.server.world.wait_for(lambda: query_id in answers, self.timeout())
        self.reply(answers.get(query_id))


class BlockHandler(ControlHandler):
    async def post(self, user_id: str) -> None:
        try:
            self.server.chat(int(user_id)).blocked = bool(self.body().get("blocked", True))
        except ApiError as error:
            self.fail(error)
            return
        self.reply(True)


class EventsHandler(ControlHandler):
    async def get(self, user_id: str) -> None:
        try:
            chat = self.server.chat(int(user_id))
        except ApiError as error:
            self.fail(error)
            return
        after = int(self.get_query_argument("after", "0"))
        await self.server.world.wait_for(lambda: len(chat.events) > after, self.timeout())
        self.reply(chat.events[after:])


class FileContentHandler(ControlHandler):
    def get(self, file_id: str) -> None:
        stored = self.server.world.files.get(file_id)
        if stored is None:
            self.set_status(404)
            return
        self.set_header("Content-Type", stored.mime_type)
        self.write(stored.content)


class IdleHandler(ControlHandler):
    async def get(self) -> None:
        """Wait until the bot has confirmed every update (it has read all the users said)."""
        world = self.server.world
        idle = await world.wait_for(lambda: not world.updates, self.timeout())
        self.reply(idle)


class ReplayHandler(ControlHandler):
    async def post(self, update_id: str) -> None:
        if int(update_id) not in self.server.world.history:
            self.fail(ApiError(404, "no such update"))
            return
        await self.server.world.replay(int(update_id))
        self.reply(True)


class StatsHandler(ControlHandler):
    def get(self) -> None:
        self.reply(self.server.world.counters.snapshot())


class ConfigHandler(ControlHandler):
    def post(self) -> None:
        data = self.body()
        if "latency" in data:
            try:
                latency = float(data["latency"])
            except (TypeError, ValueError):
                latency = -1.0
            if not 0 <= latency < math.inf:  # also refuses NaN
                self.fail(ApiError(400, "latency must be a number of seconds, 0 or more"))
                return
            self.server.latency = latency
        if "limits" in data:
            self.server.limits = Limits(**data["limits"])
        if "faults" in data:
            self.server.faults = Faults(**data["faults"])
        if "disabled_methods" in data:
            self.server.disabled_methods = set(data["disabled_methods"])
        self.reply(True)


def control_routes(server: UserSide) -> list[tuple[str, type[ControlHandler], dict[str, Any]]]:
    """The control API's routes, each handler bound to `server`."""
    routes: list[tuple[str, type[ControlHandler]]] = [
        (r"/_sandbox/users", UsersHandler),
        (r"/_sandbox/users/(-?\d+)/messages", MessagesHandler),
        (r"/_sandbox/users/(-?\d+)/press", PressHandler),
        (r"/_sandbox/users/(-?\d+)/block", BlockHandler),
        (r"/_sandbox/users/(-?\d+)/events", EventsHandler),
        (r"/_sandbox/answers/([0-9]+)", AnswerHandler),
        (r"/_sandbox/files/([A-Za-z0-9]+)", FileContentHandler),
        (r"/_sandbox/idle", IdleHandler),
        (r"/_sandbox/stats", StatsHandler),
        (r"/_sandbox/replay/([0-9]+)", ReplayHandler),
        (r"/_sandbox/config", ConfigHandler),
    ]
    return [(pattern, handler, {"server": server}) for pattern, handler in routes]
