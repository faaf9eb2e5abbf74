"""The day-one classifier: citizen's words → probability of each national kind.

Two views of the same curated vocabulary, blended:
- a matcher of stemmed phrases (Italian and English snowball stems), longest phrase first, so
  "buca delle lettere" is consumed as a letter box before "buca" can count as a pothole;
- a linear model (scikit-learn logistic regression) on word and character n-grams, trained on
  texts built from the vocabulary itself: it generalises to words next to the curated ones, and
  its character n-grams forgive typos the matcher cannot see.
Before both, a word that is not in the vocabulary but one edit away from one that is ("spnto",
"semafaro") is read as that word.

Trained once per release and machine, on first use, in a child process that writes the weights
as plain NumPy arrays under `var/triage/` (about two seconds); every process then loads them and
classifies with NumPy alone: a serving worker never imports scikit-learn or SciPy (~90 MB of a
worker's memory, issue #8). The file's name is a digest of what training reads (this code, the
vocabulary, the libraries' versions), so a change trains again and never loads stale weights.
Also the text preparation and features that the per-comune models (`apprendimento.py`) reuse.
"""

from __future__ import annotations

import hashlib
import logging
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import snowballstemmer

from civico.testo import senza_accenti
from civico.triage.tipi import CODICI
from civico.triage.vocabolario import INGANNEVOLI, PAROLE_VUOTE, PESI_TIPO, VOCABOLARIO

if TYPE_CHECKING:  # training only: imported where it runs, never by a process that only classifies
    from scipy import sparse
    from sklearn.linear_model import SGDClassifier

logger = logging.getLogger(__name__)

_LINGUE_STEMMER = {"it": "italian", "en": "english"}
# A snowball stemmer keeps the word it is working on in the object: shared between the server's
# threads, two concurrent intakes corrupt each other's word (IndexError, a 500 under load). Each
# thread gets its own.
_STEMMER_DEL_THREAD = threading.local()


def _stemmer(lingua: str):
    stemmer = getattr(_STEMMER_DEL_THREAD, lingua, None)
    if stemmer is None:
        stemmer = snowballstemmer.stemmer(_LINGUE_STEMMER[lingua])
        setattr(_STEMMER_DEL_THREAD, lingua, stemmer)
    return stemmer
_VUOTE = frozenset(senza_accenti(p) for parole in PAROLE_VUOTE.values() for p in parole.split())
_NON_PAROLA = re.compile(r"[^a-z0-9]+")
_LUNGHEZZA_MINIMA_CORREZIONE = 5
PESO_LINEARE = 0.55  # the rest goes to the phrase matcher, when it finds anything
# Without a phrase of the vocabulary, the linear model alone must be this sure to say the text is
# about something ("Aiuto" scores 0.34 on character n-grams of "aiuole"; "lampioncini" 0.9).
SICURO_SENZA_FRASI = 0.6


def normalizza(testo: str) -> str:
    """Lowercase, no accents, words only (apostrophes split words: "dell'acqua" → "dell acqua")."""
    return _NON_PAROLA.sub(" ", senza_accenti(testo.lower())).strip()


def _parole_significative(parole: list[str]) -> list[str]:
    return [p for p in parole if p not in _VUOTE and len(p) > 1]


@lru_cache(maxsize=65536)
def radice(parola: str, lingua: str) -> str:
    return _stemmer(lingua).stemWord(parola)


# --- typo correction: symmetric deletes, one edit ---------------------------------------------

def _cancellazioni(parola: str) -> set[str]:
    return {parola[:i] + parola[i + 1:] for i in range(len(parola))}


