"""Fixtures for the enti tests.

The session conftest loads every comune of Italy once; tests run in transactions rolled back to
it. The geo index lives in process memory, outside those transactions, so a test that rebuilt
it (because it changed boundaries) must drop it afterwards.
"""

from __future__ import annotations

import pytest

from civico.enti import geo
from civico.enti.confini import carica_provincia_alessandria
from civico.enti.models import Ente

# Central Alessandria (Piazza della Libertà) and central Valenza; open Ligurian sea.
ALESSANDRIA = (44.9126, 8.6148)
VALENZA = (45.0140, 8.6436)
MARE = (43.9, 8.9)


@pytest.fixture(scope="module", autouse=True)
def _indice_iniziale():
    geo.invalida()  # whatever earlier test modules left in memory
    yield


@pytest.fixture(autouse=True)
def _indice_ripristinato():
    prima = geo._indice
    yield
    if geo._indice is not prima:
        geo.invalida()  # built on boundaries this test's rollback has undone


@pytest.fixture
def comuni(db) -> None:
    """The comuni of the session world; the province alone when run without it."""
    if not Ente.objects.filter(codice_istat="006003").exists():
        carica_provincia_alessandria()


@pytest.fixture
def ente_alessandria(comuni) -> Ente:
    return Ente.objects.get(codice_istat="006003")


def quadrato(lat: float, lon: float, lato: float = 0.01) -> dict:
    """A small square GeoJSON polygon centred on the point."""
    m = lato / 2
    anello = [
        [lon - m, lat - m], [lon + m, lat - m], [lon + m, lat + m], [lon - m, lat + m],
        [lon - m, lat - m],
    ]
    return {"type": "Polygon", "coordinates": [anello]}
