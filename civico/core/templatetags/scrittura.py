"""Writing as people read it, in templates: `{{ ente.nome|a_luogo }}` → "ad Alessandria",
`{{ s|coordinate }}` → "44,91300 N, 8,61500 E". The same functions as civico.testo, one source."""

from __future__ import annotations

from typing import Any

from django import template

from civico import testo

register = template.Library()


@register.filter
def a_luogo(nome: str) -> str:
    return testo.a_luogo(str(nome))


@register.filter
def coordinate(oggetto: Any, decimali: int = 5) -> str:
    """Anything with `lat` and `lon` (a report, a draft's place as a dict); "" without a point."""
    lat = oggetto.get("lat") if isinstance(oggetto, dict) else getattr(oggetto, "lat", None)
    lon = oggetto.get("lon") if isinstance(oggetto, dict) else getattr(oggetto, "lon", None)
    if lat in (None, "") or lon in (None, ""):
        return ""
    return testo.coordinate(float(lat), float(lon), int(decimali))