@dataclass(frozen=True)
class Correttore:
    note: frozenset[str]
    indice: dict[str, str]  # a word or one of its one-deletion variants → the known word

    @classmethod
    def da_vocabolario(cls, parole: set[str]) -> Correttore:
        indice: dict[str, str] = {}
        for parola in sorted(parole):  # sorted: the same correction in every process
            if len(parola) < _LUNGHEZZA_MINIMA_CORREZIONE:
                continue
            for variante in {parola} | _cancellazioni(parola):
                indice.setdefault(variante, parola)
        return cls(frozenset(parole), indice)

    def correggi(self, parola: str) -> str:
        if parola in self.note or len(parola) < _LUNGHEZZA_MINIMA_CORREZIONE or parola.isdigit():
            return parola
        if (trovata := self.indice.get(parola)) is not None:  # a letter too few
            return trovata
        for variante in sorted(_cancellazioni(parola)):  # a letter too many, or a wrong one
            if (trovata := self.indice.get(variante)) is not None:
                return trovata
        return parola


# --- the prepared text ------------------------------------------------------------------------

@dataclass(frozen=True)
class Preparato:
    """A text as both views read it."""

    radici: dict[str, tuple[str, ...]]  # per language, the stems of the significant words
    documento: str  # corrected significant words, for the n-gram features


def _tutte_le_parole() -> set[str]:
    parole: set[str] = set()
    for lingue in VOCABOLARIO.values():
        for termini in lingue.values():
            for termine in termini:
                parole.update(normalizza(termine).split())
    for frase, _tipo in INGANNEVOLI:
        parole.update(normalizza(frase).split())
    return parole - _VUOTE


_correttore = Correttore.da_vocabolario(_tutte_le_parole())


def prepara(testo: str) -> Preparato:
    parole = _parole_significative(normalizza(testo).split())
    corrette = [_correttore.correggi(p) for p in parole]
    radici = {lingua: tuple(radice(p, lingua) for p in corrette) for lingua in _LINGUE_STEMMER}
    return Preparato(radici, " ".join(corrette))


# --- the phrase matcher -----------------------------------------------------------------------

@dataclass(frozen=True)
class _Frase:
    radici: tuple[str, ...]
    tipo: str | None  # None: a phrase that says nothing (it only stops its words from counting)


def _frasi() -> dict[str, dict[str, list[_Frase]]]:
    """Per language, per first stem: the phrases that start with it, longest first."""
    per_lingua: dict[str, dict[str, list[_Frase]]] = {lingua: {} for lingua in _LINGUE_STEMMER}
    for lingua in _LINGUE_STEMMER:
        voci = [(t, tipo) for tipo, lingue in VOCABOLARIO.items() for t in lingue.get(lingua, [])]
        voci += list(INGANNEVOLI)
        visti: set[tuple[str, ...]] = set()
        for termine, tipo in voci:
            radici = prepara(termine).radici[lingua]
            if not radici or (radici, tipo) in visti:
                continue
            visti.add((radici, tipo))
            per_lingua[lingua].setdefault(radici[0], []).append(_Frase(radici, tipo))
    for indice in per_lingua.values():
        for elenco in indice.values():
            # Longest first; at equal length a misleading phrase first (it must consume its words).
            elenco.sort(key=lambda f: (-len(f.radici), f.tipo is not None))
    return per_lingua


_FRASI = _frasi()


def punteggi_frasi(preparato: Preparato) -> dict[str, float]:
    """Per kind, the weight of its phrases found in the text (the better of the two languages)."""
    migliori: dict[str, float] = {}
    for lingua, indice in _FRASI.items():
        radici = preparato.radici[lingua]
        punteggi: dict[str, float] = {}
        i = 0
        while i < len(radici):
            for frase in indice.get(radici[i], ()):
                n = len(frase.radici)
                if radici[i:i + n] == frase.radici:
                    if frase.tipo is not None:
                        peso = (1.0 + 0.5 * (n - 1)) * PESI_TIPO.get(frase.tipo, 1.0)
                        punteggi[frase.tipo] = punteggi.get(frase.tipo, 0.0) + peso
                    i += n
                    break
            else:
                i += 1
        for tipo, valore in punteggi.items():
            migliori[tipo] = max(migliori.get(tipo, 0.0), valore)
    return migliori


