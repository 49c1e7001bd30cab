"""Running the bot against Telegram (or any Bot API server)."""

from __future__ import annotations

import sys

from bot.config import Settings


def run_bot(settings: Settings, *, webhook: bool = False) -> int:
    """Start the bot. The conversation handlers arrive with the reporting issue."""
    settings.require_token()
    print("The Telegram bot is not available yet; use the CLI commands for now.", file=sys.stderr)
    return 1
