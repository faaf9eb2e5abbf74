"""Which priority a report's words suggest, and why: signs of immediate danger for the operator.

A suggestion for the staff only (the scheda and the inbox show it with its reasons, the operator
applies it with one click through the ordinary priority change): never shown or promised to
citizens, never in a public page or API.

A sign is a few groups of words that must all appear close together ("tombino" + "scoperchiato"),
read like triage reads (`modello.normalizza`, one-edit typo correction, Italian and English
stems), in any order. A negation just before the words ("non c'è pericolo", "the manhole is not
open") cancels the sign; "non funziona" / "not working" is itself a sign of a fault. Night (the
hour of the report, or the words) and a school nearby raise a sign from "alta" to "urgente";
alone they raise nothing: graffiti at night is not urgent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from civico.triage.modello import Correttore, normalizza, radice

URGENTE, ALTA, NORMALE = "urgente", "alta", "normale"  # the values of segnalazioni.Priorita
_ORDINE = {NORMALE: 0, ALTA: 1, URGENTE: 2}
FINESTRA = 7  # words: the groups of a sign must all fall within this many
NEGAZIONE_PRIMA = 3  # words before a sign where a negation cancels it
GUASTO = "guasto"  # "non funziona", "not working": a fault, written with a negation
NOTTE_DALLE, NOTTE_ALLE = 21, 6  # local hours of a report sent at night
FUSO_PREDEFINITO = "Europe/Rome"

_NEGAZIONI = frozenset((
    "non", "nessun", "nessuna", "nessuno", "niente", "nulla", "nemmeno", "neanche", "no", "not", "never", "nothing",
    "isnt", "arent", "wasnt", "dont", "doesnt", "didnt",
))
# After a negation, these words say something does not work: the pair is one word, "guasto".
_FUNZIONARE = frozenset((
    "funziona", "funzionano", "funzionante", "funzionanti", "va", "vanno", "accende", "accendono", "work", "works",
    "working",
))
_PAROLE_NOTTE = ("notte", "stanotte", "notturno", "night", "tonight", "midnight", "mezzanotte")
_PAROLE_SCUOLA = ("scuola", "scuole", "asilo", "asili", "elementari", "materna", "school", "kindergarten",
                  "nursery")


@dataclass(frozen=True)
class Segno:
    codice: str
    motivo: Promise  # what the operator reads
    livello: str
    gruppi: tuple[tuple[str, ...], ...]  # each group: one of its words must appear


_GUASTI = ("guasto", "guasti", "rotto", "rotti", "spento", "spenti", "lampeggia", "lampeggiante", "giallo",
           "fuori servizio", GUASTO, "broken", "out", "dead", "flashing", "faulty")
_STRADA = ("strada", "strade", "carreggiata", "corsia", "via", "incrocio", "marciapiede", "ciclabile",
           "road", "street", "lane", "sidewalk", "pavement", "traffico", "traffic")
_GIOCHI = ("giochi", "parco", "parchetto", "giardinetti", "giardini", "altalena", "scivolo", "sabbiera",
           "playground", "park", "bambini", "children", "kids")

SEGNI: tuple[Segno, ...] = (
    Segno("gas", _("Odore o fuga di gas"), URGENTE,
          (("gas", "metano", "gpl"), ("puzza", "odore", "fuga", "perdita", "esce", "smell", "smells", "leak",
                                      "leaking", "sibilo"))),
    Segno("cavi", _("Cavi elettrici scoperti"), URGENTE,
          (("cavi", "cavo", "fili", "filo", "wires", "wire", "cable", "cables"),
           ("scoperti", "scoperto", "penzolanti", "penzola", "pendono", "spellati", "nudi", "staccati",
            "terra", "exposed", "hanging", "bare", "live", "dangling", "elettrici", "corrente", "scintille",
            "sparks"))),
    Segno("tombino", _("Tombino aperto o senza coperchio"), URGENTE,
          (("tombino", "tombini", "chiusino", "botola", "pozzetto", "manhole", "manholes", "grata", "grate"),
           ("scoperchiato", "scoperchiati", "aperto", "aperti", "coperchio", "spostato", "sfondato", "mancante",
            "manca", "open", "uncovered", "missing", "cover", "lid"))),
    Segno("albero", _("Albero o grosso ramo caduto sulla strada"), URGENTE,
          (("albero", "alberi", "pianta", "tronco", "ramo", "rami", "ramone", "tree", "trees", "branch", "trunk"),
           ("caduto", "caduti", "crollato", "abbattuto", "sradicato", "schiantato", "traverso", "blocca",
            "ostruisce", "fallen", "fell", "down", "across", "blocking", "collapsed", "uprooted"),
           _STRADA)),
    Segno("pericolante", _("Albero, ramo o struttura che sta per cadere"), ALTA,
          (("albero", "ramo", "rami", "palo", "cornicione", "lampione", "cartello", "muro", "tegole", "tree",
            "branch", "pole", "wall", "cornice"),
           ("pericolante", "pericolanti", "inclinato", "piegato", "crepato", "cedere", "oscilla", "leaning",
            "unstable"))),
    Segno("semaforo", _("Semaforo guasto"), ALTA,
          (("semaforo", "semafori", "semafaro", "traffic"), _GUASTI)),
    Segno("semaforo_incrocio", _("Semaforo guasto a un incrocio o attraversamento"), URGENTE,
          (("semaforo", "semafori", "semafaro", "traffic"), _GUASTI,
           ("incrocio", "incroci", "attraversamento", "strisce", "pedonale", "rotonda", "crossing", "junction",
            "intersection", "crossroads"))),
    Segno("siringhe_giochi", _("Siringhe dove giocano bambini"), ALTA,
          (("siringhe", "siringa", "aghi", "syringe", "syringes", "needles", "needle"), _GIOCHI)),
    Segno("siringhe", _("Siringhe abbandonate"), ALTA,
          (("siringhe", "siringa", "syringes", "syringe", "needles"),)),
    Segno("allagamento", _("Strada o sottopasso allagato"), ALTA,
          (("allagata", "allagato", "allagati", "allagamento", "allagamenti", "alluvione", "esondato",
            "sommerso", "flooded", "flooding", "flood", "underwater"),)),
    Segno("voragine", _("Voragine o cedimento della strada"), URGENTE,
          (("voragine", "voragini", "sprofondamento", "sinkhole", "crollo", "crollata", "collapsed"), _STRADA)),
    Segno("incendio", _("Fuoco o fumo"), URGENTE,
          (("incendio", "fiamme", "fuoco", "brucia", "bruciano", "fire", "burning", "flames", "smoke", "fumo"),)),
    Segno("pericolo", _("Il segnalante parla di pericolo"), ALTA,
          (("pericolo", "pericoloso", "pericolosa", "pericolosi", "pericolosissimo", "rischio", "danger",
            "dangerous", "hazard", "unsafe"),)),
)


@dataclass(frozen=True)
class PrioritaSuggerita:
    livello: str  # urgente, alta or normale (normale: no sign, nothing to suggest)
    motivi: list[str] = field(default_factory=list)  # codes of SEGNI and CONTESTI, most serious first

    @property
    def etichette(self) -> list[str]:
        return etichette(self.motivi)


CONTESTI: dict[str, Promise] = {"notte": _("di notte"), "scuola": _("vicino a una scuola")}


def etichette(motivi: list[str]) -> list[str]:
    """The reasons as the operator reads them, in the active language (codes are what is stored)."""
    nomi = {s.codice: s.motivo for s in SEGNI} | CONTESTI
    return [str(nomi[m]) for m in motivi if m in nomi]


def _lingue_di(parola: str) -> frozenset[str]:
    return frozenset({radice(parola, "it"), radice(parola, "en"), parola})


@lru_cache(maxsize=1)
def _vocabolario() -> tuple[Correttore, tuple[tuple[Segno, tuple[frozenset[str], ...]], ...], frozenset[str],
                            frozenset[str]]:
    """The typo corrector over the signs' words, and each group as a set of stems."""
    parole = {p for s in SEGNI for g in s.gruppi for voce in g for p in normalizza(voce).split()}
    parole |= set(_PAROLE_NOTTE) | set(_PAROLE_SCUOLA)
    correttore = Correttore.da_vocabolario(parole)
    segni = tuple(
        (s, tuple(frozenset().union(*(_lingue_di(p) for voce in g for p in normalizza(voce).split()))
                  for g in s.gruppi))
        for s in SEGNI
    )
    notte = frozenset().union(*(_lingue_di(p) for p in _PAROLE_NOTTE))
    scuola = frozenset().union(*(_lingue_di(p) for p in _PAROLE_SCUOLA))
    return correttore, segni, notte, scuola


