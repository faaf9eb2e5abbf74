"""Open-data pages and downloads. Thin: parse, call civico.analisi.dati_aperti / dcat, respond."""

from __future__ import annotations

import json

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from civico.analisi import dati_aperti, dcat
from civico.analisi import filtri as F
from civico.analisi.views import categorie, ente_pubblico
from civico.enti.models import Ente


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _licenza(risposta: HttpResponse) -> HttpResponse:
    risposta["Link"] = f'<{dati_aperti.LICENZA_URL}>; rel="license"'
    risposta["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return risposta


@require_GET
def indice(request: HttpRequest) -> HttpResponse:
    enti = Ente.objects.filter(attivo=True).only("nome", "slug", "provincia").order_by("nome")
    return render(request, "analisi/dati_aperti.html", {"enti": enti, "licenza": dati_aperti.LICENZA_URL})


@require_GET
def dizionario(request: HttpRequest) -> HttpResponse:
    return render(request, "analisi/dizionario.html", {
        "colonne": dati_aperti.COLONNE, "licenza": dati_aperti.LICENZA_URL,
    })


@require_GET
def ente(request: HttpRequest, ente: str) -> HttpResponse:
    trovato = ente_pubblico(ente)
    scelte = categorie(trovato)
    filtri = F.leggi(request.GET, categorie={c for c, _ in scelte})
    return render(request, "analisi/dati_ente.html", {
        "ente": trovato, "filtri": filtri, "categorie": scelte, "formati": list(dati_aperti.FORMATI),
        "anni": list(range(F.oggi().year, F.oggi().year - 5, -1)), "licenza": dati_aperti.LICENZA_URL,
    })


@require_GET
def scarica(request: HttpRequest, ente: str, formato: str) -> HttpResponse:
    if formato not in dati_aperti.FORMATI:
        raise Http404("Formato non disponibile")
    trovato = ente_pubblico(ente)
    filtri = F.leggi(request.GET, categorie={c for c, _ in categorie(trovato)})
    if filtri.errori:
        risposta = HttpResponse("\n".join(filtri.errori), status=400, content_type="text/plain; charset=utf-8")
        return risposta
    qs = dati_aperti.segnalazioni(trovato, filtri)
    base = _base(request)
    if formato == "csv":
        corpo = dati_aperti.csv_a_blocchi(qs, base)
    elif formato == "json":
        corpo = dati_aperti.json_a_blocchi(qs, base, trovato, filtri)
    else:
        corpo = dati_aperti.geojson_a_blocchi(qs, base, trovato, filtri)
    risposta = StreamingHttpResponse(corpo, content_type=dati_aperti.FORMATI[formato])
    risposta["Content-Disposition"] = f'attachment; filename="{dati_aperti.nome_file(trovato, filtri, formato)}"'
    return _licenza(risposta)


@require_GET
def catalogo_jsonld(request: HttpRequest) -> HttpResponse:
    corpo = json.dumps(dcat.jsonld(dcat.catalogo(_base(request))), ensure_ascii=False, indent=1)
    return _licenza(HttpResponse(corpo, content_type="application/ld+json; charset=utf-8"))


@require_GET
def catalogo_rdf(request: HttpRequest) -> HttpResponse:
    corpo = dcat.rdf_xml(dcat.catalogo(_base(request)))
    return _licenza(HttpResponse(corpo, content_type="application/rdf+xml; charset=utf-8"))
