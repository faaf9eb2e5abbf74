"""Public privacy pages of each comune: the art. 13 notice and the art. 30 register entry,
both generated from the ente's settings (`civico.accounts.informativa` via `pagine`)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from civico.portale import pagine


@require_GET
def informativa(request: HttpRequest, ente: str) -> HttpResponse:
    trovata = pagine.informativa(ente)
    if trovata is None:
        raise Http404(_("Comune non trovato"))
    e, voci = trovata
    return render(request, "portale/pagine/informativa_ente.html", {"comune": e, "voci": voci})


@require_GET
def registro(request: HttpRequest, ente: str) -> HttpResponse:
    trovato = pagine.registro_trattamenti(ente)
    if trovato is None:
        raise Http404(_("Comune non trovato"))
    e, righe = trovato
    if request.GET.get("formato") == "json":
        return JsonResponse({"ente": e.nome, "codice_istat": e.codice_istat, "voci": dict(righe)},
                            json_dumps_params={"ensure_ascii": False})
    return render(request, "portale/pagine/registro_ente.html", {"comune": e, "righe": righe})
