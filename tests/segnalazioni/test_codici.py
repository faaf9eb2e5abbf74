"""Tracking codes: gap-free per ente and year, never shared, even by two first reports racing."""

import threading

import pytest
from django.db import connection, connections, transaction

from civico.enti.models import Ente
from civico.segnalazioni.codici import nuovo_numero
from tests.conftest import attiva, mondo


@pytest.mark.django_db
def test_i_numeri_sono_consecutivi_per_ente_e_anno(alessandria, casale):
    with transaction.atomic():
        assert nuovo_numero(alessandria, 2031) == (1, f"{alessandria.sigla}-2031-000001")
        assert nuovo_numero(alessandria, 2031)[0] == 2
        assert nuovo_numero(casale, 2031)[0] == 1, "each comune counts on its own"
        assert nuovo_numero(alessandria, 2032)[0] == 1, "each year starts again"


@pytest.mark.django_db
def test_un_intake_annullato_restituisce_il_numero(alessandria):
    with pytest.raises(RuntimeError), transaction.atomic():
        nuovo_numero(alessandria, 2033)
        raise RuntimeError("intake failed after taking its number")
    with transaction.atomic():
        assert nuovo_numero(alessandria, 2033)[0] == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two concurrent writers need PostgreSQL")
def test_due_prime_segnalazioni_simultanee_hanno_numeri_diversi():
    # Transactional tests run after the others, possibly after one that flushed the database.
    if not Ente.objects.filter(codice_istat="006003").exists():
        mondo()
    alessandria = attiva("006003", "AL", completo=False)
    partenza = threading.Barrier(2)
    numeri: list[int] = []
    errori: list[BaseException] = []

    def intake() -> None:
        try:
            with transaction.atomic():
                partenza.wait(timeout=10)
                numeri.append(nuovo_numero(alessandria, 2034)[0])
        except BaseException as errore:  # noqa: BLE001 - reported by the assertion below
            errori.append(errore)
        finally:
            connections.close_all()

    fili = [threading.Thread(target=intake) for _ in range(2)]
    for filo in fili:
        filo.start()
    for filo in fili:
        filo.join(timeout=30)
    assert not errori
    assert sorted(numeri) == [1, 2]
