"""The one door of triage: which of a comune's categories a citizen's words suggest.

`suggerisci(ente, testo)` answers a ranked list with probabilities, for every place a category is
chosen (the reporting flow as the citizen types, intake without a category, the public API, the
backoffice). It blends
- the day-one model (`modello.py`): P(national kind | words), projected onto the comune's
  categories through the kind each category is (read from its name, description, group and
  keywords, per process);
- the comune's own model (`apprendimento.py`), once operators have confirmed or corrected enough
  reports, weighted by how many they did.
Kinds the comune has no category for go to its category of kind "altro", if it has one: for a
comune without a "Rifiuti" category, its "Altro" is the right answer for rubbish.

`registra_esempio` is how a confirmation or a correction becomes a labelled example; the worker
retrains the comune's model (`tasks.riaddestra_triage`) when enough new ones exist.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from civico.catalogo.models import Categoria
from civico.core.memoria import Memoria
from civico.enti.models import Ente
from civico.errors import InvalidData
from civico.triage.apprendimento import ModelloComune, addestra_modello_comune
from civico.triage.modello import Preparato, modello_giorno_uno, normalizza, prepara
from civico.triage.models import (
    EsempioTriage,
    FonteEsempio,
    ImpostazioniTriage,
    ModelloTriage,
    SuggerimentoTriage,
)
from civico.triage.priorita import suggerisci_priorita
from civico.triage.tipi import ALTRO, CODICI
from civico.triage.vocabolario import NOMI_ALTRO

QUANTI = 5
TESTO_MASSIMO = 2000  # characters read: a suggestion needs the gist, not a whole letter
NUOVI_ESEMPI_PREDEFINITO = 20  # new labelled reports before the worker retrains a comune's model
# The comune's model weighs n / (n + this) once trained on n reports, times the share of the
# text's words its history has seen; the day-one model always keeps a say (PESO_MASSIMO_STORIA).
FIDUCIA_STORIA = 5
PESO_MASSIMO_STORIA = 0.8
# Below this (or with nothing recognised, see ModelloGiornoUno.analizza) intake asks for a category:
# texts of the development set score ≥ 0.48, "Qualcosa non va" 0.11.
FIDUCIA_MINIMA = 0.3

_memoria = Memoria(
    "triage", ("catalogo.Categoria", "triage.ModelloTriage", "triage.ImpostazioniTriage"), ttl_s=300
)


@dataclass(frozen=True)
class Suggerimento:
    categoria: Categoria
    probabilita: float


@dataclass(frozen=True)
class _Mappa:
    """A comune's active categories, each with its national kind, and its own model if any."""

    categorie: tuple[Categoria, ...]
    tipi: tuple[str, ...]  # the kind of each category
    affinita: np.ndarray  # how surely each category is its kind
    radici: tuple[frozenset[str], ...]  # the stems of each category's own words
    per_tipo: tuple[tuple[int, np.ndarray], ...]  # (kind's index in CODICI, its categories' indices)
    orfani: np.ndarray  # indices in CODICI of the kinds without a category
    altro: int | None  # index in CODICI of "altro" if the comune has an "altro" category
    modello: ModelloComune | None


def tipo_di(categoria: Categoria) -> tuple[str, float]:
    """The national kind a category is, read from its own words, and how surely. A catch-all
    ("Altro", "Varie") is "altro" by its name: no vocabulary describes what is left over."""
    if normalizza(categoria.nome) in NOMI_ALTRO or categoria.codice == ALTRO:
        return ALTRO, 1.0
    parole = " ".join([
        categoria.nome, categoria.nome, categoria.descrizione, categoria.gruppo,
        " ".join(str(k) for k in categoria.parole_chiave or []), categoria.codice.replace("-", " "),
    ])
    p = modello_giorno_uno().probabilita(parole)
    i = int(np.argmax(p))
    return CODICI[i], float(p[i])


