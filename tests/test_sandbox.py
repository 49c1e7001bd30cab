"""The local Bot API server itself, spoken to over HTTP as a bot would."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
import tornado.httpserver
import tornado.netutil
import tornado.web

from bot.sandbox import BotApiServer, SandboxClient, SandboxError


class Api:
    def __init__(self, server: BotApiServer) -> None:
        self.base = f"{server.api_url}/bot{server.token}"
        self.http = httpx.AsyncClient(timeout=30)

    async def call(self, method: str, **params: Any) -> httpx.Response:
        data = {k: json.dumps(v) if isinstance(v, (dict, list)) else str(v) for k, v in params.items()}
        return await self.http.post(f"{self.base}/{method}", data=data)

    async def ok(self, method: str, **params: Any) -> Any:
        response = await self.call(method, **params)
        body = response.json()
        assert body["ok"], body
        return body["result"]


@pytest.fixture
async def api(server: BotApiServer) -> Any:
    client = Api(server)
    yield client
    await client.http.aclose()


async def test_get_me_and_unknown_method(api: Api, server: BotApiServer) -> None:
    me = await api.ok("getMe")
    assert me["is_bot"] and me["username"] == server.bot_username
    response = await api.call("sendCarrierPigeon")
    assert response.status_code == 404
    assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
    wrong = await api.http.post(f"{server.api_url}/bot1:wrong/getMe")
    assert wrong.status_code == 401 and wrong.json()["ok"] is False


async def test_long_polling_honours_offset_and_timeout(api: Api, sandbox: SandboxClient) -> None:
    lan = await sandbox.user(1, "Lan")
    assert await api.ok("getUpdates", timeout=0) == []
    waiting = asyncio.create_task(api.ok("getUpdates", timeout=20))
    await asyncio.sleep(0)  # let the long poll start; the assertion below does not depend on it
    await lan.send("xin chào")
    first = await waiting  # returned as soon as the update arrived, well before its 20 s timeout
    assert [u["message"]["text"] for u in first] == ["xin chào"]
    await lan.send("lần hai")
    both = await api.ok("getUpdates", timeout=0, offset=first[0]["update_id"])
    assert [u["message"]["text"] for u in both] == ["xin chào", "lần hai"]
    later = await api.ok("getUpdates", timeout=0, offset=both[-1]["update_id"] + 1)
    assert later == []
    limited = await api.ok("getUpdates", timeout=0, limit=1)
    assert limited == []


async def test_unconfirmed_update_is_redelivered(api: Api, sandbox: SandboxClient) -> None:
    lan = await sandbox.user(1, "Lan")
    await lan.command("start")
    first = await api.ok("getUpdates", timeout=0)
    again = await api.ok("getUpdates", timeout=0)
    assert first == again and len(first) == 1
    assert first[0]["message"]["entities"][0]["type"] == "bot_command"
    await api.ok("getUpdates", timeout=0, offset=first[0]["update_id"] + 1)
    assert await api.ok("getUpdates", timeout=0) == []


async def test_allowed_updates_filters_and_is_remembered(api: Api, sandbox: SandboxClient) -> None:
    lan = await sandbox.user(1, "Lan")
    sent = await api.ok(
        "sendMessage",
        chat_id=1,
        text="Chọn",
        reply_markup={"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]},
    )
    await lan.send("text")
    await sandbox.request("POST", "/_sandbox/users/1/press", json={"message_id": sent["message_id"], "data": "a"})
    only = await api.ok("getUpdates", timeout=0, allowed_updates=["callback_query"])
    assert [list(u)[1] for u in only] == ["callback_query"]
    assert [list(u)[1] for u in await api.ok("getUpdates", timeout=0)] == ["callback_query"]


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("<b>bold", "Can't find end tag"),
        ("<script>alert(1)</script>", 'Unsupported start tag "script"'),
        ("Sở Y tế & Dân số", "Unsupported HTML entity"),
        ("<b><i>x</b></i>", "Unmatched end tag"),
    ],
)
async def test_html_is_checked_like_telegram(api: Api, sandbox: SandboxClient, text: str, error: str) -> None:
    await sandbox.user(1, "Lan")
    response = await api.call("sendMessage", chat_id=1, text=text, parse_mode="HTML")
    assert response.status_code == 400
    assert response.json()["description"].startswith("Bad Request: can't parse entities: ")
    assert error in response.json()["description"]


async def test_html_well_formed_and_the_4096_limit(api: Api, sandbox: SandboxClient) -> None:
    lan = await sandbox.user(1, "Lan")
    ok = await api.ok(
        "sendMessage",
        chat_id=1,
        parse_mode="HTML",
        text='<b>Sở &amp; ban</b> <a href="https://x.vn">link</a> &lt;3',
    )
    assert ok["text"] == "Sở & ban link <3"
    # 4096 visible characters pass even though the markup makes the request longer.
    await api.ok("sendMessage", chat_id=1, parse_mode="HTML", text="<b>" + "đ" * 4096 + "</b>")
    too_long = await api.call("sendMessage", chat_id=1, text="x" * 4097)
    assert too_long.status_code == 400
    assert too_long.json()["description"] == "Bad Request: message is too long"
    empty = await api.call("sendMessage", chat_id=1, text="  ")
    assert empty.status_code == 400
    assert [seen.text[:10] for seen in await lan.inbox()] == ["Sở & ban l", "đđđđđđđđđđ"]


async def test_document_multipart_round_trip(api: Api, server: BotApiServer, sandbox: SandboxClient) -> None:
    lan = await sandbox.user(1, "Lan")
    content = "STT;Chỉ tiêu\n1;GRDP\n".encode("utf-8-sig")
    response = await api.http.post(
        f"{api.base}/sendDocument",
        data={"chat_id": "1", "caption": "Báo cáo"},
        files={"document": ("tong_hop.csv", content, "text/csv")},
    )
    message = response.json()["result"]
    assert message["document"]["file_name"] == "tong_hop.csv"
    info = await api.ok("getFile", file_id=message["document"]["file_id"])
    downloaded = await api.http.get(f"{server.api_url}/file/bot{server.token}/{info['file_path']}")
    assert downloaded.content == content
    received = await lan.expect("Báo cáo")
    assert received.document is not None
    assert await sandbox.file(received.document["file_id"]) == content
    # A user's upload reaches the bot as a document it can download.
    await lan.send_document("catalog.yaml", b"programme: {}\n", "application/x-yaml")
    update = (await api.ok("getUpdates", timeout=0))[-1]
    info = await api.ok("getFile", file_id=update["message"]["document"]["file_id"])
    got = await api.http.get(f"{server.api_url}/file/bot{server.token}/{info['file_path']}")
    assert got.content == b"programme: {}\n"
    await lan.send_photo(b"\x89PNG fake")
    assert "photo" in (await api.ok("getUpdates", timeout=0))[-1]["message"]


async def test_rate_limit_answers_429_with_retry_after(api: Api, sandbox: SandboxClient) -> None:
    await sandbox.user(1, "Lan")
    await sandbox.user(2, "Minh")
    await sandbox.configure(limits={"per_chat_per_second": 1, "global_per_second": 2})
    await api.ok("sendMessage", chat_id=1, text="một")
    second = await api.call("sendMessage", chat_id=1, text="hai")
    assert second.status_code == 429
    assert second.json()["parameters"]["retry_after"] >= 1
    await api.ok("sendMessage", chat_id=2, text="một")
    third_chat_global = await api.call("sendMessage", chat_id=2, text="ba")
    assert third_chat_global.status_code == 429
    stats = await sandbox.stats()
    assert stats["retry_after_sent"] == 2 and stats["max_per_chat_per_second"] == 1
    assert stats["calls"]["sendMessage"] == 4 and stats["messages_delivered"] == 2


async def test_blocked_user_gives_403(api: Api, sandbox: SandboxClient) -> None:
    lan = await sandbox.user(1, "Lan")
    await api.ok("sendMessage", chat_id=1, text="trước")
    await lan.block()
    blocked = await api.call("sendMessage", chat_id=1, text="sau")
    assert blocked.status_code == 403
    assert blocked.json()["description"] == "Forbidden: bot was blocked by the user"
    unknown = await api.call("sendMessage", chat_id=777, text="ai?")
    assert unknown.status_code == 400


async def test_edits_callbacks_and_deletes_are_observed(api: Api, sandbox: SandboxClient) -> None:
    lan = await sandbox.user(1, "Lan")
    sent = await api.ok(
        "sendMessage",
        chat_id=1,
        text="Chọn kỳ",
        reply_markup={"inline_keyboard": [[{"text": "2025", "callback_data": "p:1"}]]},
    )
    assert (await lan.next()).buttons == [("2025", "p:1")]
    pressing = asyncio.create_task(lan.press("2025"))
    updates = await api.ok("getUpdates", timeout=10)
    while not updates:
        updates = await api.ok("getUpdates", timeout=10)
    query = updates[0]["callback_query"]
    assert query["data"] == "p:1" and query["message"]["message_id"] == sent["message_id"]
    await api.ok("answerCallbackQuery", callback_query_id=query["id"], text="Đã chọn")
    assert (await pressing) == {"text": "Đã chọn", "show_alert": False}
    await api.ok("editMessageText", chat_id=1, message_id=sent["message_id"], text="Kỳ 2025")
    edited = await lan.next()
    assert (edited.kind, edited.text, edited.buttons) == ("edit", "Kỳ 2025", [])
    same = await api.call("editMessageText", chat_id=1, message_id=sent["message_id"], text="Kỳ 2025")
    assert "message is not modified" in same.json()["description"]
    await api.ok("deleteMessage", chat_id=1, message_id=sent["message_id"])
    assert await lan.inbox() == []
    bad_data = await api.call(
        "sendMessage",
        chat_id=1,
        text="x",
        reply_markup={"inline_keyboard": [[{"text": "x", "callback_data": "x" * 65}]]},
    )
    assert bad_data.json()["description"] == "Bad Request: BUTTON_DATA_INVALID"
    with pytest.raises(SandboxError):
        await lan.press("missing button", timeout=0.2)


async def test_webhook_posts_updates_with_the_secret_header(
    api: Api, server: BotApiServer, sandbox: SandboxClient
) -> None:
    received: asyncio.Queue[tuple[str | None, dict[str, Any]]] = asyncio.Queue()

    class Receiver(tornado.web.RequestHandler):
        def post(self) -> None:
            received.put_nowait(
                (self.request.headers.get("X-Telegram-Bot-Api-Secret-Token"), json.loads(self.request.body))
            )

    sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
    receiver = tornado.httpserver.HTTPServer(tornado.web.Application([(r"/hook", Receiver)]))
    receiver.add_sockets(sockets)
    port = sockets[0].getsockname()[1]
    try:
        lan = await sandbox.user(1, "Lan")
        await api.ok("setWebhook", url=f"http://127.0.0.1:{port}/hook", secret_token="s3cr3t")
        conflict = await api.call("getUpdates")
        assert conflict.status_code == 409
        await lan.send("qua webhook")
        secret, update = await asyncio.wait_for(received.get(), 10)
        assert secret == "s3cr3t" and update["message"]["text"] == "qua webhook"
        await sandbox.wait_idle()
        assert (await api.ok("getWebhookInfo"))["pending_update_count"] == 0
        await api.ok("deleteWebhook")
        assert await api.ok("getUpdates", timeout=0) == []
    finally:
        receiver.stop()


async def test_faults_are_seeded_and_counted(api: Api, sandbox: SandboxClient) -> None:
    lan = await sandbox.user(1, "Lan")
    await sandbox.configure(faults={"server_error_rate": 0.5, "seed": 7})
    codes = [(await api.call("sendMessage", chat_id=1, text=f"m{i}")).status_code for i in range(20)]
    await sandbox.configure(faults={"server_error_rate": 0.5, "seed": 7})
    again = [(await api.call("sendMessage", chat_id=1, text=f"m{i}")).status_code for i in range(20)]
    assert codes == again and 502 in codes and 200 in codes
    await sandbox.configure(faults={"drop_after_store_rate": 1.0})
    with pytest.raises(httpx.HTTPError):
        await api.call("sendMessage", chat_id=1, text="delivered, but the answer is lost")
    assert (await lan.expect("delivered, but")).text.startswith("delivered")
    stats = await sandbox.stats()
    assert stats["faults_injected"]["drop_after_store"] == 1


async def test_latency_holds_every_answer_back_after_the_call_took_effect() -> None:
    slow = BotApiServer(latency=2.0)
    await slow.start()
    api, sandbox = Api(slow), SandboxClient(slow.api_url)
    try:
        lan = await sandbox.user(1, "Lan")
        sending = asyncio.create_task(api.ok("sendMessage", chat_id=1, text="một"))
        assert (await lan.next()).text == "một"  # the message reached the user...
        assert not sending.done()  # ...and its answer is still on its way to the bot
        assert (await asyncio.wait_for(sending, 10))["text"] == "một"
        polling = asyncio.create_task(api.ok("getUpdates", timeout=20))
        await lan.send("hai")
        assert not polling.done()  # the long poll answers, but the answer travels
        assert [u["message"]["text"] for u in await asyncio.wait_for(polling, 10)] == ["hai"]
    finally:
        await api.http.aclose()
        await sandbox.close()
        await slow.stop()


async def test_latency_is_set_through_the_control_api(api: Api, server: BotApiServer, sandbox: SandboxClient) -> None:
    assert server.latency == 0
    await sandbox.configure(latency=0.25)
    assert server.latency == 0.25
    for refused in (-1, "soon", None):
        with pytest.raises(SandboxError, match="latency"):
            await sandbox.configure(latency=refused)
    assert server.latency == 0.25
    await sandbox.configure(latency=0)
    assert server.latency == 0
    with pytest.raises(ValueError):
        BotApiServer(latency=-0.1)


async def test_stopping_ends_the_calls_in_flight() -> None:
    """A long poll abandoned by a bot would otherwise outlive the server until its timeout."""
    alone = BotApiServer()
    await alone.start()
    api = Api(alone)
    polling = asyncio.create_task(api.call("getUpdates", timeout=30))
    for _ in range(1000):  # until the poll is in flight (a call counts without waking anyone)
        if alone.world.counters.calls["getUpdates"]:
            break
        await asyncio.sleep(0.01)
    await asyncio.wait_for(alone.stop(), 10)
    handlers = [task for task in asyncio.all_tasks() if "RequestHandler._execute" in repr(task.get_coro())]
    assert handlers == []
    with pytest.raises(httpx.HTTPError):
        await polling
    await api.http.aclose()
