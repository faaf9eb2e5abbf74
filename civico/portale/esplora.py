"""Exploring an ente's public reports: filters, the paginated list and the clustered map.

The map is clustered on the server by H3. Every report stores its resolution-10 cell; H3 ids are
not prefix-hierarchical, so a coarser cell cannot be had by a SQL prefix. Instead one grouped
query returns (cell, count, mean lat, mean lon) for the reports in the view, and Python folds the
cells into their parents at the resolution the zoom asks for: no model instances, one row per
occupied cell, fast with 100,000 reports.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

import h3
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civico.catalogo.models import Categoria, nella_lingua
from civico.enti.models import Ente
from civico.segnalazioni import consultazione
from civico.segnalazioni.models import Segnalazione
from civico.segnalazioni.workflow import APERTI, RISOLTI
from civico.stati import Stato
from civico.territorio import distanza

PER_PAGINA = 20
# Below this many reports in view the map shows them one by one, whatever the zoom.
MAX_PUNTI = 300
# From this zoom on, single reports (a street, a few blocks): the newest, at most this many.
ZOOM_PUNTI = 17
MAX_PUNTI_VICINO = 1200
MAX_TESTO = 100

PERIODI = {"7": (7, _("Ultimi 7 giorni")), "30": (30, _("Ultimi 30 giorni")), "365": (365, _("Ultimi 12 mesi"))}
GRUPPI_STATO = {
    "aperte": (_("Aperte"), sorted(APERTI)),
    "risolte": (_("Risolte o chiuse"), sorted(RISOLTI)),
}


@dataclass(frozen=True)
class Filtri:
    categoria: str = ""
    stato: str = ""
    periodo: str = ""
    q: str = ""

    def attivi(self) -> bool:
        return any((self.categoria, self.stato, self.periodo, self.q))

    def parametri(self) -> dict[str, str]:
        """The non-empty filters, for links that keep them (pages, tabs)."""
        return {k: v for k, v in self.__dict__.items() if v}


def categorie_pubbliche(ente: Ente) -> list[Categoria]:
    return list(Categoria.objects.filter(ente=ente, pubblica=True).order_by("ordine", "nome"))


def opzioni_stato() -> list[tuple[str, str]]:
    return [(k, str(v[0])) for k, v in GRUPPI_STATO.items()] + [(v, str(e)) for v, e in Stato.choices]


def leggi_filtri(parametri, categorie: list[Categoria]) -> Filtri:
    """The filters of a request, each kept only if it is one of the allowed values."""
    codici = {c.codice for c in categorie}
    categoria = parametri.get("categoria", "")
    stato = parametri.get("stato", "")
    periodo = parametri.get("periodo", "")
    return Filtri(
        categoria=categoria if categoria in codici else "",
        stato=stato if stato in GRUPPI_STATO or stato in Stato.values else "",
        periodo=periodo if periodo in PERIODI else "",
        q=" ".join(parametri.get("q", "").split())[:MAX_TESTO],
    )


def filtra(ente: Ente, filtri: Filtri) -> QuerySet[Segnalazione]:
    """The ente's public reports matching the filters, newest first."""
    qs = consultazione.elenco_pubblico().filter(ente=ente)
    if filtri.categoria:
        qs = qs.filter(categoria__codice=filtri.categoria)
    if filtri.stato in GRUPPI_STATO:
        qs = qs.filter(stato__in=GRUPPI_STATO[filtri.stato][1])
    elif filtri.stato:
        qs = qs.filter(stato=filtri.stato)
    if filtri.periodo:
        qs = qs.filter(creata_il__gte=timezone.now() - timedelta(days=PERIODI[filtri.periodo][0]))
    if filtri.q:
        testo = filtri.q
        qs = qs.filter(
            Q(codice__iexact=testo) | Q(titolo__icontains=testo) | Q(descrizione__icontains=testo)
            | Q(indirizzo__icontains=testo)
        )
    return qs.order_by("-creata_il", "-id")


def pagina(qs: QuerySet[Segnalazione], numero: str | int | None) -> Page:
    return Paginator(qs, PER_PAGINA).get_page(numero)


@dataclass(frozen=True)
class Conteggi:
    """How many results, and how many of them the map can show: reports imported without a place
    are in the list and the figures, never on the map, and the page says so."""

    totale: int
    sulla_mappa: int

    @property
    def senza_posizione(self) -> int:
        return self.totale - self.sulla_mappa


