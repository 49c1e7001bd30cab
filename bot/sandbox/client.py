"""Simulated Telegram users, driven over the sandbox's control API.

sandbox = SandboxClient(server.api_url)
lan = await sandbox.user(1001, "Lan")
await lan.command("start", token)
reply = await lan.expect("đầu mối")      # waits for a message containing the text
await lan.press("Bỏ qua")                 # presses a button on the latest message that has it
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import httpx

DEFAULT_WAIT = 10.0


class SandboxError(AssertionError):
    """The sandbox refused an action, or what was waited for did not come."""


@dataclass(frozen=True)
class Seen:
    """One thing the user saw: a message sent to them, or an edit of one."""

    kind: str  # "send", "edit" or "delete"
    message: dict[str, Any]

    @property
    def text(self) -> str:
        return str(self.message.get("text") or self.message.get("caption") or "")

    @property
    def raw_text(self) -> str:
        return str(self.message.get("raw_text") or self.text)

    @property
    def message_id(self) -> int:
        return int(self.message["message_id"])

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback data) of every inline button, row by row."""
        markup = self.message.get("reply_markup") or {}
        return [(b["text"], b.get("callback_data", "")) for row in markup.get("inline_keyboard", []) for b in row]

    @property
    def document(self) -> dict[str, Any] | None:
        return self.message.get("document")

    @property
    def photo(self) -> list[dict[str, Any]] | None:
        return self.message.get("photo")


class SandboxClient:
    def __init__(self, api_url: str) -> None:
        self.api_url = api_url
        self.http = httpx.AsyncClient(base_url=api_url, timeout=httpx.Timeout(90.0))

    async def close(self) -> None:
        await self.http.aclose()

    async def request(self, method: str, path: str, **kwargs: Any) -> Any:
        response = await self.http.request(method, path, **kwargs)
        body = response.json() if response.content else {}
        if response.status_code >= 400 or not body.get("ok"):
            raise SandboxError(f"{method} {path}: {response.status_code} {body.get('description')}")
        return body["result"]

    async def user(
        self, user_id: int, first_name: str, username: str | None = None, language_code: str = "vi"
    ) -> SimUser:
        await self.request(
            "POST",
            "/_sandbox/users",
            json={
                "id": user_id,
                "first_name": first_name,
                "username": username,
                "language_code": language_code,
            },
        )
        return SimUser(self, user_id, first_name)

    async def stats(self) -> dict[str, Any]:
        return await self.request("GET", "/_sandbox/stats")

    async def configure(self, **settings: Any) -> None:
        """Change the server's switches: `latency` (seconds), `limits`, `faults`, `disabled_methods`."""
        await self.request("POST", "/_sandbox/config", json=settings)

    async def wait_idle(self, timeout: float = DEFAULT_WAIT) -> None:
        """Wait until the bot has fetched and confirmed every update."""
        if not await self.request("GET", "/_sandbox/idle", params={"timeout": timeout}):
            raise SandboxError("the bot did not consume its updates in time")

    async def replay(self, update_id: int) -> None:
        """Deliver an old update again with the same id (a crash before it was confirmed)."""
        await self.request("POST", f"/_sandbox/replay/{update_id}")

    async def file(self, file_id: str) -> bytes:
        response = await self.http.get(f"/_sandbox/files/{file_id}")
        if response.status_code != 200:
            raise SandboxError(f"no file {file_id}")
        return response.content