def _carica(ente_id: int) -> _Mappa:
    categorie = tuple(Categoria.objects.using(DEFAULT_DB_ALIAS).filter(ente_id=ente_id, attiva=True))
    ultimo = ModelloTriage.objects.using(DEFAULT_DB_ALIAS).filter(ente_id=ente_id).order_by("-versione").first()
    return mappa_di(categorie, ModelloComune.da_byte(ultimo.dati) if ultimo is not None else None)


def mappa_di(categorie: tuple[Categoria, ...], modello: ModelloComune | None = None) -> _Mappa:
    """The map of these categories onto the kinds (no database: the benchmark builds one too)."""
    tipi, affinita, radici = [], [], []
    for c in categorie:
        tipo, quanto = tipo_di(c)
        tipi.append(tipo)
        affinita.append(quanto)
        radici.append(frozenset(prepara(f"{c.nome} {' '.join(map(str, c.parole_chiave or []))}").radici["it"]))
    presenti = sorted(set(tipi), key=CODICI.index)
    per_tipo = tuple(
        (CODICI.index(t), np.array([i for i, ti in enumerate(tipi) if ti == t])) for t in presenti
    )
    orfani = np.array([i for i, t in enumerate(CODICI) if t not in presenti], dtype=np.int64)
    altro = CODICI.index(ALTRO) if ALTRO in presenti else None
    return _Mappa(categorie, tuple(tipi), np.array(affinita), tuple(radici), per_tipo, orfani, altro, modello)


def _mappa(ente: Ente) -> _Mappa:
    return _memoria.prendi(("mappa", ente.pk), lambda: _carica(ente.pk))


def suggerisci(ente: Ente, testo: str, *, quanti: int = QUANTI) -> list[Suggerimento]:
    """The comune's categories these words suggest, most likely first, with probabilities that
    add up to 1 over all its categories. Empty when there are no words or no categories."""
    calcolo = _calcola(ente, testo)
    if calcolo is None:
        return []
    mappa, p, _fiducia = calcolo
    ordine = np.argsort(-p, kind="stable")[:quanti]
    return [Suggerimento(mappa.categorie[i], round(float(p[i]), 4)) for i in ordine]


def suggerisci_tipi(testo: str, *, quanti: int = QUANTI) -> list[tuple[str, float]]:
    """The national kinds these words suggest, most likely first (no comune: the day-one model)."""
    preparato = prepara((testo or "")[:TESTO_MASSIMO])
    if not preparato.documento:
        return []
    p = modello_giorno_uno().probabilita(preparato)
    return [(CODICI[i], round(float(p[i]), 4)) for i in np.argsort(-p, kind="stable")[:quanti]]


def categoria_suggerita(ente: Ente, testo: str) -> Categoria | None:
    """The most likely category, for intake without one (e-mail, SMS, API). None when the words
    say nothing a model recognises ("Qualcosa non va"): the sender is asked to choose, rather than
    the report landing in "Altro" — which is a real category, not where low scores go."""
    return decidi_categoria(ente, testo).categoria


@dataclass(frozen=True)
class Decisione:
    """How a report without a chosen category is classified."""

    categoria: Categoria | None  # None: the words say nothing a model recognises; ask
    probabilita: float
    scelte: list[Suggerimento]  # the top choices, most likely first
    # Routed by itself: the comune set a threshold and the top probability reaches it. Otherwise
    # the category is provisional and operators see the top choices to confirm one.
    automatica: bool


def soglia_automatica(ente: Ente) -> float | None:
    """The comune's threshold for automatic classification; None (the default): never automatic."""
    def carica() -> float | None:
        return (ImpostazioniTriage.objects.using(DEFAULT_DB_ALIAS).filter(ente_id=ente.pk)
                .values_list("soglia_automatica", flat=True).first())
    return _memoria.prendi(("soglia", ente.pk), carica)


