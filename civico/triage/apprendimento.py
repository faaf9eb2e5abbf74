"""Learning from a comune's history: the per-comune model on the reports operators labelled.

A scikit-learn linear model on the same word and character n-grams as the day-one model, over the
comune's own categories. Stored as plain NumPy arrays (no pickle: loading a model must never be
able to run code), one version per training.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np

from civico.triage.modello import Preparato, Vettori, classificatore, prepara, probabilita_lineari


@dataclass(frozen=True)
class ModelloComune:
    vettori: Vettori
    classi: tuple[str, ...]  # category ids, as text (what the operators chose)
    coef: np.ndarray
    intercetta: np.ndarray
    esempi: int

    def probabilita(self, testo: str | Preparato) -> dict[str, float]:
        documento = (testo if isinstance(testo, Preparato) else prepara(testo)).documento
        p = probabilita_lineari(self.coef, self.intercetta, *self.vettori.di(documento))
        return dict(zip(self.classi, p.tolist(), strict=True))

    def copertura(self, testo: str | Preparato) -> float:
        """The share of the text's words this comune's history has seen: on words it never saw,
        the comune's model knows nothing, and must not pull the answer to its few categories."""
        parole = (testo if isinstance(testo, Preparato) else prepara(testo)).documento.split()
        if not parole:
            return 0.0
        return sum(1 for p in parole if self.vettori.conosce(p)) / len(parole)

    def in_byte(self) -> bytes:
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer, classi=np.array(self.classi, dtype=str), coef=self.coef, intercetta=self.intercetta,
            esempi=np.array([self.esempi]), **self.vettori.come_array(),
        )
        return buffer.getvalue()

    @classmethod
    def da_byte(cls, dati: bytes) -> ModelloComune:
        with np.load(io.BytesIO(bytes(dati)), allow_pickle=False) as a:
            arrays = {k: a[k] for k in a.files}
        return cls(
            Vettori.da_array(arrays), tuple(str(c) for c in arrays["classi"]), arrays["coef"],
            arrays["intercetta"], int(arrays["esempi"][0]),
        )


def addestra_modello_comune(testi: list[str], etichette: list[str]) -> ModelloComune | None:
    """The model of these labelled texts; None with fewer than two categories (nothing to tell apart)."""
    classi = sorted(set(etichette))
    if len(classi) < 2:
        return None
    vettori, matrice = Vettori.addestra([prepara(t).documento for t in testi], rari=True)
    lineare = classificatore().fit(matrice, etichette)
    coef, intercetta = lineare.coef_, lineare.intercept_
    if len(lineare.classes_) == 2:  # scikit-learn keeps one row for two classes: make it two
        coef = np.vstack([-coef[0], coef[0]])
        intercetta = np.array([-intercetta[0], intercetta[0]])
    return ModelloComune(
        vettori, tuple(str(c) for c in lineare.classes_), np.ascontiguousarray(coef), intercetta, len(testi)
    )
