"""The comune's triage settings: from which probability a report's category, read from its words,
is routed without waiting for an operator. Thin: the rule is `civico.triage.servizi`."""

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
from civico.enti.models import Ente
from civico.triage import servizi as triage


class SogliaForm(Stile, forms.Form):
    soglia = forms.IntegerField(
        label=gettext_lazy("Soglia per la classificazione automatica (%)"), required=False,
        min_value=round(triage.FIDUCIA_MINIMA * 100), max_value=100,
        help_text=gettext_lazy("Una segnalazione senza categoria (e-mail, SMS, API) va da sola alla categoria "
                               "suggerita e al suo ufficio quando la probabilità raggiunge la soglia; sotto, "
                               "resta da confermare con le scelte migliori. Vuota: mai automatica."))


@configuratore_richiesto
def soglia(request: HttpRequest, ente: Ente) -> HttpResponse:
    attuale = triage.soglia_automatica(ente)
    iniziale = {"soglia": round(attuale * 100) if attuale is not None else None}
    form = SogliaForm(request.POST if request.method == "POST" else None, initial=iniziale)
    if request.method == "POST" and form.is_valid():
        valore = form.cleaned_data["soglia"]
        ok, _impostazioni = esegui(form, triage.imposta_soglia, ente, None if valore is None else valore / 100)
        if ok:
            messages.success(request, _("Soglia salvata."))
            return redirect("configurazione:triage", ente.slug)
    return pagina(request, ente, "triage.html", "categorie", form=form, soglia=attuale)
