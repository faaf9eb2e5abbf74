"""Configuration page Identità digitale (SPID e CIE): the comune's own access or the platform's.
Thin: the form parses, `accounts.identita_ente` checks and stores; the keys are only described."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from civico.accounts import identita_ente
from civico.backoffice.configurazione.forms_identita import IdentitaForm
from civico.backoffice.configurazione.permessi import configuratore_richiesto
from civico.backoffice.configurazione.views import esegui, pagina
from civico.enti.models import Ente


@configuratore_richiesto
def identita(request: HttpRequest, ente: Ente) -> HttpResponse:
    stato = identita_ente.stato(ente)
    form = IdentitaForm(request.POST if request.method == "POST" else None, ente=ente,
                        initial=IdentitaForm.iniziali(stato, ente))
    if request.method == "POST" and form.is_valid():
        ok, _rp = esegui(form, identita_ente.salva, request.user, ente, **form.cleaned_data)
        if ok:
            messages.success(request, _("Impostazioni dell'identità digitale salvate."))
            return redirect("configurazione:identita", ente.slug)
    risposta = pagina(request, ente, "identita.html", "identita", form=form, stato=stato)
    risposta["Cache-Control"] = "no-store"
    return risposta
