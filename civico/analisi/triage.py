"""How good triage's category suggestion is, month by month: of the reports whose category an
operator confirmed or corrected (`triage.EsempioTriage`), how many kept the category triage
suggested when they arrived (`triage.SuggerimentoTriage`). Staff only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth

from civico.segnalazioni.models import Segnalazione


@dataclass(frozen=True)
class MeseTriage:
    mese: date  # first day of the month (the comune's time zone)
    decise: int  # reports whose category an operator confirmed or corrected
    uguali: int  # of those, the ones whose final category is the one suggested at arrival

    @property
    def percentuale(self) -> float | None:
        return round(100 * self.uguali / self.decise, 1) if self.decise else None


def corrispondenza_mensile(visibili: QuerySet[Segnalazione], fuso_orario: str, *, dal: datetime) -> list[MeseTriage]:
    """Month of arrival by month, from `dal`: suggested category vs the operators' final one."""
    righe = (
        visibili.filter(creata_il__gte=dal, triage__categoria__isnull=False, esempio_triage__isnull=False)
        .annotate(mese=TruncMonth("creata_il", tzinfo=ZoneInfo(fuso_orario)))
        .values("mese")
        .annotate(decise=Count("id"), uguali=Count("id", filter=Q(triage__categoria_id=F("categoria_id"))))
        .order_by("mese")
    )
    return [MeseTriage(_giorno(r["mese"]), r["decise"], r["uguali"]) for r in righe]


def _giorno(valore: date | datetime) -> date:
    return valore.date() if isinstance(valore, datetime) else valore


def intestazione() -> list[str]:
    from django.utils.translation import gettext as _

    return [_("Mese"), _("Categorie decise da un operatore"), _("Uguali al suggerimento"), _("Percentuale")]


def righe(mesi: list[MeseTriage]) -> list[list]:
    return [[m.mese.strftime("%Y-%m"), m.decise, m.uguali, m.percentuale] for m in mesi]
