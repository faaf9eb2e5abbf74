import gc
import os

from django.core.asgi import get_asgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civico.settings")
application = get_asgi_application()

# Import every view now (the URLconf pulls in the apps' modules), then move everything loaded so
# far out of the garbage collector's sight: a full collection otherwise walks these hundreds of
# thousands of long-lived objects, ~100 ms that landed on whichever request triggered it.
get_resolver().url_patterns  # noqa: B018 — the import is the point
gc.freeze()
