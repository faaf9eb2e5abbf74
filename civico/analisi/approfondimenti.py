"""Staff insight: hotspots, problems that come back after a repair, the weekly intake and its
forecast, each office's workload and lateness. What work orders cost is in `costi.py`.

Every function takes the reports the person may see (`visibili`, built with
`Segnalazione.objects.visibili_a`) and never widens them. Counting happens in the database; only the
small grouped results are shaped in Python.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, F, Max, Min, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone

from civico.analisi import previsione as P
from civico.analisi import zone
from civico.catalogo.models import Categoria
from civico.enti.models import Ente
from civico.segnalazioni import sla
from civico.segnalazioni.models import Segnalazione
from civico.segnalazioni.workflow import APERTI, DOPPI_O_ANNULLATI, RISOLTI

SETTIMANE_STORIA = 104
SETTIMANE_PREVISIONE = 8


@dataclass
class Hotspot:
    """Reports of one category within about `zone.RAGGIO_M` of each other: one place for a crew."""

    categoria_id: int
    categoria: str
    segnalazioni: list[int]  # their ids, for the drill-down and the one-click work order
    n: int
    aperte: int
    ultima: Any
    nome: str  # its streets and quartiere
    lat: float
    lon: float
    raggio_m: float

    @property
    def chiave(self) -> str:
        """The reports behind the figure, as the drill-down page reads them (`?ids=`)."""
        return ",".join(str(pk) for pk in self.segnalazioni)

    # The earlier pages and tests called the place `indirizzo`.
    @property
    def indirizzo(self) -> str:
        return self.nome


MAX_PUNTI_HOTSPOT = 50_000  # a comune's six months; beyond that the newest are clustered


def _nomi_categorie(ids: set[int]) -> dict[int, str]:
    return dict(Categoria.objects.filter(pk__in=ids).values_list("pk", "nome"))


def hotspot(
    visibili: QuerySet[Segnalazione], *, mesi: int = 6, minimo: int = 3, limite: int = 50,
    raggio_m: float = zone.RAGGIO_M, ente: Ente | None = None,
) -> list[Hotspot]:
    """Places where at least `minimo` reports of the same category came within `raggio_m` metres
    of each other in the last `mesi` months (DBSCAN on the sphere), named by their streets."""
    dal = timezone.now() - timedelta(days=round(mesi * 30.44))
    righe = list(
        visibili.filter(creata_il__gte=dal, lat__isnull=False, lon__isnull=False)
        .exclude(stato__in=DOPPI_O_ANNULLATI)
        .order_by("-creata_il")
        .values_list("pk", "lat", "lon", "categoria_id", "stato", "creata_il", "indirizzo", "ente_id")
        [:MAX_PUNTI_HOTSPOT]
    )
    per_categoria: dict[int, list[tuple]] = defaultdict(list)
    for riga in righe:
        per_categoria[riga[3]].append(riga)
    nomi = _nomi_categorie(set(per_categoria))
    if ente is None and righe:
        ente = Ente.objects.filter(pk=righe[0][7]).defer("confine").first()
    risultato = []
    for categoria_id, elenco in per_categoria.items():
        dati = {r[0]: r for r in elenco}
        punti = [zone.Punto(r[0], float(r[1]), float(r[2])) for r in elenco]
        for gruppo in zone.raggruppa(punti, minimo=minimo, raggio_m=raggio_m):
            membri = [dati[p.pk] for p in gruppo]
            lat, lon = zone.centro(gruppo)
            risultato.append(Hotspot(
                categoria_id=categoria_id, categoria=nomi.get(categoria_id, "?"),
                segnalazioni=sorted(p.pk for p in gruppo), n=len(gruppo),
                aperte=sum(1 for m in membri if m[4] in APERTI), ultima=max(m[5] for m in membri),
                nome="", lat=lat, lon=lon, raggio_m=round(zone.raggio(gruppo)),
            ))
    risultato.sort(key=lambda h: (-h.n, -h.aperte, h.categoria, h.segnalazioni[0]))
    risultato = risultato[:limite]
    for h in risultato:  # naming costs a query per point: only for what is shown
        dentro = set(h.segnalazioni)
        membri = [d for d in righe if d[0] in dentro]
        h.nome = zone.nome_luogo(ente, [(float(m[1]), float(m[2])) for m in membri], [m[6] for m in membri])
    return risultato


def aperte_nel_hotspot(visibili: QuerySet[Segnalazione], ids: list[int], categoria_id: int) -> QuerySet[Segnalazione]:
    return visibili.filter(pk__in=ids, categoria_id=categoria_id, stato__in=APERTI)


def ricorrenti(
    visibili: QuerySet[Segnalazione], *, mesi: int = 12, limite: int = 50, ente: Ente | None = None
) -> list[dict[str, Any]]:
    """Places (stored H3 cell and category) where a report came in after an earlier one there
    had been resolved: the repair did not last, or the cause was not removed."""
    dal = timezone.now() - timedelta(days=round(mesi * 30.44))
    righe = (
        visibili.filter(creata_il__gte=dal, lat__isnull=False).exclude(cella_h3="")
        .exclude(stato__in=DOPPI_O_ANNULLATI).order_by()
        .values("cella_h3", "categoria_id")
        .annotate(
            n=Count("pk"), prima_risoluzione=Min("chiusa_il", filter=Q(stato__in=RISOLTI)),
            ultima=Max("creata_il"), indirizzo=Max("indirizzo"), lat=Max("lat"), lon=Max("lon"),
        )
        .filter(n__gte=2, prima_risoluzione__isnull=False, ultima__gt=F("prima_risoluzione"))
        .order_by("-n", "-ultima")[:limite]
    )
    righe = list(righe)
    nomi = _nomi_categorie({r["categoria_id"] for r in righe})
    return [
        {**r, "categoria": nomi.get(r["categoria_id"], "?"),
         "nome": zone.nome_luogo(ente, [(float(r["lat"]), float(r["lon"]))], [r["indirizzo"]])}
        for r in righe
    ]


# --- Weekly intake: trend and a seasonal forecast -----------------------------------------------


def _lunedi(giorno: date) -> date:
    return giorno - timedelta(days=giorno.weekday())


def settimanale(visibili: QuerySet[Segnalazione], categoria_id: int | None, *, settimane: int = SETTIMANE_STORIA,
                oggi: date | None = None) -> list[tuple[date, int]]:
    """Reports received per week (Monday), at most the last `settimane` complete weeks, zeros
    included, from the week of the comune's first report on: weeks before it are not history (a
    comune that joined ten weeks ago has ten weeks, not 94 zeros and ten)."""
    oggi = oggi or timezone.localdate()
    fine = _lunedi(oggi)  # the current week is incomplete: left out
    inizio = fine - timedelta(weeks=settimane)
    prima = visibili.order_by().aggregate(prima=Min("creata_il"))["prima"]
    if prima is None:
        return []
    inizio = max(inizio, _lunedi(timezone.localtime(prima).date()))
    qs = visibili.filter(creata_il__date__gte=inizio, creata_il__date__lt=fine).order_by()
    if categoria_id:
        qs = qs.filter(categoria_id=categoria_id)
    conti: dict[date, int] = defaultdict(int)
    for settimana, n in qs.annotate(s=TruncWeek("creata_il")).values("s").annotate(n=Count("pk")).values_list("s", "n"):
        conti[settimana.date() if hasattr(settimana, "date") else settimana] += n
    quante = max((fine - inizio).days // 7, 0)
    return [(inizio + timedelta(weeks=i), conti.get(inizio + timedelta(weeks=i), 0)) for i in range(quante)]


def previsione(storia: list[tuple[date, int]], *, settimane: int = SETTIMANE_PREVISIONE) -> dict[str, Any]:
    """The next weeks' intake by the method that forecast this history's own last weeks best
    (see `previsione.py`), with its back-test error and the baseline's; plus the trend."""
    ultima = _lunedi(timezone.localdate()) - timedelta(weeks=1)
    risultato = P.prevedi(storia, settimane=settimane, ultima=ultima)
    # Trend: least-squares slope over the history, in reports per week per week.
    risultato["pendenza"] = round(_pendenza([n for _, n in storia]), 3)
    return risultato


