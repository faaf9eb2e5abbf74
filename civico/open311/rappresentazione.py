"""Open311 fields, built from the public representation of a report and from the catalogue.

A request is the public card in the spec's words: read from the card's row (`consultazione.righe`:
the columns `scheda_pubblica` reads, nothing else) with what the card derives from it (state
label, photo and page URLs) taken from the same `consultazione.Schede`, so Open311, the public
page and the JSON API cannot disagree (tests/open311 compares each request with its card), and
no field the public may not see can appear here. Not through the card's dict itself: a list
of 1,000 built 1,000 dicts of 26 keys only to rename them (~4 ms).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

from civico.catalogo.models import Categoria, TipoDomanda
from civico.enti.models import Ente
from civico.open311.ricerca import Voce
from civico.open311.risposte import TIPI
from civico.segnalazioni import consultazione, eventi
from civico.segnalazioni.consultazione import Orari, Riga, Schede, iso, scheda_pubblica
from civico.segnalazioni.models import Evento, Segnalazione, TipoEvento, Visibilita
from civico.segnalazioni.workflow import stato_open311
from civico.stati import Stato

SPECIFICA = "http://wiki.open311.org/GeoReport_v2"
# Sortable date of the last change to what this server offers (discovery's `changeset`).
CHANGESET = "2026-11-27T00:00:00+01:00"
LISTE = (TipoDomanda.SINGLE, TipoDomanda.MULTI)
DESCRIZIONE_TIPI = {
    TipoDomanda.STRING: _("Testo breve, su una riga (al massimo 200 caratteri)."),
    TipoDomanda.NUMBER: _("Un numero (es. 3 oppure 2.5)."),
    TipoDomanda.DATETIME: _("Data e ora W3C (es. 2026-05-04T09:30:00+02:00)."),
    TipoDomanda.TEXT: _("Testo libero, anche su più righe (al massimo 2000 caratteri)."),
    TipoDomanda.SINGLE: _("Una sola delle chiavi elencate in values."),
    TipoDomanda.MULTI: _("Una o più delle chiavi elencate in values: attribute[codice][]=chiave, ripetuto."),
}


def servizio(c: Categoria) -> dict[str, Any]:
    """One entry of GET services (`c` annotated by `ricerca.categorie`)."""
    parole = c.parole_chiave if isinstance(c.parole_chiave, list) else []
    return {
        "service_code": c.codice,
        "service_name": c.nome,
        "description": c.descrizione or None,
        "metadata": bool(c.ha_domande),
        "type": "realtime",
        "keywords": ", ".join(str(p) for p in parole) or None,
        "group": c.gruppo or None,
    }


def definizione(c: Categoria) -> dict[str, Any]:
    """GET services/{service_code}: the category's questions as Open311 attributes."""
    attributi = []
    for d in c.domande.all().order_by("ordine"):
        attributo: dict[str, Any] = {
            "variable": True,
            "code": d.codice,
            "datatype": d.tipo,
            "required": d.obbligatoria,
            "datatype_description": str(DESCRIZIONE_TIPI.get(d.tipo, "")) or None,
            "order": d.ordine,
            "description": d.testo,
        }
        if d.tipo in LISTE:
            attributo["values"] = [{"key": str(v["key"]), "name": str(v["name"])} for v in d.valori]
        attributi.append(attributo)
    return {"service_code": c.codice, "attributes": attributi}


def richieste(righe: list[Riga], ente: Ente, base_url: str,
              cronologie: dict[int, tuple[Voce, ...]] | None = None) -> Iterator[dict[str, Any]]:
    """GET requests / requests/{id}: one request per row, with our extensions when the public
    timelines are given (`ricerca.cronologie`). Built one at a time, as `risposte.risposta`
    writes them: a request's dicts and lists are freed before the next is built, so they never
    outlive the garbage collector's youngest generation (5,000 note dicts and 1,000 requests kept
    to the end brought on a full collection, ~100 ms, every few lists)."""
    schede = Schede(base_url)
    orari = OrariEnte(ente.fuso_orario)  # one per list: offsets and due dates worked out once
    if cronologie is None:
        return (richiesta(r, schede, orari) for r in righe)
    descrizioni = eventi.Descrizioni()  # each default sentence translated once for the whole list
    return (richiesta(r, schede, orari, note(cronologie[r["id"]], orari, descrizioni)) for r in righe)


class OrariEnte(Orari):
    """How a list writes its dates: `iso()` in the active time zone (`Orari`), due dates as the
    end of that day in the comune's own zone (`fine_giornata`), each distinct day once."""

    def __init__(self, fuso_ente: str, fuso: tzinfo | None = None):
        super().__init__(fuso)
        self.fuso_ente = fuso_ente
        self._scadenze: dict[date, str | None] = {}

    def scadenza(self, giorno: date | None) -> str | None:
        if giorno is None:
            return None
        testo = self._scadenze.get(giorno)
        if testo is None:
            testo = self._scadenze[giorno] = fine_giornata(giorno, self.fuso_ente, self.fuso, self)
        return testo


