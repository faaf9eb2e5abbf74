"""Reading a report out of free text (an e-mail, an SMS): where, what, and the answers to the
category's questions that the words already give."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from civico.catalogo import services as catalogo
from civico.catalogo.models import Categoria, Domanda, TipoDomanda
from civico.enti.models import Ente
from civico.territorio import gazetteer
from civico.territorio.gazetteer import Indirizzo
from civico.testo import senza_accenti
from civico.triage.servizi import categoria_suggerita

# Street types written in full or in their dotted abbreviations: bare "v" or "c" are too
# ambiguous inside a sentence.
_DUG = (
    r"via|viale|v\.\s?le|piazza|p\.\s?zza|p\.\s?za|piazzale|p\.\s?le|piazzetta|corso|c\.\s?so|largo|l\.\s?go|"
    r"strada|str\.|vicolo|vic\.|lungo\w*|localita|loc\.|salita|borgo|spalto|passeggiata|circonvallazione"
)
_INIZIO_VIA = re.compile(rf"(?<![\w.])(?:{_DUG})(?=[\s.])", re.IGNORECASE)
_NUMERO = re.compile(r"\d{1,4}(?:\s*[/-]\s*[a-z]{1,3}\b|\s?[a-z]\b)?")
_FINE_FRASE = re.compile(r"[;:!?\n]|,\s+(?=\D)")


def trova_indirizzo(ente: Ente, testo: str) -> Indirizzo | None:
    """The first street (and house number) of the ente's gazetteer named in the text."""
    pulito = senza_accenti(testo or "").lower()[:5000]
    for m in _INIZIO_VIA.finditer(pulito):
        resto = pulito[m.start(): m.start() + 90]
        candidati = []
        numero = _NUMERO.search(resto)
        if numero and not _FINE_FRASE.search(resto[: numero.start()]):
            candidati.append(resto[: numero.end()])
        candidati.append(_FINE_FRASE.split(resto)[0].strip(" ."))
        for candidato in candidati:
            trovati = gazetteer.cerca(ente, candidato, limite=1)
            if trovati:
                return trovati[0]
    return None


def luogo_a_parole(testo: str) -> str:
    """The place as the text words it, where no gazetteer can place it: from the first street
    type ("via", "piazza", "località"…) to the end of that sentence ("via Roma 12", "piazza del
    mercato davanti alla chiesa"); "" if no street is named."""
    testo = " ".join((testo or "").split())[:5000]
    piano = senza_accenti(testo)
    if len(piano) != len(testo):  # a ligature or the like: positions differ, read the plain text
        testo = piano
    m = _INIZIO_VIA.search(piano)
    if m is None:
        return ""
    return _FINE_FRASE.split(testo[m.start(): m.start() + 200])[0].strip(" .,")


def luogo(ente: Ente, testo: str, risposta_al_dove: str = "") -> Indirizzo | str:
    """Where a message says the problem is: an address of the comune's gazetteer; else, where the
    comune has none, the street the words name; else the citizen's answer to our "Dove?", as
    words; "" if none of these (then ask where). Words are placed on the map by the office."""
    if trovato := trova_indirizzo(ente, testo):
        return trovato
    if not gazetteer.ha_civici(ente) and (parole := luogo_a_parole(testo)):
        return parole
    risposta = " ".join((risposta_al_dove or "").split())
    return (luogo_a_parole(risposta) or risposta)[:250]


def categoria(ente: Ente, testo: str) -> Categoria | None:
    """The most likely category for these words: triage's one door."""
    return categoria_suggerita(ente, testo)


def _parole(testo: str) -> set[str]:
    return set(catalogo.normalizza(testo).split())


def risposte_dal_testo(categoria: Categoria, testo: str) -> dict[str, object]:
    """Answers to list questions whose options are named in the text ("buca grande")."""
    parole = _parole(testo)
    risposte: dict[str, object] = {}
    for d in categoria.domande.all():
        if d.tipo not in (TipoDomanda.SINGLE, TipoDomanda.MULTI):
            continue
        scelte = [v["key"] for v in d.valori if _nominata(v, parole)]
        if d.tipo == TipoDomanda.SINGLE and len(scelte) == 1:
            risposte[d.codice] = scelte[0]
        elif d.tipo == TipoDomanda.MULTI and scelte:
            risposte[d.codice] = scelte
    return risposte


def _nominata(valore: dict, parole: set[str]) -> bool:
    chiave = catalogo.normalizza(str(valore["key"])).split()
    nome = catalogo.normalizza(str(valore.get("name", ""))).split()
    return bool(chiave) and all(p in parole for p in chiave) or bool(nome) and nome[0] in parole and len(nome[0]) > 2


def domande_mancanti(categoria: Categoria, risposte: dict) -> list[Domanda]:
    return [d for d in categoria.domande.all() if d.obbligatoria and risposte.get(d.codice) in (None, "", [])]


def come_si_risponde(d: Domanda) -> str:
    """The question with its options' keys, for a reply by SMS or e-mail."""
    if d.valori:
        return f"{d.testo} ({', '.join(str(v['key']) for v in d.valori)})"
    return d.testo


@dataclass
class Lettura:
    """What a text gave: what is known and what is still missing."""

    indirizzo: Indirizzo | None = None
    categoria: Categoria | None = None
    risposte: dict = field(default_factory=dict)
    mancanti: list[Domanda] = field(default_factory=list)
