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
from civico.comunicazioni import canali as canali_registro
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


class OffertiForm(forms.Form):
    """Which channels the comune offers (e-mail always: not a choice)."""

    canali_offerti = forms.MultipleChoiceField(
        label=gettext_lazy("Canali offerti ai cittadini"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("L'e-mail è sempre offerta. Un canale non offerto non compare nelle preferenze dei "
                               "cittadini e non viene usato per i messaggi del comune."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["canali_offerti"].choices = [(c.nome, c.etichetta) for c in canali_registro.tutti()
                                                 if c.nome != canali_registro.SEMPRE_OFFERTO]


@configuratore_richiesto
def canali(request: HttpRequest, ente: Ente) -> HttpResponse:
    attuale = impostazioni_ente.stato(ente)
    iniziali = {"email_mittente": attuale.email_mittente, "email_in_arrivo": attuale.email_in_arrivo,
                "pec": attuale.pec, "numero_sms": attuale.numero_sms}
    # Two forms on the page: the hidden "offerti" field tells which one was sent.
    offerti_inviato = request.method == "POST" and "offerti" in request.POST
    form = CanaliForm(request.POST if request.method == "POST" and not offerti_inviato else None, initial=iniziali)
    offerti = OffertiForm(request.POST if offerti_inviato else None,
                          initial={"canali_offerti": impostazioni_ente.canali_offerti(ente)})
    if offerti_inviato and offerti.is_valid():
        ok, _nulla = esegui(offerti, impostazioni_ente.imposta_canali_offerti, request.user, ente,
                            offerti.cleaned_data["canali_offerti"])
        if ok:
            messages.success(request, _("Impostazioni salvate."))
            return redirect("configurazione:canali", ente.slug)
    elif request.method == "POST" and not offerti_inviato and form.is_valid():
        ok, _nulla = esegui(form, impostazioni_ente.imposta_canali, request.user, ente, **form.cleaned_data)
        if ok:
            messages.success(request, _("Impostazioni salvate."))
            return redirect("configurazione:canali", ente.slug)
    return pagina(request, ente, "canali.html", "canali", form=form, offerti=offerti, stato=attuale)
