"""Configuration pages: routing zones drawn on a map, and response templates."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civico.backoffice.configurazione.forms import ModelloForm, RegolaForm
from civico.backoffice.configurazione.permessi import configuratore_richiesto
from civico.backoffice.configurazione.views import esegui, pagina
from civico.catalogo import configurazione as servizi
from civico.catalogo.models import ModelloRisposta, RegolaInstradamento
from civico.enti.models import Ente


@configuratore_richiesto
def regole(request: HttpRequest, ente: Ente) -> HttpResponse:
    elenco = ente.regole.select_related("categoria", "ufficio").order_by("priorita", "id")
    return pagina(request, ente, "regole.html", "regole", regole=elenco)


@configuratore_richiesto
def regola(request: HttpRequest, ente: Ente, pk: int | None = None) -> HttpResponse:
    oggetto = get_object_or_404(RegolaInstradamento, pk=pk, ente=ente) if pk else None
    iniziali = {}
    if oggetto:
        iniziali = {c: getattr(oggetto, c) for c in ("nome", "categoria", "ufficio", "celle_h3", "priorita", "attiva")}
        iniziali["zona"] = json.dumps(oggetto.zona) if oggetto.zona else ""
    form = RegolaForm(request.POST if request.method == "POST" else None, initial=iniziali, ente=ente)
    if request.method == "POST" and form.is_valid():
        ok, _r = esegui(form, servizi.salva_regola, request.user, ente, oggetto, **form.cleaned_data)
        if ok:
            messages.success(request, _("Regola salvata: vale per le nuove segnalazioni."))
            return redirect("configurazione:regole", ente.slug)
    return pagina(request, ente, "regola.html", "regole", form=form, regola=oggetto, confine=ente.confine)


@require_POST
@configuratore_richiesto
def elimina_regola(request: HttpRequest, ente: Ente, pk: int) -> HttpResponse:
    servizi.elimina_regola(request.user, get_object_or_404(RegolaInstradamento, pk=pk, ente=ente))
    messages.success(request, _("Regola eliminata."))
    return redirect("configurazione:regole", ente.slug)


@configuratore_richiesto
def modelli(request: HttpRequest, ente: Ente) -> HttpResponse:
    elenco = ente.modelli_risposta.select_related("categoria").order_by("titolo")
    return pagina(request, ente, "modelli.html", "modelli", modelli=elenco)


@configuratore_richiesto
def modello(request: HttpRequest, ente: Ente, pk: int | None = None) -> HttpResponse:
    oggetto = get_object_or_404(ModelloRisposta, pk=pk, ente=ente) if pk else None
    form = ModelloForm(request.POST if request.method == "POST" else None, instance=oggetto, ente=ente)
    if request.method == "POST" and form.is_valid():
        ok, _m = esegui(form, servizi.salva_modello, request.user, ente, oggetto, **form.cleaned_data)
        if ok:
            messages.success(request, _("Modello salvato."))
            return redirect("configurazione:modelli", ente.slug)
    return pagina(request, ente, "modello.html", "modelli", form=form, modello=oggetto)


@require_POST
@configuratore_richiesto
def elimina_modello(request: HttpRequest, ente: Ente, pk: int) -> HttpResponse:
    servizi.elimina_modello(request.user, get_object_or_404(ModelloRisposta, pk=pk, ente=ente))
    messages.success(request, _("Modello eliminato."))
    return redirect("configurazione:modelli", ente.slug)
