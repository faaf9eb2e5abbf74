"""Public endpoints: comuni, their categories and addresses, the reports anyone may see."""

from __future__ import annotations

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Path, Query, Router

from civico.api import rappresentazioni as R
from civico.api import schemi
from civico.api.errori import NonTrovato, TroppeRichieste, errori
from civico.api.filtri import FiltriPubblici, ente_da_riferimento
from civico.api.paginazione import pagina
from civico.api.schemi import CODICE_ENTE
from civico.catalogo.models import Categoria
from civico.core import limiti
from civico.enti import geo
from civico.enti.models import Ente
from civico.errors import InvalidData
from civico.segnalazioni import consultazione
from civico.territorio import gazetteer
from civico.triage import servizi as triage

router = Router(tags=["Pubblico"])

# Path parameters, documented with an example that exists in the demo.
ENTE = Path(..., description=CODICE_ENTE, example="006003")
CODICE = Path(..., description="Il codice di tracciamento.", example="AL-2026-000001")

MAX_ENTI = 20


@router.get("/enti", response={200: list[schemi.Ente], **errori(400)}, summary="Cerca i comuni")
def enti(
    request: HttpRequest,
    q: str | None = Query(None, min_length=2, max_length=120, description="Parte del nome del comune."),
    lat: float | None = Query(None, description="Latitudine di un punto: restituisce il comune che lo contiene."),
    lon: float | None = Query(None, description="Longitudine del punto."),
):
    """Per nome (`q`, fino a 20 risultati), per punto (`lat` e `lon`: il comune che lo contiene, anche se
    non usa ancora Civico, vedi `attivo`), oppure senza parametri: i comuni attivi su Civico."""
    if (lat is None) != (lon is None):
        raise InvalidData({"lat" if lat is None else "lon": [_("Indica sia la latitudine sia la longitudine.")]})
    if lat is not None:
        trovato = geo.comune_per_punto(lat, lon)
        return [R.ente(trovato)] if trovato else []
    if q:
        qs = Ente.objects.filter(nome__icontains=q.strip()).order_by("-attivo", "nome")[:MAX_ENTI]
    else:
        qs = Ente.objects.filter(attivo=True).order_by("nome")
    return [R.ente(e) for e in qs]


@router.get("/enti/{ente}", response={200: schemi.Ente, **errori(404)}, summary="Un comune")
def ente(request: HttpRequest, ente: str = ENTE):
    return R.ente(ente_da_riferimento(ente))


@router.get(
    "/enti/{ente}/categorie", response={200: list[schemi.Categoria], **errori(404)},
    summary="Le categorie di un comune, con le domande aggiuntive",
)
def categorie(request: HttpRequest, ente: str = ENTE):
    # No catalogue service lists categories yet: read the active ones, questions prefetched.
    qs = Categoria.objects.filter(ente=ente_da_riferimento(ente), attiva=True).prefetch_related("domande")
    return [
        {
            "codice": c.codice, "nome": c.nome, "descrizione": c.descrizione, "gruppo": c.gruppo,
            "giorni_risposta": c.giorni_risposta, "foto_obbligatoria": c.foto_obbligatoria,
            "contatti_obbligatori": c.contatti_obbligatori,
            "domande": [
                {"codice": d.codice, "testo": d.testo, "tipo": d.tipo, "obbligatoria": d.obbligatoria,
                 "ordine": d.ordine,
                 "valori": [{"chiave": str(v.get("key", "")), "nome": str(v.get("name", ""))} for v in d.valori]}
                for d in c.domande.all()
            ],
        }
        for c in qs
    ]


@router.get(
    "/enti/{ente}/categorie/suggerimenti", response={200: list[schemi.SuggerimentoCategoria], **errori(404, 429)},
    summary="Le categorie che un testo suggerisce",
)
def suggerimenti_categoria(
    request: HttpRequest,
    ente: str = ENTE,
    testo: str = Query(..., min_length=1, max_length=triage.TESTO_MASSIMO, example="lampione spento in via Roma",
                       description="Titolo e descrizione scritti dal cittadino, in italiano o in inglese."),
):
    """Le 5 categorie del comune più probabili per il testo, dalla più probabile: le stesse che il modulo
    di segnalazione propone mentre si scrive. Funziona dal primo giorno (un vocabolario nazionale dei tipi
    di problema) e impara dalle categorie che gli operatori confermano o correggono. Un testo senza parole
    riconoscibili restituisce un elenco vuoto. Limitata per indirizzo IP (429 con `Retry-After`)."""
    ente_ = ente_da_riferimento(ente)
    if (attesa := limiti.verifica("suggerimenti", ip=limiti.ip_di(request))) is not None:
        raise TroppeRichieste(attesa)
    return [
        {"codice": s.categoria.codice, "nome": s.categoria.nome, "probabilita": s.probabilita}
        for s in triage.suggerisci(ente_, testo)
    ]


