"""`core.inserimento.inserisci` writes the row `save()` writes, with the statement built once."""

import pytest
from django.db import connection
from django.db.models.signals import post_save

from civico.core.inserimento import _istruzione, inserisci
from civico.segnalazioni.models import Evento, Segnalazione
from tests import factories

pytestmark = pytest.mark.django_db

DIVERSI = {"id", "codice", "numero", "token", "chiave_idempotenza", "uuid"}  # unique: each copy its own


def _copia(s: Segnalazione, n: int) -> Segnalazione:
    campi = {f.attname: getattr(s, f.attname) for f in Segnalazione._meta.concrete_fields
             if not f.generated and f.attname not in DIVERSI}
    return Segnalazione(**campi, codice=f"{s.codice}-{n}", numero=s.numero + n, token=f"t{n}")


def _riga(pk: int) -> dict:
    return {k: v for k, v in Segnalazione.objects.filter(pk=pk).values().get().items() if k not in DIVERSI}


def test_the_row_is_the_one_save_writes_and_what_the_database_computes_comes_back(alessandria):
    s = factories.segnalazione(alessandria, titolo="Buca con pericolo", email="a@example.org")
    creazioni = []
    post_save.connect(lambda sender, instance, created, **kw: creazioni.append(created),
                      sender=Segnalazione, weak=False, dispatch_uid="test_inserimento")
    try:
        con_save = _copia(s, 1)
        con_save.save()
        nostra = inserisci(_copia(s, 2))
    finally:
        post_save.disconnect(sender=Segnalazione, dispatch_uid="test_inserimento")

    assert nostra.pk and not nostra._state.adding and creazioni == [True, True]
    assert nostra.livello_priorita == Segnalazione.objects.get(pk=nostra.pk).livello_priorita  # generated, returned
    assert _riga(nostra.pk) == _riga(con_save.pk) == _riga(s.pk)


def test_a_model_with_its_own_save_goes_through_it():
    assert _istruzione(Evento, connection) is None  # Evento.save guards the history
    assert _istruzione(Segnalazione, connection) is not None
