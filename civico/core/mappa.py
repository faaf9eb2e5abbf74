"""The map tiles every map of Civico draws on: the portal, the reporting flow, the personal area,
the asset picker and the back office. One home for the default (OpenStreetMap's own servers: fine
for a demo, not for heavy production use), overridden by `CIVICO["TILE_URL"]` and
`CIVICO["TILE_ATTRIBUZIONE"]`; the Content-Security-Policy (`core.sicurezza`) allows the same host.

Below every app that shows a map, so none of them needs the portal's or the back office's code."""

from __future__ import annotations

from django.conf import settings

TILE_URL_PREDEFINITO = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
TILE_ATTRIBUZIONE_PREDEFINITA = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'


def tile_url() -> str:
    return getattr(settings, "CIVICO", {}).get("TILE_URL", TILE_URL_PREDEFINITO)


def tile_attribuzione() -> str:
    return getattr(settings, "CIVICO", {}).get("TILE_ATTRIBUZIONE", TILE_ATTRIBUZIONE_PREDEFINITA)
