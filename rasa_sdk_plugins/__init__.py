"""rasa_sdk's plugin hook (it imports this top-level package by name when it exists):
adds readiness, metrics and request ids to the action server; see bot/ops/action_server.py."""


def init_hooks(manager) -> None:
    from bot.ops.action_server import ActionServerOps

    manager.register(ActionServerOps())
