"""Comuni on the platform, and the points of the shipped geography the tests stand on."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from civico.demo.loader import crea_catalogo
from civico.enti.models import Ente

# Piazza della Libertà 41, Alessandria (a real house number of the shipped gazetteer).
PIAZZA_LIBERTA = (44.913256, 8.615123)
VALENZA = (45.0140, 8.6436)
MAR_LIGURE = (43.9, 8.9)
CASALE = (45.1335, 8.4525)


class EnteFactory(DjangoModelFactory):
    """A comune that joins the platform: every comune of Italy is already in the session's
    database (inactive, with its boundary), so this fetches it by ISTAT code, activates it and
    gives it the demo's offices and categories, as the demo loader does.

    `completo=True`: Alessandria's full catalogue; False: the smaller one of a minor comune.
    `EnteFactory()` is Alessandria; `EnteFactory(codice_istat="006039", sigla="CM",
    completo=False)` is Casale Monferrato. Asking twice returns the same row."""

    class Meta:
        model = Ente

    codice_istat = "006003"
    sigla = "AL"
    email = factory.LazyAttribute(lambda o: f"urp@{o.sigla.lower()}.example.org")
    completo = True

    @classmethod
    def _build(cls, model_class, *, completo: bool, **campi) -> Ente:
        return model_class(**campi)

    @classmethod
    def _create(cls, model_class, *, codice_istat: str, completo: bool, **campi) -> Ente:
        ente = model_class.objects.get(codice_istat=codice_istat)
        for nome, valore in campi.items():
            setattr(ente, nome, valore)
        ente.attivo = True
        ente.save()
        crea_catalogo(ente, completo=completo)
        return ente
