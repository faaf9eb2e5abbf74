"""SLA clocks: by when a report must be answered, and which ones are late.

Each category has a maximum time (`giorni_risposta`, 30 by default as in art. 2 of L. 241/1990),
counted in calendar days or in working days. The day of receipt is not counted. Working days skip
Saturdays, Sundays, Italian public holidays and the comune's patron saint. A calendar-day term that
falls on a Sunday or a holiday moves to the next day that is not (art. 2963 c.c.), so a deadline
never lands on a day the offices are closed by law.

While the office waits for the reporter's answer the clock stands still (`attesa.py`). A pause is
counted in the deadline's own calendar and added to the term: calendar days for a calendar-day
term; for a working-day term, the office hours of working days it covered (`ORARIO_UFFICI`), in
whole office days, so a pause over a weekend or a holiday moves nothing.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import formats
from django.utils.translation import gettext as _

from civico.accounts.permissions import RUOLI_OPERATIVI, Attore, ruoli_attore
from civico.catalogo.models import Categoria
from civico.enti.models import Ente
from civico.errors import Conflict, InvalidData, NotAllowed
from civico.segnalazioni import eventi
from civico.segnalazioni.models import Priorita, Segnalazione, TipoEvento, Visibilita
from civico.segnalazioni.workflow import APERTI
from civico.testo import valida_testo


@lru_cache(maxsize=64)
def _festivi_nazionali(anno: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("IT", years=anno))


def santo_patrono(ente: Ente, anno: int) -> date | None:
    if not (ente.santo_patrono_giorno and ente.santo_patrono_mese):
        return None
    try:
        return date(anno, ente.santo_patrono_mese, ente.santo_patrono_giorno)
    except ValueError:  # 29 February in a common year
        return None


def e_festivo(giorno: date, ente: Ente) -> bool:
    """Sunday, a national public holiday or the comune's patron saint."""
    return giorno.weekday() == 6 or giorno in _festivi_nazionali(giorno.year) or giorno == santo_patrono(
        ente, giorno.year
    )


def e_lavorativo(giorno: date, ente: Ente) -> bool:
    return giorno.weekday() < 5 and not e_festivo(giorno, ente)


def giorno_locale(quando: datetime, ente: Ente) -> date:
    return quando.astimezone(ZoneInfo(ente.fuso_orario)).date()


def aggiungi_giorni(inizio: date, giorni: int, ente: Ente, *, lavorativi: bool) -> date:
    """`giorni` days after `inizio` (which is not counted), by the rule of the category."""
    if not lavorativi:
        giorno = inizio + timedelta(days=giorni)
        while e_festivo(giorno, ente):
            giorno += timedelta(days=1)
        return giorno
    giorno, contati = inizio, 0
    while contati < giorni:
        giorno += timedelta(days=1)
        if e_lavorativo(giorno, ente):
            contati += 1
    return giorno


def calcola_scadenza(categoria: Categoria, ente: Ente, quando: datetime, *, giorni_sospesi: int = 0) -> date:
    """The deadline of a report of `categoria` received at `quando`, paused for `giorni_sospesi`
    days of the category's own calendar (`giorni_di_pausa`)."""
    return aggiungi_giorni(giorno_locale(quando, ente), categoria.giorni_risposta + giorni_sospesi, ente,
                           lavorativi=categoria.giorni_lavorativi)


# The legal maximum of one suspension (art. 2 c. 7 L. 241/1990), in calendar days.
MAX_GIORNI_SOSPENSIONE = 30


def orario_uffici() -> tuple[time, time]:
    """The office day a working-day pause is measured in (setting CIVICO["SLA_ORARIO_UFFICI"])."""
    inizio, fine = settings.CIVICO.get("SLA_ORARIO_UFFICI", ("08:00", "18:00"))
    return time.fromisoformat(inizio), time.fromisoformat(fine)


def giorni_di_pausa(categoria: Categoria, ente: Ente, dal: datetime, al: datetime) -> int:
    """How far a pause from `dal` to `al` pushes the deadline, in the category's calendar.

    Calendar days: the local dates between, at most the legal maximum. Working days: the office
    hours of working days inside the pause, in office days rounded to the nearest (half up), so
    Friday 17:00 to Monday 08:00 is nothing and a whole Monday is one day."""
    if al <= dal:
        return 0
    if al - dal >= timedelta(days=MAX_GIORNI_SOSPENSIONE):
        al = dal + timedelta(days=MAX_GIORNI_SOSPENSIONE)
        if not categoria.giorni_lavorativi:  # the law's 30 days, whatever daylight saving does to dates
            return MAX_GIORNI_SOSPENSIONE
    if not categoria.giorni_lavorativi:
        return min(max((giorno_locale(al, ente) - giorno_locale(dal, ente)).days, 0), MAX_GIORNI_SOSPENSIONE)
    fuso = ZoneInfo(ente.fuso_orario)
    apre, chiude = orario_uffici()
    giornata = (datetime.combine(date.min, chiude) - datetime.combine(date.min, apre)).total_seconds()
    if giornata <= 0:
        return 0
    sospesi = 0.0
    giorno = giorno_locale(dal, ente)
    while giorno <= giorno_locale(al, ente):
        if e_lavorativo(giorno, ente):
            inizio = max(dal, datetime.combine(giorno, apre, tzinfo=fuso))
            fine = min(al, datetime.combine(giorno, chiude, tzinfo=fuso))
            sospesi += max((fine - inizio).total_seconds(), 0.0)
        giorno += timedelta(days=1)
    return int(sospesi / giornata + 0.5)


