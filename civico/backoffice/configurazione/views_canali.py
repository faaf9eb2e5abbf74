"""/backoffice/configurazione/<ente>/canali/: the comune's channel settings (impostazioni_ente)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civico.backoffice.configurazione.forms import Stile
from civico.backoffice.configurazione.permessi import configuratore_richiesto
from civico.backoffice.configurazione.views import esegui, pagina
from civico.comunicazioni import impostazioni_ente
from civico.enti.models import Ente


class CanaliForm(Stile, forms.Form):
    # Plain CharFields: the service validates and answers in Italian and English.
    email_mittente = forms.CharField(label=gettext_lazy("Indirizzo del mittente delle e-mail"), required=False,
                                     max_length=254)
    email_in_arrivo = forms.CharField(label=gettext_lazy("Indirizzo e-mail per le segnalazioni"), required=False,
                                      max_length=254)
    pec = forms.CharField(label=gettext_lazy("Indirizzo PEC"), required=False, max_length=254)
    numero_sms = forms.CharField(label=gettext_lazy("Numero SMS per le segnalazioni"), required=False,
                                 max_length=40)
    # Write-only: never rendered back (render_value=False), an empty field keeps the key set.
    chiave_app_io = forms.CharField(label=gettext_lazy("Nuova chiave API di App IO"), required=False,
                                    max_length=200, widget=forms.PasswordInput(render_value=False,
                                                                               attrs={"autocomplete": "off"}))
    rimuovi_chiave_app_io = forms.BooleanField(label=gettext_lazy("Rimuovi la chiave App IO"), required=False)


@configuratore_richiesto
def canali(request: HttpRequest, ente: Ente) -> HttpResponse:
    attuale = impostazioni_ente.stato(ente)
    iniziali = {"email_mittente": attuale.email_mittente, "email_in_arrivo": attuale.email_in_arrivo,
                "pec": attuale.pec, "numero_sms": attuale.numero_sms}
    form = CanaliForm(request.POST if request.method == "POST" else None, initial=iniziali)
    if request.method == "POST" and form.is_valid():
        ok, _nulla = esegui(form, impostazioni_ente.imposta_canali, request.user, ente, **form.cleaned_data)
        if ok:
            messages.success(request, _("Impostazioni salvate."))
            return redirect("configurazione:canali", ente.slug)
    return pagina(request, ente, "canali.html", "canali", form=form, stato=attuale)
