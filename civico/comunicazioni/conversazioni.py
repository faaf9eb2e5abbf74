"""The reply address of a report's conversation: the ente's inbound address with a signed tag.

    alessandria+al-2026-000123.k7q2m4x9c3v5b8n6@segna.example.org

Every e-mail to the reporter carries it as Reply-To, so their answer arrives at an address only
we can have made for that report: an e-mail naming a tracking code in its subject proves nothing,
anyone can write one. The tag is the code and an HMAC of it (a key derived from SECRET_KEY),
lowercase letters and digits only, because some MTAs lowercase local parts; it fits the 64
characters of a local part. The address alone does not make a message the reporter's: the sender
must be proven too (inbound/autenticazione.py).

A message that could not become a report yet ("ci servono ancora…") is answered from a second
kind of tag, `+m<key of the message>.<mac>`: the citizen's answer finds the first message again,
and the two are read together (inbound/email.py)."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from email.utils import getaddresses

from django.utils.crypto import constant_time_compare, salted_hmac

_SALE = "civico.comunicazioni.indirizzo_di_risposta"
_LUNGHEZZA_MAC = 16  # base32 characters: 80 bits
_TAG = re.compile(r"\+([a-z]{1,8}-\d{4}-\d{6})\.([a-z2-7]{1,32})@", re.IGNORECASE)
_TAG_MESSAGGIO = re.compile(r"\+m([0-9a-f]{20})\.([a-z2-7]{1,32})@", re.IGNORECASE)


def _mac(codice: str) -> str:
    digest = salted_hmac(_SALE, codice.lower(), algorithm="sha256").digest()
    return base64.b32encode(digest[:10]).decode("ascii").lower()[:_LUNGHEZZA_MAC]


def _con_etichetta(indirizzo_base: str, etichetta: str) -> str:
    locale, chiocciola, dominio = (indirizzo_base or "").strip().partition("@")
    if not chiocciola or not locale or not dominio:
        return ""
    locale = locale.split("+", 1)[0]
    return f"{locale}+{etichetta}.{_mac(etichetta)}@{dominio}"


def indirizzo_di_risposta(codice: str, indirizzo_base: str) -> str:
    """`indirizzo_base` (the ente's inbound address) tagged with the report's signed code; "" without
    a base address (then there is nowhere to reply to)."""
    return _con_etichetta(indirizzo_base, codice.lower())


def indirizzo_del_messaggio(chiave: str, indirizzo_base: str) -> str:
    """The reply address of a received message that is not a report yet (`chiave`: its key)."""
    return _con_etichetta(indirizzo_base, f"m{chiave[:20].lower()}")


def messaggi_citati(indirizzi: list[str]) -> list[str]:
    """The key prefixes named, with a genuine MAC, by the message tags in these addresses."""
    trovati = []
    for _nome, indirizzo in getaddresses([str(v) for v in indirizzi if v]):
        m = _TAG_MESSAGGIO.search(indirizzo.strip().strip("<>"))
        if m and constant_time_compare(m.group(2).lower(), _mac(f"m{m.group(1).lower()}")):
            trovati.append(m.group(1).lower())
    return trovati


@dataclass(frozen=True)
class Etichetta:
    """A tag found in an address: the code it names and whether its MAC is genuine."""

    codice: str  # upper case, as the reports store it
    valida: bool


def leggi(indirizzo: str) -> Etichetta | None:
    """The tag of a reply address, or None if the address has none. Case does not matter."""
    m = _TAG.search((indirizzo or "").strip().strip("<>"))
    if m is None:
        return None
    codice, mac = m.group(1).lower(), m.group(2).lower()
    return Etichetta(codice.upper(), constant_time_compare(mac, _mac(codice)))


def etichette(indirizzi: list[str]) -> list[Etichetta]:
    """The tags of every address in these header values or envelope recipients."""
    trovate = []
    for _nome, indirizzo in getaddresses([str(v) for v in indirizzi if v]):
        if (e := leggi(indirizzo)) is not None:
            trovate.append(e)
    return trovate
