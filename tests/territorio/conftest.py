"""Alessandria with its real shipped stradario and trees, imported the way the product does."""

import pytest

from civico.enti.models import Ente
from civico.patrimonio.alberi import importa_alberi
from civico.territorio.importer import importa_stradario


@pytest.fixture
def alessandria(db) -> Ente:
    # The session setup may already know every comune of Italy, Alessandria included.
    ente, _ = Ente.objects.get_or_create(
        codice_istat="006003",
        defaults={"nome": "Alessandria", "slug": "alessandria", "codice_catastale": "A182",
                  "sigla": "AL", "attivo": True},
    )
    return ente


@pytest.fixture
def con_stradario(alessandria: Ente) -> Ente:
    importa_stradario(alessandria)
    return alessandria


@pytest.fixture
def con_alberi(alessandria: Ente) -> Ente:
    importa_alberi(alessandria)
    return alessandria
