"""Public dashboards: one per comune and one for the whole platform. Thin: parse, read, render."""

from __future__ import annotations

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from civico.analisi import filtri as F
from civico.analisi import istantanee, presentazione
from civico.catalogo.models import Categoria
from civico.enti.models import Ente


def ente_pubblico(slug: str) -> Ente:
    ente = Ente.objects.filter(slug=slug, attivo=True).defer("confine").first()
    if ente is None:
        raise Http404("Comune non trovato")
    return ente


def categorie(ente: Ente | None) -> list[tuple[str, str]]:
    """The categories offered in the filter: (code, name), one per code."""
    qs = Categoria.objects.filter(ente=ente) if ente else Categoria.objects.filter(ente__attivo=True)
    visti: dict[str, str] = {}
    for codice, nome in qs.order_by("nome").values_list("codice", "nome"):
        visti.setdefault(codice, nome)
    return sorted(visti.items(), key=lambda cn: cn[1].lower())


def _pagina(request: HttpRequest, ente: Ente | None) -> HttpResponse:
    scelte = categorie(ente)
    filtri = F.leggi(request.GET, categorie={c for c, _ in scelte})
    dati = istantanee.figure(ente, filtri)
    # The SVG charts cost more than reading the figures: keep them as long as the figures.
    chiave = f"pannelli|{get_language()}|{istantanee.chiave(ente, filtri)}|{dati['calcolato_il']}"
    pannelli = cache.get(chiave)
    if pannelli is None:
        pannelli = presentazione.pannelli(dati)
        cache.set(chiave, pannelli, istantanee.SECONDI_CACHE)
    anni = list(range(F.oggi().year, F.oggi().year - 5, -1))
    return render(request, "analisi/cruscotto.html", {
        "ente": ente,
        "dati": dati,
        "p": pannelli,
        "filtri": filtri,
        "categorie": scelte,
        "anni": anni,
        "nome_categoria": dict(scelte).get(filtri.categoria, ""),
    })


@require_GET
def cruscotto_ente(request: HttpRequest, ente: str) -> HttpResponse:
    return _pagina(request, ente_pubblico(ente))


@require_GET
def cruscotto_piattaforma(request: HttpRequest) -> HttpResponse:
    return _pagina(request, None)
