"""Reading an ente's catalogue: which category, which office."""

from __future__ import annotations

import re

from civico.catalogo.models import Categoria
from civico.enti.models import Ente
from civico.testo import senza_accenti


def normalizza(testo: str) -> str:
    """Lowercase, no accents, words only: for matching what citizens type."""
    return re.sub(r"[^a-z0-9]+", " ", senza_accenti(testo.lower())).strip()


def trova_categoria(ente: Ente, riferimento: str | int) -> Categoria | None:
    """A category of this ente by code or id (only active ones)."""
    qs = Categoria.objects.filter(ente=ente, attiva=True)
    rif = str(riferimento).strip()
    trovata = qs.filter(codice=rif).first()
    if trovata is None and rif.isdigit():
        trovata = qs.filter(pk=int(rif)).first()
    return trovata


def suggerisci_categoria(ente: Ente, testo: str) -> Categoria | None:
    """The category whose name or keywords best match the citizen's words, if any does."""
    parole = set(normalizza(testo).split())
    if not parole:
        return None
    migliore, punteggio_migliore = None, 0
    for categoria in Categoria.objects.filter(ente=ente, attiva=True):
        chiavi = [normalizza(categoria.nome), *(normalizza(k) for k in categoria.parole_chiave)]
        punteggio = 0
        for chiave in chiavi:
            termini = chiave.split()
            if termini and all(_radice_in(t, parole) for t in termini):
                punteggio += len(termini)
        if punteggio > punteggio_migliore:
            migliore, punteggio_migliore = categoria, punteggio
    return migliore


def _radice_in(termine: str, parole: set[str]) -> bool:
    # "buca" matches "buche", "lampione" matches "lampioni": compare the first letters only.
    radice = termine[: max(4, len(termine) - 2)]
    return any(p.startswith(radice) for p in parole)
