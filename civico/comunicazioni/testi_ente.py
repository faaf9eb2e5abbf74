"""The notification texts a comune writes itself, in a deliberately tiny template language.

Ente administrators are not trusted with template code: a text is plain words plus documented
placeholders, written `{codice}`. Nothing else is code: no filters, no attribute or index access
(`{s.segnalante}`, `{0.__class__}`), no format specs (`{titolo:>999999}`), no Django tags
(`{{ }}`, `{% %}`). Any other brace is refused when the text is saved, with a message naming
what is wrong and which placeholders exist; rendering replaces each placeholder once with its
value, and a value is never read again as a template (a title "{link}" stays "{link}").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civico.errors import InvalidData

MAX_TESTO = 2000
_SEGNAPOSTO = re.compile(r"\{([a-z_]{1,30})\}")


@dataclass(frozen=True)
class Segnaposto:
    nome: str
    descrizione: object  # lazy: shown in the user's language
    esempio: object


SEGNAPOSTI: tuple[Segnaposto, ...] = (
    Segnaposto("codice", gettext_lazy("il codice della segnalazione"), "AL-2026-000123"),
    Segnaposto("titolo", gettext_lazy("il titolo della segnalazione"), gettext_lazy("Buca in via Roma")),
    Segnaposto("stato", gettext_lazy("lo stato attuale"), gettext_lazy("In lavorazione")),
    Segnaposto("categoria", gettext_lazy("la categoria"), gettext_lazy("Buche e dissesti stradali")),
    Segnaposto("ente", gettext_lazy("il nome del comune"), "Alessandria"),
    Segnaposto("descrizione", gettext_lazy("che cosa è successo (la frase dell'evento)"),
               gettext_lazy("L'ufficio ha preso in carico la segnalazione.")),
    Segnaposto("link", gettext_lazy("il collegamento per seguire la segnalazione"),
               "https://segnala.example.org/seguimi/…"),
)
NOMI = frozenset(s.nome for s in SEGNAPOSTI)

# The events a comune may word itself, and the languages it may word them in.
EVENTI: dict[str, object] = {
    "ricevuta": gettext_lazy("Segnalazione ricevuta"),
    "stato": gettext_lazy("Cambio di stato"),
    "risposta": gettext_lazy("Risposta dell'ufficio"),
    "richiesta_informazioni": gettext_lazy("Richiesta di informazioni al segnalante"),
    "risolta": gettext_lazy("Segnalazione risolta"),
}


def errori(testo: str) -> list[str]:
    """What is wrong with `testo` as a notification text (empty list: it is valid), in the
    active language."""
    if len(testo) > MAX_TESTO:
        return [_("Il testo è troppo lungo (massimo %(n)d caratteri).") % {"n": MAX_TESTO}]
    problemi: list[str] = []
    sconosciuti = sorted({m.group(1) for m in _SEGNAPOSTO.finditer(testo)} - NOMI)
    if sconosciuti:
        problemi.append(_("Segnaposto sconosciuti: %(nomi)s.") % {"nomi": ", ".join(f"{{{n}}}" for n in sconosciuti)})
    resto = _SEGNAPOSTO.sub("", testo)
    if "{" in resto or "}" in resto:
        frammento = re.search(r".{0,12}[{}].{0,12}", resto, re.DOTALL)
        problemi.append(_("Parentesi graffe non valide vicino a «%(frammento)s»: si possono usare solo i segnaposto "
                          "nella forma {nome}, senza spazi, punti, filtri o codice.")
                        % {"frammento": frammento.group(0).strip() if frammento else ""})
    if problemi:
        disponibili = ", ".join(f"{{{s.nome}}}" for s in SEGNAPOSTI)
        problemi.append(_("Segnaposto disponibili: %(nomi)s.") % {"nomi": disponibili})
    return problemi


def verifica(testo: str, campo: str = "testo") -> None:
    """Refuse an invalid text with InvalidData (the form shows the messages on `campo`)."""
    if problemi := errori(testo):
        raise InvalidData({campo: problemi})


def rendi(testo: str, valori: Mapping[str, object]) -> str:
    """`testo` with each placeholder replaced by its value (as text). The text must have passed
    `verifica`; a placeholder without a value becomes empty."""
    return _SEGNAPOSTO.sub(lambda m: str(valori.get(m.group(1), "")) if m.group(1) in NOMI else m.group(0), testo)


def rendi_html(testo: str, valori: Mapping[str, object]) -> str:
    """The same as HTML paragraphs: the text and every value escaped."""
    return linebreaks(escape(rendi(testo, valori)))


def esempi() -> dict[str, str]:
    """Example values, for the preview."""
    return {s.nome: str(s.esempio) for s in SEGNAPOSTI}


def anteprima(testo: str) -> tuple[str, list[str]]:
    """(the text rendered with the example values, or "" if invalid; the errors)."""
    problemi = errori(testo)
    return ("" if problemi else rendi(testo, esempi())), problemi