def conteggi(qs: QuerySet[Segnalazione], totale: int | None = None) -> Conteggi:
    """`totale`: the count already made (the paginator's), so it is not asked twice."""
    totale = qs.count() if totale is None else totale
    return Conteggi(totale, qs.filter(lat__isnull=False, lon__isnull=False).count() if totale else 0)


# --- The map --------------------------------------------------------------------------------


def leggi_bbox(testo: str) -> tuple[float, float, float, float] | None:
    """"west,south,east,north" (Leaflet's toBBoxString) → the four numbers, or None if invalid."""
    try:
        ovest, sud, est, nord = (float(v) for v in (testo or "").split(","))
    except ValueError:
        return None
    valori = (ovest, sud, est, nord)
    if not all(math.isfinite(v) for v in valori):
        return None
    if not (-180 <= ovest < est <= 180 and -90 <= sud < nord <= 90):
        return None
    return valori


def risoluzione(zoom: int) -> int | None:
    """The H3 resolution whose cells are a few dozen pixels wide at this zoom; None: single
    reports. At zoom 12 a resolution-6 cell (≈3 km) is ≈100 px; each zoom level halves it."""
    if zoom >= ZOOM_PUNTI:
        return None
    return max(0, min(settings.CIVICO.get("H3_RESOLUTION", 10), zoom - 6))


def mappa(qs: QuerySet[Segnalazione], bbox: tuple[float, float, float, float], zoom: int) -> dict:
    """Clusters (centroid and count) or single reports in the box, for the map's JSON."""
    ovest, sud, est, nord = bbox
    nel_riquadro = qs.filter(distanza.nel_riquadro(ovest, sud, est, nord))
    res = risoluzione(zoom)
    if res is None:
        punti = _punti(nel_riquadro)
        return {"tipo": "punti", "totale": len(punti), "punti": punti, "troncato": len(punti) == MAX_PUNTI_VICINO}
    righe = list(
        nel_riquadro.order_by().values_list("cella_h3").annotate(n=Count("id"), lat=Avg("lat"), lon=Avg("lon"))
    )
    totale = sum(r[1] for r in righe)
    if totale <= MAX_PUNTI:
        return {"tipo": "punti", "totale": totale, "punti": _punti(nel_riquadro)}
    return {"tipo": "gruppi", "totale": totale, "risoluzione": res, "gruppi": raggruppa(righe, res)}


def raggruppa(righe: list[tuple[str, int, float, float]], res: int) -> list[dict]:
    """Fold (cell, count, mean lat, mean lon) rows into parent cells: count-weighted centroids."""
    somme: dict[str, list[float]] = {}
    genitori: dict[str, str] = {}
    for cella, n, lat, lon in righe:
        genitore = genitori.get(cella)
        if genitore is None:
            genitore = genitori[cella] = _genitore(cella, res)
        s = somme.get(genitore)
        if s is None:
            somme[genitore] = [n, lat * n, lon * n]
        else:
            s[0] += n
            s[1] += lat * n
            s[2] += lon * n
    return [
        {"cella": c, "n": int(n), "lat": round(la / n, 6), "lon": round(lo / n, 6)}
        for c, (n, la, lo) in sorted(somme.items(), key=lambda kv: -kv[1][0])
    ]


def _genitore(cella: str, res: int) -> str:
    try:
        return cella if h3.get_resolution(cella) <= res else h3.cell_to_parent(cella, res)
    except (ValueError, h3.H3BaseException):  # a malformed cell still counts, on its own (h3 4.x)
        return cella


def _punti(qs: QuerySet[Segnalazione]) -> list[dict]:
    etichette = dict(Stato.choices)
    righe = qs.order_by("-creata_il").values_list(
        "codice", "titolo", "stato", "lat", "lon", "categoria__nome", "categoria__nome_en"
    )[:MAX_PUNTI_VICINO]
    return [
        {"codice": c, "titolo": t, "stato": s, "stato_etichetta": str(etichette.get(s, s)),
         "categoria": nella_lingua(cat or "", cat_en or ""), "lat": round(la, 6), "lon": round(lo, 6)}
        for c, t, s, la, lo, cat, cat_en in righe
    ]
