"""Reading an ente's catalogue: which category, which office.

Every report reads its ente's catalogue (category, questions, default office, routing rules): it
is kept per process (`civico.core.memoria`), and any save of a category, question, office or rule
makes it stale. What these functions return is shared: read it, never modify it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS

from civico.catalogo.models import Categoria, RegolaInstradamento
from civico.core.memoria import Memoria
from civico.enti.models import Ente
from civico.testo import senza_accenti

_memoria = Memoria(
    "catalogo", ("catalogo.Categoria", "catalogo.Domanda", "catalogo.Ufficio", "catalogo.RegolaInstradamento"),
    ttl_s=300,
)


@dataclass(frozen=True)
class _Catalogo:
    attive: tuple[Categoria, ...]  # in the catalogue's order, questions and default office loaded
    per_codice: dict[str, Categoria]
    per_id: dict[int, Categoria]


def _carica(ente_id: int) -> _Catalogo:
    attive = tuple(
        Categoria.objects.using(DEFAULT_DB_ALIAS).filter(ente_id=ente_id, attiva=True)
        .select_related("ufficio_predefinito").prefetch_related("domande")
    )
    per_codice: dict[str, Categoria] = {}
    for c in attive:
        per_codice.setdefault(c.codice, c)
    return _Catalogo(attive, per_codice, {c.pk: c for c in attive})


def _catalogo(ente: Ente) -> _Catalogo:
    return _memoria.prendi(("categorie", ente.pk), lambda: _carica(ente.pk))


def regole_attive(ente_id: int) -> tuple[RegolaInstradamento, ...]:
    """The ente's active routing rules in the order they are tried, each with its office."""
    return _memoria.prendi(("regole", ente_id), lambda: tuple(
        RegolaInstradamento.objects.using(DEFAULT_DB_ALIAS).filter(ente_id=ente_id, attiva=True)
        .select_related("ufficio").order_by("priorita", "id")
    ))


def normalizza(testo: str) -> str:
    """Lowercase, no accents, words only: for matching what citizens type."""
    return re.sub(r"[^a-z0-9]+", " ", senza_accenti(testo.lower())).strip()


def trova_categoria(ente: Ente, riferimento: str | int) -> Categoria | None:
    """A category of this ente by code or id (only active ones)."""
    catalogo = _catalogo(ente)
    rif = str(riferimento).strip()
    trovata = catalogo.per_codice.get(rif)
    if trovata is None and rif.isascii() and rif.isdigit():  # "²" is a digit to isdigit(), not to int()
        trovata = catalogo.per_id.get(int(rif))
    return trovata
