"""Who a person is, channel by channel: their addresses according to their preferences."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.conf import settings

from civico.accounts.models import Utente
from civico.comunicazioni import canali
from civico.comunicazioni.models import AbbonamentoPush, Canale, Preferenze
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
    """A person to tell: an account, or an e-mail address, or a phone number."""

    utente: Utente | None = None
    email: str = ""
    telefono: str = ""
    # Where the one-click unsubscribe leads: ("i", iscrizione id) or ("a", allerta id).
    disiscrizione: tuple[str, int] | None = None
    # The language they spoke to us in (a report's, a letter's): used unless an account chose one.
    lingua: str = ""


def preferenze(utente: Utente) -> Preferenze:
    try:
        return utente.preferenze
    except Preferenze.DoesNotExist:
        return Preferenze(utente=utente)  # the defaults, unsaved


def recapiti(d: Destinatario, ente: Ente | None, *, solo_email: bool = False) -> list[Recapito]:
    """The addresses to use for this person: e-mail unless switched off, and whichever of SMS,
    push and App IO they turned on and the platform (and ente) can reach. The language: the
    account's choice if they made one, else the one they spoke to us in, else the platform's."""
    lingua = d.lingua or settings.LANGUAGE_CODE
    if d.utente is None:
        if d.email:
            return [Recapito(Canale.EMAIL, d.email.lower(), None, lingua)]
        if d.telefono and not solo_email and canali.disponibile(Canale.SMS, ente):
            return [Recapito(Canale.SMS, normalizza_telefono(d.telefono), None, lingua)]
        return []
    u = d.utente
    if not u.is_active:
        return []
    p = preferenze(u)
    lingua, uid = (p.lingua if p.pk else lingua), u.pk
    trovati: list[Recapito] = []
    email = d.email or u.email
    if email and p.email:
        trovati.append(Recapito(Canale.EMAIL, email.lower(), uid, lingua))
    if solo_email:
        return trovati
    telefono = p.telefono or u.telefono
    if p.sms and telefono and canali.disponibile(Canale.SMS, ente):
        trovati.append(Recapito(Canale.SMS, normalizza_telefono(telefono), uid, lingua))
    if p.push and canali.disponibile(Canale.PUSH, ente):
        for a in AbbonamentoPush.objects.filter(utente=u, attivo=True):
            trovati.append(Recapito(Canale.PUSH, str(a.pk), uid, lingua))
    if p.app_io and p.codice_fiscale and canali.disponibile(Canale.APP_IO, ente):
        trovati.append(Recapito(Canale.APP_IO, p.codice_fiscale.upper(), uid, lingua))
    return trovati


def normalizza_telefono(numero: str) -> str:
    """"+39 333 123 4567", "0039 333…", "333 1234567" → "+393331234567"."""
    cifre = "".join(c for c in numero if c.isdigit() or c == "+")
    if cifre.startswith("00"):
        cifre = "+" + cifre[2:]
    if not cifre.startswith("+"):
        cifre = "+39" + cifre
    return cifre


def chiave(origine: str, canale: str, indirizzo: str) -> str:
    """The delivery key: one origin (an event, a digest…) reaches one address once per channel."""
    return hashlib.sha256(f"{origine}|{canale}|{indirizzo.lower()}".encode()).hexdigest()
