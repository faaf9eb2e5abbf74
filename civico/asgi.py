import gc
import logging
import os
from concurrent.futures import ThreadPoolExecutor

from django.core.asgi import get_asgi_application
from django.db import DatabaseError, connections
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civico.settings")
_django = get_asgi_application()
# The body cap wraps Django: Django reads a whole body before any middleware runs.
from civico.core.corpo import LimiteCorpoASGI  # noqa: E402 — after the app registry is ready


class _CongelaDopoIlRiscaldamento:
    """Freezes the garbage collector's generations once more after the worker's first requests.

    The freeze at import (below) misses what the first requests load and keep for the process's
    life (translations, URL resolver caches, per-process memories: ~95k objects). Left in sight,
    each full collection walks them, and full collections come often once everything older is
    frozen: 80–160 ms on whichever request triggered one, the tail of the Open311 and map reads.
    """

    def __init__(self, app, dopo: int = 200) -> None:
        self.app = app
        self.restanti = dopo

    async def __call__(self, scope, receive, send) -> None:
        await self.app(scope, receive, send)
        if self.restanti > 0 and scope["type"] == "http":
            self.restanti -= 1
            if self.restanti == 0:
                gc.collect()  # garbage goes first: frozen, it would never be freed
                gc.freeze()


# The JSON APIs through Django's WSGI handler in a thread pool: no thread hops per request.
from django.core.wsgi import get_wsgi_application  # noqa: E402

from civico.core.smistamento import Smistamento  # noqa: E402

application = _CongelaDopoIlRiscaldamento(LimiteCorpoASGI(Smistamento(_django, get_wsgi_application())))

# Import every view now (the URLconf pulls in the apps' modules).
get_resolver().url_patterns  # noqa: B018 — the import is the point

# Build the comuni's boundary index before the first request: built by a request, it took seconds
# while the other requests of the worker held their pooled connections waiting for it, and the
# pool ran dry (503s at every start). With the database down the first request builds it later.
from civico.enti import geo  # noqa: E402 — after the app registry is ready


def _carica_confini() -> None:
    try:
        geo.indice()
    except DatabaseError as exc:
        logging.getLogger(__name__).warning("indice dei confini non caricato all'avvio: %s", exc)
    finally:
        connections.close_all()


# uvicorn imports this module inside its event loop, where Django forbids database calls: a thread.
with ThreadPoolExecutor(max_workers=1) as _esecutore:
    _esecutore.submit(_carica_confini).result()

# Move everything loaded so far out of the garbage collector's sight: a full collection otherwise
# walks these hundreds of thousands of long-lived objects, ~100 ms landing on whichever request
# triggered it.
gc.freeze()
