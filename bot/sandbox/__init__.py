"""A local Bot API server and simulated users: the ground for end-to-end tests, the demo and benchmarks."""

from bot.sandbox.client import SandboxClient, SandboxError, Seen, SimUser
from bot.sandbox.limits import Faults, Limits
from bot.sandbox.server import DEFAULT_TOKEN, BotApiServer

__all__ = [
    "DEFAULT_TOKEN",
    "BotApiServer",
    "Faults",
    "Limits",
    "SandboxClient",
    "SandboxError",
    "Seen",
    "SimUser",
]
