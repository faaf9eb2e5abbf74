"""Reading the query parameters of GET requests and of the updates feed, with clear 400s.

The spec: an empty parameter is the same as a missing one; lists are comma-separated and may also
be repeated; datetimes are W3C (ISO 8601 with an offset); the default and largest date window is
90 days; at most 1,000 requests unless the client pages (our extension).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import QueryDict
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from civico.open311.risposte import Errore
from civico.testo import memorizzabile

FINESTRA_MASSIMA = timedelta(days=90)
LIMITE_PREDEFINITO = 1000  # the spec's "first 1000 requests"
PAGINA_MASSIMA = 500  # largest page_size a client may ask for
MAX_PAGINA = 100_000
MAX_VOCI_ELENCO = 1000
RAGGIO_MASSIMO_M = 50_000
STATI = ("open", "closed")


@dataclass(frozen=True)
class Intervallo:
    """A closed interval of datetimes; either end may be open (None)."""

    inizio: datetime | None = None
    fine: datetime | None = None


@dataclass(frozen=True)
class Cerchio:
    lat: float
    lon: float
    raggio_m: float


@dataclass(frozen=True)
class Riquadro:
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float


@dataclass(frozen=True)
class Pagina:
    numero: int
    dimensione: int

    @property
    def inizio(self) -> int:
        return (self.numero - 1) * self.dimensione


@dataclass(frozen=True)
class FiltriRichieste:
    codici: list[str]  # service_request_id: when given, every other filter is ignored
    servizi: list[str]
    stati: frozenset[str]
    creazione: Intervallo
    aggiornamento: Intervallo
    cerchio: Cerchio | None
    riquadro: Riquadro | None
    pagina: Pagina
    estensioni: bool


def filtri_richieste(q: QueryDict, adesso: datetime) -> FiltriRichieste:
    pagina = pagina_richiesta(q)
    estensioni = valore(q, "extensions").lower() in ("true", "1")
    codici = elenco(q, "service_request_id")
    if codici:
        return FiltriRichieste(
            codici=[c.upper() for c in codici], servizi=[], stati=frozenset(STATI), creazione=Intervallo(),
            aggiornamento=Intervallo(), cerchio=None, riquadro=None, pagina=pagina, estensioni=estensioni,
        )
    stati = frozenset(elenco(q, "status")) or frozenset(STATI)
    if not stati <= set(STATI):
        raise Errore(400, _("status: valori ammessi open e closed (anche entrambi, separati da virgola)."))
    inizio, fine = data(q, "start_date"), data(q, "end_date", fine_giornata=True)
    dopo, prima = data(q, "updated_after"), data(q, "updated_before", fine_giornata=True)
    if dopo or prima:
        # Sync clients ask "what changed since…": the 90-day window is then on updated_datetime,
        # and on requested_datetime only if they also gave start_date/end_date.
        aggiornamento = finestra(dopo, prima, adesso, "updated_after", "updated_before")
        creazione = finestra(inizio, fine, adesso, "start_date", "end_date") if inizio or fine else Intervallo()
    else:
        aggiornamento = Intervallo()
        creazione = finestra(inizio, fine, adesso, "start_date", "end_date")
    return FiltriRichieste(
        codici=[], servizi=elenco(q, "service_code"), stati=stati, creazione=creazione,
        aggiornamento=aggiornamento, cerchio=cerchio(q), riquadro=riquadro(q), pagina=pagina,
        estensioni=estensioni,
    )


def valore(q: QueryDict, nome: str) -> str:
    """One parameter, trimmed ("" when missing). NUL can reach no query: PostgreSQL refuses it."""
    testo = ",".join(v for v in q.getlist(nome) if v.strip()).strip()
    if not memorizzabile(testo):
        raise Errore(400, _("%(nome)s: contiene caratteri non ammessi.") % {"nome": nome})
    return testo


def elenco(q: QueryDict, nome: str) -> list[str]:
    voci = [v.strip() for v in valore(q, nome).split(",") if v.strip()]
    if len(voci) > MAX_VOCI_ELENCO:
        raise Errore(400, _("%(nome)s: al massimo %(n)d valori.") % {"nome": nome, "n": MAX_VOCI_ELENCO})
    return list(dict.fromkeys(voci))


def data(q: QueryDict, nome: str, *, fine_giornata: bool = False) -> datetime | None:
    """A W3C datetime (an offset is expected; without one, Italian time is meant). A bare date
    is the start of that day, or its end for the closing bound of an interval."""
    testo = valore(q, nome)
    if not testo:
        return None
    try:
        giorno = parse_date(testo) if len(testo) == 10 else None
        quando = _giorno(giorno, fine_giornata) if giorno else parse_datetime(testo)
    except (ValueError, OverflowError):
        quando = None
    if quando is None:
        raise Errore(400, _("%(nome)s: «%(valore)s» non è una data W3C valida (es. 2026-05-04T09:30:00+02:00).")
                     % {"nome": nome, "valore": testo[:40]})
    if quando.tzinfo is None:
        quando = quando.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    try:
        return quando.astimezone(UTC)
    except (ValueError, OverflowError):
        raise Errore(400, _("%(nome)s: data fuori dall'intervallo ammesso.") % {"nome": nome}) from None


def _giorno(giorno: date, fine_giornata: bool) -> datetime:
    if fine_giornata:
        return datetime.combine(giorno, time.max)
    return datetime.combine(giorno, time.min)


def finestra(inizio: datetime | None, fine: datetime | None, adesso: datetime, nome_inizio: str,
             nome_fine: str) -> Intervallo:
    """At most 90 days; a missing end is 90 days from the other (both missing: the last 90 days)."""
    try:
        if inizio is None and fine is None:
            inizio, fine = adesso - FINESTRA_MASSIMA, adesso
        elif inizio is None:
            assert fine is not None
            inizio = fine - FINESTRA_MASSIMA
        elif fine is None:
            fine = inizio + FINESTRA_MASSIMA
    except OverflowError:
        raise Errore(400, _("%(a)s/%(b)s: date fuori dall'intervallo ammesso.")
                     % {"a": nome_inizio, "b": nome_fine}) from None
    if fine < inizio:
        raise Errore(400, _("%(b)s precede %(a)s.") % {"a": nome_inizio, "b": nome_fine})
    if fine - inizio > FINESTRA_MASSIMA:
        raise Errore(400, _("Tra %(a)s e %(b)s ci sono più di 90 giorni: restringi l'intervallo.")
                     % {"a": nome_inizio, "b": nome_fine})
    return Intervallo(inizio, fine)


def pagina_richiesta(q: QueryDict) -> Pagina:
    """`page` (from 1) and `page_size` (1–500); without them, the spec's first 1,000."""
    numero = intero(q, "page", 1, MAX_PAGINA) or 1
    dimensione = intero(q, "page_size", 1, PAGINA_MASSIMA) or LIMITE_PREDEFINITO
    return Pagina(numero, dimensione)


