"""The inbox, its exports, saved views and bulk actions."""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civico.accounts.models import Utente
from civico.accounts.permissions import (
    chi_puo_lavorare,
    enti_visibili,
    puo_lavorare_in_ente,
    uffici_visibili,
)
from civico.accounts.staff import staff_richiesto
from civico.backoffice import azioni, esporta
from civico.backoffice import blocco as lavori
from civico.backoffice import casella as servizio
from civico.backoffice.models import VistaSalvata
from civico.catalogo.models import Categoria, Ufficio
from civico.core import tabelle
from civico.enti.models import Ente
from civico.errors import InvalidData
from civico.segnalazioni.models import Canale, Intervento, Priorita, StatoIntervento
from civico.segnalazioni.workflow import APERTI, TRANSIZIONI
from civico.stati import Stato


def _ente(utente: Utente, sigla: str | None, enti: list[Ente] | None = None) -> Ente:
    """The ente of the inbox: the one asked for, if visible, else the person's first one."""
    if enti is None:
        qs = enti_visibili(utente).order_by("nome").only("id", "nome", "sigla")
        ente = (qs.filter(sigla=(sigla or "").upper()).first() if sigla else None) or qs.first()
    else:
        ente = next((e for e in enti if e.sigla == (sigla or "").upper()), enti[0] if enti else None)
    if ente is None:
        raise Http404("Nessun comune visibile")
    return ente


@staff_richiesto
def casella(request: HttpRequest) -> HttpResponse:
    utente = request.user
    enti = list(enti_visibili(utente).order_by("nome").only("id", "nome", "sigla"))  # not the boundary
    ente = _ente(utente, request.GET.get("ente"), enti)
    filtri = servizio.leggi_filtri(request.GET)
    risultato = servizio.casella(utente, ente, filtri)
    lavora = puo_lavorare_in_ente(utente, ente)
    tutti_gli_uffici = list(Ufficio.objects.filter(ente=ente).order_by("nome"))
    limitati = uffici_visibili(utente, ente)
    contesto = {
        "comune": ente,
        "enti": enti,
        "c": risultato,
        "f": filtri,
        "schede": [(scheda, risultato.conteggi[scheda.nome]) for scheda in servizio.SCHEDE],
        "aperti": list(APERTI),
        "ordinamenti": servizio.ORDINAMENTI,
        "scadenze": servizio.SCADENZE,
        "pregresso": servizio.PREGRESSO,
        "per_pagina": servizio.PER_PAGINA,
        "stati": Stato.choices,
        "priorita": Priorita.choices,
        "canali": Canale.choices,
        "categorie": list(Categoria.objects.filter(ente=ente).order_by("nome")),
        # The filter offers the offices one sees; a re-route may go to any active office.
        "uffici": [u for u in tutti_gli_uffici if limitati is None or u.pk in limitati],
        "uffici_tutti": [u for u in tutti_gli_uffici if u.attivo],
        "operatori": list(chi_puo_lavorare(ente.pk, ogni_ufficio=True)),
        "quartieri": servizio.quartieri(ente),
        "viste": list(VistaSalvata.objects.filter(utente=utente)),
        "lavora": lavora,
        "transizioni": list(TRANSIZIONI.values()),
        "altre_azioni": azioni.ALTRE_AZIONI,
        "interventi": list(Intervento.objects.filter(ente=ente, stato=StatoIntervento.APERTO).only("titolo")[:200])
        if lavora else [],
        "filtri_qs": _senza(request.GET, "pagina"),
        "versione": servizio.versione(utente, ente),
    }
    if request.htmx and request.htmx.target == "elenco":
        return render(request, "backoffice/casella/_elenco.html", contesto)
    return render(request, "backoffice/casella/casella.html", contesto)


@staff_richiesto
def novita(request: HttpRequest) -> JsonResponse:
    """What the open inbox polls: the version of the reports this person sees in the ente."""
    ente = _ente(request.user, request.GET.get("ente"))
    risposta = JsonResponse({"versione": servizio.versione(request.user, ente)})
    risposta["Cache-Control"] = "no-store"
    return risposta


