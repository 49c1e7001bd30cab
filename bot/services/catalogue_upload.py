"""Where an admin's catalogue upload stands: waiting for the file, or waiting for Apply.

The position is a row in the `conversations` table, so a restart between the upload and the Apply button
loses nothing; the file itself is not kept, only Telegram's id for it, and is downloaded again on Apply.
The flow's name, its states and what each keeps live here, so that /catalog, the document handler, Apply
and every Cancel button agree on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from storage.conversations import Conversation, ConversationRepository

FLOW = "catalog"
WAITING = "waiting"
CONFIRM = "confirm"


class UploadStorage(Protocol):
    """The one repository an upload's position needs."""

    conversations: ConversationRepository


@dataclass(frozen=True)
class PendingUpload:
    """A checked file waiting for the admin's Apply: Telegram's id for it and the name it was sent under."""

    file_id: str
    name: str


async def await_file(storage: UploadStorage, user_id: int) -> None:
    """/catalog: the next document this admin sends is a catalogue (any other flow of theirs ends)."""
    await storage.conversations.save(Conversation(user_id=user_id, flow=FLOW, state=WAITING))


async def await_apply(storage: UploadStorage, user_id: int, upload: PendingUpload) -> None:
    """The file was checked and its changes shown: keep it until Apply or Cancel."""
    await storage.conversations.save(
        Conversation(user_id=user_id, flow=FLOW, state=CONFIRM, data={"file_id": upload.file_id, "name": upload.name})
    )


async def pending_upload(storage: UploadStorage, user_id: int) -> PendingUpload | None:
    """The file this admin was asked to apply, if they still are."""
    conversation = await storage.conversations.get(user_id)
    if conversation is None or conversation.flow != FLOW or conversation.state != CONFIRM:
        return None
    return PendingUpload(file_id=conversation.data["file_id"], name=conversation.data["name"])


async def end_upload(storage: UploadStorage, user_id: int) -> None:
    """The upload is over (applied, unchanged, or not a document): forget the position."""
    await storage.conversations.delete(user_id)


async def drop_upload(storage: UploadStorage, user_id: int) -> None:
    """A Cancel button: forget a pending upload, and leave any other conversation of the user alone."""
    conversation = await storage.conversations.get(user_id)
    if conversation is not None and conversation.flow == FLOW:
        await storage.conversations.delete(user_id)
