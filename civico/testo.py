"""Text helpers shared by every context: matching what people type, and checking it.

`valida_testo` is the one check of free text for every channel and every form. This module imports
nothing from the rest of civico, so any module (intake, sla, the API boundary…) can import it first.
"""

import re
import unicodedata

from django.utils.translation import gettext_lazy as _

# A report's title (Segnalazione.titolo is a 200-character column) and the longest free text a
# person writes in one go: a description, a comment, a question or answer, a public message.
MAX_TITOLO = 200
MAX_DESCRIZIONE = 4000

_HTML = re.compile(r"<\s*[a-zA-Z!/?][^>]*>")
_CONTROLLO = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def senza_accenti(testo: str) -> str:
    """"Libertà" → "Liberta": compare words as people type them, with or without accents."""
    decomposto = unicodedata.normalize("NFKD", testo)
    return "".join(c for c in decomposto if not unicodedata.combining(c))


def a_luogo(nome: str) -> str:
    """"a" before a place's name, "ad" before a vowel: "ad Alessandria", "ad Asti", "a Casale Monferrato".

    Every Italian sentence that says where ("… a %(ente)s") takes it from here: pass the result as
    `a_ente` and write the bare name in the English translation ("in %(ente)s")."""
    nome = (nome or "").strip()
    iniziale = senza_accenti(nome[:1]).lower()
    return f"{'ad' if iniziale in 'aeiou' and iniziale else 'a'} {nome}"


def coordinate(lat: float, lon: float, decimali: int = 5) -> str:
    """A point as people can read it: "44,91300 N, 8,61500 E" (never "44,91300, 8,61500", where
    the decimal commas and the separating comma blur together). Decimals in the active language."""
    from django.utils import formats  # this module is used outside Django too

    def una(valore: float, positivo: str, negativo: str) -> str:
        return f"{formats.number_format(abs(valore), decimali)} {positivo if valore >= 0 else negativo}"

    return f"{una(lat, 'N', 'S')}, {una(lon, 'E', 'W')}"


def valida_testo(valore: str | None, campo: str, massimo: int, errori: dict, *, obbligatorio: bool = False) -> str:
    """Trim and check a free text: required, length, no HTML. Adds to `errori`, returns it clean."""
    testo = (valore or "").strip()
    if obbligatorio and not testo:
        errori.setdefault(campo, []).append(_("Questo campo è obbligatorio."))
    elif len(testo) > massimo:
        errori.setdefault(campo, []).append(
            _("Il testo è troppo lungo: %(n)d caratteri, il massimo è %(max)d.")
            % {"n": len(testo), "max": massimo}
        )
    elif _HTML.search(testo):
        errori.setdefault(campo, []).append(_("Il testo non può contenere codice HTML."))
    elif _CONTROLLO.search(testo) or not memorizzabile(testo):
        # NUL bytes break PostgreSQL and lone surrogates break every database: refuse them here,
        # once, for every channel.
        errori.setdefault(campo, []).append(_("Il testo contiene caratteri non validi."))
    return testo


def memorizzabile(testo: str) -> bool:
    """Whether every database can store `testo`: no NUL (PostgreSQL refuses it) and no lone UTF-16
    surrogate (valid in JSON as "\\ud800", but no database can encode it)."""
    if "\x00" in testo:
        return False
    if testo.isascii():
        return True
    try:
        testo.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
