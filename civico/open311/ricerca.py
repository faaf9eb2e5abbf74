"""The reads behind Open311: public reports, public events and the catalogue of one ente.

Every report comes from `consultazione.elenco_pubblico()`, narrowed by the client's filters and
read as `consultazione.righe`: the plain columns the public card reads (the ente's boundary, a
large JSON, and the reporter's data are never loaded), without a model instance per row.
"""

from __future__ import annotations

import math
import uuid

from django.db.models import Exists, ExpressionWrapper, F, FloatField, OuterRef, Q, QuerySet, TextField, Value
from django.db.models.functions import Cast

from civico.catalogo.models import Categoria, Domanda
from civico.enti.models import Ente
from civico.open311.parametri import Cerchio, FiltriRichieste, Intervallo, Pagina, Riquadro
from civico.segnalazioni import consultazione
from civico.segnalazioni.consultazione import Riga
from civico.segnalazioni.models import Evento, Segnalazione, TipoEvento, Visibilita, condizione_pubblica
from civico.segnalazioni.workflow import APERTI
from civico.stati import Stato

METRI_PER_GRADO = 6_371_008.8 * math.pi / 180  # mean Earth radius
# A public event as a timeline entry reads it, the database's row as it comes: segnalazione_id,
# creato_il and dati as text (see `cronologie`), tipo, stato_a, transizione, testo.
Voce = tuple[int, str, str, str, str, str, str]


def segnalazioni(ente: Ente) -> QuerySet[Segnalazione]:
    """Public reports of one ente."""
    return consultazione.elenco_pubblico().filter(ente=ente)


def richieste(ente: Ente, f: FiltriRichieste) -> list[Riga]:
    """The page of public reports the filters select, newest first, ready for `consultazione.Schede`."""
    return consultazione.righe(selezione(ente, f))


def cronologie(righe: list[Riga]) -> dict[int, tuple[Voce, ...]]:
    """The public timeline of each report (what `eventi.cronologia_pubblica` reads), in one query,
    as the rows come: `creato_il` and `dati` as text, written by `Orari.testo` and read by
    `eventi.Descrizioni.di_json`. No datetime, dict or tuple of our own per event (5,000 for 1,000
    reports): rows of plain values the garbage collector stops tracking at its first look, so a
    list's timelines no longer pile up in its oldest generation and bring on a full collection
    (~100 ms) every few requests."""
    per_segnalazione: dict[int, list[Voce]] = {r["id"]: [] for r in righe}
    if not per_segnalazione:
        return {}
    pubblici = (
        Evento.objects.filter(consultazione.UnoDi("segnalazione_id", list(per_segnalazione)),
                              visibilita=Visibilita.PUBBLICA)
        .order_by("creato_il", "id")
        .values_list("segnalazione_id", Cast("creato_il", TextField()), "tipo", "stato_a", "transizione", "testo",
                     Cast("dati", TextField()))
    )
    for voce in pubblici:
        per_segnalazione[voce[0]].append(voce)
    return {segnalazione_id: tuple(voci) for segnalazione_id, voci in per_segnalazione.items()}


def selezione(ente: Ente, f: FiltriRichieste) -> QuerySet[Segnalazione]:
    qs = segnalazioni(ente)
    if f.codici:
        qs = qs.filter(codice__in=f.codici)
    else:
        qs = _per_data(qs, "creata_il", f.creazione)
        qs = _per_data(qs, "aggiornata_il", f.aggiornamento)
        if f.servizi:
            qs = qs.filter(categoria__codice__in=f.servizi)
        if f.stati == {"open"}:
            qs = qs.filter(stato__in=APERTI)
        elif f.stati == {"closed"}:
            qs = qs.exclude(stato__in=APERTI)
        if f.cerchio:
            qs = _nel_cerchio(qs, f.cerchio)
        if f.riquadro:
            qs = _nel_riquadro(qs, f.riquadro)
    return _pagina(qs.order_by("-creata_il", "-id"), f.pagina)


