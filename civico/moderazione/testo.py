"""Masking of personal data and profanity in text that will be public: the one gate.

Citizens often type their phone number, e-mail, codice fiscale or IBAN into a report's title,
description, address or into the answer "risolto? no, perché…" ("chiamatemi al 333…"), or swear.
Every citizen text passes `maschera` (or `pubblico`, its cached form for readers) before it is
public; the original stays private for the staff (see `servizi.maschera_campi`). Pure functions,
no database.

People write their data in many shapes (`0039 347 1234567`, `cell3471234567`, full-width digits,
`nome(at)dominio.it`, `RSS MRA 80A01 H501U`): the text is NFKC-normalised and digits are
separated from letters in a shadow copy that remembers where each character came from, then
libraries made for the job find what to hide — `phonenumbers` (Italian numbers in free text, only
valid ones, so house numbers, years, dates, CAPs and tracking codes survive) and `python-stdnum`
(codice fiscale, IBAN). What they find is replaced in the original text, nothing else is touched.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import phonenumbers
from django.conf import settings
from stdnum import iban as stdnum_iban
from stdnum.it import codicefiscale

EMAIL = "email"
TELEFONO = "telefono"
CODICE_FISCALE = "codice_fiscale"
IBAN = "iban"
TURPILOQUIO = "turpiloquio"

NASCOSTO = "[…]"

# --- E-mail addresses, plain and disguised ------------------------------------------------------
# "@" may be written "(at)", "[at]", "{chiocciola}", " at ", " chiocciola "; "." may be written
# "(dot)", "[punto]", " dot ", " punto ". A bare word ("mario at casa punto it") counts only with
# a known top-level domain, so English prose ("look at this.") is left alone.
_APERTA, _CHIUSA = r"[(\[{<]", r"[)\]}>]"
_AT = rf"(?:\s*@\s*|\s*{_APERTA}\s*(?:at|chiocciola)\s*{_CHIUSA}\s*|(?P<at_parola>\s+(?:at|chiocciola)\s+))"
_PUNTO = rf"(?:\.|\s+\.\s+|\s*{_APERTA}\s*(?:dot|punto)\s*{_CHIUSA}\s*|\s+(?:dot|punto)\s+)"
_EMAIL = re.compile(
    rf"(?<![\w.+-])[\w+-]+(?:\.[\w+-]+)*{_AT}[\w-]+(?:{_PUNTO}[\w-]+)*{_PUNTO}(?P<tld>[a-z]{{2,24}})(?![\w-])",
    re.IGNORECASE,
)
_FORSE_EMAIL = re.compile(r"@|\b(?:at|chiocciola)\b", re.IGNORECASE)  # cheap look before the pattern
_TLD_NOTI = frozenset({
    "it", "com", "org", "net", "eu", "info", "gov", "edu", "io", "me", "biz", "de", "fr", "uk", "es", "ch",
    "at", "be", "nl", "pt", "sm", "va", "co", "us", "ru", "cn", "email", "mail",
})

# --- Codici fiscali and IBANs, possibly split by spaces, dots or dashes ----------------------------
_SEP = r"[\s./-]{0,2}"
_CF_FORMA = (
    [r"[A-Za-z]"] * 6 + [r"[0-9LMNPQRSTUVlmnpqrstuv]"] * 2 + [r"[ABCDEHLMPRSTabcdehlmprst]"]
    + [r"[0-9LMNPQRSTUVlmnpqrstuv]"] * 2 + [r"[A-Za-z]"] + [r"[0-9LMNPQRSTUVlmnpqrstuv]"] * 3 + [r"[A-Za-z]"]
)
_CIFRA = re.compile(r"\d")
_CF = re.compile(r"(?<![A-Za-z0-9])" + _SEP.join(_CF_FORMA) + r"(?![A-Za-z0-9])")
# The usual shape (no omocodia letters): distinctive enough to hide even with a wrong check letter.
_CF_CLASSICO = re.compile(r"[A-Z]{6}\d{2}[ABCDEHLMPRST]\d{2}[A-Z]\d{3}[A-Z]")
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[\s-]?[A-Za-z0-9]){11,32}")
_IBAN_ITALIANO = re.compile(r"IT\d{2}[A-Z]\d{10}[A-Z0-9]{12}")

# --- Phone numbers: a cheap look for six digits close together before the slow matcher -----------
MIN_CIFRE_TELEFONO = 8
_FORSE_TELEFONO = re.compile(r"(?:\d[^\d\n]{0,3}){7}\d")
_LETTERA_CIFRA = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")

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


class _Ombra:
    """A normalised copy of a text (NFKC: full-width digits become digits, "＠" becomes "@"),
    optionally with a space between letters and digits ("cell3471234567"), that maps each of
    its characters back to the original's."""

    def __init__(self, testo: str, *, separa: bool = False):
        if not separa and unicodedata.is_normalized("NFKC", testo):
            self.testo, self._origine = testo, None  # the common case: nothing to map
            return
        caratteri: list[str] = []
        origine: list[int] = []
        for i, c in enumerate(testo):
            for n in (c if c.isascii() else unicodedata.normalize("NFKC", c)):
                caratteri.append(n)
                origine.append(i)
        self.testo = "".join(caratteri)
        self._origine = origine
        if separa:
            self.testo = self.testo.replace("_", " ")  # "347_123_4567": the matcher knows no underscores
            self._separa()

    def _separa(self) -> None:
        assert self._origine is not None
        testo, origine = self.testo, self._origine
        punti = [m.start() for m in _LETTERA_CIFRA.finditer(testo)]
        if not punti:
            return
        parti, nuova, inizio = [], [], 0
        for p in punti:
            parti += [testo[inizio:p], " "]
            nuova += origine[inizio:p] + [origine[p]]
            inizio = p
        parti.append(testo[inizio:])
        nuova += origine[inizio:]
        self.testo, self._origine = "".join(parti), nuova

    def originale(self, inizio: int, fine: int) -> tuple[int, int]:
        """The span of the original text that shadow characters [inizio, fine) came from."""
        if self._origine is None:
            return inizio, fine
        return self._origine[inizio], self._origine[fine - 1] + 1


