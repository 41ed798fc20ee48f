"""Settings of every service, read once from the environment (prefix ``INTAKE_``).

Defaults are the embedded, single-machine setup: everything on loopback, SQLite
files and sockets under ``var/`` in the project directory.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR = PROJECT_ROOT / "content"
# Publicly known, so accepted only with INTAKE_ENV=development (bot.secrets_check).
DEV_INTERNAL_TOKEN = "dev-internal-token"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore")

    var_dir: Path = PROJECT_ROOT / "var"
    host: str = "127.0.0.1"
    # "production" (default) or "development": only development mode lets a service
    # start with a placeholder secret (bot.secrets_check).
    env: str = Field("production", pattern="^(production|development)$")

    # Shared secret between our own services. No default: `make run` generates one into
    # var/secrets.env; INTAKE_ENV=development falls back to DEV_INTERNAL_TOKEN.
    internal_token: str = ""
    # Token of Rasa's HTTP API (`rasa run --auth-token`), generated like internal_token.
    rasa_token: str = ""
    # What Rasa shows the action server (endpoints.yml header X-Intake-Action-Token); the
    # action server refuses every other call. Empty: the run command generates one into
    # var/secrets.env and gives it to Rasa and the action server only.
    actions_token: str = ""
    # Bearer token Prometheus sends to /metrics; empty = metrics off (make run generates one).
    metrics_token: str = ""
    # JSON log lines (one object a line) instead of plain text: INTAKE_LOG_FORMAT=json.
    log_format: str = Field("text", pattern="^(text|json)$")
    # Key of the keyed hash that turns public senders and Telegram chat ids into internal
    # conversation ids (bot/gateway/identity.py); empty = var/secrets.env (generated).
    conversation_key: str = ""
    # Key of the follow-up keys clients use to add to their case from another conversation
    # (bot/backend/security.follow_up_key); backend only. Empty = var/secrets.env (generated).
    # Replacing it withdraws every key given out (clients then add from their own chat).
    follow_up_secret: str = ""
    # Wrong follow-up keys (bot/backend/follow_ups.py): after 5 wrong keys within 10 minutes a source
    # (conversation, client address) backs off this many seconds, doubling with each back-off
    # up to 15 minutes. The test stack shortens it so its attack test need not wait a minute
    # (tests/fixtures/stack.py); the default is proven in tests/backend/test_follow_up_throttle.py.
    follow_up_backoff_s: float = Field(60.0, gt=0)

    rasa_port: int = 5005
    actions_port: int = 5055
    backend_port: int = 8300
    gateway_port: int = 8080
    console_port: int = 8090

    # Staff console (bot/console): the checkout it edits and trains from (empty = this
    # one), and how long masked client messages stay in its "learn" list.
    console_project_dir: Path | None = None
    console_learn_retention_days: int = 30

    # Where the gateway and the action server find the others.
    rasa_url: str = ""
    backend_url: str = ""
    # Public base URL of the gateway (links in messages, QR codes).
    public_url: str = ""
    # Where the Telegram bridge reaches the gateway's internal routes (/internal/telegram/,
    # which a reverse proxy must not forward); empty = public_url.
    telegram_gateway_url: str = ""
    # Public base URL of the verification page (QR code target); default: the gateway's
    # public origin + /verify (the page is served there, bot/gateway/verify.py).
    verify_url: str = ""
    # Oldest client confirmation the backend accepts as the moment of receipt (an outbox
    # delivery after an outage keeps its time up to this age; older ones get the arrival time).
    outbox_max_age_s: int = 7 * 24 * 3600

    # PAdES signature of the confirmation PDF (bot/confirmation/signing.py). Empty: a key and
    # self-signed certificate generated into var/signing/ on first run (embedded default).
    signing_key: str = ""
    signing_cert: str = ""
    signing_chain: str = ""  # comma-separated PEM files of the office's CA chain
    signing_key_passphrase: str = ""

    backend_database_url: str = ""
    # Scale-out: the outbox in a database every action server shares (PostgreSQL URL);
    # empty = a SQLite file per action server, var/outbox.sqlite3.
    outbox_database_url: str = ""
    clamd_socket: Path | None = None
    clamd_database_dir: Path = PROJECT_ROOT / "clamav" / "signatures"
    clamd_timeout_s: float = 30.0

    # Upload limits (the office's forms: 5 files, 10 MB each, 16 MB together).
    upload_max_files: int = 5
    upload_max_file_bytes: int = 10 * 1024 * 1024
    upload_max_total_bytes: int = 16 * 1024 * 1024
    # Disk quota for pending uploads (not yet attached to a submitted case) of all
    # conversations together: beyond it uploads are refused ("try again later") until
    # cases claim them or the purge removes stale ones (after tracker_retention_s).
    upload_pending_quota_bytes: int = 2 * 1024 * 1024 * 1024
    upload_pending_quota_files: int = 2000

    download_link_ttl_s: int = 7 * 24 * 3600
    # Processes rendering confirmation PDFs after the commit (bot/backend/pdf_worker.py);
    # 0 renders in a thread of the backend itself. 2 = both cores of the target machine:
    # a PDF costs ~70 ms of CPU, a receipt far less (docs/BENCHMARKS.md).
    pdf_render_processes: int = 2

    # Abuse limits (bot/ratelimit.py, bot/gateway/limits.py; README "Limits"). Notation of
    # the `limits` library, several separated by ";"; empty = no limit. "client" counts
    # per IP address, "conversation" per sender. A person typing or clicking never
    # reaches them; a script sending 14 requests a second does.
    rate_limit_storage: str = "memory://"  # scale-out: redis://host:6379/1 (shared by every gateway)
    rate_limit_chat_client: str = "8/second;600/minute"  # 600: ~100 people typing behind one NAT
    rate_limit_chat_conversation: str = "4/second;60/minute"
    rate_limit_upload_client: str = "10/minute;60/hour"
    rate_limit_upload_conversation: str = "6/minute;20/hour"
    rate_limit_download_client: str = "30/minute"
    rate_limit_download_conversation: str = "10/minute"
    rate_limit_verify_client: str = "20/minute;300/hour"
    # Reverse proxies whose X-Forwarded-For is believed (comma-separated IP addresses).
    rate_limit_trusted_proxies: str = ""
    # Largest chat request body (JSON); bigger ones are refused with 413 unread.
    chat_max_body_bytes: int = 64 * 1024
    # Staff API: JSON mapping unit -> bearer token; empty = var/staff_tokens.json (generated).
    staff_tokens: str = ""
    retention_days_after_done: int = 90
    tracker_retention_s: int = 24 * 3600
    # Rasa's SQL tracker store, for the retention purge (bot/privacy); empty = var/tracker.sqlite3.
    tracker_database_url: str = ""

    telegram_token: str = ""
    telegram_mode: str = Field("polling", pattern="^(polling|webhook)$")
    telegram_webhook_secret: str = ""
    telegram_webhook_port: int = 8443
    # The Telegram bridge's own health and metrics port (loopback).
    telegram_health_port: int = 8444
    # Public HTTPS URL Telegram posts updates to (webhook mode; the reverse proxy's address).
    telegram_webhook_url: str = ""
    telegram_base_url: str = ""
    telegram_base_file_url: str = ""

    # Office pages on other origins that embed the web widget (comma-separated, e.g.
    # "https://www.berlin.de"): the gateway answers their browsers' CORS requests.
    widget_origins: str = ""

    def model_post_init(self, __context) -> None:
        self.var_dir = Path(self.var_dir)
        if self.env == "development" and not self.internal_token:
            self.internal_token = DEV_INTERNAL_TOKEN
        if not self.rasa_url:
            self.rasa_url = f"http://{self.host}:{self.rasa_port}"
        if not self.backend_url:
            self.backend_url = f"http://{self.host}:{self.backend_port}"
        if not self.public_url:
            self.public_url = f"http://{self.host}:{self.gateway_port}"
        if not self.verify_url:
            self.verify_url = f"{self.public_url.rstrip('/')}/verify"
        if not self.backend_database_url:
            self.backend_database_url = f"sqlite:///{self.var_dir / 'backend.sqlite3'}"
        if self.console_project_dir is None:
            self.console_project_dir = PROJECT_ROOT
        if self.clamd_socket is None:
            self.clamd_socket = self.var_dir / "run" / "clamd.sock"


@lru_cache
def get_settings() -> Settings:
    return Settings()
