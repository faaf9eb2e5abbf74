"""Masking of personal data and profanity in text that will be public.

Citizens often type their phone number, e-mail or codice fiscale into a report's description
("chiamatemi al 333…"), or swear. Before publication those are replaced; the original stays
private for the staff (see `servizi.maschera_campi`). Pure functions, no database.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from django.conf import settings

EMAIL = "email"
TELEFONO = "telefono"
CODICE_FISCALE = "codice_fiscale"
TURPILOQUIO = "turpiloquio"

NASCOSTO = "[…]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Italian numbers: an optional +39/0039, then a mobile (3xx) or landline (0x) number of 6–11
# digits, with spaces, dots, dashes or slashes between groups. Not preceded or followed by a
# digit or letter, so house numbers, years, dates and tracking codes (AL-2026-000123) survive.
_TELEFONO = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\s?39[\s./-]?)?\(?[03]\d{1,3}\)?(?:[\s./-]?\d){5,10}(?![\w])"
)
# Codice fiscale, with the omocodia letters (LMNPQRSTUV) allowed in the digit positions.
_CF = re.compile(
    r"\b[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]\b",
    re.IGNORECASE,
)

# A small list, Italian and English: the words that must not appear on a municipality's pages.
# Whole words only (and their usual inflections), so "Scassano" or "cazzuola" stay untouched.
PAROLACCE = [
    r"cazz[oiae]", r"cazzat[ae]", r"minchi[ae]", r"fottut[oiae]", r"fanculo", r"vaffanculo",
    r"stronz[oiae]", r"stronzat[ae]", r"coglion[ei]", r"coglionat[ae]", r"merd[ae]", r"merdos[oiae]",
    r"puttan[ae]", r"troi[ae]", r"bastard[oiae]", r"frocio", r"froci", r"ricchion[ei]", r"negr[oiae]",
    r"fuck", r"fucking", r"fucked", r"shit", r"shitty", r"bitch", r"bitches", r"asshole", r"assholes",
    r"cunt", r"cunts", r"bastard", r"bastards", r"dickhead", r"motherfucker",
]


@functools.cache
def _parolacce() -> re.Pattern[str]:
    extra = getattr(settings, "CIVICO", {}).get("MODERAZIONE_PAROLE_EXTRA", [])
    parole = PAROLACCE + [re.escape(p) for p in extra]
    return re.compile(r"(?<!\w)(?:" + "|".join(parole) + r")(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class Mascherato:
    testo: str
    trovati: tuple[str, ...]  # kinds found, in a stable order

    @property
    def cambiato(self) -> bool:
        return bool(self.trovati)


def _censura(m: re.Match[str]) -> str:
    parola = m.group(0)
    return parola[0] + "*" * (len(parola) - 1)


def _telefono(m: re.Match[str]) -> str:
    cifre = sum(c.isdigit() for c in m.group(0))
    return NASCOSTO if 8 <= cifre <= 13 else m.group(0)


def maschera(testo: str) -> Mascherato:
    """The text fit for publication, and what was hidden. Idempotent: masking twice changes nothing."""
    if not testo:
        return Mascherato(testo or "", ())
    trovati: list[str] = []
    nuovo = _EMAIL.sub(NASCOSTO, testo)
    if nuovo != testo:
        trovati.append(EMAIL)
    prima = nuovo
    nuovo = _CF.sub(NASCOSTO, nuovo)
    if nuovo != prima:
        trovati.append(CODICE_FISCALE)
    prima = nuovo
    nuovo = _TELEFONO.sub(_telefono, nuovo)
    if nuovo != prima:
        trovati.append(TELEFONO)
    prima = nuovo
    nuovo = _parolacce().sub(_censura, nuovo)
    if nuovo != prima:
        trovati.append(TURPILOQUIO)
    return Mascherato(nuovo, tuple(trovati))
