"""The queue of likely duplicate pairs: read it, merge a pair or say they are different problems."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from civico.accounts.permissions import enti_visibili
from civico.accounts.staff import staff_richiesto
from civico.backoffice import coda_duplicati
from civico.backoffice.views_casella import _ente
from civico.errors import DomainError, InvalidData


@staff_richiesto
def coda(request: HttpRequest) -> HttpResponse:
    utente = request.user
    enti = list(enti_visibili(utente).order_by("nome").only("id", "nome", "sigla"))
    ente = _ente(utente, request.GET.get("ente"), enti)
    pagina = Paginator(coda_duplicati.coda(utente, ente), coda_duplicati.PER_PAGINA).get_page(request.GET.get("pagina"))
    return render(request, "backoffice/duplicati/coda.html", {
        "comune": ente, "enti": enti, "pagina": pagina,
        "coppie": [(c, coda_duplicati.spiega(c), (c.prima, c.seconda)) for c in pagina],
    })


SCELTE = {"unisci": coda_duplicati.unisci, "non-duplicati": coda_duplicati.non_duplicati}


@require_POST
@staff_richiesto
def decidi(request: HttpRequest, pk: int, scelta: str) -> HttpResponse:
    fai = SCELTE.get(scelta)
    if fai is None or not coda_duplicati.esiste_per(request.user, pk):
        raise Http404
    ente = _ente(request.user, request.POST.get("ente"))
    try:
        messages.success(request, fai(request.user, pk, ente))
    except DomainError as errore:
        testo = " ".join(sum(errore.as_dict().values(), [])) if isinstance(errore, InvalidData) else str(errore)
        messages.error(request, testo)
    ritorno = {"ente": ente.sigla, "pagina": request.POST.get("pagina", "1")}
    return redirect(f"{reverse('backoffice:duplicati')}?{urlencode(ritorno)}")