def _distribuzione_frasi(punteggi: dict[str, float]) -> np.ndarray | None:
    if not punteggi:
        return None
    valori = np.array([punteggi.get(c, 0.0) for c in CODICI])
    esponenziali = np.exp(2.0 * (valori - valori.max())) * (valori > 0)
    return esponenziali / esponenziali.sum()


# --- n-gram features (the same for the day-one and the per-comune models) ----------------------

def ngrammi_parole(documento: str) -> list[str]:
    parole = documento.split()
    return parole + [f"{a} {b}" for a, b in zip(parole, parole[1:], strict=False)]


def ngrammi_caratteri(documento: str) -> list[str]:
    """Character 3–5-grams inside each word padded with spaces (scikit-learn's "char_wb")."""
    risultato = []
    for parola in documento.split():
        w = f" {parola} "
        for n in range(3, 6):
            if len(w) < n:
                break
            risultato.extend(w[i:i + n] for i in range(len(w) - n + 1))
    return risultato


_ANALIZZATORI = (("parole", ngrammi_parole, 1), ("caratteri", ngrammi_caratteri, 2))


class Vettori:
    """TF-IDF of word and character n-grams: fitted with scikit-learn, applied to one text by hand
    (scikit-learn's transform costs ~1 ms per call for one short text; this ~0.1 ms). Saved as
    plain arrays (the n-grams and their idf), never as a pickle."""

    def __init__(self, blocchi: dict[str, tuple[list[str], np.ndarray]]):
        self._blocchi = []
        scarto = 0
        for nome, analizzatore, _min_df in _ANALIZZATORI:
            ngrammi, idf = blocchi[nome]
            self._blocchi.append((nome, analizzatore, {g: i for i, g in enumerate(ngrammi)}, idf, scarto))
            scarto += len(ngrammi)
        self.dimensione = scarto

    @classmethod
    def addestra(cls, documenti: list[str], *, rari: bool = False) -> tuple[Vettori, sparse.csr_matrix]:
        """`rari`: keep n-grams seen once too (a comune's few reports, where every word counts)."""
        from scipy import sparse
        from sklearn.feature_extraction.text import TfidfVectorizer

        blocchi, matrici = {}, []
        for nome, analizzatore, min_df in _ANALIZZATORI:
            v = TfidfVectorizer(analyzer=analizzatore, sublinear_tf=True, min_df=1 if rari else min_df)
            matrici.append(v.fit_transform(documenti))
            blocchi[nome] = (list(v.get_feature_names_out()), v.idf_)
        return cls(blocchi), sparse.hstack(matrici).tocsr()

    def come_array(self) -> dict[str, np.ndarray]:
        risultato = {}
        for nome, _a, vocabolario, idf, _s in self._blocchi:
            risultato[f"{nome}_ngrammi"] = np.array(list(vocabolario), dtype=str)
            risultato[f"{nome}_idf"] = idf
        return risultato

    @classmethod
    def da_array(cls, dati: dict[str, np.ndarray]) -> Vettori:
        return cls({
            nome: ([str(g) for g in dati[f"{nome}_ngrammi"]], dati[f"{nome}_idf"])
            for nome, _a, _m in _ANALIZZATORI
        })

    def conosce(self, parola: str) -> bool:
        """Whether this word is one of the word n-grams seen in training."""
        return parola in self._blocchi[0][2]

    def di(self, documento: str) -> tuple[np.ndarray, np.ndarray]:
        """(columns, values) of one text's features."""
        colonne: list[int] = []
        valori: list[float] = []
        for _nome, analizzatore, vocabolario, idf, scarto in self._blocchi:
            conteggi: dict[int, int] = {}
            for g in analizzatore(documento):
                if (i := vocabolario.get(g)) is not None:
                    conteggi[i] = conteggi.get(i, 0) + 1
            if not conteggi:
                continue
            c = np.fromiter(conteggi.keys(), dtype=np.int64, count=len(conteggi))
            v = 1.0 + np.log(np.fromiter(conteggi.values(), dtype=np.float64, count=len(conteggi)))
            v *= idf[c]
            v /= np.linalg.norm(v)
            colonne.extend((c + scarto).tolist())
            valori.extend(v.tolist())
        return np.array(colonne, dtype=np.int64), np.array(valori)


