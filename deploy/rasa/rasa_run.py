"""`rasa run` with its HTTP API and its REST channel behind tokens that never appear on a command line.

    INTAKE_RASA_TOKEN=... INTAKE_ACTIONS_TOKEN=... .venv-rasa/bin/python deploy/rasa/rasa_run.py run --enable-api ...

INTAKE_RASA_TOKEN is handed to Rasa as `--auth-token` inside this process:
/proc/<pid>/cmdline, which every local user can read, still shows the command without
it. Rasa then answers 401 to every HTTP API call (`/status`, `/conversations/<id>/tracker`,
`/model/...`) without `?token=<INTAKE_RASA_TOKEN>`. The same token guards the REST channel
`/webhooks/rest/webhook` (credentials.yml -> bot/rasa_channel.py, header
X-Intake-Rasa-Token), so only the gateway reaches it. INTAKE_ACTIONS_TOKEN is what Rasa
shows the action server (endpoints.yml, header X-Intake-Action-Token). Both stay in this
process's environment (readable by the service's user only), where Rasa expands them.

Rasa 3.6 compares `?token=` with the auth token by `provided == token`
(rasa/server.py, `requires_auth`), whose time depends on how many leading characters
match. Before Rasa builds its routes this launcher puts `constant_time_api_token`'s
check in its place: the same decorator, the token compared with `hmac.compare_digest`;
a wrong or missing token goes on to Rasa's own code exactly as before (JWT when
configured, else 401 NotAuthenticated). The launcher refuses to start when it cannot
install the check (a Rasa whose `requires_auth` looks different).

`rasa shell` (for `make shell`, bot/runner/shell.py) ends on Ctrl-D: Rasa 3.6's console
lets prompt_toolkit's EOFError escape from its input task and the shell's server then runs
on with nobody typing; `shell_ends_on_eof` makes Ctrl-D what /stop is.

skops (how Rasa stores the LogisticRegression classifier) is imported before Rasa: its
import builds lists of trusted numpy/scipy types by searching every loaded module for
each function, and after TensorFlow is loaded (~5900 modules instead of ~1400) that took
half of Rasa's start (12 s of 22 s at load 5; docs/BENCHMARKS.md). The lists come out
identical either way.

TensorFlow itself (~12 s of a start at load, ~3.5 CPU s) is not imported for a model without TensorFlow components:
deploy/rasa/rasa_without_tensorflow.py compiles the two Rasa modules that import DIET's, TED's
and their Keras helpers' classes at their top with stand-ins for exactly those imports; a
model that does use DIET or TED imports them on loading, and the stand-ins become the real
classes (same behaviour as without the hook, TensorFlow's import included).
"""

import os
import sys

MIN_LENGTH = 16
_CONSTANT_TIME = "_intake_constant_time"
_ENDS_ON_EOF = "_intake_ends_on_eof"


def constant_time_api_token() -> None:
    """rasa.server.requires_auth with the token compared in constant time (idempotent)."""
    import hmac
    import inspect
    from functools import wraps

    import rasa.server

    original = rasa.server.requires_auth
    if getattr(original, _CONSTANT_TIME, False):
        return
    if list(inspect.signature(original).parameters) != ["app", "token"]:
        raise RuntimeError("rasa.server.requires_auth is not Rasa 3.6's (app, token)")
    never = object()  # equal to no provided token: Rasa's own check then takes the other paths

    def requires_auth(app, token=None):
        if token is None:  # no token: Rasa's JWT-or-open behaviour, unchanged
            return original(app, token)
        expected = token.encode("utf-8", "surrogatepass")

        def decorator(handler):
            otherwise = original(app, never)(handler)  # JWT if configured, else 401

            @wraps(handler)
            async def decorated(request, *args, **kwargs):
                provided = request.args.get("token", None)
                if provided is not None and hmac.compare_digest(provided.encode("utf-8", "surrogatepass"), expected):
                    result = handler(request, *args, **kwargs)
                    return await result if inspect.isawaitable(result) else result
                return await otherwise(request, *args, **kwargs)

            return decorated

        return decorator

    setattr(requires_auth, _CONSTANT_TIME, True)
    rasa.server.requires_auth = requires_auth


def shell_ends_on_eof() -> None:
    """rasa.core.channels.console reading Ctrl-D (EOFError) as the end of input, as /stop."""
    from rasa.core.channels import console

    original = console._get_user_input
    if getattr(original, _ENDS_ON_EOF, False):
        return

    async def _get_user_input(previous_response):
        try:
            return await original(previous_response)
        except EOFError:
            return None  # record_messages stops on None, then the shell's server stops

    setattr(_get_user_input, _ENDS_ON_EOF, True)
    console._get_user_input = _get_user_input


def preload_skops() -> None:
    """Import skops.io while few modules are loaded (see above); without skops, nothing to do."""
    try:
        import skops.io  # noqa: F401
    except ImportError:
        pass


def defer_tensorflow() -> None:
    """deploy/rasa/rasa_without_tensorflow.py's hook for `rasa run` (and `rasa shell`)."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    try:
        import rasa_without_tensorflow
    except ImportError as error:
        print(f"rasa: TensorFlow not deferred ({error})", file=sys.stderr, flush=True)
        return
    finally:
        sys.path.pop(0)
    rasa_without_tensorflow.install(rasa_without_tensorflow.FOR_RUN)


def main() -> int:
    token = os.environ.get("INTAKE_RASA_TOKEN", "").strip()
    actions_token = os.environ.get("INTAKE_ACTIONS_TOKEN", "").strip()
    development = os.environ.get("INTAKE_ENV") == "development"
    if "--enable-api" in sys.argv and len(token) < MIN_LENGTH and not development:
        print("rasa: refusing to start: INTAKE_RASA_TOKEN is not set or shorter than "
              f"{MIN_LENGTH} characters (the HTTP API would be open); `make run` generates "
              "one into var/secrets.env.", file=sys.stderr, flush=True)
        return 2
    if len(actions_token) < MIN_LENGTH and not development:
        print("rasa: refusing to start: INTAKE_ACTIONS_TOKEN is not set or shorter than "
              f"{MIN_LENGTH} characters (the action server refuses calls without it); `make run` "
              "generates one into var/secrets.env.", file=sys.stderr, flush=True)
        return 2
    # endpoints.yml and credentials.yml name both variables: defined (empty in development).
    os.environ["INTAKE_RASA_TOKEN"] = token
    os.environ["INTAKE_ACTIONS_TOKEN"] = actions_token
    os.umask(0o077)  # tracker database, logs: this user only
    # "--auth-token=<token>", not two words: a generated token may start with "-", which
    # argparse would take for an option ("expected one argument").
    sys.argv = ["rasa", *sys.argv[1:]] + ([f"--auth-token={token}"] if token else [])
    defer_tensorflow()  # before anything imports Rasa
    preload_skops()  # before rasa.server (below) could import TensorFlow
    try:
        constant_time_api_token()
    except (ImportError, AttributeError, RuntimeError) as error:
        print(f"rasa: refusing to start: cannot install the constant-time token check ({error}); "
              "deploy/rasa/rasa_run.py knows Rasa 3.6's rasa/server.py.", file=sys.stderr, flush=True)
        return 2
    if sys.argv[1:2] == ["shell"]:
        shell_ends_on_eof()
    from rasa.__main__ import main as rasa_main

    return rasa_main()


if __name__ == "__main__":
    sys.exit(main())
