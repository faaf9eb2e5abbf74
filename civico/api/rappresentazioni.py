"""From domain objects to the API's dictionaries: public ones start from `scheda_pubblica`."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from civico.accounts.permissions import Attore, puo_vedere_contatti
from civico.enti.models import Ente
from civico.segnalazioni import consultazione, eventi, workflow
from civico.segnalazioni.models import Evento, Segnalazione
from civico.territorio.gazetteer import Indirizzo

_DATE = ("creata_il", "aggiornata_il", "scadenza")


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def scheda(request: HttpRequest, s: Segnalazione) -> dict[str, Any]:
    return _date_iso(consultazione.scheda_pubblica(s, base_url(request)))


def schede(request: HttpRequest, qs: QuerySet[Segnalazione]) -> list[dict[str, Any]]:
    """`scheda` of every report `qs` selects, built from plain rows (no model instance per row)."""
    carte = consultazione.Schede(base_url(request))
    fuso = timezone.get_current_timezone()  # once: reading it per date is a thread-local lookup each
    return [_date_iso(carte.scheda(r), fuso) for r in consultazione.righe(qs)]


def _date_iso(dati: dict[str, Any], fuso: tzinfo | None = None) -> dict[str, Any]:
    for campo in _DATE:
        dati[campo] = consultazione.iso(dati[campo], fuso)
    return dati


def evento(e: Evento, *, visibilita: bool = False, staff: bool = False) -> dict[str, Any]:
    dati = {
        "quando": consultazione.iso(e.creato_il),
        "tipo": e.tipo,
        "tipo_etichetta": str(e.get_tipo_display()),
        "testo": eventi.descrizione(e),
        "chi": eventi.chi(e),
        "stato": e.stato_a or None,
    }
    if visibilita or staff:
        dati["visibilita"] = e.visibilita
    if staff:
        dati["transizione"] = e.transizione
        dati["autore"] = e.attore.username if e.attore else None
    return dati


def pubblica_con_cronologia(request: HttpRequest, s: Segnalazione) -> dict[str, Any]:
    return {**scheda(request, s), "cronologia": [evento(e) for e in eventi.cronologia_pubblica(s)]}


def privata(request: HttpRequest, s: Segnalazione, attore: Attore) -> dict[str, Any]:
    return {
        **scheda(request, s),
        "cronologia": [evento(e, visibilita=True) for e in eventi.cronologia_del_segnalante(s)],
        "azioni": [t.nome for t in workflow.transizioni_possibili(s, attore)],
    }


def gestione_breve(request: HttpRequest, s: Segnalazione) -> dict[str, Any]:
    return {
        **scheda(request, s),
        "versione": s.versione,
        "pubblica": s.pubblica,
        "ufficio_id": s.ufficio_id,
        "assegnatario": s.assegnatario.username if s.assegnatario else None,
    }


def gestione(request: HttpRequest, s: Segnalazione, attore: Attore) -> dict[str, Any]:
    """The staff view; the reporter's contacts only for those `puo_vedere_contatti` allows."""
    contatti = None
    if puo_vedere_contatti(attore.utente, s):
        contatti = {
            "nome": s.segnalante_nome, "email": s.segnalante_email, "telefono": s.segnalante_telefono,
            "utente": s.segnalante.username if s.segnalante else None,
            "dati_client": {str(k): str(v) for k, v in (s.dati_client or {}).items()},
        }
    # No timeline service covers internal notes yet: staff read every event, oldest first.
    storia = Evento.objects.filter(segnalazione=s).select_related("attore").order_by("creato_il", "id")
    return {
        **gestione_breve(request, s),
        "risposte": s.risposte,
        "contatti": contatti,
        "allegati": [
            {"id": a.pk, "tipo": a.tipo, "nome_originale": a.nome_originale, "content_type": a.content_type,
             "dimensione": a.dimensione, "pubblico": a.pubblico}
            for a in s.allegati.order_by("id")
        ],
        "cronologia": [evento(e, staff=True) for e in storia],
        "transizioni": [
            {"nome": t.nome, "etichetta": str(t.etichetta), "testo_obbligatorio": t.testo_obbligatorio}
            for t in workflow.transizioni_possibili(s, attore)
        ],
    }


def ente(e: Ente) -> dict[str, Any]:
    return {
        "codice_istat": e.codice_istat, "nome": e.nome, "slug": e.slug, "provincia": e.provincia,
        "regione": e.regione, "attivo": e.attivo, "email": e.email, "telefono": e.telefono,
        "sito_web": e.sito_web,
    }


def indirizzo(i: Indirizzo) -> dict[str, Any]:
    return {"testo": i.testo, "lat": i.lat, "lon": i.lon, "cap": i.cap or "", "quartiere": i.quartiere or "",
            "distanza_m": round(i.distanza_m, 1) if i.distanza_m is not None else None}


def geojson(schede: list[dict[str, Any]], successivo: str | None) -> dict[str, Any]:
    """A FeatureCollection (RFC 7946): one Point per report (`schede`), the public facts as properties."""
    features = []
    for proprieta in schede:
        lat, lon = proprieta.pop("lat"), proprieta.pop("lon")
        features.append({
            "type": "Feature", "id": proprieta["codice"],
            # RFC 7946 §3.2: an unlocated feature has a null geometry (the API filters them out for maps).
            "geometry": {"type": "Point", "coordinates": [lon, lat]} if lat is not None and lon is not None else None,
            "properties": proprieta,
        })
    # A foreign member (RFC 7946 §6.1): the cursor of the next page.
    return {"type": "FeatureCollection", "features": features, "cursore_successivo": successivo}