def scadenza_di(s: Segnalazione) -> date:
    """The deadline a report should have now: its category, its receipt, its pauses so far."""
    return calcola_scadenza(s.categoria, s.ente, s.creata_il, giorni_sospesi=s.giorni_sospesi)


def q_conta_nei_ritardi() -> Q:
    """Reports whose lateness counts: all but the inherited backlog, unless its ente counts it too
    (`Ente.pregresso_nei_ritardi`). Inbox, escalation and dashboards all ask here."""
    return Q(pregressa=False) | Q(ente__pregresso_nei_ritardi=True)


def q_in_ritardo(oggi: date) -> Q:
    """Open, clock running, deadline passed, and counted (the inbox's tab and the escalation)."""
    # A report waiting for its reporter has a stopped clock: it cannot be late meanwhile.
    return Q(stato__in=APERTI, in_attesa_dal__isnull=True, scadenza__lt=oggi) & q_conta_nei_ritardi()


def _in_corso(qs: QuerySet[Segnalazione]) -> QuerySet[Segnalazione]:
    # A report waiting for its reporter has a stopped clock: it cannot be late meanwhile.
    return qs.filter(q_conta_nei_ritardi(), stato__in=APERTI, in_attesa_dal__isnull=True, scadenza__isnull=False)


def in_ritardo(qs: QuerySet[Segnalazione], oggi: date) -> QuerySet[Segnalazione]:
    """Open reports whose deadline has passed (the deadline day itself is still in time)."""
    return qs.filter(q_in_ritardo(oggi))


def in_scadenza(qs: QuerySet[Segnalazione], oggi: date, giorni: int = 3) -> QuerySet[Segnalazione]:
    """Open reports due between today and `giorni` calendar days from now."""
    return _in_corso(qs).filter(scadenza__gte=oggi, scadenza__lte=oggi + timedelta(days=giorni))


# --- What staff set by hand: the urgency and the expected date ------------------------------


def imposta_priorita(segnalazione: Segnalazione, attore: Attore, priorita: str) -> Segnalazione:
    """Change the priority (an internal event). The same priority again changes nothing."""
    if priorita not in Priorita.values:
        raise InvalidData({"priorita": [_("Scegli una priorità dall'elenco.")]})
    with transaction.atomic():
        s = Segnalazione.objects.select_for_update().get(pk=segnalazione.pk)
        _lavora(attore, s)
        if (cambio := eventi.cambia(s, "priorita", priorita)) is None:
            return s
        precedente, quando = cambio
        eventi.registra(
            s, TipoEvento.PRIORITY_CHANGED, attore, quando=quando, visibilita=Visibilita.INTERNA,
            testo=str(_("Priorità: %(da)s → %(a)s.") % {
                "da": Priorita(precedente).label, "a": Priorita(priorita).label}),
            dati={"priorita": priorita, "precedente": precedente},
        )
    return s


def imposta_data_prevista(segnalazione: Segnalazione, attore: Attore, giorno: date,
                          motivo: str = "") -> Segnalazione:
    """Set the date the office expects to solve it by: citizens see it on the timeline and the
    page. It is a promise, not the SLA deadline: `scadenza`, lateness and escalation stay as the
    rules set them, whatever date is promised."""
    errori: dict = {}
    motivo = valida_testo(motivo, "testo", 500, errori)
    with transaction.atomic():
        s = Segnalazione.objects.select_for_update(of=("self",)).select_related("ente").get(pk=segnalazione.pk)
        _lavora(attore, s)
        if s.stato not in APERTI:
            raise Conflict(
                _("Una segnalazione «%(stato)s» non ha più una data prevista.") % {"stato": s.get_stato_display()},
                code="illegal_state",
            )
        if giorno < giorno_locale(s.creata_il, s.ente):
            errori.setdefault("scadenza", []).append(_("La data prevista non può precedere la segnalazione."))
        if errori:
            raise InvalidData(errori)
        if (cambio := eventi.cambia(s, "data_prevista", giorno)) is None:
            return s
        precedente, quando = cambio
        data = formats.date_format(giorno, "SHORT_DATE_FORMAT")
        testo = _("Data prevista di risoluzione: %(data)s.") % {"data": data}
        eventi.registra(
            s, TipoEvento.DEADLINE_SET, attore, quando=quando,
            testo=f"{testo} {motivo}".strip(),
            dati={"data_prevista": giorno.isoformat(), "precedente": precedente.isoformat() if precedente else None,
                  "scadenza": s.scadenza.isoformat() if s.scadenza else None},
        )
    return s


def _lavora(attore: Attore, s: Segnalazione) -> None:
    if not ruoli_attore(attore, s) & RUOLI_OPERATIVI:
        raise NotAllowed(_("Solo gli uffici che lavorano la segnalazione possono farlo."))
