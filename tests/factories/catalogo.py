"""An ente's catalogue: offices and categories beyond the demo's."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from civico.catalogo.models import Categoria, Ufficio
from tests.factories.enti import EnteFactory


class UfficioFactory(DjangoModelFactory):
    """An office of the comune (a team a routing rule or a role can name)."""

    class Meta:
        model = Ufficio

    ente = factory.SubFactory(EnteFactory)
    nome = factory.Sequence(lambda n: f"Squadra {n}")


class CategoriaFactory(DjangoModelFactory):
    """A category citizens can choose, handled by an office of the same comune."""

    class Meta:
        model = Categoria

    ente = factory.SubFactory(EnteFactory)
    codice = factory.Sequence(lambda n: f"categoria-{n}")
    nome = factory.LazyAttribute(lambda o: o.codice.replace("-", " ").capitalize())
    ufficio_predefinito = factory.SubFactory(UfficioFactory, ente=factory.SelfAttribute("..ente"))
