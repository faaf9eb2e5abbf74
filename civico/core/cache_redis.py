"""Django's Redis cache with one connection pool per process.

Django keeps a cache object per thread, each with its own Redis connection pool, and under ASGI
every request runs in a thread of its own: each request opened a new Redis connection (connect,
HELLO, SELECT), about 8 ms of CPU per report at 16 clients in `make bench`. Here the pools are
shared by the threads of a process (redis-py's pools are thread-safe).
"""

from __future__ import annotations

import threading
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

_pool: dict[str, Any] = {}
_lock = threading.Lock()


class _ClientDiProcesso(RedisCacheClient):
    def _get_connection_pool(self, write: bool) -> Any:
        url = self._servers[self._get_connection_pool_index(write)]
        pool = _pool.get(url)
        if pool is None:
            with _lock:
                pool = _pool.get(url) or _pool.setdefault(url, self._pool_class.from_url(url, **self._pool_options))
        return pool


class RedisCacheDiProcesso(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _ClientDiProcesso
