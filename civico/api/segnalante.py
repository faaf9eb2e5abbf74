"""Citizens: send a report, then act on it as its reporter (private token or session), follow it."""

from __future__ import annotations

import json
from typing import Any, Literal

import pydantic
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Header, Router, Status, UploadedFile
from ninja.errors import ValidationError

from civico.accounts.models import ApplicazioneClient, Utente
from civico.accounts.permissions import Attore
from civico.api import rappresentazioni as R
from civico.api import schemi
from civico.api.autenticazione import (
    ChiaveApplicazione,
    SessioneCittadino,
    TokenSegnalante,
    anonimo,
    del_segnalante,
)
from civico.api.errori import NonTrovato, TipoNonSupportato, TroppeRichieste, errori
from civico.api.filtri import ente_da_riferimento
from civico.api.ingresso import verifica
from civico.api.pubblico import CODICE
from civico.api.pubblico import router as pubblico
from civico.comunicazioni import iscrizioni
from civico.core.limiti import consuma
from civico.enti.models import Ente
from civico.errors import InvalidData, NotAllowed
from civico.segnalazioni import consultazione, intake, interazioni
from civico.segnalazioni.models import Canale, Segnalazione

router = Router(tags=["Cittadini"])
# Creating and following share their paths with the public reads: one router per path.
TAG = ["Cittadini"]

# Default creations per minute; settings.CIVICO may override them (API_CREAZIONI_…).
LIMITE_IP = 10
LIMITE_UTENTE = 20
CHIAVE_IDEMPOTENZA = r"^[\x21-\x7e]{1,80}$"  # printable ASCII: a UUID fits, the scoped key stays ≤ 128

_CAMPI_MULTIPART = {
    **schemi.NuovaSegnalazione.model_json_schema()["properties"],
    "risposte": {"type": "string", "description": "Le risposte come oggetto JSON, es. `{\"dimensione\": \"grande\"}`."},
    "allegati": {
        "type": "array", "items": {"type": "string", "format": "binary"},
        "description": "Foto (JPEG, PNG, WebP, HEIC) o PDF, fino a 5 file da 10 MB.",
    },
}
_CORPO_CREAZIONE = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": schemi.NuovaSegnalazione.model_json_schema()},
            "multipart/form-data": {
                "schema": {"type": "object", "required": ["titolo"], "properties": _CAMPI_MULTIPART},
            },
        },
    },
    "security": [{}],  # every credential is optional: anonymous citizens may report too
}


@pubblico.post(
    "/segnalazioni", tags=TAG,
    auth=[ChiaveApplicazione(), SessioneCittadino(), anonimo],
    response={201: schemi.Ricevuta, 200: schemi.Ricevuta, **errori(400, 401, 403, 409, 413, 415, 429)},
    summary="Invia una nuova segnalazione",
    openapi_extra=_CORPO_CREAZIONE,
)
def crea(
    request: HttpRequest,
    response: HttpResponse,
    idempotency_key: str | None = Header(
        None, alias="Idempotency-Key", pattern=CHIAVE_IDEMPOTENZA,
        description="Una chiave casuale (es. un UUID) per richiesta: ripetendo la richiesta con la stessa chiave "
                    "si riceve la stessa segnalazione (200) invece di crearne una seconda.",
    ),
    client: Literal["app"] | None = Header(
        None, alias="X-Civico-Client",
        description="`app` per le app dei cittadini: il canale registrato diventa `app` invece di `api`.",
    ),
):
    """JSON (senza allegati) oppure multipart/form-data (campi e file `allegati`). Senza credenziali il
    limite è di pochi invii al minuto per indirizzo IP; con `X-Api-Key` vale il limite dell'applicazione,
    con la sessione del portale la segnalazione è legata all'account. Risponde 201 con il codice e il
    token privato, oppure 200 se è la ripetizione di una richiesta già ricevuta (`Idempotency-Key`)."""
    chi: Any = request.auth  # type: ignore[attr-defined]
    app = chi if isinstance(chi, ApplicazioneClient) else None
    utente = chi if isinstance(chi, Utente) else None
    _limita(request, app, utente)
    dati, allegati = _leggi(request)
    canale = Canale.APP if client == "app" else Canale.API
    nuova = intake.NuovaSegnalazione(
        lat=dati.lat, lon=dati.lon, titolo=dati.titolo, descrizione=dati.descrizione,
        categoria=dati.categoria, canale=canale, indirizzo=dati.indirizzo, risposte=dati.risposte,
        nome=dati.nome, email=dati.email, telefono=dati.telefono, ente=_ente(dati.ente, app),
        lingua=intake.scegli_lingua(dati.lingua, request.LANGUAGE_CODE),
    )
    chiave = None
    if idempotency_key:
        ambito = f"app{app.pk}" if app else f"u{utente.pk}" if utente else "anonimo"
        chiave = f"api:{canale}:{ambito}:{idempotency_key}"
    ricevuta = intake.submit(
        nuova, allegati, attore=Attore.del_segnalante(utente), chiave_idempotenza=chiave, applicazione=app,
    )
    s = ricevuta.segnalazione
    base = R.base_url(request).rstrip("/")
    response["Location"] = consultazione.percorso("api-v1:privata").url(s.codice)
    response.status_code = 201 if ricevuta.creata else 200
    # Already `schemi.Ricevuta`'s JSON, in its order (tests/api pin it against the schema): rendered as
    # is, without ninja validating the card again (~5 % of an intake's CPU).
    from civico.api.v1 import api  # v1 builds the API from this module's routers

    return api.create_response(request, {
        "codice": s.codice, "token": s.token,
        "url_privata": base + consultazione.percorso("portale:segnalazione_privata").url(s.token),
        "creata": ricevuta.creata, "segnalazione": R.scheda(request, s),
    }, temporal_response=response)