def _senza(qd: QueryDict, *chiavi: str) -> str:
    copia = qd.copy()
    for chiave in chiavi:
        copia.pop(chiave, None)
    return copia.urlencode()


def _da_esportare(request: HttpRequest) -> tuple[Ente, list[str], Iterator[list]]:
    """The inbox's current selection as export rows: contacts only for who may work the ente."""
    utente = request.user
    ente = _ente(utente, request.GET.get("ente"))
    qs = servizio.selezione(utente, ente, servizio.leggi_filtri(request.GET))
    con_contatti = puo_lavorare_in_ente(utente, ente)
    return ente, esporta.intestazioni(con_contatti), esporta.righe(qs, utente, con_contatti)


@staff_richiesto
def esporta_csv(request: HttpRequest) -> StreamingHttpResponse:
    ente, intestazioni, righe = _da_esportare(request)
    return tabelle.risposta_csv(intestazioni, righe, _nome_file(ente, "csv"),
                                separatore=";", bom=True)  # what Excel in Italian opens with a double click


@staff_richiesto
def esporta_xlsx(request: HttpRequest) -> HttpResponse:
    ente, intestazioni, righe = _da_esportare(request)
    return tabelle.risposta_xlsx(intestazioni, righe, _nome_file(ente, "xlsx"), foglio=_("Segnalazioni"))


def _nome_file(ente: Ente, estensione: str) -> str:
    return f"segnalazioni-{ente.sigla.lower()}-{timezone.localdate():%Y-%m-%d}.{estensione}"


# --- Saved views --------------------------------------------------------------------------------


@require_POST
@staff_richiesto
def salva_vista(request: HttpRequest) -> HttpResponse:
    nome = request.POST.get("nome", "").strip()[:80]
    filtri = QueryDict(request.POST.get("querystring", "").lstrip("?")[:2000])
    querystring = _senza(filtri, "pagina", "csrfmiddlewaretoken")
    if not nome:
        messages.error(request, _("Dai un nome alla vista da salvare."))
    else:
        VistaSalvata.objects.update_or_create(utente=request.user, nome=nome, defaults={"querystring": querystring})
        messages.success(request, _("Vista «%(nome)s» salvata.") % {"nome": nome})
    return redirect(f"{reverse('backoffice:casella')}?{querystring}")


@require_POST
@staff_richiesto
def elimina_vista(request: HttpRequest, pk: int) -> HttpResponse:
    vista = get_object_or_404(VistaSalvata, pk=pk, utente=request.user)
    vista.delete()
    messages.success(request, _("Vista «%(nome)s» eliminata.") % {"nome": vista.nome})
    return redirect("backoffice:casella")


# --- Bulk actions -------------------------------------------------------------------------------


@require_POST
@staff_richiesto
def blocco(request: HttpRequest) -> HttpResponse:
    """Record the bulk action and return at once: the worker does it (backoffice.blocco)."""
    filtri = _senza(QueryDict(request.POST.get("ritorno", "")[:2000]))
    ritorno = f"{reverse('backoffice:casella')}?{filtri}"
    nome = request.POST.get("azione", "")
    codici = request.POST.getlist("codici")
    try:
        lavoro = lavori.avvia(request.user, codici, nome, azioni.Dati.da_richiesta(request.POST), ritorno=filtri)
    except InvalidData as errore:
        messages.error(request, str(errore))
        return redirect(ritorno)
    return redirect("backoffice:lavoro", pk=lavoro.pk)


@staff_richiesto
def lavoro(request: HttpRequest, pk: int) -> HttpResponse:
    """A bulk action's progress, then its outcome; polled by htmx, refreshed without JS."""
    trovato = lavori.del_richiedente(request.user, pk)
    if trovato is None:
        raise Http404
    a = lavori.avanzamento(trovato)
    contesto = {"a": a, "etichetta": azioni.etichetta(trovato.azione),
                "ritorno": f"{reverse('backoffice:casella')}?{trovato.ritorno}"}
    return render(request, "backoffice/casella/blocco.html", contesto)
