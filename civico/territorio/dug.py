"""DUG (denominazione urbanistica generica): "via", "piazza"... and how people abbreviate them."""

from __future__ import annotations

import re

# Abbreviation with its dots removed → the DUG in full, as the search key spells it.
ABBREVIAZIONI: dict[str, str] = {
    "via": "via", "v": "via",
    "viale": "viale", "vle": "viale", "vl": "viale",
    "piazza": "piazza", "pzza": "piazza", "pza": "piazza", "pz": "piazza", "p": "piazza",
    "piazzale": "piazzale", "ple": "piazzale", "pzle": "piazzale", "pzale": "piazzale",
    "piazzetta": "piazzetta", "ptta": "piazzetta", "pzzetta": "piazzetta", "pzta": "piazzetta",
    "corso": "corso", "cso": "corso", "cs": "corso", "c": "corso",
    "largo": "largo", "lgo": "largo", "lg": "largo",
    "strada": "strada", "str": "strada", "sda": "strada",
    "sp": "strada provinciale", "sc": "strada comunale",
    "vicolo": "vicolo", "vic": "vicolo", "vlo": "vicolo",
    "lungo": "lungo", "lung": "lungo",
    "localita": "localita", "loc": "localita",
    "salita": "salita", "sal": "salita",
    "borgo": "borgo", "bgo": "borgo",
    "spalto": "spalto", "spto": "spalto",
    "passeggiata": "passeggiata", "pass": "passeggiata",
    "tangenziale": "tangenziale", "tang": "tangenziale",
    "ponte": "ponte", "sottopasso": "sottopasso", "parcheggio": "parcheggio",
}
# "p" and "c" are a DUG only with their dot ("p. garibaldi"): bare, they may be initials.
_SOLO_COL_PUNTO = {"p", "c"}
_PRIMA_PAROLA = re.compile(r"[a-z.]+")


def separa_dug(testo: str) -> tuple[str | None, str]:
    """Split a leading DUG off a lowercased, accent-free text.

    "p.zza della liberta" → ("piazza", "della liberta"); "v.roma" → ("via", "roma");
    "roma" → (None, "roma"). Only the first word can be a DUG.
    """
    testo = testo.strip()
    m = _PRIMA_PAROLA.match(testo)
    if not m:
        return None, testo
    parola = m.group(0)
    # Cut after a dot or at the end of the word, longest first: "p.zza.liberta", "v.roma".
    tagli = sorted({i + 1 for i, c in enumerate(parola) if c == "."} | {len(parola)}, reverse=True)
    for taglio in tagli:
        prefisso = parola[:taglio]
        forma = prefisso.replace(".", "")
        if forma not in ABBREVIAZIONI:
            continue
        if forma in _SOLO_COL_PUNTO and not prefisso.endswith("."):
            continue
        resto = parola[taglio:] + testo[m.end():]
        return ABBREVIAZIONI[forma], resto.strip(" .,")
    return None, testo
