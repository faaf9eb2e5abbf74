"""Composing what a person reads, in their language: the subject, the text and HTML (e-mail) and
the short form (SMS, push); each channel takes what it carries (`CanaleDiConsegna.formato`).
Templates live in templates/comunicazioni/email/."""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation


@dataclass(frozen=True)
class Messaggio:
    oggetto: str
    testo: str  # plain text (the e-mail's text part; App IO's markdown)
    html: str
    breve: str  # SMS and push

    def per_canale(self, canale: str) -> tuple[str, str, str]:
        """(subject, body, html) as the channel carries them."""
        from civico.comunicazioni.canali import canale as di_nome

        return di_nome(canale).formato(self)


def componi(modello: str, contesto: dict, lingua: str, *, oggetto, breve) -> Messaggio:
    """Render `modello` (.txt and .html) and the subject and short text in `lingua`.

    Values that depend on the language (event sentences, state names) are passed as callables
    or lazy strings: they are evaluated here, inside the language override."""
    with translation.override(lingua or "it"):
        testo = render_to_string(f"comunicazioni/email/{modello}.txt", contesto)
        html = render_to_string(f"comunicazioni/email/{modello}.html", contesto)
        return Messaggio(
            oggetto=" ".join(_valuta(oggetto).split())[:250],
            testo=_righe(testo),
            html=html,
            breve=" ".join(_valuta(breve).split()),
        )


def _valuta(valore) -> str:
    return str(valore() if callable(valore) else valore)


def _righe(testo: str) -> str:
    """Templates leave blank lines where tags were: keep at most one blank line in a row."""
    righe, vuote = [], 0
    for riga in testo.strip().splitlines():
        riga = riga.rstrip()
        vuote = vuote + 1 if not riga else 0
        if vuote <= 1:
            righe.append(riga)
    return "\n".join(righe) + "\n"
