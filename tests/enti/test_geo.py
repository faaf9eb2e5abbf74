"""Point → ente: the in-memory boundary index, its errors and how it follows changes."""

from __future__ import annotations

import math

import numpy as np
import pytest
from django.db import transaction
from django.utils import timezone

from civico.enti import geo
from civico.enti.confini import carica_provincia_alessandria
from civico.enti.geo import (
    ComuneNonAttivo,
    CoordinateNonValide,
    IndiceConfini,
    PuntoFuoriItalia,
    comune_per_punto,
    ente_per_punto,
    punto_in_ente,
)
from civico.enti.models import Ente

from .conftest import ALESSANDRIA, MARE, VALENZA, quadrato


def _attiva(ente: Ente) -> Ente:
    ente.attivo = True
    ente.save()
    return ente


def test_point_in_central_alessandria_gives_the_active_comune(ente_alessandria):
    _attiva(ente_alessandria)
    assert ente_per_punto(*ALESSANDRIA) == ente_alessandria


def test_point_in_an_inactive_comune_names_it(ente_alessandria):
    with pytest.raises(ComuneNonAttivo) as errore:
        ente_per_punto(*ALESSANDRIA)
    assert errore.value.code == "comune_non_attivo"
    assert errore.value.ente == ente_alessandria
    assert "Alessandria" in str(errore.value)
    assert str(errore.value) == (
        "Il punto si trova nel comune di Alessandria, che non usa ancora Civico: "
        "rivolgiti direttamente al comune."
    )


def test_point_in_valenza_names_valenza_even_when_alessandria_is_active(ente_alessandria):
    _attiva(ente_alessandria)
    with pytest.raises(ComuneNonAttivo, match="Valenza"):
        ente_per_punto(*VALENZA)
    assert comune_per_punto(*VALENZA).nome == "Valenza"


def test_point_outside_every_loaded_comune_is_outside_italy(comuni):
    with pytest.raises(PuntoFuoriItalia) as errore:
        ente_per_punto(*MARE)
    assert errore.value.code == "fuori_italia"
    assert comune_per_punto(*MARE) is None


@pytest.mark.parametrize(
    "lat, lon",
    [(math.nan, 8.6), (200, 8.6), (44.9, 200), (-91, 0), (0, -180.5), (math.inf, 0),
     (None, 8.6), ("quarantacinque", 8.6)],
)
def test_invalid_coordinates_are_refused(lat, lon):
    with pytest.raises(CoordinateNonValide) as errore:
        ente_per_punto(lat, lon)
    assert errore.value.code == "coordinate_non_valide"
    with pytest.raises(CoordinateNonValide):
        comune_per_punto(lat, lon)


def test_activating_a_comune_is_seen_without_rebuilding_the_index(ente_alessandria):
    with pytest.raises(ComuneNonAttivo):
        ente_per_punto(*ALESSANDRIA)
    costruito = geo.indice()
    _attiva(ente_alessandria)
    assert ente_per_punto(*ALESSANDRIA) == ente_alessandria
    assert geo.indice() is costruito


def test_new_moved_and_deleted_boundaries_are_seen_through_signals(comuni):
    with pytest.raises(PuntoFuoriItalia):
        ente_per_punto(*MARE)
    prova = Ente.objects.create(
        nome="Isola di Prova", slug="prova", codice_istat="999001", codice_catastale="Z999",
        sigla="PR", attivo=True, confine=quadrato(*MARE),
    )
    assert ente_per_punto(*MARE) == prova

    prova.confine = quadrato(43.5, 9.5)
    prova.save()
    with pytest.raises(PuntoFuoriItalia):
        ente_per_punto(*MARE)
    assert ente_per_punto(43.5, 9.5) == prova

    prova.delete()
    with pytest.raises(PuntoFuoriItalia):
        ente_per_punto(43.5, 9.5)


def test_saving_without_a_boundary_change_keeps_the_index(ente_alessandria):
    costruito = geo.indice()
    ente_alessandria.email = "urp@comune.alessandria.it"
    ente_alessandria.save()
    Ente.objects.get(pk=ente_alessandria.pk).save()
    assert geo.indice() is costruito


def test_a_rolled_back_ente_still_in_the_index_is_dropped_and_the_lookup_retried(comuni):
    with pytest.raises(RuntimeError), transaction.atomic():
        Ente.objects.create(
            nome="Fantasma", slug="fantasma", codice_istat="999002", codice_catastale="Z998",
            sigla="FA", attivo=True, confine=quadrato(*MARE),
        )
        assert ente_per_punto(*MARE).nome == "Fantasma"
        raise RuntimeError("rollback")
    with pytest.raises(PuntoFuoriItalia):
        ente_per_punto(*MARE)


