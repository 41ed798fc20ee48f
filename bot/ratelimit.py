"""Rate limits shared by the gateway and the backend, on the maintained `limits` library.

A rule is a name plus limits in the library's notation ("8/second;200/minute"); a key
is whom it counts (a client's IP address, a conversation). Keys are stored as keyed
hashes, never raw: the storage (memory, or Redis in the scale-out) holds no IP
addresses or conversation ids. Moving windows: 14 requests in one second against
"8/second" are refused from the 9th on, whatever the clock says.

Storage: ``INTAKE_RATE_LIMIT_STORAGE`` = ``memory://`` (one process; the default) or
``redis://host:6379/1`` (shared by every gateway of a scale-out). When the storage
cannot be reached the request is served and a warning logged: limits protect
capacity, they must not take the service down with them.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import math
import time

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage
from limits.storage import storage_from_string
from limits.aio.strategies import MovingWindowRateLimiter

log = logging.getLogger(__name__)


def parse_rule(text: str) -> tuple[RateLimitItem, ...]:
    """Limits from "8/second;200/minute"; empty text means no limit."""
    return tuple(parse_many(text)) if text.strip() else ()


def _async_uri(uri: str) -> tuple[str, dict]:
    """The library's asyncio storage URI for a configured one, and its options."""
    uri = uri.strip() or "memory://"
    if uri.startswith("async+"):
        uri = uri[len("async+"):]
    options = {"implementation": "redispy"} if uri.startswith(("redis://", "rediss://", "redis+")) else {}
    return f"async+{uri}", options


class PrunedOncePerSecondMemoryStorage(MemoryStorage):
    """The library's asyncio memory storage, dropping expired entries at most once a second.

    limits 5.8 starts a pass over *every* key (with a thread hop per key) after each hit: with
    40 keys ~3 ms CPU per chat request, with 400 keys ~8 ms (docs/BENCHMARKS.md, issue 17).
    The counts do not depend on that pass (a moving window compares entry times), it only
    frees memory, so once a second is enough.
    """

    PRUNE_INTERVAL_S = 1.0

    def __init__(self, uri: str | None = None, **options: object) -> None:
        super().__init__(uri, **options)
        self._pruned_at = float("-inf")
        self.prune_passes = 0

    async def _MemoryStorage__schedule_expiry(self) -> None:  # the base class's private hook
        now = time.monotonic()
        if now - self._pruned_at < self.PRUNE_INTERVAL_S:
            return
        self._pruned_at = now
        self.prune_passes += 1
        await super()._MemoryStorage__schedule_expiry()


class Limiter:
    """Counts hits per rule and key; says how long to wait when a limit is reached."""

    def __init__(self, storage_uri: str, key_secret: str) -> None:
        uri, options = _async_uri(storage_uri)
        memory = uri == "async+memory://"
        self.storage = PrunedOncePerSecondMemoryStorage() if memory else storage_from_string(uri, **options)
        self.strategy = MovingWindowRateLimiter(self.storage)
        self._secret = (key_secret or "rate-limit").encode("utf-8")
        self._warned_at = 0.0

    def _key(self, key: str) -> str:
        """A keyed hash of the key (an IP address or conversation id is never stored)."""
        return hmac.new(self._secret, key.encode("utf-8"), hashlib.sha256).hexdigest()[:32]

    async def retry_after(self, rule: str, limits: tuple[RateLimitItem, ...], key: str) -> int | None:
        """Count one request; None when allowed, else whole seconds until one is allowed again."""
        if not limits:
            return None
        hashed = self._key(key)
        try:
            for item in limits:
                if not await self.strategy.test(item, rule, hashed):
                    stats = await self.strategy.get_window_stats(item, rule, hashed)
                    return max(1, math.ceil(stats.reset_time - time.time()))
            for item in limits:
                # hit() checks and counts in one step (under the storage's lock, or one Redis script).
                # test() above is a separate await: requests arriving together could all pass it
                # before any was counted whenever the storage yields (Redis always does; the memory
                # storage when it prunes), so a flood of 14 got 9-14 through a limit of 8.
                if not await self.strategy.hit(item, rule, hashed):
                    stats = await self.strategy.get_window_stats(item, rule, hashed)
                    return max(1, math.ceil(stats.reset_time - time.time()))
        except Exception as exc:  # storage down: serve, warn at most once a minute
            if time.monotonic() - self._warned_at > 60:
                self._warned_at = time.monotonic()
                log.warning("rate limits not applied: storage unavailable (%s)", type(exc).__name__)
            return None
        return None

    async def reset(self) -> None:
        """Forget every count (tests, or an operator lifting a block)."""
        await self.storage.reset()


def client_address(scope: dict, trusted_proxies: frozenset[str]) -> str:
    """The client's IP address; behind a trusted reverse proxy the one it forwarded.

    X-Forwarded-For is read right to left and the first address that is not a trusted
    proxy wins: a client can put anything at the left end, not at the right.
    """
    peer = (scope.get("client") or ("unknown", 0))[0]
    if peer not in trusted_proxies:
        return peer
    forwarded = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"x-forwarded-for"), "")
    for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        if hop not in trusted_proxies:
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer
    return peer


def trusted_set(text: str) -> frozenset[str]:
    """Comma-separated proxy addresses from a setting."""
    return frozenset(part.strip() for part in text.split(",") if part.strip())
