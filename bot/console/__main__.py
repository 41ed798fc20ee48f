"""`python -m bot.console`: run the staff console, or manage its accounts.

    python -m bot.console serve                                 # what `make run` starts
    python -m bot.console users add --role editor anna.schmidt  # asks for the password twice
    python -m bot.console users add --role unit --unit B2 ben.weber
    python -m bot.console users passwd anna.schmidt
    python -m bot.console users remove ben.weber
    python -m bot.console users list

The password is read from the terminal (or one line on stdin with --password-stdin),
never from the command line, where other users of the machine could read it.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from bot.config import get_settings
from bot.console import accounts
from bot.console.store import Store


def _password(args) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password (at least 12 characters): ")
    if first != getpass.getpass("Password again: "):
        raise accounts.AccountError("the two passwords differ")
    return first


def users(args) -> int:
    store = Store(Path(get_settings().var_dir) / "console.sqlite3")
    try:
        if args.command == "add":
            user = accounts.add_user(store, args.name, _password(args), args.role, args.unit)
            print(f"account {user.name} ({user.role}{' ' + user.unit if user.unit else ''}) created")
        elif args.command == "passwd":
            accounts.set_password(store, args.name, _password(args))
            print(f"password of {args.name} changed; its sessions ended")
        elif args.command == "remove":
            accounts.remove_user(store, args.name)
            print(f"account {args.name} removed")
        else:
            for user in accounts.list_users(store):
                print(f"{user.name}\t{user.role}\t{user.unit or ''}")
    except accounts.AccountError as error:
        print(f"console: {error}", file=sys.stderr)
        return 1
    return 0


def serve() -> int:
    import uvicorn

    from bot.console.app import create_app
    from bot.logsafety import configure_logging

    settings = get_settings()
    # httpx would log Rasa's URL with ?token= at INFO: the shared setup quiets it.
    configure_logging()
    uvicorn.run(create_app(settings), host=settings.host, port=settings.console_port, log_level="info", access_log=False)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.console", description="The staff console.")
    sub = parser.add_subparsers(dest="area", required=True)
    sub.add_parser("serve", help="run the console (make run does this)")
    user_parser = sub.add_parser("users", help="manage staff accounts")
    commands = user_parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="create an account")
    add.add_argument("name")
    add.add_argument("--role", choices=accounts.ROLES, required=True)
    add.add_argument("--unit", help="the unit's code for --role unit (e.g. B2)")
    add.add_argument("--password-stdin", action="store_true")
    passwd = commands.add_parser("passwd", help="set a new password")
    passwd.add_argument("name")
    passwd.add_argument("--password-stdin", action="store_true")
    commands.add_parser("remove", help="delete an account").add_argument("name")
    commands.add_parser("list", help="list the accounts")
    args = parser.parse_args(argv)
    return serve() if args.area == "serve" else users(args)


if __name__ == "__main__":
    sys.exit(main())