def test_other_processes_changes_are_seen_after_the_ttl(comuni, settings):
    costruito = geo.indice()
    # Another process moves a boundary: no signal here, only the newer timestamp in the DB.
    Ente.objects.filter(nome="Valenza").update(
        confine=quadrato(*MARE), confine_aggiornato_il=timezone.now()
    )
    assert geo.indice() is costruito  # within the TTL nothing is re-checked
    settings.CIVICO = {**settings.CIVICO, "GEO_INDEX_TTL_SECONDS": 0}
    assert geo.indice() is not costruito
    assert comune_per_punto(*MARE).nome == "Valenza"


def test_punto_in_ente(ente_alessandria):
    assert punto_in_ente(ente_alessandria, *ALESSANDRIA)
    assert not punto_in_ente(ente_alessandria, *VALENZA)
    nuovo = Ente(nome="Non salvato", confine=quadrato(*MARE))
    assert punto_in_ente(nuovo, *MARE)
    assert not punto_in_ente(nuovo, *ALESSANDRIA)
    assert not punto_in_ente(Ente(nome="Senza confine"), *MARE)


# --- The index on its own, without a database ---------------------------------------------------


def _indice_di_prova() -> IndiceConfini:
    return IndiceConfini.da_righe([
        (10, "Ovest", quadrato(0.5, 0.5, 1.0)),
        (20, "Est", quadrato(0.5, 1.5, 1.0)),
        (30, "Sovrapposto", quadrato(0.5, 2.0, 1.0)),  # overlaps Est on lon 1.5..2
        (40, "Senza confine", None),
    ])


def test_standalone_index_finds_ids_and_names():
    indice = _indice_di_prova()
    assert len(indice) == 3 and 40 not in indice
    assert indice.trova(0.5, 0.25) == 10
    assert indice.trova(0.5, 1.25) == 20
    assert indice.trova_tutti(0.5, 1.75) == [20, 30]  # overlap: both, in index order
    assert indice.trova(5, 5) is None
    assert indice.nome(20) == "Est"


def test_points_just_outside_a_boundary_belong_to_it_within_the_tolerance():
    indice = _indice_di_prova()
    assert indice.trova(-0.001, 0.5) == 10  # ~110 m south of Ovest
    assert indice.trova(-0.01, 0.5) is None  # ~1.1 km: outside


def test_vectorized_lookup_agrees_with_one_by_one():
    indice = _indice_di_prova()
    rng = np.random.default_rng(7)
    lats = rng.uniform(-0.2, 1.2, 2000)
    lons = rng.uniform(-0.2, 3.2, 2000)
    attesi = [indice.trova(a, o) or -1 for a, o in zip(lats, lons, strict=True)]
    assert indice.trova_molti(lats, lons).tolist() == attesi


@pytest.mark.django_db(transaction=True)
def test_the_ente_of_a_point_is_remembered_without_its_boundary_and_a_change_applies_at_once(
        django_assert_num_queries):
    """The row of the comune at a point is read once per process (no boundary JSON), not at every
    report; activating or switching off the comune applies to the very next lookup, and what a
    caller does to the ente it got never reaches the next caller."""
    carica_provincia_alessandria()
    geo.invalida()
    ente = _attiva(Ente.objects.get(codice_istat="006003"))
    assert ente_per_punto(*ALESSANDRIA) == ente  # builds the index, reads the row
    with django_assert_num_queries(0):
        trovato = ente_per_punto(*ALESSANDRIA)
    assert trovato == ente and "confine" not in trovato.__dict__
    trovato.nome = "Cambiato per errore"
    assert ente_per_punto(*ALESSANDRIA).nome == "Alessandria"

    Ente.objects.filter(pk=ente.pk).update(attivo=False)  # a bulk update counts as much as a save
    with pytest.raises(ComuneNonAttivo):
        ente_per_punto(*ALESSANDRIA)
    _attiva(Ente.objects.get(pk=ente.pk))
    assert ente_per_punto(*ALESSANDRIA).attivo


@pytest.mark.django_db(transaction=True)
def test_a_comune_read_inside_a_transaction_that_rolled_back_is_not_remembered():
    carica_provincia_alessandria()
    geo.invalida()
    with pytest.raises(RuntimeError), transaction.atomic():
        Ente.objects.filter(codice_istat="006003").update(attivo=True)
        assert ente_per_punto(*ALESSANDRIA).nome == "Alessandria"
        raise RuntimeError("rollback")
    with pytest.raises(ComuneNonAttivo):
        ente_per_punto(*ALESSANDRIA)
