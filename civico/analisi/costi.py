"""What completed work orders cost: per order, per category, per office, per month, per zone.

The rules, so that a figure means one thing:
- Only orders **completed** in the period count (an open order's estimate is not a cost yet).
- An order's cost is its actual cost, or its estimate when no actual cost was entered (said so
  in the per-order table). Orders with neither are left out of every sum and average, and counted
  apart ("N orders without a cost"): averaging them in as zero made repairs look cheap.
- An order's cost is shared equally by its reports; a group's reports are **distinct** reports (a
  report in two orders is one report with two shares), so "per report" is cost ÷ distinct reports.
- Only reports the person may see are counted; their share still follows the whole order.
Zones are named by their streets and quartiere (`zone.nome_luogo`), never shown as H3 codes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import h3
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from civico.analisi import zone
from civico.enti.models import Ente
from civico.segnalazioni.models import Intervento, Segnalazione, StatoIntervento

RISOLUZIONE_AREA = 8  # about 0.7 km²: a neighbourhood
TABELLE = ("interventi", "categorie", "uffici", "mesi", "zone")


@dataclass
class Gruppo:
    """The costed orders' shares that fall on one category, office, month or zone."""

    voce: str
    costo: Decimal = Decimal(0)
    segnalazioni: set[int] = field(default_factory=set)
    interventi: set[int] = field(default_factory=set)
    senza_costo: set[int] = field(default_factory=set)  # orders without a cost touching this group
    punti: list[tuple[float, float]] = field(default_factory=list)
    indirizzi: list[str] = field(default_factory=list)

    def riga(self) -> dict[str, Any]:
        n = len(self.segnalazioni)
        return {
            "voce": self.voce, "costo": round(self.costo, 2), "segnalazioni": n, "interventi": len(self.interventi),
            "per_segnalazione": round(self.costo / n, 2) if n else None, "senza_costo": len(self.senza_costo),
        }


def costo_di(intervento: Intervento) -> Decimal | None:
    return intervento.costo_effettivo if intervento.costo_effettivo is not None else intervento.costo_stimato