def _sostituisci(testo: str, tratti: list[tuple[int, int]]) -> str:
    """Replace the (possibly overlapping) spans of the original text with NASCOSTO."""
    uniti: list[list[int]] = []
    for inizio, fine in sorted(tratti):
        if uniti and inizio <= uniti[-1][1]:
            uniti[-1][1] = max(uniti[-1][1], fine)
        else:
            uniti.append([inizio, fine])
    parti, ultimo = [], 0
    for inizio, fine in uniti:
        parti += [testo[ultimo:inizio], NASCOSTO]
        ultimo = fine
    parti.append(testo[ultimo:])
    return "".join(parti)


def _email(ombra: _Ombra) -> list[tuple[int, int]]:
    if not _FORSE_EMAIL.search(ombra.testo):
        return []
    tratti = []
    for m in _EMAIL.finditer(ombra.testo):
        if m.group("at_parola") and m.group("tld").lower() not in _TLD_NOTI:
            continue
        tratti.append(ombra.originale(m.start(), m.end()))
    return tratti


def _codici_fiscali(ombra: _Ombra) -> list[tuple[int, int]]:
    if not _CIFRA.search(ombra.testo):
        return []  # a codice fiscale has digits (none only if omocodia replaced all seven: vanishingly rare)
    tratti = []
    for m in _CF.finditer(ombra.testo):
        compatto = re.sub(r"[\s./-]", "", m.group(0)).upper()
        if _CF_CLASSICO.fullmatch(compatto) or codicefiscale.is_valid(compatto):
            tratti.append(ombra.originale(m.start(), m.end()))
    return tratti


def _iban(ombra: _Ombra) -> list[tuple[int, int]]:
    """IBANs the checksum accepts (or Italian-shaped ones with a typo), longest first: the
    candidate may run on into the next words, so it is shortened until one is valid."""
    if not _CIFRA.search(ombra.testo):
        return []
    tratti = []
    for m in _IBAN.finditer(ombra.testo):
        posizioni = [m.start() + i for i, c in enumerate(m.group(0)) if c.isalnum()]
        compatto = "".join(ombra.testo[p] for p in posizioni).upper()
        for lunghezza in range(min(len(compatto), 34), 14, -1):
            candidato = compatto[:lunghezza]
            if stdnum_iban.is_valid(candidato) or _IBAN_ITALIANO.fullmatch(candidato):
                tratti.append(ombra.originale(m.start(), posizioni[lunghezza - 1] + 1))
                break
    return tratti