def probabilita_lineari(coef: np.ndarray, intercetta: np.ndarray, colonne: np.ndarray,
                        valori: np.ndarray) -> np.ndarray:
    """One-vs-rest logistic scores normalised to sum to 1 (what scikit-learn's SGD log_loss gives)."""
    punteggi = coef[:, colonne] @ valori + intercetta if len(colonne) else intercetta.copy()
    sigmoidi = 1.0 / (1.0 + np.exp(-punteggi))
    return sigmoidi / sigmoidi.sum()


def classificatore() -> SGDClassifier:
    """Logistic loss by stochastic gradient: a second on the vocabulary's ~4,000 texts, where
    lbfgs takes ten times as long on a shared machine, for the same accuracy."""
    from sklearn.linear_model import SGDClassifier

    return SGDClassifier(loss="log_loss", alpha=2e-5, max_iter=8, tol=None, class_weight="balanced",
                         random_state=0)


# --- the day-one model --------------------------------------------------------------------------

_CONTESTI_IT = [
    "{t}", "{t}", "c'è {t} in via roma", "{t} da una settimana", "{t} davanti a casa", "segnalo {t}",
    "{t} vicino alla stazione", "in piazza {t}", "{t} nel quartiere, nessuno interviene",
]
_CONTESTI_EN = ["{t}", "{t}", "there is {t} near my house", "{t} for days", "{t} in the town centre"]


def esempi_sintetici(seme: int = 7) -> tuple[list[str], list[str]]:
    """Texts built from the vocabulary, with their kind: the day-one model's training set."""
    caso = random.Random(seme)
    testi: list[str] = []
    tipi: list[str] = []
    for tipo, lingue in VOCABOLARIO.items():
        for lingua, contesti in (("it", _CONTESTI_IT), ("en", _CONTESTI_EN)):
            termini = lingue.get(lingua, [])
            for termine in termini:
                for contesto in caso.sample(contesti, 3):
                    testi.append(contesto.format(t=termine))
                    tipi.append(tipo)
            for _ in range(len(termini)):  # two words of the same kind together
                a, b = caso.sample(termini, 2) if len(termini) > 1 else (termini[0], termini[0])
                testi.append(f"{a} {b}")
                tipi.append(tipo)
    for frase, tipo in INGANNEVOLI:
        if tipo is None:  # says nothing: it only keeps its words from counting in the matcher
            continue
        for contesto in _CONTESTI_IT[:4]:
            testi.append(contesto.format(t=frase))
            tipi.append(tipo)
    return testi, tipi


def addestra_giorno_uno() -> dict[str, np.ndarray]:
    """Train the day-one model (scikit-learn): its weights and features as plain arrays."""
    testi, tipi = esempi_sintetici()
    vettori, matrice = Vettori.addestra([prepara(t).documento for t in testi])
    lineare = classificatore().fit(matrice, tipi)
    ordine = [list(lineare.classes_).index(c) for c in CODICI]
    return {"coef": np.ascontiguousarray(lineare.coef_[ordine]), "intercetta": lineare.intercept_[ordine],
            **vettori.come_array()}


def _impronta_addestramento() -> str:
    """A digest of everything the day-one training reads: the weights on disk match it or are not used."""
    h = hashlib.sha256()
    qui = Path(__file__).resolve().parent
    for sorgente in (qui / "modello.py", qui / "vocabolario.py", qui / "tipi.py", qui.parent / "testo.py"):
        h.update(sorgente.read_bytes())
    for pacchetto in ("scikit-learn", "scipy", "numpy", "snowballstemmer"):
        h.update(f"{pacchetto}={metadata.version(pacchetto)};".encode())
    return h.hexdigest()[:20]


