"""Webhook mode: the setWebhook family of methods and the loop that POSTs updates to the bot.

Delivery differs from Telegram on purpose (see `bot.sandbox.server`): a failed POST is retried every
0.5 s for ever, in order, so that a test sees every update arrive however long the bot was down.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

import httpx

from bot.sandbox.methods import Params, flag
from bot.sandbox.state import World


class WebhookSide(Protocol):
    """What webhook mode needs of the server: the world, the webhook setting, and its delivery loop."""

    @property
    def world(self) -> World: ...

    webhook: dict[str, Any] | None

    def start_webhook_delivery(self) -> None:
        """Run deliver_webhooks unless it is running already."""
        ...


async def set_webhook(server: WebhookSide, params: Params, _: Any) -> Any:
    """setWebhook: deliver updates by POST from now on; an empty url deletes the webhook."""
    url = str(params.get("url") or "")
    if not url:
        return await delete_webhook(server, params, _)
    if flag(params.get("drop_pending_updates")):
        server.world.updates.clear()
    if params.get("allowed_updates") is not None:
        server.world.allowed_updates = list(params["allowed_updates"])
    server.webhook = {"url": url, "secret_token": params.get("secret_token")}
    server.start_webhook_delivery()
    await server.world.notify()
    return True


async def delete_webhook(server: WebhookSide, params: Params, _: Any) -> Any:
    """deleteWebhook: back to getUpdates, optionally dropping what is pending."""
    server.webhook = None
    if flag(params.get("drop_pending_updates")):
        server.world.updates.clear()
    await server.world.notify()
    return True


async def get_webhook_info(server: WebhookSide, params: Params, _: Any) -> Any:
    """getWebhookInfo: the url and how many updates are pending."""
    return {
        "url": server.webhook["url"] if server.webhook else "",
        "has_custom_certificate": False,
        "pending_update_count": len(server.world.updates),
    }


async def deliver_webhooks(server: WebhookSide) -> None:
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