def _telefoni(testo: str) -> list[tuple[int, int]]:
    if not _FORSE_TELEFONO.search(testo):
        return []  # fewer than eight digits close together: no phone number (the common case)
    ombra = _Ombra(testo, separa=True)
    # Coordinates ("38.01234 15.61234") run digits together like a number would: set them aside.
    ombra.testo = _COORDINATA.sub(lambda m: "x" * len(m.group()), ombra.testo)
    tratti = [
        (m.start, m.end)
        for m in phonenumbers.PhoneNumberMatcher(ombra.testo, "IT", leniency=phonenumbers.Leniency.VALID)
        # Six- and seven-digit numbers are valid on paper but rare, and are also how ISTAT codes
        # (015146), protocol and pole numbers look: a real one today has at least eight digits.
        if len(phonenumbers.national_significant_number(m.number)) >= MIN_CIFRE_TELEFONO
    ]
    tratti += _accostati(ombra.testo, tratti)
    return [ombra.originale(inizio, fine) for inizio, fine in tratti]


_COORDINATA = re.compile(r"(?<![\d.])[1-9]\d?\.\d{4,7}(?![\d.])")
_SEQUENZA = re.compile(r"\(?\+?\d[\d \t.()/-]*\d")  # digit groups and what people put between them
_GRUPPO = re.compile(r"\(?\+?\d+")


def _accostati(testo: str, presi: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Numbers the matcher misses because other digits stand next to them ("via Roma 12 0039 347…",
    "3 lampioni 0131 284756"): in each run of digit groups it left, the longest runs of whole groups
    that phonenumbers says are a valid number."""
    libero = list(testo)
    for inizio, fine in presi:
        libero[inizio:fine] = "x" * (fine - inizio)
    rimasto = "".join(libero)
    trovati: list[tuple[int, int]] = []
    for sequenza in _SEQUENZA.finditer(rimasto):
        if sum(c.isdigit() for c in sequenza.group()) < MIN_CIFRE_TELEFONO:
            continue
        base = sequenza.start()
        gruppi = [(base + g.start(), base + g.end()) for g in _GRUPPO.finditer(sequenza.group())]
        i = 0
        while i < len(gruppi):
            for j in range(len(gruppi), i, -1):
                inizio, fine = gruppi[i][0], gruppi[j - 1][1]
                if _numero_valido(rimasto[inizio:fine]):
                    trovati.append((inizio, fine))
                    i = j
                    break
            else:
                i += 1
    return trovati


# 01/01/1990, 01.01.1990, 1990-01-01: eight digits that phonenumbers would call a Genoa landline.
_DATA = re.compile(r"\d{1,2}([./-])\d{1,2}\1\d{2,4}|\d{4}([./-])\d{1,2}\2\d{1,2}")


def _numero_valido(candidato: str) -> bool:
    if sum(c.isdigit() for c in candidato) < MIN_CIFRE_TELEFONO or _DATA.fullmatch(candidato.strip()):
        return False
    try:
        numero = phonenumbers.parse(candidato, "IT")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(numero) and (
        len(phonenumbers.national_significant_number(numero)) >= MIN_CIFRE_TELEFONO
    )


# In order: each kind is looked for in what the previous ones left, so the digits of a hidden IBAN
# are not a phone number too.
_RIVELATORI = (
    (EMAIL, lambda t: _email(_Ombra(t))),
    (CODICE_FISCALE, lambda t: _codici_fiscali(_Ombra(t))),
    (IBAN, lambda t: _iban(_Ombra(t))),
    (TELEFONO, _telefoni),
)


def _censura(m: re.Match[str]) -> str:
    parola = m.group(0)
    return parola[0] + "*" * (len(parola) - 1)


def maschera(testo: str) -> Mascherato:
    """The text fit for publication, and what was hidden. Idempotent: masking twice changes nothing."""
    if not testo:
        return Mascherato(testo or "", ())
    trovati: list[str] = []
    nuovo = testo
    for tipo, trova in _RIVELATORI:
        tratti = trova(nuovo)
        if tratti:
            nuovo = _sostituisci(nuovo, tratti)
            trovati.append(tipo)
    prima = nuovo
    nuovo = _parolacce().sub(_censura, nuovo)
    if nuovo != prima:
        trovati.append(TURPILOQUIO)
    return Mascherato(nuovo, tuple(trovati))


@functools.lru_cache(maxsize=4096)
def pubblico(testo: str) -> str:
    """`maschera(testo).testo`, remembered: for readers that show the same texts again and again
    (public cards of rows written before the write-time gate existed, or by an importer)."""
    return maschera(testo).testo if testo else testo