def richiesta(r: Riga, schede: Schede, orari: OrariEnte, note: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """One request: the public card of row `r` in the spec's words (the module's docstring says
    why from the row); with our extensions if its `note` are given."""
    foto = schede.foto(r) if r["foto"] else []
    campi: dict[str, Any] = {
        "service_request_id": r["codice"],
        "status": _OPEN311.get(r["stato"]) or stato_open311(r["stato"]),
        "status_notes": r["nota_pubblica"] or None,
        "service_name": r["categoria__nome"],
        "service_code": r["categoria__codice"],
        "description": r["descrizione"] or r["titolo"],
        "agency_responsible": r["ufficio__nome"],
        "service_notice": None,
        "requested_datetime": orari.iso(r["creata_il"]),
        "updated_datetime": orari.iso(r["aggiornata_il"]),
        "expected_datetime": orari.scadenza(r["scadenza"]),
        "address": r["indirizzo"] or None,
        "address_id": None,
        "zipcode": r["cap"] or None,
        "lat": r["lat"],
        "long": r["lon"],
        "media_url": foto[0]["url"] if foto else r["url_media_esterno"] or None,
    }
    if r["lat"] is None or r["lon"] is None:  # imported without a place: no point at all
        del campi["lat"], campi["long"]
    if note is not None:
        campi["extended_attributes"] = {
            "tracking_code": r["codice"],
            "title": r["titolo"],
            "channel": r["canale"],
            "office": r["ufficio__nome"],
            "priority": r["priorita"],
            "state": r["stato"],
            "state_label": schede.etichetta(r["stato"]),
            "photos": [{"media_url": f["url"], "thumbnail_url": f["miniatura"]} for f in foto] if foto else [],
            "duplicate_of": r["duplicato_di__codice"],
            "url": schede.url(r),
        }
        campi["notes"] = note
    return campi


# The Open311 status of every state, read once (`stato_open311` is the rule).
_OPEN311 = {s.value: stato_open311(s) for s in Stato}


def note(cronologia: tuple[Voce, ...], orari: Orari, descrizioni: eventi.Descrizioni) -> list[dict[str, Any]]:
    """The public timeline (oldest first), each entry with the Open311 status the report had after it."""
    stato: str = Stato.SUBMITTED
    di = descrizioni.di_json
    data = orari.testo
    pubblica = Visibilita.PUBBLICA
    return [
        {
            "datetime": data(creato_il),
            "description": di(tipo, testo, pubblica, transizione, dati),
            # The state after this event (a state change sets it, anything else keeps it) carries on.
            "status": _OPEN311.get(stato := stato_a or stato) or stato_open311(stato),
            "type": tipo,
        }
        for _segnalazione, creato_il, tipo, stato_a, transizione, testo, dati in cronologia
    ]


def aggiornamento(e: Evento, stato: str, base_url: str) -> dict[str, Any]:
    """One entry of mySociety's servicerequestupdates feed."""
    return {
        "update_id": str(e.pk),
        "service_request_id": e.segnalazione.codice,
        "status": stato,
        "updated_datetime": iso(e.creato_il),
        "description": str(eventi.descrizione(e)),
        "media_url": _media_evento(e, base_url),
    }


def _media_evento(e: Evento, base_url: str) -> str:
    if e.tipo != TipoEvento.MEDIA_ADDED or not isinstance(e.dati.get("allegato_id"), int):
        return ""
    allegato = consultazione.allegato_visibile(e.dati["allegato_id"])
    return consultazione.url_foto(allegato, base_url) if allegato else ""


def fine_giornata(giorno: date | None, fuso_ente: str, fuso: tzinfo | None = None,
                  orari: Orari | None = None) -> str | None:
    """A due date as the last second of that day in the comune's time zone (`fuso_ente`), written
    like every date here (`iso`, in `fuso` or the active time zone; by `orari` when given)."""
    if giorno is None:
        return None
    fine = datetime.combine(giorno, time(23, 59, 59), tzinfo=ZoneInfo(fuso_ente))
    return orari.iso(fine) if orari is not None else iso(fine, fuso)


def ricevuta(s: Segnalazione, base_url: str) -> dict[str, Any]:
    """The answer to a POST: the tracking code, the token (our public uuid) and a notice."""
    if s.pubblica:
        avviso = _("Segnalazione ricevuta: la seguiamo su %(url)s") % {"url": scheda_pubblica(s, base_url)["url"]}
    else:
        avviso = _("Segnalazione ricevuta con il codice %(codice)s.") % {"codice": s.codice}
    return {"service_request_id": s.codice, "token": str(s.uuid), "service_notice": str(avviso)}


def discovery(url_api: str, url_guida: str, contatto: str) -> dict[str, Any]:
    return {
        "changeset": CHANGESET,
        "contact": str(_("Assistenza: %(email)s. Documentazione: %(url)s") % {"email": contatto, "url": url_guida}),
        "key_service": str(_("Le chiavi API (api_key) si chiedono al gestore della piattaforma: %(url)s")
                           % {"url": url_guida}),
        "endpoints": [
            {
                "specification": SPECIFICA,
                "url": url_api,
                "changeset": CHANGESET,
                "type": "production",
                "formats": [TIPI["xml"].split(";")[0], TIPI["json"].split(";")[0]],
            }
        ],
    }
