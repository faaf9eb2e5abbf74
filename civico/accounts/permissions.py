"""The one place that answers "may this actor do this?". Pages, APIs and services all call it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from django.db.models import Q, QuerySet

from civico.accounts.models import Incarico, Ruolo

if TYPE_CHECKING:
    from civico.accounts.models import Utente
    from civico.enti.models import Ente


class Pratica(Protocol):
    """What the checks read of a report (a `Segnalazione`): its ente, office and registered
    reporter, by id. accounts sits below the reports and does not import their model."""

    ente_id: int
    ufficio_id: int | None
    segnalante_id: int | None


# Who works on reports, and who only looks at them.
RUOLI_OPERATIVI = frozenset(
    {Ruolo.PLATFORM_ADMIN, Ruolo.ENTE_ADMIN, Ruolo.OFFICE_MANAGER, Ruolo.OPERATORE}
)
RUOLI_LETTURA = RUOLI_OPERATIVI | {Ruolo.SINDACO, Ruolo.OSSERVATORE}
# Pseudo-roles of actors who hold no staff role.
SEGNALANTE = "segnalante"
SISTEMA = "sistema"


@dataclass(frozen=True)
class Attore:
    """Who is acting: a staff user, the report's reporter, or the system itself."""

    utente: Utente | None = None
    segnalante: bool = False
    sistema: bool = False
    # How staff appear on public pages; empty means "the report's office".
    nome_pubblico: str = ""

    @classmethod
    def di_sistema(cls) -> Attore:
        return cls(sistema=True)

    @classmethod
    def del_segnalante(cls, utente: Utente | None = None) -> Attore:
        """The reporter, recognised by the private token or by their account."""
        return cls(utente=utente, segnalante=True)

    @classmethod
    def staff(cls, utente: Utente) -> Attore:
        return cls(utente=utente)


def attore_del_link_privato(utente: Utente | None, segnalazione: Pratica) -> Attore:
    """Who acts through a report's private token (`/seguimi/<token>/`, `X-Civico-Token`).

    The reporter — unless the person signed in is staff and not the report's own registered
    reporter (a link seen on a receipt or at work): then they act as themselves, as staff, so the
    history never records an operator's act as the citizen's, and what only the reporter may do
    (write to the office, confirm the fix) is refused by the service's own check."""
    if utente is not None and utente.is_authenticated:
        if ha_incarichi(utente) and segnalazione.segnalante_id != utente.pk:
            return Attore.staff(utente)
        return Attore.del_segnalante(utente)
    return Attore.del_segnalante()


def ruoli_su(utente: Utente | None, segnalazione: Pratica) -> set[str]:
    """The staff roles this user holds that cover the report's ente and office."""
    if utente is None or not utente.is_authenticated or not utente.is_active:
        return set()
    ruoli: set[str] = set()
    for inc in _incarichi(utente):
        if inc.ruolo == Ruolo.PLATFORM_ADMIN or inc.ente_id == segnalazione.ente_id and (
            inc.ufficio_id is None or inc.ufficio_id == segnalazione.ufficio_id
        ):
            ruoli.add(inc.ruolo)
    return ruoli


def _incarichi(utente: Utente) -> Iterable[Incarico]:
    # Cached on the instance: a page asks several questions about the same user.
    cache = getattr(utente, "_civico_incarichi", None)
    if cache is None:
        cache = list(Incarico.objects.filter(utente=utente))
        utente._civico_incarichi = cache
    return cache


def ruoli_attore(attore: Attore, segnalazione: Pratica) -> set[str]:
    """Staff roles plus the pseudo-roles `segnalante` and `sistema`."""
    ruoli = ruoli_su(attore.utente, segnalazione) if not attore.segnalante else set()
    if attore.segnalante:
        ruoli.add(SEGNALANTE)
    if attore.sistema:
        ruoli.add(SISTEMA)
    return ruoli


