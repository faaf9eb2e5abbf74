"""What every page of the portal needs in its template context, and the portal's own settings.

Register `civico.portale.contesto.portale` in TEMPLATES' context processors. The settings are
optional keys of `settings.CIVICO`; the defaults below keep a fresh install working.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

PREDEFINITI: dict[str, Any] = {
    # The ente's accessibility declaration (AgID's form publishes it; each ente has its own URL).
    "URL_DICHIARAZIONE_ACCESSIBILITA": "https://form.agid.gov.it/",
}  # the map tiles' settings are in civico.core.mappa, shared with every app that draws a map

# The reporting flow lives in another part of the portal; the footer links it by path.
URL_SEGNALA = "/segnala/"


def impostazione(nome: str) -> Any:
    return getattr(settings, "CIVICO", {}).get(nome, PREDEFINITI[nome])


def portale(request: HttpRequest) -> dict[str, Any]:
    from civico.portale.models import ASPETTI_NEGATIVI, ASPETTI_POSITIVI  # models load after settings

    return {
        # The footer prefers the comune's own declaration (Ente.url_dichiarazione_accessibilita).
        "url_dichiarazione_accessibilita": impostazione("URL_DICHIARAZIONE_ACCESSIBILITA"),
        "aspetti_valutazione": {"positivi": ASPETTI_POSITIVI, "negativi": ASPETTI_NEGATIVI},
        "url_segnala": URL_SEGNALA,
    }
