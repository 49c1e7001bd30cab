"""The rate limiter over asyncio, with stand-in Bot API calls: replies overtake queued bulk sends, the
pace holds, a 429 is waited out and retried, and only message calls are touched."""

from __future__ import annotations

import asyncio
import itertools
from datetime import timedelta
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.ratelimit import BULK, Call, PriorityRateLimiter, call_kind


class Api:
    """Stand-in Bot API calls that note the order in which they reach Telegram."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.times: list[float] = []
        self.refuse: dict[str, int] = {}  # name -> 429s still to answer

    def call(self, name: str) -> Any:
        async def send() -> bool:
            self.calls.append(name)
            self.times.append(asyncio.get_running_loop().time())
            if self.refuse.get(name):
                self.refuse[name] -= 1
                raise RetryAfter(timedelta(seconds=0.05))
            return True

        return send


async def request(
    limiter: PriorityRateLimiter, api: Api, name: str, endpoint: str = "sendMessage", chat: int = 1, **options: Any
) -> Any:
    return await limiter.process_request(
        api.call(name), (), {}, endpoint, {"chat_id": chat}, dict(options) if options else None
    )


def bulk_send(limiter: PriorityRateLimiter, api: Api, name: str, chat: int) -> Any:
    return limiter.process_request(api.call(name), (), {}, "sendMessage", {"chat_id": chat}, BULK)


async def settle() -> None:
    """Let every task started so far run up to its first wait."""
    for _ in range(5):
        await asyncio.sleep(0)


@pytest.mark.parametrize(
    ("endpoint", "kind"),
    [
        ("sendMessage", Call.PACED),
        ("sendDocument", Call.PACED),
        ("sendPhoto", Call.PACED),
        ("copyMessage", Call.PACED),
        ("forwardMessages", Call.PACED),
        ("editMessageText", Call.RETRIED),
        ("editMessageReplyMarkup", Call.RETRIED),
        ("sendChatAction", Call.DIRECT),
        ("answerCallbackQuery", Call.DIRECT),
        ("deleteMessage", Call.DIRECT),
        ("getFile", Call.DIRECT),
        ("setMyCommands", Call.DIRECT),
        ("editChatInviteLink", Call.DIRECT),
    ],
)
def test_which_calls_are_paced(endpoint: str, kind: Call) -> None:
    assert call_kind(endpoint) is kind


async def test_a_reply_overtakes_a_queued_fan_out() -> None:
    limiter = PriorityRateLimiter(messages_per_second=50)
    api = Api()
    fan_out = [asyncio.create_task(bulk_send(limiter, api, f"reminder {n}", 100 + n)) for n in range(20)]
    await settle()
    assert api.calls == ["reminder 0"]  # the first slot was free; the others wait for theirs
    await request(limiter, api, "reply to /help")
    assert api.calls == ["reminder 0", "reply to /help"]
    await asyncio.gather(*fan_out)
    assert api.calls[2:] == [f"reminder {n}" for n in range(1, 20)]


async def test_the_pace_holds_for_replies_and_bulk_together() -> None:
    limiter = PriorityRateLimiter(messages_per_second=100)
    api = Api()
    jobs = [bulk_send(limiter, api, f"bulk {n}", 100 + n) for n in range(20)]
    jobs += [request(limiter, api, f"reply {n}", chat=n) for n in range(20)]
    await asyncio.gather(*jobs)
    assert len(api.calls) == 40 and api.calls[:2] == ["bulk 0", "reply 0"]
    assert api.calls.index("reply 19") < api.calls.index("bulk 1")
    gaps = [b - a for a, b in itertools.pairwise(api.times)]
    assert min(gaps) >= 0.01 - 1e-6  # the loop's clock: no two sends closer than one slot


async def test_a_429_is_waited_out_and_the_same_call_retried_first() -> None:
    # Telegram's retry_after is a second or more, longer than a chat's interval; this one is shorter.
    limiter = PriorityRateLimiter(messages_per_second=50, chat_interval=0.0, max_retries=2)
    api = Api()
    api.refuse["reminder 0"] = 1
    first = asyncio.create_task(bulk_send(limiter, api, "reminder 0", 100))
    await settle()
    others = [asyncio.create_task(bulk_send(limiter, api, f"reminder {n}", 100 + n)) for n in range(1, 4)]
    edit = asyncio.create_task(request(limiter, api, "edit", endpoint="editMessageText"))
    assert await first is True
    await asyncio.gather(*others, edit)
    assert api.calls[:2] == ["reminder 0", "reminder 0"]  # retried, ahead of those that queued meanwhile
    assert api.calls.index("edit") > 0  # the edit waited out the pause too
    assert sorted(api.calls[2:]) == ["edit", "reminder 1", "reminder 2", "reminder 3"]
    assert api.times[1] - api.times[0] >= 0.05 + 0.1 - 1e-6  # retry_after and the margin


async def test_retries_stop_at_the_limit_and_the_429_reaches_the_caller() -> None:
    limiter = PriorityRateLimiter(messages_per_second=50, max_retries=1)
    api = Api()
    api.refuse["reminder"] = 5
    with pytest.raises(RetryAfter):
        await bulk_send(limiter, api, "reminder", 100)
    assert api.calls == ["reminder", "reminder"]
    api.refuse["reply"] = 1
    with pytest.raises(RetryAfter):  # a call may ask for fewer retries
        await request(limiter, api, "reply", max_retries=0)
    assert api.calls.count("reply") == 1


async def test_edits_are_not_paced_and_other_calls_go_straight_through() -> None:
    limiter = PriorityRateLimiter(messages_per_second=2)  # a slot every half second
    api = Api()
    sends = [asyncio.create_task(request(limiter, api, f"send {n}", chat=n)) for n in range(2)]
    await settle()
    await asyncio.gather(
        *(request(limiter, api, f"edit {n}", endpoint="editMessageReplyMarkup") for n in range(5)),
        request(limiter, api, "answer", endpoint="answerCallbackQuery"),
        request(limiter, api, "typing", endpoint="sendChatAction"),
    )
    assert api.calls[0] == "send 0" and "send 1" not in api.calls  # all of them inside one slot
    await asyncio.gather(*sends)
    assert api.calls[-1] == "send 1"


async def test_a_call_that_gives_up_leaves_the_queue() -> None:
    limiter = PriorityRateLimiter(messages_per_second=20)
    api = Api()
    first = asyncio.create_task(bulk_send(limiter, api, "reminder 0", 100))
    gone = asyncio.create_task(bulk_send(limiter, api, "reminder 1", 101))
    last = asyncio.create_task(bulk_send(limiter, api, "reminder 2", 102))
    await settle()
    gone.cancel()
    await asyncio.gather(first, last)
    assert gone.cancelled() and api.calls == ["reminder 0", "reminder 2"]
    await limiter.shutdown()