def imposta_soglia(ente: Ente, soglia: float | None) -> ImpostazioniTriage:
    """The ente admin's choice: from this probability up, classification is automatic; None: never.
    Below FIDUCIA_MINIMA the words barely say anything: refused, like a probability above 1."""
    if soglia is not None and not FIDUCIA_MINIMA <= soglia <= 1.0:
        raise InvalidData({"soglia": [_("La soglia va da %(min)d a 100 %%, oppure vuota (mai automatica).")
                                      % {"min": round(FIDUCIA_MINIMA * 100)}]})
    impostazioni, _creata = ImpostazioniTriage.objects.update_or_create(
        ente=ente, defaults={"soglia_automatica": soglia})
    return impostazioni


def decidi_categoria(ente: Ente, testo: str) -> Decisione:
    """The one rule of classification by confidence, for every intake without a category."""
    calcolo = _calcola(ente, testo)
    if calcolo is None:
        return Decisione(None, 0.0, [], False)
    mappa, p, fiducia = calcolo
    scelte = [Suggerimento(mappa.categorie[i], round(float(p[i]), 4))
              for i in np.argsort(-p, kind="stable")[:QUANTI]]
    if fiducia < FIDUCIA_MINIMA:
        return Decisione(None, scelte[0].probabilita, scelte, False)
    soglia = soglia_automatica(ente)
    return Decisione(scelte[0].categoria, scelte[0].probabilita, scelte,
                     soglia is not None and scelte[0].probabilita >= soglia)


def decisione_per(ente: Ente, categoria: Categoria, testo: str) -> Decisione:
    """The decision for a category a channel already read from these words (`decidi_categoria`'s
    rule, kept for that category): automatic only when the comune's threshold would have chosen it."""
    d = decidi_categoria(ente, testo)
    probabilita = next((x.probabilita for x in d.scelte if x.categoria.pk == categoria.pk), 0.0)
    return Decisione(categoria, probabilita, d.scelte, d.automatica and d.categoria == categoria)


def registra_all_arrivo(segnalazione, decisione: Decisione | None) -> SuggerimentoTriage:
    """Keep what triage suggested for a new report (inside intake's transaction): the category
    (the decision taken, or for a report whose category was chosen what the words suggested,
    which the analytics compare with the operators' final one) and the priority with its reasons."""
    s = segnalazione
    testo = f"{s.titolo}\n{s.descrizione}"
    scelte = decisione.scelte if decisione is not None else suggerisci(s.ente, testo)
    priorita = suggerisci_priorita(testo, quando=s.creata_il, fuso_orario=s.ente.fuso_orario)
    return SuggerimentoTriage.objects.create(
        segnalazione=s, ente_id=s.ente_id, categoria=scelte[0].categoria if scelte else None,
        probabilita=scelte[0].probabilita if scelte else 0.0,
        scelte=[[x.categoria.pk, x.probabilita] for x in scelte],
        dal_testo=decisione is not None, automatica=bool(decisione and decisione.automatica),
        priorita=priorita.livello, motivi=priorita.motivi, creato_il=s.creata_il,
    )


def _calcola(ente: Ente, testo: str) -> tuple[_Mappa, np.ndarray, float] | None:
    """(the comune's map, P(category), how surely any kind was recognised)."""
    return calcola_su(_mappa(ente), testo)


def calcola_su(mappa: _Mappa, testo: str) -> tuple[_Mappa, np.ndarray, float] | None:
    testo = (testo or "")[:TESTO_MASSIMO]
    preparato = prepara(testo)
    if not mappa.categorie or not preparato.documento:
        return None
    per_tipo, riconosciuto = modello_giorno_uno().analizza(preparato)
    p = _dal_giorno_uno(mappa, preparato, per_tipo)
    fiducia = float(per_tipo.max()) if riconosciuto else 0.0
    if mappa.modello is not None:
        peso = min(PESO_MASSIMO_STORIA, mappa.modello.esempi / (mappa.modello.esempi + FIDUCIA_STORIA))
        peso *= mappa.modello.copertura(preparato)
        appresa = mappa.modello.probabilita(preparato)
        storia = np.array([appresa.get(str(c.pk), 0.0) for c in mappa.categorie])
        if peso > 0 and storia.sum() > 0:
            storia = storia / storia.sum()
            p = (1.0 - peso) * p + peso * storia
            if mappa.modello.copertura(preparato) >= 0.5:  # the comune's own words for it
                fiducia = max(fiducia, float(storia.max()))
    return mappa, p, fiducia


