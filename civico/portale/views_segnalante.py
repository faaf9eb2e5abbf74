"""The reporter's actions from their private page `/seguimi/<token>/`: write to the office, add a
photo, say whether the problem is solved, download the receipt. Holding the token makes one the
reporter; each action redirects back to the page with a message (next to its form on errors)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from civico.accounts.permissions import Attore, attore_del_link_privato
from civico.core import limiti
from civico.errors import DomainError, InvalidData
from civico.portale.flusso_ricevuta import ricevuta_pdf
from civico.portale.forms_flusso import CommentoForm, RisoltoForm
from civico.segnalazioni import consultazione, interazioni
from civico.segnalazioni.models import Segnalazione

AZIONI_AL_MINUTO = 20


def _segnalazione(token: str) -> Segnalazione:
    s = consultazione.per_token(token)
    if s is None:
        raise Http404(_("Segnalazione non trovata"))
    return s


def _attore(request: HttpRequest, s: Segnalazione) -> Attore:
    return attore_del_link_privato(request.user, s)


def _indietro(s: Segnalazione, ancora: str) -> HttpResponse:
    return redirect(reverse("portale:segnalazione_privata", args=[s.token]) + f"#{ancora}")


def _errore(request: HttpRequest, exc: DomainError, campo: str) -> None:
    testi = [m for elenco in exc.as_dict().values() for m in elenco] if isinstance(exc, InvalidData) else [str(exc)]
    for testo in testi:
        messages.error(request, testo, extra_tags=f"campo-{campo}")


def _troppe(request: HttpRequest, s: Segnalazione, campo: str) -> bool:
    attesa = limiti.consuma(f"segnalante:{s.pk}", AZIONI_AL_MINUTO)
    if attesa:
        messages.error(request, _("Troppe richieste: riprova tra %(s)d secondi.") % {"s": attesa},
                       extra_tags=f"campo-{campo}")
    return bool(attesa)


@require_POST
def commenta(request: HttpRequest, token: str) -> HttpResponse:
    s = _segnalazione(token)
    form = CommentoForm(request.POST)
    form.is_valid()
    if not _troppe(request, s, "commenta"):
        try:
            interazioni.commenta(s, _attore(request, s), form.cleaned_data.get("testo", ""))
        except DomainError as exc:
            _errore(request, exc, "commenta")
        else:
            messages.success(request, _("Messaggio inviato all'ufficio."))
    return _indietro(s, "azioni-segnalante")


@require_POST
def foto(request: HttpRequest, token: str) -> HttpResponse:
    s = _segnalazione(token)
    f = request.FILES.get("file")
    if f is None:
        messages.error(request, _("Scegli una foto o un documento da allegare."), extra_tags="campo-foto")
    elif not _troppe(request, s, "foto"):
        try:
            interazioni.aggiungi_allegato(s, _attore(request, s), f.name, f)
        except DomainError as exc:
            _errore(request, exc, "foto")
        else:
            messages.success(request, _("Allegato aggiunto alla segnalazione."))
    return _indietro(s, "azioni-segnalante")


@require_POST
def risolto(request: HttpRequest, token: str) -> HttpResponse:
    s = _segnalazione(token)
    form = RisoltoForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Rispondi sì o no."), extra_tags="campo-risolto")
        return _indietro(s, "azioni-segnalante")
    si = form.cleaned_data["risolto"] == "si"
    try:
        interazioni.conferma_risoluzione(s, _attore(request, s), risolto=si, testo=form.cleaned_data.get("testo", ""))
    except DomainError as exc:
        _errore(request, exc, "risolto")
    else:
        messages.success(request, _("Grazie: la segnalazione è stata chiusa.") if si else _(
            "Grazie: la segnalazione è stata riaperta e l'ufficio ne è informato."))
    return _indietro(s, "azioni-segnalante")


@require_GET
def ricevuta(request: HttpRequest, token: str) -> HttpResponse:
    s = _segnalazione(token)
    link = request.build_absolute_uri(reverse("portale:segnalazione_privata", args=[s.token]))
    response = HttpResponse(ricevuta_pdf(s, link), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="ricevuta-{slugify(s.codice)}.pdf"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
