"""Runs the product: model training with a fingerprint cache and a service supervisor.

``python -m bot.runner`` starts everything (``make run``); ``Stack`` is the reusable
supervisor the test fixture ``tests/fixtures/stack.py`` shares; ``bot.runner.training``
trains only when config, domain or data changed.
"""

from bot.runner.supervisor import SERVICE_ORDER, Stack, StackError

__all__ = ["SERVICE_ORDER", "Stack", "StackError"]
