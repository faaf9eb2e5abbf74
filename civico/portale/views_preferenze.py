"""The citizen's pages under /area-personale/preferenze/: channels, area alerts, followed
reports. Thin: parse, call comunicazioni's preferenze.py / iscrizioni.py, render."""

from __future__ import annotations

import json
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from civico.catalogo.models import Categoria
from civico.comunicazioni import abbonamenti, canali, iscrizioni, preferenze
from civico.comunicazioni.destinatari import preferenze as preferenze_di
from civico.comunicazioni.models import Frequenza, Lingua, TipoArea
from civico.core import mappa
from civico.enti.models import Ente
from civico.errors import InvalidData
from civico.portale import area, pagine
from civico.segnalazioni.models import Segnalazione


def cittadino(vista):
    """Signed in (the area personale's e-mail link); otherwise to its sign-in, and back."""

    @wraps(vista)
    def controllata(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(f"{reverse('portale:area')}?{urlencode({'next': request.get_full_path()})}")
        return never_cache(vista)(request, *args, **kwargs)

    return controllata


@cittadino
@require_http_methods(["GET", "POST"])
def pagina(request: HttpRequest) -> HttpResponse:
    p = preferenze_di(request.user)
    errori: dict = {}
    if request.method == "POST":
        d = request.POST
        try:
            preferenze.salva_canali(
                request.user, canali_scelti={n for n in canali.nomi() if d.get(n) == "1"},
                campi={c.campo.nome: d.get(c.campo.nome, "") for c in canali.tutti() if c.campo},
                lingua=d.get("lingua", "it"),
            )
        except InvalidData as exc:
            errori = exc.as_dict()
        else:
            messages.success(request, _("Preferenze salvate."))
            return redirect("portale:preferenze")
    return render(request, "portale/area/preferenze.html", {
        "p": p, "dati": request.POST if errori else None, "errori": errori, "lingue": Lingua.choices,
        "canali": preferenze.canali_della_pagina(request.user, p, request.POST if errori else None),
        "push_disponibili": bool(abbonamenti.chiave_pubblica()),
        "dispositivi": abbonamenti.dispositivi(request.user),
        "allerte": preferenze.allerte_di(request.user),
        "seguite": area.seguite(request.user)[:100],
    }, status=400 if errori else 200)


@cittadino
@require_http_methods(["GET", "POST"])
def nuova_allerta(request: HttpRequest) -> HttpResponse:
    enti = Ente.objects.filter(attivo=True).order_by("nome")
    ente = enti.filter(slug=request.POST.get("ente") or request.GET.get("ente") or "").first()
    errori: dict = {}
    if request.method == "POST" and ente is not None:
        d = request.POST
        try:
            preferenze.crea_allerta(
                request.user, ente, tipo_area=d.get("tipo_area", ""), lat=d.get("lat"), lon=d.get("lon"),
                raggio_m=d.get("raggio_m"), quartiere=d.get("quartiere", ""), categorie=d.getlist("categorie"),
                nuove=d.get("nuove") == "1", risolte=d.get("risolte") == "1", avvisi=d.get("avvisi") == "1",
                frequenza=d.get("frequenza", ""), nome=d.get("nome", ""),
            )
        except InvalidData as exc:
            errori = exc.as_dict()
        else:
            messages.success(request, _("Allerta creata: ti scriveremo sulle novità della zona."))
            return redirect("portale:preferenze")
    elif request.method == "POST":
        errori = {"ente": [_("Scegli il comune.")]}
    return render(request, "portale/area/allerta.html", {
        "enti": enti if ente is None else [], "comune": ente, "errori": errori, "dati": request.POST,
        "aree": TipoArea.choices, "frequenze": Frequenza.choices,
        "categorie": Categoria.objects.filter(ente=ente).order_by("nome") if ente else [],
        "quartieri": preferenze.quartieri(ente) if ente else [],
        "riquadro": json.dumps(pagine.riquadro(ente)) if ente else "null",
        "tile_url": mappa.tile_url(), "tile_attribuzione": mappa.tile_attribuzione(),
    }, status=400 if errori else 200)


@cittadino
@require_POST
def elimina_allerta(request: HttpRequest, pk: int) -> HttpResponse:
    if preferenze.elimina_allerta(request.user, pk):
        messages.success(request, _("Allerta eliminata."))
    return redirect("portale:preferenze")


@cittadino
@require_POST
def smetti_di_seguire(request: HttpRequest, codice: str) -> HttpResponse:
    s = get_object_or_404(Segnalazione, codice=codice)
    if iscrizioni.smetti_di_seguire(s, request.user):
        messages.success(request, _("Non segui più la segnalazione %(codice)s.") % {"codice": s.codice})
    return redirect("portale:preferenze")
