"""The send queue's rule on a clock the test moves: replies first, the pace never exceeded, bulk sends one
a second per chat, a 429's pause kept."""

from __future__ import annotations

import itertools
import random

from bot.domain.send_queue import SendQueue

LIMIT = 30
INTERVAL = 1 / (LIMIT * 0.985)  # as bot.app.global_rate_limiter paces


def drain(queue: SendQueue[str], now: float = 0.0) -> list[tuple[float, str]]:
    """Every grant, at the moments the queue asks to be woken, until nobody waits."""
    granted = []
    while (wake := queue.wake_at(now)) is not None:
        now = wake
        while (waiter := queue.take(now)) is not None:
            granted.append((now, waiter))
    return granted


def test_replies_go_before_bulk_sends_already_waiting() -> None:
    queue: SendQueue[str] = SendQueue(INTERVAL)
    for number in range(5):
        queue.join(f"reminder {number}", bulk=True, chat=100 + number)
    assert queue.take(0.0) == "reminder 0"
    queue.join("reply to Lan", bulk=False, chat=1)
    queue.join("reply to Minh", bulk=False, chat=2)
    assert queue.take(0.0) is None  # the slot just given is the only one a reply waits for
    assert [waiter for _, waiter in drain(queue)] == [
        "reply to Lan",
        "reply to Minh",
        "reminder 1",
        "reminder 2",
        "reminder 3",
        "reminder 4",
    ]


def test_a_reply_waits_at_most_one_slot_behind_a_fan_out() -> None:
    queue: SendQueue[str] = SendQueue(INTERVAL)
    for number in range(60):
        queue.join(f"reminder {number}", bulk=True, chat=100 + number)
    now = 0.0
    for _ in range(10):
        now = queue.wake_at(now) or now
        assert queue.take(now) is not None
    queue.join("reply", bulk=False, chat=1)
    reply_at = queue.wake_at(now)
    assert reply_at is not None and reply_at - now <= INTERVAL + 1e-9
    assert queue.take(reply_at) == "reply"


def test_the_rate_is_never_exceeded_in_any_second() -> None:
    rng = random.Random(13)
    queue: SendQueue[str] = SendQueue(INTERVAL)
    granted: list[float] = []
    now = 0.0
    for step in range(3000):
        if rng.random() < 0.6:
            queue.join(f"w{step}", bulk=rng.random() < 0.7, chat=rng.randrange(50))
        now += rng.choice([0.0, 0.001, INTERVAL / 3, INTERVAL, 0.2])  # callers come early, late and together
        while queue.take(now) is not None:
            granted.append(now)
    granted += [moment for moment, _ in drain(queue, now)]
    assert len(granted) > 1500
    start = 0
    for end, moment in enumerate(granted):  # the sandbox's count: sends within [t - 1 s, t]
        while moment - granted[start] >= 1.0:
            start += 1
        assert end - start + 1 <= LIMIT
    assert all(b - a >= INTERVAL - 1e-12 for a, b in itertools.pairwise(granted))


def test_bulk_sends_to_one_chat_keep_a_second_apart_and_others_go_meanwhile() -> None:
    queue: SendQueue[str] = SendQueue(INTERVAL, chat_interval=1.0)
    queue.join("Lan, part 1", bulk=True, chat=1)
    queue.join("Lan, part 2", bulk=True, chat=1)
    queue.join("Minh", bulk=True, chat=2)
    queue.join("Hùng", bulk=True, chat=3)
    granted = drain(queue)
    assert [waiter for _, waiter in granted] == ["Lan, part 1", "Minh", "Hùng", "Lan, part 2"]
    assert granted[3][0] - granted[0][0] >= 1.0


def test_a_reply_is_not_held_by_the_chat_interval_but_delays_bulk_to_that_chat() -> None:
    queue: SendQueue[str] = SendQueue(INTERVAL, chat_interval=1.0)
    queue.join("reply 1", bulk=False, chat=1)
    queue.join("reply 2", bulk=False, chat=1)
    queue.join("reminder", bulk=True, chat=1)
    granted = drain(queue)
    assert [waiter for _, waiter in granted] == ["reply 1", "reply 2", "reminder"]
    assert granted[1][0] - granted[0][0] < 0.1 and granted[2][0] - granted[1][0] >= 1.0


def test_a_pause_stops_every_slot_and_a_retry_goes_first() -> None:
    queue: SendQueue[str] = SendQueue(INTERVAL)
    queue.join("reminder 1", bulk=True, chat=1)
    queue.join("reminder 2", bulk=True, chat=2)
    assert queue.take(0.0) == "reminder 1"
    queue.pause(1.1)  # reminder 1 got a 429 "retry after 1"
    queue.join("reminder 1", bulk=True, chat=1, first=True)
    queue.join("reply", bulk=False, chat=3)
    assert queue.take(1.0) is None and queue.wake_at(0.5) == 1.1
    assert [waiter for _, waiter in drain(queue, 1.0)] == ["reply", "reminder 1", "reminder 2"]


def test_a_waiter_that_gives_up_leaves_its_place() -> None:
    queue: SendQueue[str] = SendQueue(INTERVAL)
    queue.join("a", bulk=True)
    queue.join("b", bulk=False)
    assert queue.leave("a") and not queue.leave("a")
    assert [waiter for _, waiter in drain(queue)] == ["b"]
    assert queue.wake_at(10.0) is None and len(queue) == 0
