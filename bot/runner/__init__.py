"""Runs the product: model training with a fingerprint cache and a service supervisor.

``python -m bot.runner`` starts everything (``make run``); ``Stack`` is the reusable
supervisor the test fixture ``tests/fixtures/stack.py`` shares.
"""

from bot.runner.supervisor import SERVICE_ORDER, Stack, StackError
from bot.runner.training import ensure_model, fingerprint

__all__ = ["SERVICE_ORDER", "Stack", "StackError", "ensure_model", "fingerprint"]