def _parole(testo: str, correttore: Correttore) -> list[str]:
    """Normalised, corrected words, negations kept; "non funziona" becomes one word, "guasto"."""
    grezze = normalizza(testo).replace("doesn t", "doesnt").replace("isn t", "isnt").replace(
        "don t", "dont").replace("aren t", "arent").replace("didn t", "didnt").replace("wasn t", "wasnt").split()
    parole: list[str] = []
    for p in grezze:
        # "non (si) accende", "not working": the negation and the verb are the fault itself.
        vicine = parole[-2:] if parole[-1:] in (["si"], ["is"], ["are"]) else parole[-1:]
        if p in _FUNZIONARE and any(v in _NEGAZIONI for v in vicine):
            del parole[-len(vicine):]
            parole.append(GUASTO)
            continue
        parole.append(correttore.correggi(p))
    return parole


def _trova(gruppi: tuple[frozenset[str], ...], radici: list[frozenset[str]], parole: list[str]) -> bool:
    """All groups within FINESTRA words, no negation among them nor just before them."""
    posizioni = [[i for i, r in enumerate(radici) if r & g] for g in gruppi]
    if not all(posizioni):
        return False
    for inizio in posizioni[0]:
        scelte = []
        for elenco in posizioni[1:]:
            vicina = min(elenco, key=lambda i: abs(i - inizio))
            if abs(vicina - inizio) >= FINESTRA:
                break
            scelte.append(vicina)
        else:
            primo, ultimo = min([inizio, *scelte]), max([inizio, *scelte])
            if not any(p in _NEGAZIONI for p in parole[max(0, primo - NEGAZIONE_PRIMA):ultimo]):
                return True
    return False


