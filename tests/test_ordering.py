"""The update processor on its own: updates of different chats side by side, one chat's (and one user's)
in the order they came, a bound on how many run, and a key table that empties.

Each update's handling is a coroutine the test holds open with an event, so the tests assert what ran
while what was held, never how long anything took.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from telegram import CallbackQuery, Chat, Message, Update, User

from bot.ordering import OrderedUpdateProcessor, ordering_keys

BOUND = 30.0  # seconds: only to end a hung test, never a measure

_ids = iter(range(1, 10_000))


def message(user_id: int, chat_id: int | None = None) -> Update:
    """A text message from `user_id` in their private chat, or in the group `chat_id`."""
    chat = Chat(chat_id, Chat.GROUP) if chat_id is not None else Chat(user_id, Chat.PRIVATE)
    number = next(_ids)
    sent = Message(number, datetime.now(UTC), chat, from_user=User(user_id, "U", False), text=f"m{number}")
    return Update(number, message=sent)


def inline_press(user_id: int) -> Update:
    """A button pressed on an inline message: the update has a user but no chat."""
    query = CallbackQuery(str(next(_ids)), User(user_id, "U", False), "instance", inline_message_id="inline")
    return Update(next(_ids), callback_query=query)


class Script:
    """What the handlers did, in order; each update's handling waits for its release if it has one."""

    def __init__(self) -> None:
        self.log: list[str] = []
        self.releases: dict[str, asyncio.Event] = {}
        self.started: dict[str, asyncio.Event] = {}

    def hold(self, name: str) -> None:
        self.releases[name] = asyncio.Event()

    def handling(self, name: str) -> Callable[[], Awaitable[None]]:
        self.started.setdefault(name, asyncio.Event())

        async def handle() -> None:
            self.log.append(f"{name} starts")
            self.started[name].set()
            if name in self.releases:
                await self.releases[name].wait()
            self.log.append(f"{name} ends")

        return handle


async def feed(
    processor: OrderedUpdateProcessor, script: Script, updates: list[tuple[str, Update]]
) -> list[asyncio.Task[None]]:
    """Hand the updates to the processor in order, one task each, as Application's fetcher does."""
    return [asyncio.create_task(processor.process_update(update, script.handling(name)())) for name, update in updates]


async def started(script: Script, name: str) -> None:
    await asyncio.wait_for(script.started[name].wait(), BOUND)


async def test_one_users_updates_wait_in_order_while_another_user_goes_ahead() -> None:
    processor, script = OrderedUpdateProcessor(8), Script()
    script.hold("A1")
    tasks = await feed(
        processor, script, [("A1", message(1)), ("A2", message(1)), ("A3", message(1)), ("B1", message(2))]
    )
    await started(script, "B1")
    await asyncio.wait_for(tasks[3], BOUND)
    assert script.log == ["A1 starts", "B1 starts", "B1 ends"]  # A2 and A3 wait behind A1; B1 did not
    assert processor.waiting == 2
    script.releases["A1"].set()
    await asyncio.wait_for(asyncio.gather(*tasks), BOUND)
    assert script.log[3:] == ["A1 ends", "A2 starts", "A2 ends", "A3 starts", "A3 ends"]
    assert processor.busy_keys == 0 and processor.waiting == 0


async def test_a_burst_waiting_for_its_turn_holds_no_slot() -> None:
    """Two slots: A's first update holds one; A's next three wait for it without taking the other, so B's
    update still finds a slot."""
    processor, script = OrderedUpdateProcessor(2), Script()
    script.hold("A1")
    burst = [(f"A{n}", message(1)) for n in range(1, 5)]
    tasks = await feed(processor, script, [*burst, ("B1", message(2))])
    await asyncio.wait_for(tasks[-1], BOUND)
    assert script.log == ["A1 starts", "B1 starts", "B1 ends"]
    assert processor.current_concurrent_updates == 1
    script.releases["A1"].set()
    await asyncio.wait_for(asyncio.gather(*tasks), BOUND)
    assert [line for line in script.log if line.endswith("starts")] == [
        "A1 starts",
        "B1 starts",
        "A2 starts",
        "A3 starts",
        "A4 starts",
    ]


