"""Rate limits: a fixed window counter per key in Django's cache.

With the default per-process cache the limit holds per server process; configure a shared cache
(CACHES, e.g. Redis or the database cache) to enforce it across workers.
"""

from __future__ import annotations

import time

from django.core.cache import cache


def consuma(chiave: str, limite: int, finestra_s: int = 60) -> int | None:
    """Count one request against `limite` per window; None if allowed, else seconds to wait."""
    adesso = time.time()
    finestra = int(adesso // finestra_s)
    nome = f"civico:limite:{chiave}:{finestra}"
    cache.add(nome, 0, timeout=finestra_s + 1)
    try:
        conteggio = cache.incr(nome)
    except ValueError:  # expired between add and incr
        cache.set(nome, 1, timeout=finestra_s + 1)
        conteggio = 1
    if conteggio > limite:
        return max(1, int(finestra_s - adesso % finestra_s) + 1)
    return None
