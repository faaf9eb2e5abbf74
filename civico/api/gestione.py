"""Staff endpoints (`Authorization: Bearer <token>`): lists, the full view, and the work on a report.

Reading is limited to the enti and offices the person holds a role on (`permissions`); a report
outside them is "not found". Every change goes through the owning service, which checks the role
again and answers 403 for a read-only role.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from civico.accounts.models import Utente
from civico.accounts.permissions import Attore, puo_vedere
from civico.api import rappresentazioni as R
from civico.api import schemi
from civico.api.autenticazione import TokenStaff, ente_del_token
from civico.api.errori import NonTrovato, errori
from civico.api.filtri import FiltriGestione
from civico.api.paginazione import pagina
from civico.api.pubblico import CODICE
from civico.catalogo.models import Ufficio
from civico.errors import InvalidData
from civico.segnalazioni import interazioni, routing, workflow
from civico.segnalazioni.models import Allegato, Segnalazione

router = Router(tags=["Uffici"], auth=TokenStaff())

_ERRORI = errori(400, 401, 403, 404, 409)


def _elenco(request: HttpRequest | None = None) -> QuerySet[Segnalazione]:
    """Every report, with what the views read (the public list's prefetch, public or not); with the
    request, only those of the ente its token was issued for."""
    qs = Segnalazione.objects.all()
    if request is not None and (ente := ente_del_token(request)) is not None:
        qs = qs.filter(ente_id=ente)
    return qs.select_related(
        "ente", "categoria", "ufficio", "duplicato_di", "assegnatario", "segnalante"
    ).prefetch_related(
        Prefetch("allegati", queryset=Allegato.objects.filter(pubblico=True).order_by("id"), to_attr="foto_pubbliche")
    )


def _segnalazione(request: HttpRequest, codice: str) -> tuple[Segnalazione, Attore]:
    utente: Utente = request.auth  # type: ignore[attr-defined]
    s = _elenco(request).filter(codice=codice.strip().upper()).first()
    if s is None or not puo_vedere(utente, s):
        raise NonTrovato(_("Segnalazione non trovata."))
    return s, Attore.staff(utente)


def _vista(request: HttpRequest, s: Segnalazione, attore: Attore) -> dict:
    return R.gestione(request, _elenco().get(pk=s.pk), attore)


@router.get("/segnalazioni", response={200: schemi.PaginaGestione, **errori(400, 401, 404)},
            summary="Le segnalazioni degli enti e degli uffici su cui si ha un ruolo")
def elenco(request: HttpRequest, filtri: Query[FiltriGestione]):
    """Anche quelle non pubbliche; dalla più recente, a pagine con `cursor`."""
    utente: Utente = request.auth  # type: ignore[attr-defined]
    qs = filtri.applica(_elenco(request).visibili_a(utente))
    if filtri.ufficio:
        qs = qs.filter(ufficio_id=filtri.ufficio)
    if filtri.assegnatario:
        qs = qs.per_assegnatario(filtri.assegnatario, utente, io="io", per="assegnatario__username")
    righe, successivo = pagina(qs, filtri.cursor, filtri.limit)
    return {"risultati": [R.gestione_breve(request, s) for s in righe], "cursore_successivo": successivo}


@router.get("/segnalazioni/{codice}", response={200: schemi.SegnalazioneGestione, **errori(401, 404)},
            summary="Una segnalazione con tutta la sua storia")
def scheda(request: HttpRequest, codice: str = CODICE):
    """I contatti del segnalante ci sono solo per chi lavora la segnalazione (non per osservatori e sindaco)."""
    s, attore = _segnalazione(request, codice)
    return R.gestione(request, s, attore)


@router.post("/segnalazioni/{codice}/transizioni", response={200: schemi.SegnalazioneGestione, **_ERRORI},
             summary="Cambia lo stato")
def transizione(request: HttpRequest, dati: schemi.RichiestaTransizione, codice: str = CODICE):
    """Con la `versione` letta: se la segnalazione è cambiata nel frattempo la risposta è 409 (`stale`), e
    così per una transizione non ammessa dallo stato attuale (`illegal_transition`)."""
    s, attore = _segnalazione(request, codice)
    originale = None
    if dati.duplicato_di:
        originale = Segnalazione.objects.filter(codice=dati.duplicato_di.strip().upper()).first()
        if originale is None:
            raise InvalidData({"duplicato_di": [_("La segnalazione originale non esiste.")]})
    s = workflow.transition(s, dati.nome, attore, testo=dati.testo, versione=dati.versione, duplicato_di=originale)
    return _vista(request, s, attore)


@router.post("/segnalazioni/{codice}/assegnazione", response={200: schemi.SegnalazioneGestione, **_ERRORI},
             summary="Assegna a un operatore")
def assegnazione(request: HttpRequest, dati: schemi.RichiestaAssegnazione, codice: str = CODICE):
    s, attore = _segnalazione(request, codice)
    operatore = None
    if dati.assegnatario:
        operatore = Utente.objects.filter(username=dati.assegnatario, is_active=True).first()
        if operatore is None:
            raise InvalidData({"assegnatario": [_("Non esiste un utente «%(u)s».") % {"u": dati.assegnatario[:150]}]})
    return _vista(request, interazioni.assegna(s, attore, operatore), attore)


@router.post("/segnalazioni/{codice}/instradamento", response={200: schemi.SegnalazioneGestione, **_ERRORI},
             summary="Passa a un altro ufficio")
def instradamento(request: HttpRequest, dati: schemi.RichiestaInstradamento, codice: str = CODICE):
    """Il motivo resta una nota interna; la cronologia pubblica mostra solo il nuovo ufficio."""
    s, attore = _segnalazione(request, codice)
    ufficio = Ufficio.objects.filter(pk=dati.ufficio).first()
    if ufficio is None:
        raise InvalidData({"ufficio": [_("L'ufficio indicato non esiste.")]})
    return _vista(request, routing.reroute(s, ufficio, attore, motivo=dati.motivo), attore)


@router.post("/segnalazioni/{codice}/risposte", response={201: schemi.SegnalazioneGestione, **_ERRORI},
             summary="Rispondi (in pubblico o solo al segnalante)")
def risposta(request: HttpRequest, dati: schemi.RichiestaRisposta, codice: str = CODICE):
    s, attore = _segnalazione(request, codice)
    s = interazioni.rispondi(s, attore, dati.testo, solo_al_segnalante=dati.solo_al_segnalante)
    return Status(201, _vista(request, s, attore))


@router.post("/segnalazioni/{codice}/note", response={201: schemi.SegnalazioneGestione, **_ERRORI},
             summary="Aggiungi una nota interna")
def nota(request: HttpRequest, dati: schemi.Testo, codice: str = CODICE):
    """Visibile solo agli uffici."""
    s, attore = _segnalazione(request, codice)
    return Status(201, _vista(request, interazioni.annota(s, attore, dati.testo), attore))