def intero(q: QueryDict, nome: str, minimo: int, massimo: int) -> int | None:
    testo = valore(q, nome)
    if not testo:
        return None
    try:
        n = int(testo)
    except ValueError:
        n = None
    if n is None or not minimo <= n <= massimo:
        raise Errore(400, _("%(nome)s: serve un numero intero da %(min)d a %(max)d.")
                     % {"nome": nome, "min": minimo, "max": massimo})
    return n


def numero(q: QueryDict, nome: str, minimo: float, massimo: float) -> float | None:
    testo = valore(q, nome)
    if not testo:
        return None
    return _numero(testo, nome, minimo, massimo)


def _numero(testo: str, nome: str, minimo: float, massimo: float) -> float:
    try:
        n = float(testo)
    except ValueError:
        n = math.nan
    if not (math.isfinite(n) and minimo <= n <= massimo):
        raise Errore(400, _("%(nome)s: serve un numero da %(min)s a %(max)s.")
                     % {"nome": nome, "min": f"{minimo:g}", "max": f"{massimo:g}"})
    return n


def cerchio(q: QueryDict) -> Cerchio | None:
    """`lat` + `long` + `radius` (metres): the requests within that distance."""
    lat, lon = numero(q, "lat", -90, 90), numero(q, "long", -180, 180)
    raggio = numero(q, "radius", 0, RAGGIO_MASSIMO_M)
    dati = {"lat": lat, "long": lon, "radius": raggio}
    if all(v is None for v in dati.values()):
        return None
    mancanti = [k for k, v in dati.items() if v is None]
    if mancanti:
        raise Errore(400, _("Per cercare intorno a un punto servono lat, long e radius (in metri); manca %(m)s.")
                     % {"m": ", ".join(mancanti)})
    assert lat is not None and lon is not None and raggio is not None
    if raggio <= 0:
        raise Errore(400, _("radius: serve un numero di metri maggiore di zero."))
    return Cerchio(lat, lon, raggio)


def riquadro(q: QueryDict) -> Riquadro | None:
    """`bbox=min_lon,min_lat,max_lon,max_lat` (WGS84)."""
    testo = valore(q, "bbox")
    if not testo:
        return None
    parti = testo.split(",")
    if len(parti) != 4:
        raise Errore(400, _("bbox: servono quattro numeri, min_lon,min_lat,max_lon,max_lat."))
    min_lon, max_lon = (_numero(parti[i].strip(), "bbox", -180, 180) for i in (0, 2))
    min_lat, max_lat = (_numero(parti[i].strip(), "bbox", -90, 90) for i in (1, 3))
    if min_lon > max_lon or min_lat > max_lat:
        raise Errore(400, _("bbox: i minimi devono precedere i massimi (min_lon,min_lat,max_lon,max_lat)."))
    return Riquadro(min_lon, min_lat, max_lon, max_lat)


def finestra_aggiornamenti(q: QueryDict, adesso: datetime) -> Intervallo:
    """The servicerequestupdates feed's window: start_date/end_date, as for requests."""
    return finestra(data(q, "start_date"), data(q, "end_date", fine_giornata=True), adesso,
                    "start_date", "end_date")
