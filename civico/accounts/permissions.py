"""The one place that answers "may this actor do this?". Pages, APIs and services all call it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from civico.accounts.models import Incarico, Ruolo

if TYPE_CHECKING:
    from civico.accounts.models import Utente
    from civico.segnalazioni.models import Segnalazione

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


def ruoli_su(utente: Utente | None, segnalazione: Segnalazione) -> set[str]:
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


def ruoli_attore(attore: Attore, segnalazione: Segnalazione) -> set[str]:
    """Staff roles plus the pseudo-roles `segnalante` and `sistema`."""
    ruoli = ruoli_su(attore.utente, segnalazione) if not attore.segnalante else set()
    if attore.segnalante:
        ruoli.add(SEGNALANTE)
    if attore.sistema:
        ruoli.add(SISTEMA)
    return ruoli


def puo_vedere_contatti(utente: Utente | None, segnalazione: Segnalazione) -> bool:
    """The reporter's personal data: only staff who work on the report."""
    return bool(ruoli_su(utente, segnalazione) & RUOLI_OPERATIVI)


def puo_lavorare(utente: Utente | None, segnalazione: Segnalazione) -> bool:
    return bool(ruoli_su(utente, segnalazione) & RUOLI_OPERATIVI)
