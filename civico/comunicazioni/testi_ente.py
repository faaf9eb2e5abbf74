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
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import translation
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civico.comunicazioni.models import Lingua, TestoNotifica
from civico.core.memoria import Memoria
from civico.errors import InvalidData

if TYPE_CHECKING:
    from civico.accounts.models import Utente
    from civico.enti.models import Ente
    from civico.segnalazioni.models import Evento, Segnalazione

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


def anteprima(testo: str, lingua: str | None = None) -> tuple[str, list[str]]:
    """(the text rendered with the example values, in `lingua` if given, or "" if invalid; the
    errors, in the active language)."""
    problemi = errori(testo)
    if problemi:
        return "", problemi
    with translation.override(lingua or translation.get_language()):
        return rendi(testo, esempi()), []


# A comune's texts are read for every notification it sends: kept per process until one is saved.
_memoria = Memoria("testi_notifiche", ("comunicazioni.TestoNotifica",), ttl_s=300)

LINGUE: tuple[str, ...] = tuple(Lingua.values)


def evento_di(evento: Evento) -> str | None:
    """The key in EVENTI of the event a notification tells about; None: the comune cannot word it."""
    from civico.segnalazioni.models import TipoEvento
    from civico.stati import Stato

    if evento.tipo == TipoEvento.CREATED:
        return "ricevuta"
    if evento.tipo == TipoEvento.STATE_CHANGED:
        return "risolta" if evento.stato_a == Stato.RESOLVED else "stato"
    return {TipoEvento.PUBLIC_ANSWER: "risposta", TipoEvento.INFO_REQUESTED: "richiesta_informazioni"}.get(evento.tipo)


def testi(ente: Ente) -> dict[tuple[str, str], str]:
    """The comune's own texts, by (event, language); the empty ones left out."""
    return _memoria.prendi(ente.pk, lambda: {
        (e, lingua): t for e, lingua, t in TestoNotifica.objects.filter(ente_id=ente.pk).exclude(testo="")
        .values_list("evento", "lingua", "testo")
    })


def testo_della_notifica(s: Segnalazione, evento: Evento, lingua: str, link: str) -> str:
    """THE rule for a notification's wording: the comune's text for this event and language with
    its placeholders filled, or "" for the platform's default text."""
    chiave = evento_di(evento)
    proprio = testi(s.ente).get((chiave, lingua), "") if chiave else ""
    if not proprio or errori(proprio):  # a text saved before a placeholder was withdrawn: the default
        return ""
    from civico.segnalazioni import eventi

    with translation.override(lingua):
        valori = {
            "codice": s.codice, "titolo": s.titolo, "stato": s.get_stato_display(),
            "categoria": s.categoria.nome_locale, "ente": s.ente.nome,
            "descrizione": eventi.descrizione(evento), "link": link,
        }
        return rendi(proprio, valori).strip()


def imposta_testi(utente: Utente, ente: Ente, nuovi: Mapping[tuple[str, str], str]) -> None:
    """Save the comune's texts, (event, language) -> text; an empty text goes back to the default.
    All or nothing: any invalid text refuses the lot, each error on its field `testo_<event>_<language>`."""
    from civico.catalogo.configurazione import verifica as verifica_configuratore

    verifica_configuratore(utente, ente)
    problemi: dict[str, list[str]] = {}
    for (e, lingua), testo in nuovi.items():
        if e not in EVENTI or lingua not in LINGUE:
            raise InvalidData({"__all__": [_("Evento o lingua sconosciuti.")]})
        if p := errori(testo.strip()):
            problemi[campo(e, lingua)] = p
    if problemi:
        raise InvalidData(problemi)
    with transaction.atomic():
        for (e, lingua), testo in nuovi.items():
            TestoNotifica.objects.update_or_create(ente=ente, evento=e, lingua=lingua,
                                                   defaults={"testo": testo.strip()})


def campo(evento: str, lingua: str) -> str:
    """The form field of one text."""
    return f"testo_{evento}_{lingua}"