def _pendenza(valori: list[int]) -> float:
    n = len(valori)
    if n < 2:
        return 0.0
    media_x, media_y = (n - 1) / 2, sum(valori) / n
    num = sum((i - media_x) * (v - media_y) for i, v in enumerate(valori))
    den = sum((i - media_x) ** 2 for i in range(n))
    return num / den if den else 0.0


# --- Offices ------------------------------------------------------------------------------------


def carico_uffici(visibili: QuerySet[Segnalazione]) -> list[dict[str, Any]]:
    """Per office: open reports, overdue ones, the oldest wait, resolved in the last 30 days."""
    adesso = timezone.now()
    oggi = timezone.localdate()
    righe = (
        visibili.order_by().values("ufficio_id", "ufficio__nome")
        .annotate(
            aperte=Count("pk", filter=Q(stato__in=APERTI)),
            in_ritardo=Count("pk", filter=sla.q_in_ritardo(oggi)),  # the inherited backlog apart
            piu_vecchia=Min("creata_il", filter=Q(stato__in=APERTI)),
            risolte_30=Count("pk", filter=Q(stato__in=RISOLTI, chiusa_il__gte=adesso - timedelta(days=30))),
        )
        .filter(Q(aperte__gt=0) | Q(risolte_30__gt=0))
    )
    risultato = []
    for r in righe:
        attesa = (adesso - r["piu_vecchia"]).days if r["piu_vecchia"] else None
        quota = r["in_ritardo"] / r["aperte"] if r["aperte"] else None
        risultato.append({
            "ufficio": r["ufficio__nome"] or "", "ufficio_id": r["ufficio_id"],
            "aperte": r["aperte"], "in_ritardo": r["in_ritardo"],
            "quota_ritardo": quota, "giorni_piu_vecchia": attesa, "risolte_30": r["risolte_30"],
        })
    return sorted(risultato, key=lambda r: (-r["in_ritardo"], -r["aperte"], r["ufficio"]))