def costi(ente: Ente, visibili: QuerySet[Segnalazione], *, dal: date, al: date) -> dict[str, Any]:
    chiusi = list(
        Intervento.objects.filter(
            ente_id=ente.pk, stato=StatoIntervento.CHIUSO, chiuso_il__date__gte=dal, chiuso_il__date__lte=al,
        ).annotate(quante=Count("segnalazioni", distinct=True)).order_by("-chiuso_il", "-pk")
    )
    per_pk = {i.pk: i for i in chiusi}
    legami = (
        Intervento.segnalazioni.through.objects.filter(intervento_id__in=list(per_pk))
        .filter(segnalazione__in=visibili.order_by().values("pk"))
        .values_list("intervento_id", "segnalazione_id", "segnalazione__categoria__nome", "segnalazione__ufficio__nome",
                     "segnalazione__cella_h3", "segnalazione__lat", "segnalazione__lon", "segnalazione__indirizzo")
    )
    gruppi: dict[str, dict[str, Gruppo]] = {t: {} for t in TABELLE[1:]}
    visti: dict[int, set[int]] = defaultdict(set)  # order -> its visible reports

    def gruppo(tabella: str, chiave: str, voce: str) -> Gruppo:
        return gruppi[tabella].setdefault(chiave, Gruppo(voce))

    for intervento_id, s_id, categoria, ufficio, cella, lat, lon, indirizzo in legami:
        i = per_pk[intervento_id]
        visti[intervento_id].add(s_id)
        mese = timezone.localtime(i.chiuso_il).strftime("%Y-%m")
        area = _area(cella)
        voci = [
            gruppo("categorie", categoria or "", categoria or _("senza categoria")),
            gruppo("uffici", ufficio or "", ufficio or _("non assegnate")),
            gruppo("mesi", mese, mese),
            gruppo("zone", area, ""),
        ]
        costo = costo_di(i)
        for g in voci:
            if costo is None:
                g.senza_costo.add(intervento_id)
                continue
            g.costo += costo / max(i.quante, 1)
            g.segnalazioni.add(s_id)
            g.interventi.add(intervento_id)
        if lat is not None and lon is not None and costo is not None:
            voci[3].punti.append((float(lat), float(lon)))
            voci[3].indirizzi.append(indirizzo or "")
    for g in gruppi["zone"].values():  # naming costs a query per sampled point: once per zone
        g.voce = zone.nome_luogo(ente, g.punti, g.indirizzi) if g.punti else _("senza posizione")

    con_costo = [i for i in chiusi if costo_di(i) is not None and visti.get(i.pk)]
    senza_costo = [i for i in chiusi if costo_di(i) is None and visti.get(i.pk)]
    totale = sum((costo_di(i) * len(visti[i.pk]) / max(i.quante, 1) for i in con_costo), Decimal(0))
    distinte = set().union(*(visti[i.pk] for i in con_costo)) if con_costo else set()
    risultato: dict[str, Any] = {
        "interventi": [_riga_intervento(i, len(visti[i.pk])) for i in con_costo],
        "totale": round(totale, 2),
        "segnalazioni": len(distinte),
        "per_segnalazione": round(totale / len(distinte), 2) if distinte else None,
        "con_costo": len(con_costo),
        "senza_costo": len(senza_costo),
        "dal": dal, "al": al,
    }
    for tabella, per_chiave in gruppi.items():
        righe = [g.riga() for g in per_chiave.values()]
        if tabella == "mesi":
            righe.sort(key=lambda r: r["voce"])
        else:
            righe.sort(key=lambda r: (-r["costo"], r["voce"]))
        risultato[tabella] = [r for r in righe if r["segnalazioni"] or r["senza_costo"]]
    return risultato


def _riga_intervento(i: Intervento, visibili: int) -> dict[str, Any]:
    costo = costo_di(i)
    return {
        "pk": i.pk, "voce": i.titolo, "chiuso_il": timezone.localtime(i.chiuso_il).date(),
        "squadra": i.squadra_o_ditta, "costo": costo, "stimato": i.costo_effettivo is None,
        "segnalazioni": i.quante, "visibili": visibili,
        "per_segnalazione": round(costo / i.quante, 2) if i.quante else None,
    }


def _area(cella: str) -> str:
    if not cella:
        return ""
    try:
        return cella if h3.get_resolution(cella) <= RISOLUZIONE_AREA else h3.cell_to_parent(cella, RISOLUZIONE_AREA)
    except (ValueError, h3.H3BaseException):
        return ""


def tabella(risultato: dict[str, Any], nome: str) -> tuple[list[str], list[list[Any]]]:
    """One of the page's tables as header and rows, for `core.tabelle`'s CSV and XLSX writer."""
    if nome == "interventi":
        intestazione = [_("Intervento"), _("Chiuso il"), _("Squadra o ditta"), _("Costo (€)"), _("Costo stimato"),
                        _("Segnalazioni"), _("Per segnalazione (€)")]
        return intestazione, [
            [r["voce"], r["chiuso_il"], r["squadra"], r["costo"], _("sì") if r["stimato"] else _("no"),
             r["segnalazioni"], r["per_segnalazione"]] for r in risultato["interventi"]
        ]
    prima = {"categorie": _("Categoria"), "uffici": _("Ufficio"), "mesi": _("Mese"), "zone": _("Zona")}[nome]
    intestazione = [prima, _("Costo (€)"), _("Segnalazioni distinte"), _("Per segnalazione (€)"),
                    _("Interventi con costo"), _("Interventi senza costo")]
    return intestazione, [
        [r["voce"], r["costo"], r["segnalazioni"], r["per_segnalazione"], r["interventi"], r["senza_costo"]]
        for r in risultato[nome]
    ]
