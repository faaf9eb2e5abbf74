"""Configuration pages: staff roles, client applications (Open311 keys) and staff API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civico.accounts.models import ApplicazioneClient, Incarico, TokenAccesso
from civico.backoffice.configurazione.forms import ApplicazioneForm, IncaricoForm, TokenForm
from civico.backoffice.configurazione.permessi import configuratore_richiesto
from civico.backoffice.configurazione.views import esegui, pagina
from civico.catalogo import configurazione as servizi
from civico.enti.models import Ente
from civico.errors import InvalidData


@configuratore_richiesto
def staff(request: HttpRequest, ente: Ente) -> HttpResponse:
    form = IncaricoForm(request.POST if request.method == "POST" else None, ente=ente)
    if request.method == "POST" and form.is_valid():
        ok, incarico = esegui(form, servizi.nomina, request.user, ente, **form.cleaned_data)
        if ok:
            messages.success(request, _("Ruolo assegnato a %(chi)s.") % {"chi": incarico.utente.get_username()})
            return redirect("configurazione:staff", ente.slug)
    return pagina(request, ente, "staff.html", "staff", form=form, incarichi=servizi.incarichi_dell_ente(ente))


@require_POST
@configuratore_richiesto
def revoca_incarico(request: HttpRequest, ente: Ente, pk: int) -> HttpResponse:
    try:
        servizi.revoca_ruolo(request.user, get_object_or_404(Incarico, pk=pk, ente=ente))
        messages.success(request, _("Ruolo revocato."))
    except InvalidData as errore:
        messages.error(request, str(errore))
    return redirect("configurazione:staff", ente.slug)


@configuratore_richiesto
def applicazioni(request: HttpRequest, ente: Ente) -> HttpResponse:
    form = ApplicazioneForm(request.POST if request.method == "POST" else None)
    chiave = None
    if request.method == "POST" and form.is_valid():
        ok, risultato = esegui(form, servizi.crea_applicazione, request.user, ente, **form.cleaned_data)
        if ok:
            # Shown in this response only: the key is stored as a hash and cannot be read again.
            _app, chiave = risultato
            form = ApplicazioneForm()
    risposta = pagina(request, ente, "applicazioni.html", "applicazioni", form=form, chiave=chiave,
                      applicazioni=servizi.applicazioni_dell_ente(ente))
    if chiave:
        risposta["Cache-Control"] = "no-store"
    return risposta


@require_POST
@configuratore_richiesto
def revoca_applicazione(request: HttpRequest, ente: Ente, pk: int) -> HttpResponse:
    servizi.revoca_applicazione(request.user, get_object_or_404(ApplicazioneClient, pk=pk, ente=ente))
    messages.success(request, _("Chiave revocata: l'applicazione non può più inviare segnalazioni."))
    return redirect("configurazione:applicazioni", ente.slug)


@configuratore_richiesto
def token_api(request: HttpRequest, ente: Ente) -> HttpResponse:
    """The ente's staff API tokens (/api/v1/gestione/): list, and issue one."""
    form = TokenForm(request.POST if request.method == "POST" else None, ente=ente)
    segreto = None
    if request.method == "POST" and form.is_valid():
        ok, risultato = esegui(form, servizi.emetti_token, request.user, ente, **form.dati())
        if ok:
            # Shown in this response only: the token is stored as a hash and cannot be read again.
            _token, segreto = risultato
            form = TokenForm(ente=ente)
    risposta = pagina(request, ente, "token_api.html", "token_api", form=form, segreto=segreto,
                      elenco=servizi.token_dell_ente(ente), adesso=timezone.now())
    if segreto:
        risposta["Cache-Control"] = "no-store"
    return risposta


@configuratore_richiesto
def revoca_token(request: HttpRequest, ente: Ente, pk: int) -> HttpResponse:
    """Asks for confirmation (GET), revokes (POST); another ente's token is not found here."""
    token = get_object_or_404(TokenAccesso.objects.select_related("utente"), pk=pk, ente=ente)
    if request.method == "POST":
        servizi.revoca_token_api(request.user, token)
        messages.success(request, _("Token «%(nome)s» revocato: l'API lo rifiuta da subito.") % {"nome": token.nome})
        return redirect("configurazione:token_api", ente.slug)
    return pagina(request, ente, "revoca_token.html", "token_api", token=token)