def _dal_giorno_uno(mappa: _Mappa, preparato: Preparato, per_tipo: np.ndarray) -> np.ndarray:
    """P(kind) spread over the categories of each kind, by how surely each is that kind and how
    many of its own words the text uses; kinds without a category go to the "altro" ones."""
    radici_testo = set(preparato.radici["it"])
    pesi = mappa.affinita * np.array([1.0 + 2.0 * len(radici_testo & r) for r in mappa.radici])
    orfana = float(per_tipo[mappa.orfani].sum()) if len(mappa.orfani) else 0.0
    p = np.zeros(len(mappa.categorie))
    for indice_tipo, indici in mappa.per_tipo:
        quota = per_tipo[indice_tipo] + (orfana if indice_tipo == mappa.altro else 0.0)
        pesi_tipo = pesi[indici]
        p[indici] = quota * pesi_tipo / pesi_tipo.sum()
    return p / p.sum()


# --- learning -------------------------------------------------------------------------------------

def registra_esempio(segnalazione, categoria: Categoria, fonte: str = FonteEsempio.RICLASSIFICAZIONE) -> None:
    """An operator confirmed or corrected this report's category: keep its words (masked of
    personal data) as a labelled example, the last decision winning; after commit, ask the worker
    to retrain when enough new examples exist. Called inside the owning door's transaction."""
    from civico.moderazione.testo import maschera  # the one masking of citizens' words

    testo = maschera(f"{segnalazione.titolo}\n{segnalazione.descrizione}"[:TESTO_MASSIMO]).testo
    EsempioTriage.objects.update_or_create(
        segnalazione_id=segnalazione.pk,
        defaults={"ente_id": segnalazione.ente_id, "categoria": categoria, "testo": testo, "fonte": fonte},
    )
    SuggerimentoTriage.objects.filter(segnalazione_id=segnalazione.pk).update(confermata=True)
    ente_id = segnalazione.ente_id
    transaction.on_commit(lambda: _forse_riaddestra(ente_id))


def nuovi_esempi(ente_id: int) -> int:
    """Examples added or changed since the comune's newest model was trained."""
    ultimo = ModelloTriage.objects.filter(ente_id=ente_id).aggregate(m=Max("addestrato_il"))["m"]
    esempi = EsempioTriage.objects.filter(ente_id=ente_id)
    return (esempi.filter(aggiornato_il__gt=ultimo) if ultimo else esempi).count()


def _forse_riaddestra(ente_id: int) -> None:
    from civico.triage.tasks import riaddestra_triage

    if nuovi_esempi(ente_id) >= settings.CIVICO.get("TRIAGE_NUOVI_ESEMPI", NUOVI_ESEMPI_PREDEFINITO):
        riaddestra_triage.enqueue(ente_id)


def riaddestra(ente: Ente) -> ModelloTriage | None:
    """A new version of the comune's model on all its examples (of categories still active)."""
    esempi = list(
        EsempioTriage.objects.filter(ente=ente, categoria__attiva=True).values_list("testo", "categoria_id")
    )
    inizio = time.perf_counter()
    addestrato = addestra_modello_comune([t for t, _c in esempi], [str(c) for _t, c in esempi])
    if addestrato is None:
        return None
    durata_ms = int((time.perf_counter() - inizio) * 1000)
    with transaction.atomic():
        versione = (ModelloTriage.objects.select_for_update().filter(ente=ente)
                    .aggregate(v=Max("versione"))["v"] or 0) + 1
        return ModelloTriage.objects.create(
            ente=ente, versione=versione, esempi=len(esempi), durata_ms=durata_ms, dati=addestrato.in_byte()
        )
