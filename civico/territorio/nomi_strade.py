"""Street names: the display form shown to people and the search key the gazetteer matches.

The comune's files write accents as apostrophes ("Liberta'") and numbers sometimes as digits
("11 Settembre 2001"), sometimes as words ("Venti Settembre"). The search key spells every
number in words so "corso 20 settembre" and "corso venti settembre" meet on the same text.
"""

from __future__ import annotations

import re

from civico.testo import senza_accenti

_ACCENTATE = {"a": "à", "e": "è", "i": "ì", "o": "ò", "u": "ù"}
# Where the final accent is acute, not grave (French names, "perché"...).
_ACCENTO_ACUTO = {"andre", "perche", "poiche", "affinche", "giacche", "benche", "ne", "se"}
# Lowercase inside a name ("Piazza della Libertà"). Not "De"/"La": in Italian surnames they
# keep their capital (De Amicis, La Marmora); not "D'" (D'Annunzio, D'Azeglio).
_PARTICELLE = {
    "di", "da", "del", "dello", "della", "dei", "degli", "delle", "dal", "dallo", "dalla",
    "dai", "dagli", "dalle", "e", "ed", "in", "al", "allo", "alla", "ai", "agli", "alle",
    "nel", "nello", "nella", "nei", "negli", "nelle", "sul", "sullo", "sulla", "sui",
    "sugli", "sulle", "per", "tra", "fra", "con",
}
_APOSTROFI = "'’`´"


def _accento(parola: str) -> str:
    """"Liberta'" → "Libertà": a vowel followed by an apostrophe at the end of a word."""
    if len(parola) < 3 or parola[-1] not in _APOSTROFI or parola[-2].lower() not in _ACCENTATE:
        return parola
    vocale = parola[-2]
    base = parola[:-1]
    if vocale.lower() == "e" and senza_accenti(base).lower() in _ACCENTO_ACUTO:
        accentata = "é"
    else:
        accentata = _ACCENTATE[vocale.lower()]
    if vocale.isupper():
        accentata = accentata.upper()
    return base[:-1] + accentata


def nome_leggibile(dug: str, duf: str) -> str:
    """The name people read: "Piazza", "Della Liberta'" → "Piazza della Libertà"."""
    parole = [_accento(p) for p in f"{dug} {duf}".split()]
    n_dug = len(dug.split())
    for i in range(n_dug, len(parole)):
        p = parole[i]
        minuscola = p.lower()
        if minuscola in _PARTICELLE:
            parole[i] = minuscola
        elif re.fullmatch(r"dell['’]\w+", minuscola):
            parole[i] = "dell'" + p[5:]
    return " ".join(parole)




# --- Numbers in words, so digits and words match each other ("100" ↔ "cento").
_UNITA = [
    "zero", "uno", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove", "dieci",
    "undici", "dodici", "tredici", "quattordici", "quindici", "sedici", "diciassette",
    "diciotto", "diciannove",
]
_DECINE = [
    "", "", "venti", "trenta", "quaranta", "cinquanta", "sessanta", "settanta", "ottanta",
    "novanta",
]


def in_lettere(n: int) -> str:
    """1821 → "milleottocentoventuno" (accents left out, as in the search key)."""
    if n < 20:
        return _UNITA[n]
    if n < 100:
        decina, unita = divmod(n, 10)
        parola = _DECINE[decina]
        if unita in (1, 8):  # ventuno, ventotto: the vowel is dropped
            parola = parola[:-1]
        return parola + (_UNITA[unita] if unita else "")
    if n < 1000:
        centinaia, resto = divmod(n, 100)
        parola = "cento" if centinaia == 1 else _UNITA[centinaia] + "cento"
        if resto and 80 <= resto < 90:  # centottanta
            parola = parola[:-1]
        return parola + (in_lettere(resto) if resto else "")
    if n < 1_000_000:
        migliaia, resto = divmod(n, 1000)
        parola = "mille" if migliaia == 1 else in_lettere(migliaia) + "mila"
        return parola + (in_lettere(resto) if resto else "")
    return str(n)


def _in_romano(n: int) -> str:
    simboli = [(100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"),
               (4, "iv"), (1, "i")]
    testo = ""
    for valore, simbolo in simboli:
        while n >= valore:
            testo += simbolo
            n -= valore
    return testo


# Only canonical numerals ("xx", "xxv"), two letters or more, so that ordinary words are not
# taken for numbers; and not those that are Italian words first.
_ROMANI = {_in_romano(n): n for n in range(1, 400)}
for _parola in ("i", "v", "x", "l", "c", "vi", "li", "ci", "cc", "cl"):
    del _ROMANI[_parola]


def parole_chiave(testo: str) -> list[str]:
    """Lowercase, no accents, apostrophes dropped ("dell'oro" → "delloro"), numbers in words."""
    testo = senza_accenti(testo).lower()
    for a in _APOSTROFI:
        testo = testo.replace(a, "")
    parole = []
    for parola in re.findall(r"[a-z]+|\d+", testo):
        if parola.isdigit():
            parola = in_lettere(int(parola))
        elif parola in _ROMANI:
            parola = in_lettere(_ROMANI[parola])
        parole.append(parola)
    return parole


def chiave(testo: str) -> str:
    """The search key of a street: "Piazza Della Liberta'" → "piazza della liberta"."""
    return " ".join(parole_chiave(testo))


def parole_di_confronto(testo: str) -> list[str]:
    """Words for ranking only: apostrophes split words and particles are dropped, so
    "Piazza della Libertà" and "p.zza libertà" compare as "liberta"."""
    testo = senza_accenti(testo).lower()
    for a in _APOSTROFI:
        testo = testo.replace(a, " ")
    return [p for p in parole_chiave(testo) if p not in _PARTICELLE and p not in {"dell", "d"}]