@router.get(
    "/enti/{ente}/indirizzi", response={200: list[schemi.Indirizzo], **errori(404)},
    summary="Cerca un indirizzo nello stradario del comune",
)
def indirizzi(
    request: HttpRequest,
    ente: str = ENTE,
    q: str = Query(..., min_length=1, max_length=200, description="Es. `piazza della libertà 41`, `via roma`."),
    limite: int = Query(10, ge=1, le=50),
):
    """Vie e numeri civici: con un numero finale, i civici (o i più vicini a quel numero); senza, le vie."""
    return [R.indirizzo(i) for i in gazetteer.cerca(ente_da_riferimento(ente), q, limite)]


@router.get(
    "/enti/{ente}/indirizzi/vicino", response={200: schemi.Indirizzo, **errori(404)},
    summary="L'indirizzo più vicino a un punto",
)
def indirizzo_vicino(
    request: HttpRequest,
    ente: str = ENTE,
    lat: float = Query(..., ge=-90, le=90, allow_inf_nan=False),
    lon: float = Query(..., ge=-180, le=180, allow_inf_nan=False),
    raggio_m: float = Query(250, gt=0, le=1000, allow_inf_nan=False, description="Fin dove cercare, in metri."),
):
    """Il numero civico più vicino entro `raggio_m` (geocodifica inversa); 404 se non ce n'è."""
    trovato = gazetteer.indirizzo_piu_vicino(ente_da_riferimento(ente), lat, lon, raggio_m)
    if trovato is None:
        raise NonTrovato(_("Nessun indirizzo noto entro %(m)d metri.") % {"m": raggio_m})
    return R.indirizzo(trovato)


_GEOJSON = {
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"const": "FeatureCollection"},
        "features": {"type": "array", "items": {
            "type": "object",
            "required": ["type", "id", "geometry", "properties"],
            "properties": {
                "type": {"const": "Feature"},
                "id": {"type": "string"},
                "geometry": {"type": "object", "properties": {
                    "type": {"const": "Point"},
                    "coordinates": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
                }},
                "properties": {"type": "object", "description": "I campi di SegnalazionePubblica tranne lat e lon."},
            },
        }},
        "cursore_successivo": {"type": ["string", "null"]},
    },
}


@router.get(
    "/segnalazioni", response={200: schemi.PaginaSegnalazioni, **errori(400, 404)},
    summary="Le segnalazioni pubbliche",
    openapi_extra={"responses": {200: {"content": {"application/geo+json": {"schema": _GEOJSON}}}}},
)
def segnalazioni(request: HttpRequest, filtri: Query[FiltriPubblici]):
    """Dalla più recente, a pagine: si passa a quella successiva con `cursor`. Con `format=geojson` la
    risposta è una FeatureCollection (application/geo+json) con lo stesso cursore."""
    qs = filtri.applica(consultazione.elenco_pubblico())
    if filtri.formato == "geojson":  # a map format: reports imported without a place are not features
        qs = qs.filter(lat__isnull=False, lon__isnull=False)
    # The page and its cursor from two columns, then the cards from plain rows: a model instance
    # per report cost more than the card itself.
    posizioni, successivo = pagina(qs.select_related(None).prefetch_related(None).only("creata_il"),
                                   filtri.cursor, filtri.limit)
    schede = R.schede(request, qs.filter(pk__in=[s.pk for s in posizioni]).order_by("-creata_il", "-id"))
    if filtri.formato == "geojson":
        dati = R.geojson(schede, successivo)
        return HttpResponse(json.dumps(dati, cls=DjangoJSONEncoder), content_type="application/geo+json")
    return {"risultati": schede, "cursore_successivo": successivo}


@router.get(
    "/segnalazioni/{codice}", response={200: schemi.SegnalazioneConCronologia, 304: None, **errori(404)},
    summary="Una segnalazione pubblica e la sua cronologia",
)
def segnalazione(request: HttpRequest, response: HttpResponse, codice: str = CODICE):
    """Risponde con un `ETag`: chi controlla gli aggiornamenti a intervalli rimanda `If-None-Match` e
    riceve 304 finché nulla è cambiato."""
    s = consultazione.pubblica(codice)
    if s is None:
        raise NonTrovato(_("Segnalazione non trovata."))
    dati = R.pubblica_con_cronologia(request, s)
    impronta = hashlib.sha256(json.dumps(dati, cls=DjangoJSONEncoder, sort_keys=True).encode()).hexdigest()
    etag = f'"{impronta[:32]}"'
    if etag in request.headers.get("If-None-Match", ""):
        r = HttpResponse(status=304)
        r["ETag"] = etag
        return r
    response["ETag"] = etag
    return dati
