"""Open data: the public reports as CSV, JSON and GeoJSON, their dictionary and DCAT-AP_IT metadata.

Each record is built from `consultazione.scheda_pubblica`, the one public representation: what it
leaves out (the reporter's name, e-mail and phone, the private token, internal notes) cannot
reach a download. Files are streamed in chunks, so a ten-year period costs constant memory.
Licence: CC BY 4.0, stated in every file that can carry it and in the HTTP `Link` header.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from civico.analisi.filtri import Filtri
from civico.core import tabelle
from civico.enti.models import Ente
from civico.segnalazioni import consultazione
from civico.segnalazioni.models import Segnalazione

LICENZA_URL = "https://creativecommons.org/licenses/by/4.0/"
LICENZA_NOME = "CC BY 4.0"
BLOCCO = 1000
FORMATI = {
    "csv": tabelle.CONTENT_TYPE_CSV,
    "json": "application/json",
    "geojson": "application/geo+json",
}

# The data dictionary: one entry per column, in file order. The dictionary page, the CSV header
# and docs/dati-aperti.md all follow this list.
COLONNE: list[tuple[str, str, Any]] = [
    ("codice", "testo", _("Codice di tracciamento, unico (es. AL-2026-000123).")),
    ("uuid", "testo", _("Identificativo opaco e permanente della segnalazione.")),
    ("ente_codice_istat", "testo", _("Codice ISTAT del comune (6 cifre).")),
    ("ente_nome", "testo", _("Nome del comune.")),
    ("categoria_codice", "testo", _("Codice della categoria (servizio Open311).")),
    ("categoria_nome", "testo", _("Nome della categoria.")),
    ("ufficio", "testo", _("Ufficio incaricato; vuoto se non ancora assegnata.")),
    ("stato", "testo", _(
        "Stato: submitted, accepted, in_progress, resolved, closed, rejected, duplicate, withdrawn, reopened."
    )),
    ("stato_etichetta", "testo", _("Lo stato in parole.")),
    ("stato_open311", "testo", _("Stato secondo Open311 GeoReport v2: open o closed.")),
    ("priorita", "testo", _("Priorità: bassa, normale, alta, urgente.")),
    ("titolo", "testo", _("Titolo scritto dal segnalante.")),
    ("descrizione", "testo", _("Descrizione scritta dal segnalante, con le eventuali correzioni della redazione.")),
    ("lat", "numero", _("Latitudine WGS84; vuota per le segnalazioni importate senza posizione.")),
    ("lon", "numero", _("Longitudine WGS84; vuota come sopra.")),
    ("indirizzo", "testo", _("Indirizzo più vicino al punto.")),
    ("cap", "testo", _("Codice di avviamento postale.")),
    ("canale", "testo", _("Canale di arrivo: web, app, open311, api, email, sms, phone, post, counter.")),
    ("creata_il", "data e ora", _("Quando è arrivata (ISO 8601 con fuso orario).")),
    ("aggiornata_il", "data e ora", _("Ultimo cambiamento.")),
    ("chiusa_il", "data e ora", _("Quando è uscita dagli stati aperti; vuota se ancora aperta.")),
    ("scadenza", "data", _("Data prevista di risoluzione (tempi del servizio).")),
    ("nota_pubblica", "testo", _("L'ultima risposta pubblica dell'ufficio.")),
    ("duplicato_di", "testo", _("Codice della segnalazione di cui è un doppione, se lo è.")),
    ("foto", "elenco di URL", _("Indirizzi delle foto pubbliche (nel CSV separati da spazio).")),
    ("url", "URL", _("Pagina pubblica della segnalazione.")),
]
NOMI_COLONNE = [c[0] for c in COLONNE]


def segnalazioni(ente: Ente, filtri: Filtri) -> QuerySet[Segnalazione]:
    """The public reports of the comune created in the period, oldest first."""
    qs = consultazione.elenco_pubblico().filter(
        ente=ente, creata_il__gte=filtri.inizio, creata_il__lt=filtri.fine
    )
    if filtri.categoria:
        qs = qs.filter(categoria__codice=filtri.categoria)
    return qs.order_by("creata_il", "pk")


def record(s: Segnalazione, base_url: str) -> dict[str, Any]:
    """One open-data record: the public representation, flattened."""
    scheda = consultazione.scheda_pubblica(s, base_url)
    return {
        "codice": scheda["codice"],
        "uuid": scheda["uuid"],
        "ente_codice_istat": scheda["ente"]["codice_istat"],
        "ente_nome": scheda["ente"]["nome"],
        "categoria_codice": scheda["categoria"]["codice"],
        "categoria_nome": scheda["categoria"]["nome"],
        "ufficio": scheda["ufficio"],
        "stato": scheda["stato"],
        "stato_etichetta": scheda["stato_etichetta"],
        "stato_open311": scheda["stato_open311"],
        "priorita": scheda["priorita"],
        "titolo": scheda["titolo"],
        "descrizione": scheda["descrizione"],
        "lat": scheda["lat"],
        "lon": scheda["lon"],
        "indirizzo": scheda["indirizzo"],
        "cap": scheda["cap"],
        "canale": scheda["canale"],
        "creata_il": consultazione.iso(scheda["creata_il"]),
        "aggiornata_il": consultazione.iso(scheda["aggiornata_il"]),
        # Not in the public card (pages show the timeline instead); a statistic, not personal data.
        "chiusa_il": consultazione.iso(s.chiusa_il),
        "scadenza": consultazione.iso(scheda["scadenza"]),
        "nota_pubblica": scheda["nota_pubblica"],
        "duplicato_di": scheda["duplicato_di"],
        "foto": [f["url"] for f in scheda["foto"]],
        "url": scheda["url"],
    }


def _righe(qs: QuerySet[Segnalazione], base_url: str) -> Iterator[dict[str, Any]]:
    for s in qs.iterator(chunk_size=BLOCCO):
        yield record(s, base_url)


def csv_a_blocchi(qs: QuerySet[Segnalazione], base_url: str) -> Iterator[str]:
    """The CSV through the product's one table writer: a title like `=HYPERLINK(…)` arrives as
    text (`'=HYPERLINK(…)`), coordinates stay numbers."""
    righe = ([r[c] if c != "foto" else " ".join(r["foto"]) for c in NOMI_COLONNE] for r in _righe(qs, base_url))
    return tabelle.csv_righe(NOMI_COLONNE, righe)


def _intestazione(ente: Ente, filtri: Filtri) -> dict[str, Any]:
    return {
        "licenza": {"nome": LICENZA_NOME, "url": LICENZA_URL},
        "attribuzione": f"Comune di {ente.nome} · Civico",
        "ente": {"nome": ente.nome, "codice_istat": ente.codice_istat},
        "periodo": {"dal": filtri.dal.isoformat(), "al": filtri.al.isoformat()},
        "categoria": filtri.categoria or None,
    }


def _json(valore: Any) -> str:
    return json.dumps(valore, cls=DjangoJSONEncoder, ensure_ascii=False)


def json_a_blocchi(qs: QuerySet[Segnalazione], base_url: str, ente: Ente, filtri: Filtri) -> Iterator[str]:
    testa = _json(_intestazione(ente, filtri))
    yield testa[:-1] + ', "segnalazioni": ['
    for i, r in enumerate(_righe(qs, base_url)):
        yield ("," if i else "") + "\n" + _json(r)
    yield "\n]}\n"


def geojson_a_blocchi(qs: QuerySet[Segnalazione], base_url: str, ente: Ente, filtri: Filtri) -> Iterator[str]:
    testa = {"type": "FeatureCollection", **_intestazione(ente, filtri)}
    yield _json(testa)[:-1] + ', "features": ['
    for i, r in enumerate(_righe(qs, base_url)):
        geometria = {"type": "Point", "coordinates": [r["lon"], r["lat"]]} if r["lat"] is not None else None
        proprieta = {k: v for k, v in r.items() if k not in ("lat", "lon")}
        yield ("," if i else "") + "\n" + _json({"type": "Feature", "id": r["codice"], "geometry": geometria,
                                                 "properties": proprieta})
    yield "\n]}\n"


def nome_file(ente: Ente, filtri: Filtri, formato: str) -> str:
    return f"segnalazioni-{ente.slug}-{filtri.dal:%Y%m%d}-{filtri.al:%Y%m%d}.{formato}"

