"""Which comune a request speaks to: `jurisdiction_id` (the ISTAT code) or a dedicated host."""

from __future__ import annotations

from django.http import HttpRequest
from django.http.request import split_domain_port
from django.utils.translation import gettext_lazy as _

from civico.enti.models import Ente
from civico.open311.risposte import Errore


def ente_richiesto(request: HttpRequest) -> Ente:
    """The active ente the request names; an `Errore` (400/404) saying why not otherwise."""
    codice = (request.POST.get("jurisdiction_id") if request.method == "POST" else None) or request.GET.get(
        "jurisdiction_id"
    )
    codice = (codice or "").strip()
    if "\x00" in codice:  # PostgreSQL refuses NUL in any query
        raise Errore(400, _("jurisdiction_id: contiene caratteri non ammessi."))
    if not codice:
        ente = _ente_del_dominio(request)
        if ente is None:
            raise Errore(400, _("Manca jurisdiction_id: indica il codice ISTAT del comune (es. 006003)."))
        return ente
    ente = Ente.objects.filter(codice_istat=codice).defer("confine").first() if len(codice) <= 6 else None
    if ente is None:
        raise Errore(404, _("jurisdiction_id «%(codice)s» non trovato: usa il codice ISTAT del comune.")
                     % {"codice": codice[:20]})
    if not ente.attivo:
        raise Errore(404, _("Il comune di %(nome)s (jurisdiction_id %(codice)s) non usa ancora Civico.")
                     % {"nome": ente.nome, "codice": ente.codice_istat})
    return ente


def _ente_del_dominio(request: HttpRequest) -> Ente | None:
    """The active ente whose dedicated host name this request was sent to, if any."""
    dominio, _porta = split_domain_port(request.get_host())
    if not dominio:
        return None
    return Ente.objects.filter(dominio__iexact=dominio, attivo=True).defer("confine").first()
