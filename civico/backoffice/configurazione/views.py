"""Configuration pages: the ente's settings, offices, categories and their questions.
Thin: parse with a form, call `civico.catalogo.configurazione`, render or redirect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civico.accounts.staff import staff_richiesto
from civico.backoffice.configurazione.forms import (
    CategoriaForm,
    DisattivaUfficioForm,
    DomandaForm,
    EnteForm,
    UfficioForm,
    mostra_errori,
)
from civico.backoffice.configurazione.permessi import configuratore_richiesto
from civico.catalogo import configurazione as servizi
from civico.catalogo.models import Categoria, Domanda, Ufficio
from civico.enti.models import Ente
from civico.errors import InvalidData
from civico.segnalazioni import pregresso
from civico.segnalazioni.uffici import disattiva_ufficio as disattiva
from civico.segnalazioni.uffici import segnalazioni_aperte

T = "backoffice/configurazione/"


def pagina(request: HttpRequest, ente: Ente, template: str, sezione: str, **contesto: Any) -> HttpResponse:
    return render(request, T + template, {"comune": ente, "sezione": sezione, **contesto})


def esegui(form: forms.Form, servizio: Callable[..., Any], *args, **kwargs) -> tuple[bool, Any]:
    """Call a service; on `InvalidData` put its messages on the form and report failure."""
    try:
        return True, servizio(*args, **kwargs)
    except InvalidData as errore:
        mostra_errori(form, errore)
        return False, None


@staff_richiesto
def indice(request: HttpRequest) -> HttpResponse:
    enti = list(servizi.enti_configurabili(request.user).order_by("nome"))
    if len(enti) == 1:
        return redirect("configurazione:ente", enti[0].slug)
    return render(request, T + "indice.html", {"enti": enti}, status=200 if enti else 403)


@configuratore_richiesto
def ente(request: HttpRequest, ente: Ente) -> HttpResponse:
    iniziali = {campo: getattr(ente, campo) for campo in servizi.CAMPI_ENTE}
    form = EnteForm(request.POST if request.method == "POST" else None, initial=iniziali)
    segreto = None
    if request.method == "POST" and form.is_valid():
        # An empty age keeps the one set (imposta_ente keeps the fields it is not given).
        campi = {k: v for k, v in form.cleaned_data.items()
                 if k != "segna_pregresso" and not (k == "pregresso_giorni" and v is None)}
        ok, segreto = esegui(form, servizi.imposta_ente, request.user, ente, **campi)
        if ok:
            ente.refresh_from_db()
            messages.success(request, _("Impostazioni salvate."))
            if form.cleaned_data.get("segna_pregresso"):  # the reports imported before this setting
                n = pregresso.segna(ente)
                messages.success(request, _("Segnalazioni segnate come arretrato ereditato: %(n)d.") % {"n": n})
            if not segreto:
                return redirect("configurazione:ente", ente.slug)
    return pagina(request, ente, "ente.html", "ente", form=form, segreto=segreto)


# --- Offices -----------------------------------------------------------------------------------


@configuratore_richiesto
def uffici(request: HttpRequest, ente: Ente) -> HttpResponse:
    form = UfficioForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        ok, _u = esegui(form, servizi.salva_ufficio, request.user, ente, **form.cleaned_data)
        if ok:
            messages.success(request, _("Ufficio creato."))
            return redirect("configurazione:uffici", ente.slug)
    elenco = ente.uffici.order_by("-attivo", "nome")
    return pagina(request, ente, "uffici.html", "uffici", form=form, uffici=elenco)


@configuratore_richiesto
def ufficio(request: HttpRequest, ente: Ente, pk: int) -> HttpResponse:
    oggetto = get_object_or_404(Ufficio, pk=pk, ente=ente)
    form = UfficioForm(request.POST if request.method == "POST" else None, instance=oggetto)
    if request.method == "POST" and form.is_valid():
        ok, _u = esegui(form, servizi.salva_ufficio, request.user, ente, oggetto, **form.cleaned_data)
        if ok:
            messages.success(request, _("Ufficio salvato."))
            return redirect("configurazione:uffici", ente.slug)
    aperte = segnalazioni_aperte(oggetto).count()
    return pagina(request, ente, "ufficio.html", "uffici", form=form, ufficio=oggetto, aperte=aperte)


@configuratore_richiesto
def disattiva_ufficio(request: HttpRequest, ente: Ente, pk: int) -> HttpResponse:
    """Asks where the open reports and the categories go before switching the office off."""
    oggetto = get_object_or_404(Ufficio, pk=pk, ente=ente, attivo=True)
    form = DisattivaUfficioForm(request.POST if request.method == "POST" else None, ufficio=oggetto)
    if request.method == "POST" and form.is_valid():
        ok, spostate = esegui(form, disattiva, request.user, oggetto, **form.cleaned_data)
        if ok:
            messages.success(request, _("Ufficio disattivato; segnalazioni spostate: %(n)d.") % {"n": spostate})
            return redirect("configurazione:uffici", ente.slug)
    return pagina(
        request, ente, "disattiva_ufficio.html", "uffici", form=form, ufficio=oggetto,
        aperte=segnalazioni_aperte(oggetto).count(), categorie=oggetto.categorie.order_by("nome"),
    )


@require_POST
@configuratore_richiesto
def riattiva_ufficio(request: HttpRequest, ente: Ente, pk: int) -> HttpResponse:
    servizi.riattiva_ufficio(request.user, get_object_or_404(Ufficio, pk=pk, ente=ente))
    messages.success(request, _("Ufficio riattivato."))
    return redirect("configurazione:uffici", ente.slug)


# --- Categories and questions ------------------------------------------------------------------


@configuratore_richiesto
def categorie(request: HttpRequest, ente: Ente) -> HttpResponse:
    elenco = ente.categorie.select_related("ufficio_predefinito").order_by("-attiva", "ordine", "nome")
    return pagina(request, ente, "categorie.html", "categorie", categorie=elenco)


@configuratore_richiesto
def categoria(request: HttpRequest, ente: Ente, pk: int | None = None) -> HttpResponse:
    oggetto = get_object_or_404(Categoria, pk=pk, ente=ente) if pk else None
    form = CategoriaForm(request.POST if request.method == "POST" else None, instance=oggetto, ente=ente)
    if request.method == "POST" and form.is_valid():
        ok, salvata = esegui(form, servizi.salva_categoria, request.user, ente, oggetto, **form.cleaned_data)
        if ok:
            messages.success(request, _("Categoria salvata."))
            return redirect("configurazione:categoria", ente.slug, salvata.pk)
    return pagina(
        request, ente, "categoria.html", "categorie", form=form, categoria=oggetto,
        domande=oggetto.domande.all() if oggetto else [], nuova_domanda=DomandaForm() if oggetto else None,
    )


@configuratore_richiesto
def domanda(request: HttpRequest, ente: Ente, categoria: int, pk: int | None = None) -> HttpResponse:
    cat = get_object_or_404(Categoria, pk=categoria, ente=ente)
    oggetto = get_object_or_404(Domanda, pk=pk, categoria=cat) if pk else None
    form = DomandaForm(request.POST if request.method == "POST" else None, instance=oggetto)
    if request.method == "POST" and form.is_valid():
        ok, _d = esegui(form, servizi.salva_domanda, request.user, cat, oggetto, **form.cleaned_data)
        if ok:
            messages.success(request, _("Domanda salvata."))
            return redirect("configurazione:categoria", ente.slug, cat.pk)
    return pagina(request, ente, "domanda.html", "categorie", form=form, categoria=cat, domanda=oggetto)


@require_POST
@configuratore_richiesto
def elimina_domanda(request: HttpRequest, ente: Ente, categoria: int, pk: int) -> HttpResponse:
    oggetto = get_object_or_404(Domanda, pk=pk, categoria_id=categoria, categoria__ente=ente)
    servizi.elimina_domanda(request.user, oggetto)
    messages.success(request, _("Domanda eliminata."))
    return redirect("configurazione:categoria", ente.slug, categoria)
