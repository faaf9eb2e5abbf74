"""Django views of the API app: the "Integrare Civico" page, and JSON for what ninja answers in HTML."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import render
from django.urls import URLPattern
from django.utils.translation import gettext as _

from civico.api.errori import corpo

# The examples point at a real place and category of the demo (Alessandria).
ESEMPIO = {"istat": "006003", "lat": "44.913256", "lon": "8.615123", "codice": "AL-2026-000123"}


def integrare(request: HttpRequest) -> HttpResponse:
    base = request.build_absolute_uri("/").rstrip("/")
    return render(request, "api/integrare.html", {"base": base, **ESEMPIO})


def non_trovato(request: HttpRequest) -> JsonResponse:
    return JsonResponse(corpo("not_found", _("Risorsa non trovata.")), status=404)


def con_405_json(urls: tuple[list, str, str]) -> tuple[list, str, str]:
    """ninja's URL patterns, whose plain-text 405 (a method the path lacks) becomes the JSON error."""
    patterns, app_name, namespace = urls
    return [_avvolto(p) if isinstance(p, URLPattern) else p for p in patterns], app_name, namespace


def _avvolto(pattern: URLPattern) -> URLPattern:
    vista = pattern.callback

    @wraps(vista)
    def con_json(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        risposta = vista(request, *args, **kwargs)
        if isinstance(risposta, HttpResponseNotAllowed):
            metodi = risposta["Allow"]
            risposta = JsonResponse(
                corpo("method_not_allowed", _("Metodo non ammesso: usa %(metodi)s.") % {"metodi": metodi}), status=405
            )
            risposta["Allow"] = metodi
        return risposta

    return URLPattern(pattern.pattern, con_json, pattern.default_args, pattern.name)
