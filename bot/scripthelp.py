"""``-help`` for scripts started with ``python -m bot.NAME``: see :mod:`bot.scriptoptions`."""

from bot.scriptoptions import help_requested

__all__ = ["help_requested"]
