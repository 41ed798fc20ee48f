"""`rasa run` with its HTTP API behind a token that never appears on a command line.

    INTAKE_RASA_TOKEN=... .venv-rasa/bin/python deploy/rasa/rasa_run.py run --enable-api ...

The token is taken from the environment (readable by the service's user only) and
handed to Rasa as `--auth-token` inside this process: /proc/<pid>/cmdline, which
every local user can read, still shows the command without it. Rasa then answers
401 to every HTTP API call (`/status`, `/conversations/<id>/tracker`, `/model/...`)
without `?token=<INTAKE_RASA_TOKEN>`; the REST channel `/webhooks/rest/webhook` the
gateway uses is a channel, not the HTTP API, and needs no token.
"""

import os
import sys

MIN_LENGTH = 16


def main() -> int:
    token = os.environ.pop("INTAKE_RASA_TOKEN", "").strip()
    development = os.environ.get("INTAKE_ENV") == "development"
    if "--enable-api" in sys.argv and len(token) < MIN_LENGTH and not development:
        print("rasa: refusing to start: INTAKE_RASA_TOKEN is not set or shorter than "
              f"{MIN_LENGTH} characters (the HTTP API would be open); `make run` generates "
              "one into var/secrets.env.", file=sys.stderr, flush=True)
        return 2
    os.umask(0o077)  # tracker database, logs: this user only
    # "--auth-token=<token>", not two words: a generated token may start with "-", which
    # argparse would take for an option ("expected one argument").
    sys.argv = ["rasa", *sys.argv[1:]] + ([f"--auth-token={token}"] if token else [])
    from rasa.__main__ import main as rasa_main

    return rasa_main()


if __name__ == "__main__":
    sys.exit(main())
