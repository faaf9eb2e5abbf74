"""Staff page under /backoffice/comunicazioni/trattenute/: e-mail replies held because their sender
is not proven (inbound/trattenute.py). Thin: list, call the service, say what happened."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civico.accounts.permissions import Attore
from civico.accounts.staff import staff_richiesto
from civico.comunicazioni.inbound import trattenute
from civico.comunicazioni.models import MessaggioInArrivo
from civico.errors import InvalidData, NotAllowed


@staff_richiesto
def elenco(request: HttpRequest) -> HttpResponse:
    return render(request, "comunicazioni/staff/trattenute.html",
                  {"voci": trattenute.da_revisionare_per(request.user)})


@staff_richiesto
@require_POST
def decidi(request: HttpRequest, pk: int, azione: str) -> HttpResponse:
    if azione not in ("pubblica", "scarta"):
        raise Http404
    m = get_object_or_404(MessaggioInArrivo, pk=pk, segnalazione__isnull=False)
    try:
        if azione == "pubblica":
            trattenute.pubblica(m, Attore.staff(request.user))
            messages.success(request, _("Messaggio aggiunto alla segnalazione %(codice)s come del segnalante.")
                             % {"codice": m.segnalazione.codice})
        else:
            trattenute.scarta(m, Attore.staff(request.user))
            messages.success(request, _("Messaggio scartato: non è stato aggiunto alla segnalazione."))
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except InvalidData as exc:
        for errori in exc.errors.values():
            for errore in errori:
                messages.error(request, errore)
    return redirect("comunicazioni:staff_trattenute")
