"""The photo redaction page: staff black out faces and number plates (service: `redazione`)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from civico.accounts.permissions import puo_lavorare, puo_vedere
from civico.accounts.staff import staff_richiesto
from civico.backoffice import redazione
from civico.errors import DomainError, InvalidData
from civico.segnalazioni.models import Allegato, TipoAllegato


def _allegato(request: HttpRequest, pk: int) -> Allegato:
    a = Allegato.objects.select_related("segnalazione__ente").filter(pk=pk).first()
    if a is None or a.tipo != TipoAllegato.FOTO or not puo_vedere(request.user, a.segnalazione):
        raise Http404("Foto non trovata")
    return a


@staff_richiesto
@require_http_methods(["GET", "POST"])
def pagina(request: HttpRequest, pk: int) -> HttpResponse:
    a = _allegato(request, pk)
    errore = ""
    if request.method == "POST":
        azione = request.POST.get("azione", "oscura")
        try:
            if azione == "approva":
                redazione.approva(a, request.user)
            elif azione == "nascondi":
                redazione.nascondi(a, request.user)
            else:
                redazione.oscura(a, redazione.leggi_rettangoli(request.POST.get("rettangoli", "")), request.user)
        except DomainError as exc:
            testi = [m for ms in exc.as_dict().values() for m in ms] if isinstance(exc, InvalidData) else [str(exc)]
            errore = " ".join(str(t) for t in testi)
        else:
            return redirect(reverse("backoffice:redazione", args=[a.pk]) + "?fatto=1")
    a.refresh_from_db()
    return render(request, "backoffice/redazione.html", {
        "a": a, "s": a.segnalazione, "errore": errore, "fatto": request.GET.get("fatto") == "1",
        "lavora": puo_lavorare(request.user, a.segnalazione),
    }, status=400 if errore else 200)
