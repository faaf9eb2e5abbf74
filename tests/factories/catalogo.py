"""An ente's catalogue: offices and categories beyond the demo's."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from civico.catalogo.models import Categoria, RegolaInstradamento, Ufficio
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


class RegolaInstradamentoFactory(DjangoModelFactory):
    """A routing rule: reports (of a category, in a zone or H3 cells) go to an office of the comune."""

    class Meta:
        model = RegolaInstradamento

    ente = factory.SubFactory(EnteFactory)
    nome = factory.Sequence(lambda n: f"Regola {n}")
    ufficio = factory.SubFactory(UfficioFactory, ente=factory.SelfAttribute("..ente"))