def suggerisci_priorita(testo: str, *, quando: datetime | None = None, fuso_orario: str = FUSO_PREDEFINITO,
                        vicino_a_scuola: bool = False) -> PrioritaSuggerita:
    """The priority the words suggest and why. `quando`: when it was reported (at night a sign is
    more urgent); `vicino_a_scuola`: the place is by a school (known to the caller, or said in the
    words)."""
    correttore, segni, notte, scuola = _vocabolario()
    parole = _parole((testo or "")[:4000], correttore)
    radici = [_lingue_di(p) for p in parole]
    trovati = [s for s, gruppi in segni if _trova(gruppi, radici, parole)]
    if not trovati:
        return PrioritaSuggerita(NORMALE)
    trovati.sort(key=lambda s: -_ORDINE[s.livello])
    livello = trovati[0].livello
    contesti = []
    if quando is not None and _di_notte(quando, fuso_orario) or any(r & notte for r in radici):
        contesti.append("notte")
    if vicino_a_scuola or any(r & scuola for r in radici):
        contesti.append("scuola")
    if contesti:
        livello = URGENTE
    # One reason per sign; a more specific sign hides its general form (semaforo_incrocio > semaforo).
    codici = [s.codice for s in trovati]
    codici = [c for c in codici if not any(altro != c and altro.startswith(c + "_") for altro in codici)]
    if len(codici) > 1 and "pericolo" in codici:  # the words said why: that is the reason
        codici.remove("pericolo")
    return PrioritaSuggerita(livello, codici + contesti)


def _di_notte(quando: datetime, fuso_orario: str) -> bool:
    ora = quando.astimezone(ZoneInfo(fuso_orario)).hour if quando.tzinfo else quando.hour
    return ora >= NOTTE_DALLE or ora < NOTTE_ALLE


def piu_urgente(a: str, b: str) -> bool:
    """Whether priority `a` is more urgent than `b` (unknown values count as normale)."""
    return _ORDINE.get(a, 0) > _ORDINE.get(b, 0)