def _limita(request: HttpRequest, app: ApplicazioneClient | None, utente: Utente | None) -> None:
    limiti = settings.CIVICO
    if app is not None:
        attesa = consuma(f"api:crea:app:{app.pk}", app.limite_al_minuto)
    elif utente is not None:
        attesa = consuma(f"api:crea:utente:{utente.pk}", limiti.get("API_CREAZIONI_UTENTE_AL_MINUTO", LIMITE_UTENTE))
    else:
        # REMOTE_ADDR: behind a proxy, the server must set it from the proxy's header.
        ip = request.META.get("REMOTE_ADDR", "")
        attesa = consuma(f"api:crea:ip:{ip}", limiti.get("API_CREAZIONI_IP_AL_MINUTO", LIMITE_IP))
    if attesa is not None:
        raise TroppeRichieste(attesa)


def _leggi(request: HttpRequest) -> tuple[schemi.NuovaSegnalazione, list[tuple[str, Any]]]:
    """The body, JSON or multipart, validated by the same schema."""
    tipo = request.content_type or ""
    allegati: list[tuple[str, Any]] = []
    if tipo == "application/json" or tipo.endswith("+json"):
        try:
            grezzi: Any = verifica(json.loads(request.body or b"null"))
        except ValueError as exc:
            raise InvalidData({"richiesta": [_("Il corpo non è un JSON valido.")]}) from exc
    elif tipo in ("multipart/form-data", "application/x-www-form-urlencoded"):
        grezzi = verifica({k: v for k, v in request.POST.items() if v != ""})
        if "risposte" in grezzi:
            try:
                grezzi["risposte"] = verifica(json.loads(grezzi["risposte"]), "risposte")
            except ValueError as exc:
                raise InvalidData({"risposte": [_("Le risposte vanno inviate come oggetto JSON.")]}) from exc
        allegati = [(f.name or "", f) for f in request.FILES.getlist("allegati")]
    else:
        raise TipoNonSupportato()
    try:
        return schemi.NuovaSegnalazione.model_validate(grezzi), allegati
    except pydantic.ValidationError as exc:
        raise ValidationError([
            {"loc": ("body", *e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors(include_url=False)
        ]) from exc


def _ente(riferimento: str | None, app: ApplicazioneClient | None) -> Ente | None:
    """The ente named by the client; an application registered for one ente may send only there."""
    ente = None
    if riferimento:
        try:
            ente = ente_da_riferimento(riferimento)
        except NonTrovato as exc:
            raise InvalidData({"ente": [str(exc)]}) from exc
    if app is not None and app.ente_id is not None:
        if ente is not None and ente.pk != app.ente_id:
            raise NotAllowed(_("Questa applicazione può inviare segnalazioni solo a %(ente)s.") % {"ente": app.ente})
        ente = app.ente
    return ente


# --- The reporter's own report ------------------------------------------------------------------

SEGNALANTE = [TokenSegnalante(), SessioneCittadino()]
_ERRORI_SEGNALANTE = errori(400, 401, 403, 404, 409)


@router.get(
    "/segnalante/segnalazioni/{codice}", auth=SEGNALANTE, url_name="privata",
    response={200: schemi.SegnalazionePrivata, **_ERRORI_SEGNALANTE},
    summary="La propria segnalazione, con i messaggi scambiati con l'ufficio",
)
def privata(request: HttpRequest, codice: str = CODICE):
    """Per il segnalante: con `X-Civico-Token` oppure con la sessione dell'account che l'ha inviata."""
    s, attore = del_segnalante(request, codice)
    return R.privata(request, s, attore)


@router.post(
    "/segnalante/segnalazioni/{codice}/commenti", auth=SEGNALANTE,
    response={201: schemi.SegnalazionePrivata, **_ERRORI_SEGNALANTE},
    summary="Scrivi all'ufficio",
)
def commenta(request: HttpRequest, dati: schemi.Testo, codice: str = CODICE):
    """Un messaggio per l'ufficio: lo vedono il segnalante e gli uffici, non il pubblico."""
    s, attore = del_segnalante(request, codice)
    return Status(201, R.privata(request, interazioni.commenta(s, attore, dati.testo), attore))


@router.post(
    "/segnalante/segnalazioni/{codice}/allegati", auth=SEGNALANTE,
    response={201: schemi.AllegatoAggiunto, **errori(400, 401, 403, 404, 409, 413)},
    summary="Aggiungi una foto o un documento",
)
def allega(request: HttpRequest, allegato: File[UploadedFile], codice: str = CODICE):
    """Multipart con il file nel campo `allegato`. Le foto diventano pubbliche se la segnalazione lo è."""
    s, attore = del_segnalante(request, codice)
    a = interazioni.aggiungi_allegato(s, attore, allegato.name or "", allegato)
    url = consultazione.url_foto(a, R.base_url(request)) if a.pubblico else None
    return Status(201, {"id": a.pk, "tipo": a.tipo, "pubblico": a.pubblico, "url": url})


@router.post(
    "/segnalante/segnalazioni/{codice}/conferma", auth=SEGNALANTE,
    response={200: schemi.SegnalazionePrivata, **_ERRORI_SEGNALANTE},
    summary="Rispondi a «Il problema è stato risolto?»",
)
def conferma(request: HttpRequest, dati: schemi.Conferma, codice: str = CODICE):
    """Solo per una segnalazione risolta: `risolto: true` la chiude, `false` la riapre con il motivo."""
    s, attore = del_segnalante(request, codice)
    s = interazioni.conferma_risoluzione(s, attore, risolto=dati.risolto, testo=dati.testo)
    return R.privata(request, s, attore)


# --- Following a report (signed-in citizens) ----------------------------------------------------

_ISCRIZIONE = {"auth": SessioneCittadino(), "response": {200: schemi.Iscrizione, **errori(401, 403, 404)}}


def _da_seguire(request: HttpRequest, codice: str) -> tuple[Segnalazione, Utente]:
    """A report the user may follow: a public one, or their own."""
    utente: Utente = request.auth  # type: ignore[attr-defined]
    s = consultazione.pubblica(codice) or Segnalazione.objects.filter(
        codice=codice.strip().upper(), segnalante=utente
    ).first()
    if s is None:
        raise NonTrovato(_("Segnalazione non trovata."))
    return s, utente


@pubblico.get("/segnalazioni/{codice}/iscrizione", tags=TAG, summary="Segui già questa segnalazione?", **_ISCRIZIONE)
def iscrizione(request: HttpRequest, codice: str = CODICE):
    s, utente = _da_seguire(request, codice)
    return {"segui": iscrizioni.segue(s, utente)}


@pubblico.put("/segnalazioni/{codice}/iscrizione", tags=TAG, summary="Segui la segnalazione", **_ISCRIZIONE)
def segui(request: HttpRequest, codice: str = CODICE):
    """Serve la sessione del portale: gli aggiornamenti arrivano ai canali scelti nell'account."""
    s, utente = _da_seguire(request, codice)
    iscrizioni.segui(s, utente)
    return {"segui": True}


@pubblico.delete("/segnalazioni/{codice}/iscrizione", tags=TAG, summary="Smetti di seguirla", **_ISCRIZIONE)
def smetti(request: HttpRequest, codice: str = CODICE):
    s, utente = _da_seguire(request, codice)
    iscrizioni.smetti_di_seguire(s, utente)
    return {"segui": False}