async def test_no_more_than_the_bound_run_at_once() -> None:
    processor, script = OrderedUpdateProcessor(3), Script()
    names = [f"U{n}" for n in range(6)]
    for name in names:
        script.hold(name)
    tasks = await feed(processor, script, [(name, message(100 + n)) for n, name in enumerate(names)])
    await started(script, "U2")
    await asyncio.sleep(0)  # let any task that could wrongly start do so
    assert [line for line in script.log] == ["U0 starts", "U1 starts", "U2 starts"]
    assert processor.current_concurrent_updates == 3 and processor.waiting == 0  # the others wait for a slot
    script.releases["U0"].set()
    await started(script, "U3")
    assert processor.current_concurrent_updates == 3
    for name in names:
        script.releases[name].set()
    await asyncio.wait_for(asyncio.gather(*tasks), BOUND)
    assert processor.busy_keys == 0


async def test_a_press_on_an_inline_message_queues_behind_the_users_private_chat() -> None:
    processor, script = OrderedUpdateProcessor(8), Script()
    script.hold("typed")
    tasks = await feed(processor, script, [("typed", message(7)), ("pressed", inline_press(7))])
    await started(script, "typed")
    assert processor.waiting == 1 and script.log == ["typed starts"]
    script.releases["typed"].set()
    await asyncio.wait_for(asyncio.gather(*tasks), BOUND)
    assert script.log == ["typed starts", "typed ends", "pressed starts", "pressed ends"]


async def test_one_user_in_two_chats_and_one_group_of_two_users_stay_in_order() -> None:
    """A's private message is held: A's message in the group waits for it (same user), and B's message in
    that group waits behind A's (same chat); C, elsewhere, goes ahead."""
    processor, script = OrderedUpdateProcessor(8), Script()
    script.hold("A private")
    updates = [
        ("A private", message(1)),
        ("A in group", message(1, chat_id=-500)),
        ("B in group", message(2, chat_id=-500)),
        ("C private", message(3)),
    ]
    tasks = await feed(processor, script, updates)
    await asyncio.wait_for(tasks[3], BOUND)
    assert script.log == ["A private starts", "C private starts", "C private ends"]
    assert processor.waiting == 2
    script.releases["A private"].set()
    await asyncio.wait_for(asyncio.gather(*tasks), BOUND)
    assert [line for line in script.log if line.endswith("starts")][2:] == ["A in group starts", "B in group starts"]
    assert processor.busy_keys == 0


async def test_updates_with_neither_chat_nor_user_run_freely() -> None:
    processor, script = OrderedUpdateProcessor(8), Script()
    script.hold("first")
    tasks = await feed(processor, script, [("first", Update(next(_ids))), ("second", Update(next(_ids)))])
    await asyncio.wait_for(tasks[1], BOUND)
    assert script.log == ["first starts", "second starts", "second ends"]
    script.releases["first"].set()
    await asyncio.wait_for(tasks[0], BOUND)
    assert processor.busy_keys == 0


async def test_the_key_table_empties_after_many_users() -> None:
    processor, script = OrderedUpdateProcessor(16), Script()
    updates = [(f"u{n}-{k}", message(1000 + n)) for k in range(3) for n in range(200)]
    tasks = await feed(processor, script, updates)
    await asyncio.wait_for(asyncio.gather(*tasks), BOUND)
    assert len(script.log) == 1200
    for n in range(200):  # each user's three updates in the order they came
        mine = [line for line in script.log if line.startswith(f"u{n}-")]
        assert mine == [f"u{n}-{k} {edge}" for k in range(3) for edge in ("starts", "ends")]
    assert processor.busy_keys == 0 and processor.waiting == 0


async def test_a_cancelled_waiting_update_lets_the_next_one_go_and_is_never_started() -> None:
    processor, script = OrderedUpdateProcessor(8), Script()
    script.hold("A1")
    tasks = await feed(processor, script, [("A1", message(1)), ("A2", message(1)), ("A3", message(1))])
    await started(script, "A1")
    tasks[1].cancel()
    script.releases["A1"].set()
    await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), BOUND)
    assert tasks[1].cancelled()
    assert "A2 starts" not in script.log and script.log[-2:] == ["A3 starts", "A3 ends"]
    assert processor.busy_keys == 0


def test_ordering_keys() -> None:
    assert ordering_keys(message(5)) == {5}  # a private chat's id is its user's
    assert ordering_keys(message(5, chat_id=-100)) == {5, -100}
    assert ordering_keys(inline_press(6)) == {6}
    assert ordering_keys(Update(1)) == frozenset()
    assert ordering_keys("not an update") == frozenset()