def puo_lavorare(utente: Utente | None, segnalazione: Pratica) -> bool:
    """Staff who work on the report: act on it, write to the reporter, moderate it."""
    return bool(ruoli_su(utente, segnalazione) & RUOLI_OPERATIVI)


def puo_vedere_contatti(utente: Utente | None, segnalazione: Pratica) -> bool:
    """The reporter's personal data: only staff who work on the report.

    A privacy rule of its own (docs/privacy.md names it) that today coincides with `puo_lavorare`:
    if the two ever part, only this body changes, not the pages and exports that ask it."""
    return puo_lavorare(utente, segnalazione)


# --- Questions the backoffice asks about a person rather than one report. -------------------


def ha_incarichi(utente: Utente | None) -> bool:
    """Holds at least one staff role: the precondition of every backoffice page."""
    if utente is None or not utente.is_authenticated or not utente.is_active:
        return False
    return bool(_incarichi(utente))


def puo_vedere(utente: Utente | None, segnalazione: Pratica) -> bool:
    """Staff who may open the report in the backoffice (working or read-only roles)."""
    return bool(ruoli_su(utente, segnalazione) & RUOLI_LETTURA)


def e_amministratore_piattaforma(utente: Utente | None) -> bool:
    return ha_incarichi(utente) and any(i.ruolo == Ruolo.PLATFORM_ADMIN for i in _incarichi(utente))


def filtro_visibili(utente: Utente | None) -> Q:
    """A filter on Segnalazione: the reports of the enti and offices this person holds a role on.

    The same rule as `ruoli_su`, written as one query condition so a list never loads rows the
    person may not see. Nobody → a condition that matches nothing.
    """
    if not ha_incarichi(utente):
        return Q(pk__in=[])
    assert utente is not None
    condizione = Q(pk__in=[])
    for inc in _incarichi(utente):
        if inc.ruolo not in RUOLI_LETTURA:
            continue
        if inc.ruolo == Ruolo.PLATFORM_ADMIN:
            return Q()
        if inc.ufficio_id is None:
            condizione |= Q(ente_id=inc.ente_id)
        else:
            condizione |= Q(ente_id=inc.ente_id, ufficio_id=inc.ufficio_id)
    return condizione


def enti_visibili(utente: Utente | None) -> QuerySet[Ente]:
    """The enti whose reports this person sees in the backoffice (all active ones for the
    platform administrator)."""
    from civico.enti.models import Ente

    if not ha_incarichi(utente):
        return Ente.objects.none()
    if e_amministratore_piattaforma(utente):
        return Ente.objects.filter(attivo=True)
    assert utente is not None
    return Ente.objects.filter(pk__in={i.ente_id for i in _incarichi(utente) if i.ruolo in RUOLI_LETTURA})


def uffici_visibili(utente: Utente | None, ente: Ente) -> set[int] | None:
    """The offices of `ente` this person is limited to; None means the whole ente."""
    if e_amministratore_piattaforma(utente):
        return None
    if utente is None:
        return set()
    uffici: set[int] = set()
    for inc in _incarichi(utente):
        if inc.ente_id != ente.pk or inc.ruolo not in RUOLI_LETTURA:
            continue
        if inc.ufficio_id is None:
            return None
        uffici.add(inc.ufficio_id)
    return uffici


def puo_lavorare_in_ente(utente: Utente | None, ente: Ente) -> bool:
    """Works on reports somewhere in this ente: may register a report on a citizen's behalf."""
    if not ha_incarichi(utente):
        return False
    assert utente is not None
    return any(
        i.ruolo == Ruolo.PLATFORM_ADMIN or (i.ente_id == ente.pk and i.ruolo in RUOLI_OPERATIVI)
        for i in _incarichi(utente)
    )


