"""``-help`` for scripts started with ``python -m bot.NAME`` (or publish.NAME): see :mod:`wikiapi.scriptoptions`."""

from wikiapi.scriptoptions import help_requested

__all__ = ["help_requested"]
