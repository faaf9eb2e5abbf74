"""The national kinds of problem: every comune's categories map onto these.

One list for the whole country, so a comune with no history gets a good suggestion on day one: the
kinds carry the curated vocabulary (`vocabolario.py`), a comune's categories only say which kind
they are. "altro" is a real kind (an enquiry, a thanks, a letter box), not what is left when the
scores are low.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Tipo:
    codice: str
    nome: str


TIPI: tuple[Tipo, ...] = (
    Tipo("buche", _("Buche e manto stradale")),
    Tipo("illuminazione", _("Illuminazione pubblica")),
    Tipo("verde", _("Verde pubblico e alberi")),
    Tipo("segnaletica", _("Segnaletica e semafori")),
    Tipo("tombini", _("Tombini e caditoie")),
    Tipo("arredo", _("Arredo urbano")),
    Tipo("giochi", _("Parchi gioco e aree cani")),
    Tipo("infestanti", _("Disinfestazione")),
    Tipo("animali", _("Animali")),
    Tipo("cimiteri", _("Cimiteri")),
    Tipo("accessibilita", _("Accessibilità e barriere architettoniche")),
    Tipo("acqua", _("Acqua e fognature")),
    Tipo("rifiuti", _("Rifiuti e pulizia")),
    Tipo("veicoli", _("Veicoli abbandonati")),
    Tipo("rumore", _("Rumore")),
    Tipo("graffiti", _("Graffiti e scritte")),
    Tipo("proposte", _("Idee e proposte")),
    Tipo("altro", _("Altro")),
)

CODICI: tuple[str, ...] = tuple(t.codice for t in TIPI)
ALTRO = "altro"
PER_CODICE: dict[str, Tipo] = {t.codice: t for t in TIPI}
