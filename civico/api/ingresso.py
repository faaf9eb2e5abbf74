"""Input hygiene at the HTTP boundary: text the database cannot store is refused with a 400.

PostgreSQL rejects NUL characters and no database can encode lone UTF-16 surrogates (valid JSON:
"\\u0000", "\\ud800"); let through, either would surface as a 500 from deep inside a query.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.parser import Parser

from civico.errors import InvalidData
from civico.testo import memorizzabile


def verifica(valore: Any, campo: str = "richiesta") -> Any:
    """Raise InvalidData if any text in `valore` (nested dicts and lists too) cannot be stored."""
    if isinstance(valore, str):
        if not memorizzabile(valore):
            raise InvalidData({campo: [_("Il testo contiene caratteri non ammessi.")]})
    elif isinstance(valore, dict):
        for chiave, v in valore.items():
            verifica(chiave, campo)
            verifica(v, str(chiave) if campo == "richiesta" else campo)
    elif isinstance(valore, list | tuple):
        for v in valore:
            verifica(v, campo)
    return valore


class ParserVerificato(Parser):
    """ninja's JSON and form parsing, then `verifica` on what was parsed."""

    def parse_body(self, request: HttpRequest) -> dict:
        return verifica(json.loads(request.body))

    def parse_querydict(self, data: MultiValueDict, list_fields: list[str], request: HttpRequest) -> dict:
        return verifica(super().parse_querydict(data, list_fields, request))


def percorso_verificato(api: NinjaAPI) -> Callable:
    """A view decorator: path parameters are checked too (Django decodes "%00" in a path)."""

    def decoratore(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(run)
        def verificata(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                verifica(kwargs)
            except InvalidData as exc:
                return api.on_exception(request, exc)
            return run(request, *args, **kwargs)

        return verificata

    return decoratore
