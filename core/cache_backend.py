"""Django's Redis cache, for which Redis is an optimisation, never a dependency.

With Redis down (or answering errors) every call behaves as a miss: reads return the default,
writes are dropped, so pages are built from the database — slower, but they answer. The failure is
logged once a minute per worker, and for a few seconds after one the worker does not try Redis at
all, so a Redis that hangs costs a request at most one socket timeout. When Redis answers again the
archive gets a new generation (core/cache.py): edits made meanwhile could not drop the pages and
figures cached before them.
"""

import logging
import time
import uuid

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

from core.logs import Throttle

logger = logging.getLogger(__name__)

LOG_INTERVAL_SECONDS = 60


class Outage:
    """Whether this process is skipping Redis, and since when (shared by the backend's
    per-thread instances)."""

    def __init__(self):
        self.since = None
        self.retry_at = 0.0
        self.log = Throttle(LOG_INTERVAL_SECONDS)

    def skipping(self):
        return time.monotonic() < self.retry_at


outage = Outage()


class TolerantRedisCache(RedisCache):
    """RedisCache whose every operation survives a Redis outage (see the module's docstring).

    OPTIONS: `retry_seconds` (how long a worker skips Redis after a failure, default 5) besides
    redis-py's own (`socket_timeout`, `socket_connect_timeout`, …)."""

    def __init__(self, server, params):
        params = {**params, "OPTIONS": dict(params.get("OPTIONS", {}))}
        self.retry_seconds = float(params["OPTIONS"].pop("retry_seconds", 5))
        super().__init__(server, params)

    def _call(self, operation, default, *args, **kwargs):
        if outage.skipping():
            return default
        try:
            if outage.since is not None:
                self._recover()
            return getattr(super(), operation)(*args, **kwargs)
        except RedisError as error:
            self._failed(error)
            return default

    def _failed(self, error):
        if outage.since is None:
            outage.since = time.monotonic()
        outage.retry_at = time.monotonic() + self.retry_seconds
        if outage.log.ready("down"):
            logger.warning(
                "Cache unavailable, pages and figures are built from the database: %s: %s",
                type(error).__name__,
                error,
            )

    def _recover(self):
        """A new archive generation before anything is read from the cache again."""
        from core.cache import GENERATION_KEY

        super().set(GENERATION_KEY, uuid.uuid4().hex, None)
        logger.warning("Cache available again after %.0f s", time.monotonic() - outage.since)
        outage.since = None

    def add(self, key, value, timeout=None, version=None):
        return self._call("add", False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def set(self, key, value, timeout=None, version=None):
        self._call("set", None, key, value, timeout, version)

    def touch(self, key, timeout=None, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def incr(self, key, delta=1, version=None):
        missing = object()
        value = self._call("incr", missing, key, delta, version)
        if value is missing:
            raise ValueError(f"Key '{key}' not found")  # what the API says of a missing key
        return value

    def set_many(self, data, timeout=None, version=None):
        return self._call("set_many", list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        self._call("delete_many", None, keys, version)

    def clear(self):
        return self._call("clear", False)

    def available(self):
        """Whether Redis answers a round trip now (for /healthz)."""
        failed = object()
        return self._call("get", failed, "healthz", None, None) is not failed