def chi_puo_lavorare(ente_id: int, ufficio_id: int | None = None, *, ogni_ufficio: bool = False) -> QuerySet[Utente]:
    """People to offer when assigning a report of this ente and office: working roles on the
    whole ente or on that very office (what `assegna` accepts). Platform administrators pass that
    check too but are left out: listing them in every comune's menu would only be noise.
    `ogni_ufficio`: anyone working in the ente, whatever their office (the inbox's filter)."""
    from civico.accounts.models import Utente

    copre = Q(incarichi__ente_id=ente_id, incarichi__ufficio__isnull=True)
    if ogni_ufficio:
        copre = Q(incarichi__ente_id=ente_id)
    elif ufficio_id is not None:
        copre |= Q(incarichi__ente_id=ente_id, incarichi__ufficio_id=ufficio_id)
    return (
        Utente.objects.filter(copre, is_active=True, incarichi__ruolo__in=RUOLI_OPERATIVI - {Ruolo.PLATFORM_ADMIN})
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def puo_configurare(utente: Utente | None, ente: Ente) -> bool:
    """The ente's administrators (a role on the whole ente) and the platform administrators."""
    if not ha_incarichi(utente):
        return False
    assert utente is not None
    return any(
        i.ruolo == Ruolo.PLATFORM_ADMIN
        or (i.ruolo == Ruolo.ENTE_ADMIN and i.ente_id == ente.pk and i.ufficio_id is None)
        for i in _incarichi(utente)
    )


def enti_configurabili(utente: Utente | None) -> QuerySet[Ente]:
    """The enti this person may configure (every active one for the platform administrator)."""
    from civico.enti.models import Ente

    if not ha_incarichi(utente):
        return Ente.objects.none()
    if e_amministratore_piattaforma(utente):
        return Ente.objects.filter(attivo=True)
    assert utente is not None
    return Ente.objects.filter(
        pk__in={i.ente_id for i in _incarichi(utente) if i.ruolo == Ruolo.ENTE_ADMIN and i.ufficio_id is None}
    )


# --- Communications: the mayor's office and the avvisi (civico.comunicazioni). ---------------

RUOLI_UFFICIO_SINDACO = frozenset({Ruolo.SINDACO, Ruolo.ENTE_ADMIN})
RUOLI_AVVISI = frozenset({Ruolo.ENTE_ADMIN, Ruolo.SINDACO, Ruolo.OFFICE_MANAGER})


def _enti_con(utente: Utente | None, ruoli: frozenset[str]) -> set[int] | None:
    """Ids of the enti where the person holds one of `ruoli` (None: every ente, platform admin)."""
    if not ha_incarichi(utente):
        return set()
    assert utente is not None
    if e_amministratore_piattaforma(utente):
        return None
    return {i.ente_id for i in _incarichi(utente) if i.ruolo in ruoli}


def _ha_ruolo_in(utente: Utente | None, ente: Ente, ruoli: frozenset[str]) -> bool:
    enti = _enti_con(utente, ruoli)
    return enti is None or ente.pk in enti


def _enti_del_ruolo(utente: Utente | None, ruoli: frozenset[str]) -> QuerySet[Ente]:
    """The enti where the person holds one of `ruoli` (every active one for a platform admin)."""
    from civico.enti.models import Ente

    enti = _enti_con(utente, ruoli)
    return Ente.objects.filter(attivo=True) if enti is None else Ente.objects.filter(pk__in=enti)


def e_ufficio_del_sindaco(utente: Utente | None, ente: Ente) -> bool:
    """Reads and answers the messages to the mayor (Scrivi al sindaco) of this ente."""
    return _ha_ruolo_in(utente, ente, RUOLI_UFFICIO_SINDACO)


def enti_ufficio_del_sindaco(utente: Utente | None) -> QuerySet[Ente]:
    return _enti_del_ruolo(utente, RUOLI_UFFICIO_SINDACO)


def puo_pubblicare_avvisi(utente: Utente | None, ente: Ente) -> bool:
    """Writes, publishes and withdraws the ente's avvisi."""
    return _ha_ruolo_in(utente, ente, RUOLI_AVVISI)


def enti_avvisi(utente: Utente | None) -> QuerySet[Ente]:
    return _enti_del_ruolo(utente, RUOLI_AVVISI)