class SimUser:
    """One simulated user in a private chat with the bot."""

    def __init__(self, sandbox: SandboxClient, user_id: int, name: str) -> None:
        self.sandbox, self.id, self.name = sandbox, user_id, name
        self.seen: list[Seen] = []  # everything received so far, in order
        self._cursor = 0  # how much of `seen` the test has consumed

    async def send(self, text: str) -> dict[str, Any]:
        return await self.sandbox.request("POST", f"/_sandbox/users/{self.id}/messages", json={"text": text})

    async def command(self, name: str, *args: str) -> dict[str, Any]:
        return await self.send(" ".join((f"/{name}", *args)))

    async def send_sticker(self, emoji: str = "👍") -> dict[str, Any]:
        return await self.sandbox.request("POST", f"/_sandbox/users/{self.id}/messages", json={"sticker": emoji})

    async def send_document(
        self,
        file_name: str,
        content: bytes,
        mime_type: str = "application/octet-stream",
        caption: str | None = None,
    ) -> dict[str, Any]:
        return await self._upload("document", file_name, content, mime_type, caption)

    async def send_photo(self, content: bytes, caption: str | None = None) -> dict[str, Any]:
        return await self._upload("photo", "photo.jpg", content, "image/jpeg", caption)

    async def _upload(self, kind: str, name: str, content: bytes, mime: str, caption: str | None) -> dict[str, Any]:
        return await self.sandbox.request(
            "POST",
            f"/_sandbox/users/{self.id}/messages",
            files={kind: (name, content, mime)},
            data={"caption": caption} if caption else {},
        )

    async def block(self, blocked: bool = True) -> None:
        await self.sandbox.request("POST", f"/_sandbox/users/{self.id}/block", json={"blocked": blocked})

    async def press(
        self, label_or_data: str, message: Seen | None = None, timeout: float = DEFAULT_WAIT
    ) -> dict[str, Any] | None:
        """Press an inline button by its label (or callback data) on `message`, else on the newest
        message that has it, waiting for such a message to arrive; return the bot's
        answerCallbackQuery, once it comes."""
        deadline = time.monotonic() + timeout
        while True:
            candidates = [message] if message else list(reversed(await self._current_messages()))
            for candidate in candidates:
                for label, data in candidate.buttons:
                    if label_or_data in (label, data):
                        return await self.press_data(candidate.message_id, data, timeout)
            remaining = deadline - time.monotonic()
            if message is not None or remaining <= 0:
                raise SandboxError(f"{self.name}: no button {label_or_data!r} on screen")
            await self._fetch(remaining)  # returns as soon as something new arrives

    async def press_data(self, message_id: int, data: str, timeout: float = DEFAULT_WAIT) -> dict[str, Any] | None:
        """Send callback data as if a button carried it (crafted data included)."""
        pressed = await self.sandbox.request(
            "POST", f"/_sandbox/users/{self.id}/press", json={"message_id": message_id, "data": data}
        )
        return await self.sandbox.request(
            "GET", f"/_sandbox/answers/{pressed['callback_query_id']}", params={"timeout": timeout}
        )

    async def _current_messages(self) -> list[Seen]:
        await self._fetch(0)
        latest: dict[int, Seen] = {}
        for seen in self.seen:
            if seen.kind == "delete":
                latest.pop(seen.message_id, None)
            else:
                latest[seen.message_id] = seen
        return sorted(latest.values(), key=lambda s: s.message_id)

    async def _fetch(self, timeout: float) -> None:
        events = await self.sandbox.request(
            "GET", f"/_sandbox/users/{self.id}/events", params={"after": len(self.seen), "timeout": timeout}
        )
        self.seen += [Seen(event["kind"], event["message"]) for event in events]

    async def next(self, timeout: float = DEFAULT_WAIT) -> Seen:
        """The next message or edit the user has not looked at yet, waiting for it if needed."""
        deadline = time.monotonic() + timeout
        while self._cursor >= len(self.seen):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise SandboxError(f"{self.name}: nothing arrived within {timeout} s")
            await self._fetch(remaining)
        seen = self.seen[self._cursor]
        self._cursor += 1
        return seen

    async def expect(self, *fragments: str, timeout: float = DEFAULT_WAIT) -> Seen:
        """Skip ahead to the next message containing every fragment; fail after the timeout."""
        deadline = time.monotonic() + timeout
        skipped: list[Seen] = []
        while True:
            try:
                seen = await self.next(max(0.0, deadline - time.monotonic()))
            except SandboxError:
                raise SandboxError(
                    f"{self.name}: no message with {fragments!r} within {timeout} s; "
                    f"saw {[s.text[:80] for s in skipped]}"
                ) from None
            if all(fragment in seen.text for fragment in fragments):
                return seen
            skipped.append(seen)

    async def edit_of(self, message_id: int, timeout: float = DEFAULT_WAIT) -> Seen:
        """The latest edit of a message, waiting for one if none has arrived. Edits made beside a reply
        arrive in no fixed order with it, so this looks through everything received, not only what the
        test has not looked at yet."""
        deadline = time.monotonic() + timeout
        while True:
            edits = [seen for seen in self.seen if seen.kind == "edit" and seen.message_id == message_id]
            if edits:
                return edits[-1]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise SandboxError(f"{self.name}: message {message_id} was not edited within {timeout} s")
            await self._fetch(remaining)

    async def inbox(self) -> list[Seen]:
        """Every message currently in the chat (edits applied, deleted ones gone)."""
        return await self._current_messages()
