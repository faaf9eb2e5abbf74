"""Who a person is, channel by channel: their addresses according to their preferences."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.conf import settings

from civico.accounts.models import Utente
from civico.comunicazioni import canali
from civico.comunicazioni.models import CanaleConsegna, Preferenze
from civico.enti.models import Ente


@dataclass(frozen=True)
class Recapito:
    canale: str
    indirizzo: str
    utente_id: int | None
    lingua: str
    dati: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Destinatario:
    """A person to tell: an account, or an e-mail address, or a phone number, or an address on
    another channel (`indirizzi`, by channel name: a Telegram chat)."""

    utente: Utente | None = None
    email: str = ""
    telefono: str = ""
    # Where the one-click unsubscribe leads: ("i", iscrizione id) or ("a", allerta id).
    disiscrizione: tuple[str, int] | None = None
    # The language they spoke to us in (a report's, a letter's): used unless an account chose one.
    lingua: str = ""
    indirizzi: dict[str, str] = field(default_factory=dict)


def preferenze(utente: Utente) -> Preferenze:
    try:
        return utente.preferenze
    except Preferenze.DoesNotExist:
        return Preferenze(utente=utente)  # the defaults, unsaved


def recapiti(d: Destinatario, ente: Ente | None, *, solo_email: bool = False) -> list[Recapito]:
    """The addresses to use for this person. An account: each channel they chose that the platform
    (and ente) can reach, in the registry's order. Without one: the first channel that finds an
    address in what they gave (e-mail, else phone). The language: the account's choice if they
    made one, else the one they spoke to us in, else the platform's. `solo_email`: e-mail only."""
    lingua = d.lingua or settings.LANGUAGE_CODE
    scelti = [canali.canale(CanaleConsegna.EMAIL)] if solo_email else canali.tutti()
    if d.utente is None:
        for c in scelti:
            if (indirizzo := c.indirizzo_senza_account(d)) and canali.disponibile(c.nome, ente):
                return [Recapito(c.nome, indirizzo, None, lingua)]
        return []
    u = d.utente
    if not u.is_active:
        return []
    p = preferenze(u)
    lingua, uid = (p.lingua if p.pk else lingua), u.pk
    return [
        Recapito(c.nome, indirizzo, uid, lingua)
        for c in scelti if c.nome in p.canali and canali.disponibile(c.nome, ente)
        for indirizzo in c.indirizzi(u, p, d)
    ]


def chiave(origine: str, canale: str, indirizzo: str) -> str:
    """The delivery key: one origin (an event, a digest…) reaches one address once per channel."""
    return hashlib.sha256(f"{origine}|{canale}|{indirizzo.lower()}".encode()).hexdigest()
