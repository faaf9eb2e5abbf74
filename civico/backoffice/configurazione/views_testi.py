"""/backoffice/configurazione/<ente>/canali/testi/: the comune's own notification texts, one per
event and language, with a preview (testi_ente). The preview is rendered here, on the server: by
the "Anteprima" button without JavaScript, and by testi.js on input through `anteprima`."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from civico.backoffice.configurazione.permessi import configuratore_richiesto
from civico.backoffice.configurazione.views import esegui, pagina
from civico.comunicazioni import testi_ente
from civico.comunicazioni.models import Lingua
from civico.enti.models import Ente


class TestiForm(forms.Form):
    """One text area per event and language, named by testi_ente.campo."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for evento, nome in testi_ente.EVENTI.items():
            for lingua, nome_lingua in Lingua.choices:
                self.fields[testi_ente.campo(evento, lingua)] = forms.CharField(
                    label=f"{nome} ({nome_lingua})", required=False, strip=False,
                    help_text=gettext_lazy("Vuoto: il testo predefinito della piattaforma."),
                    widget=forms.Textarea(attrs={"rows": 3, "class": "form-control", "data-lingua": lingua,
                                                 "data-anteprima": f"anteprima-{evento}-{lingua}"}))

    def testi(self) -> dict[tuple[str, str], str]:
        return {(e, lingua): self.cleaned_data.get(testi_ente.campo(e, lingua)) or ""
                for e in testi_ente.EVENTI for lingua in Lingua.values}


def _righe(form: TestiForm, anteprime: bool) -> list[dict]:
    """Each event with its fields and, when asked, each field's preview."""
    righe = []
    for evento, nome in testi_ente.EVENTI.items():
        campi = []
        for lingua in Lingua.values:
            campo = form[testi_ente.campo(evento, lingua)]
            resa, problemi = testi_ente.anteprima(campo.value() or "", lingua) if anteprime else ("", [])
            campi.append({"campo": campo, "id": f"anteprima-{evento}-{lingua}", "anteprima": resa,
                          "errori": problemi})
        righe.append({"evento": evento, "nome": nome, "campi": campi})
    return righe


@configuratore_richiesto
def testi(request: HttpRequest, ente: Ente) -> HttpResponse:
    iniziali = {testi_ente.campo(e, lingua): t for (e, lingua), t in testi_ente.testi(ente).items()}
    form = TestiForm(request.POST if request.method == "POST" else None, initial=iniziali)
    anteprime = request.method == "POST"
    if request.method == "POST" and "anteprima" not in request.POST and form.is_valid():
        ok, _nulla = esegui(form, testi_ente.imposta_testi, request.user, ente, form.testi())
        if ok:
            messages.success(request, _("Testi salvati."))
            return redirect("configurazione:testi_notifiche", ente.slug)
    return pagina(request, ente, "testi_notifiche.html", "canali", form=form, righe=_righe(form, anteprime),
                  segnaposti=testi_ente.SEGNAPOSTI)


@require_POST
@configuratore_richiesto
def anteprima(request: HttpRequest, ente: Ente) -> JsonResponse:
    """The preview of one text (testi.js): {"anteprima": text, "errori": [messages]}."""
    lingua = request.POST.get("lingua", "")
    resa, problemi = testi_ente.anteprima(request.POST.get("testo", ""), lingua if lingua in Lingua.values else None)
    return JsonResponse({"anteprima": resa, "errori": problemi})