def _salva(pesi: dict[str, np.ndarray], percorso: Path) -> None:
    """Written aside then renamed: a process loading meanwhile never reads half a file."""
    percorso.parent.mkdir(parents=True, exist_ok=True)
    fd, provvisorio = tempfile.mkstemp(dir=percorso.parent, suffix=".npz")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **pesi)
        os.replace(provvisorio, percorso)
    except BaseException:
        Path(provvisorio).unlink(missing_ok=True)
        raise


def _carica(percorso: Path) -> dict[str, np.ndarray]:
    with np.load(percorso, allow_pickle=False) as dati:
        return {k: dati[k] for k in dati.files}


def pesi_giorno_uno(cartella: Path | None = None) -> dict[str, np.ndarray]:
    """The day-one weights: from `var/triage/` if trained already, else trained by a child process
    (so this one never loads scikit-learn) and kept there; in this process if no child can run."""
    if cartella is None:
        from django.conf import settings

        cartella = Path(settings.VAR_DIR) / "triage"
    percorso = cartella / f"giorno-uno-{_impronta_addestramento()}.npz"
    try:
        return _carica(percorso)
    except (OSError, ValueError, KeyError):
        pass
    try:
        subprocess.run([sys.executable, "-m", "civico.triage.modello", str(percorso)], check=True,
                       timeout=600, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        return _carica(percorso)
    except (OSError, ValueError, subprocess.SubprocessError) as exc:
        logger.warning("Triage: modello non addestrato in un processo figlio (%s): lo addestro qui", exc)
    pesi = addestra_giorno_uno()
    try:
        _salva(pesi, percorso)
    except OSError:
        logger.warning("Triage: pesi del modello non salvati in %s", percorso, exc_info=True)
    return pesi


class ModelloGiornoUno:
    """The national model: no history needed, the same for every comune."""

    def __init__(self, pesi: dict[str, np.ndarray] | None = None) -> None:
        pesi = pesi_giorno_uno() if pesi is None else pesi
        self._vettori = Vettori.da_array(pesi)
        self._coef = np.ascontiguousarray(pesi["coef"])
        self._intercetta = pesi["intercetta"]

    def probabilita(self, testo: str | Preparato) -> np.ndarray:
        """P(kind | text), in the order of `tipi.CODICI`."""
        return self.analizza(testo)[0]

    def analizza(self, testo: str | Preparato) -> tuple[np.ndarray, bool]:
        """(P(kind | text), whether the text says something this model recognises: a phrase of the
        vocabulary, or words the linear model is sure about on its own)."""
        preparato = testo if isinstance(testo, Preparato) else prepara(testo)
        if not preparato.documento:
            return np.full(len(CODICI), 1.0 / len(CODICI)), False
        lineare = probabilita_lineari(self._coef, self._intercetta, *self._vettori.di(preparato.documento))
        frasi = _distribuzione_frasi(punteggi_frasi(preparato))
        if frasi is None:
            return lineare, bool(lineare.max() >= SICURO_SENZA_FRASI)
        return PESO_LINEARE * lineare + (1.0 - PESO_LINEARE) * frasi, True


_modello: ModelloGiornoUno | None = None
_blocco = threading.Lock()


def modello_giorno_uno() -> ModelloGiornoUno:
    """The process's day-one model, trained on first use (once, even with concurrent requests)."""
    global _modello
    if _modello is None:
        with _blocco:
            if _modello is None:
                _modello = ModelloGiornoUno()
    return _modello


if __name__ == "__main__":  # the child process of `pesi_giorno_uno`: train, write, exit
    _salva(addestra_giorno_uno(), Path(sys.argv[1]))