def richiesta(ente: Ente, codice: str) -> Riga | None:
    righe = consultazione.righe(segnalazioni(ente).filter(codice=codice.strip().upper())[:1])
    return righe[0] if righe else None


def codice_per_token(ente: Ente, token: str) -> str | None:
    """The tracking code of the report whose public `uuid` the POST answered as its token."""
    try:
        valore = uuid.UUID(token)
    except ValueError:
        return None
    return Segnalazione.objects.filter(ente=ente, uuid=valore).values_list("codice", flat=True).first()


def categorie(ente: Ente) -> QuerySet[Categoria]:
    """Active categories (Open311 services), each marked with whether it has questions."""
    return (
        Categoria.objects.filter(ente=ente, attiva=True)
        .annotate(ha_domande=Exists(Domanda.objects.filter(categoria=OuterRef("pk"))))
        .order_by("ordine", "nome")
    )


def aggiornamenti(ente: Ente, finestra: Intervallo, pagina: Pagina) -> list[Evento]:
    """Public events of public reports in the window, oldest first (the updates feed)."""
    qs = (
        Evento.objects.filter(
            condizione_pubblica("segnalazione__", ente=ente), ente=ente, visibilita=Visibilita.PUBBLICA
        )
        .select_related("segnalazione")
        .only("tipo", "stato_a", "transizione", "testo", "dati", "creato_il", "segnalazione__codice")
        .order_by("creato_il", "id")
    )
    return list(_pagina(_per_data(qs, "creato_il", finestra), pagina))


def stati_prima(eventi: list[Evento]) -> dict[int, str]:
    """Each report's state just before the first of `eventi` (the feed starts mid-history)."""
    if not eventi:
        return {}
    primo = eventi[0]  # the page is ordered by (creato_il, id)
    stati = {e.segnalazione_id: Stato.SUBMITTED.value for e in eventi}
    prima = Q(creato_il__lt=primo.creato_il) | Q(creato_il=primo.creato_il, id__lt=primo.pk)
    righe = (
        Evento.objects.filter(prima, segnalazione_id__in=stati, tipo=TipoEvento.STATE_CHANGED)
        .order_by("creato_il", "id")
        .values_list("segnalazione_id", "stato_a")
    )
    for segnalazione_id, stato in righe:
        stati[segnalazione_id] = stato
    return stati


def _per_data(qs: QuerySet, campo: str, intervallo: Intervallo) -> QuerySet:
    if intervallo.inizio:
        qs = qs.filter(**{f"{campo}__gte": intervallo.inizio})
    if intervallo.fine:
        qs = qs.filter(**{f"{campo}__lte": intervallo.fine})
    return qs


def _pagina(qs: QuerySet, pagina: Pagina) -> QuerySet:
    return qs[pagina.inizio: pagina.inizio + pagina.dimensione]


def _nel_cerchio(qs: QuerySet[Segnalazione], c: Cerchio) -> QuerySet[Segnalazione]:
    """Within `raggio_m` metres: a bounding box, then the equirectangular distance (plain
    arithmetic, so SQLite and PostgreSQL agree; under 0.1 % off within 50 km)."""
    m_lat = METRI_PER_GRADO
    m_lon = max(METRI_PER_GRADO * math.cos(math.radians(c.lat)), 1.0)
    d_lat, d_lon = c.raggio_m / m_lat, c.raggio_m / m_lon
    qs = qs.filter(lat__range=(c.lat - d_lat, c.lat + d_lat), lon__range=(c.lon - d_lon, c.lon + d_lon))
    nord = (F("lat") - Value(c.lat)) * Value(m_lat)
    est = (F("lon") - Value(c.lon)) * Value(m_lon)
    distanza2 = ExpressionWrapper(nord * nord + est * est, output_field=FloatField())
    return qs.alias(distanza2=distanza2).filter(distanza2__lte=c.raggio_m**2)


def _nel_riquadro(qs: QuerySet[Segnalazione], r: Riquadro) -> QuerySet[Segnalazione]:
    return qs.filter(lat__range=(r.min_lat, r.max_lat), lon__range=(r.min_lon, r.max_lon))
