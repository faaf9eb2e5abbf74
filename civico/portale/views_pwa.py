"""The installable app: its manifest and its service worker, both served from the site's root so
the worker's scope is the whole site. The worker's script is a static file; what it must know
(the shell's static URLs, hashed in production, and a version) is prepended as a constant."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

STATICI = Path(__file__).resolve().parent / "static"
COLORE_TEMA = "#0066cc"
# What the worker caches on install: enough to show the offline page and the flow's scripts.
_SHELL_STATICI = [
    "civico/bootstrap-italia-usato.css", "civico/civico.css", "civico/flusso.css", "civico/flusso.js",
    "civico/flusso-mappa.js", "leaflet/leaflet.css", "leaflet/leaflet.js", "core/leaflet-icone.js",
    "civico/flusso/icona-192.png",
]


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    dati = {
        "name": _("Civico – Segnalazioni al tuo comune"),
        "short_name": "Civico",
        "description": _("Segnala un disservizio al tuo comune e seguine la risoluzione."),
        "lang": request.LANGUAGE_CODE,
        "start_url": reverse("portale:flusso_inizio") + "?app=1",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": COLORE_TEMA,
        "icons": [
            {"src": static("civico/flusso/icona-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("civico/flusso/icona-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static("civico/flusso/icona-maskable-512.png"), "sizes": "512x512", "type": "image/png",
             "purpose": "maskable"},
        ],
        "shortcuts": [{"name": _("Segnala un disservizio"), "url": reverse("portale:flusso_inizio")},
                      {"name": _("Area personale"), "url": reverse("portale:area")}],
    }
    response = JsonResponse(dati, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(_script(), content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"  # browsers re-check it; a new version replaces the old
    return response


def _script() -> str:
    return _script_per(tuple(static(p) for p in _SHELL_STATICI), reverse("portale:flusso_offline"))


@lru_cache(maxsize=4)
def _script_per(shell: tuple[str, ...], offline: str) -> str:
    sorgente = (STATICI / "civico" / "sw.js").read_text(encoding="utf-8")
    config = {"shell": [*shell, offline], "offline": offline}
    versione = hashlib.sha256((sorgente + json.dumps(config)).encode()).hexdigest()[:12]
    config["versione"] = versione
    return f"self.CIVICO = {json.dumps(config)};\n{sorgente}"
