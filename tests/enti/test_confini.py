"""Loading the comuni: inactive, unique slugs and sigle, idempotent, respectful of admin edits."""

from __future__ import annotations

import pytest

from civico.enti import geo
from civico.enti.confini import (
    carica_comuni,
    carica_provincia_alessandria,
    comuni_provincia_alessandria,
)
from civico.enti.models import Ente

from .conftest import MARE


@pytest.mark.django_db
def test_province_of_alessandria_loads_187_inactive_comuni_with_cadastral_sigla():
    Ente.objects.filter(provincia="AL").delete()
    esito = carica_provincia_alessandria()
    assert (esito["creati"], esito["aggiornati"]) == (187, 0)
    provincia = Ente.objects.filter(provincia="AL")
    assert provincia.count() == 187
    assert not provincia.filter(attivo=True).exists()
    alessandria = Ente.objects.get(codice_istat="006003")
    assert (alessandria.nome, alessandria.slug, alessandria.sigla) == (
        "Alessandria", "alessandria", "A182",
    )
    assert (alessandria.codice_catastale, alessandria.regione) == ("A182", "Piemonte")


@pytest.mark.django_db
def test_an_existing_ente_keeps_its_slug_and_sigla_and_gets_its_boundary():
    Ente.objects.filter(provincia="AL").delete()
    Ente.objects.create(
        nome="Alessandria", slug="al", codice_istat="006003", codice_catastale="A182", sigla="AL"
    )
    esito = carica_provincia_alessandria()
    assert (esito["creati"], esito["aggiornati"]) == (186, 1)
    alessandria = Ente.objects.get(codice_istat="006003")
    assert (alessandria.slug, alessandria.sigla) == ("al", "AL")
    assert alessandria.confine is not None


@pytest.mark.django_db
def test_second_full_run_changes_nothing_and_keeps_what_an_admin_set(comuni):
    if Ente.objects.count() < 7899:  # the session world normally has it already
        carica_comuni()
    Ente.objects.filter(codice_istat="006003").update(
        attivo=True, sigla="AL", email="urp@comune.alessandria.it"
    )
    righe: list[str] = []
    esito = carica_comuni(righe.append)
    assert (esito["creati"], esito["aggiornati"], esito["invariati"]) == (0, 0, 7899)
    assert len(righe) == 20
    assert righe[0] == "Piemonte: 1179 comuni, 0 creati, 0 confini aggiornati"
    alessandria = Ente.objects.get(codice_istat="006003")
    assert (alessandria.attivo, alessandria.sigla) == (True, "AL")
    assert alessandria.email == "urp@comune.alessandria.it"


@pytest.mark.django_db
def test_province_of_alessandria_keeps_full_precision_boundaries_in_the_national_load(comuni):
    carica_comuni(regioni=[1])
    precisi = {c.codice_istat: c.confine for c in comuni_provincia_alessandria()}
    assert Ente.objects.get(codice_istat="006003").confine == precisi["006003"]
    assert Ente.objects.get(nome="Valenza").confine == precisi["006177"]


@pytest.mark.django_db
def test_a_changed_boundary_is_restored_and_its_timestamp_bumped(comuni):
    valenza = Ente.objects.get(nome="Valenza")
    prima = valenza.confine_aggiornato_il
    Ente.objects.filter(pk=valenza.pk).update(confine={"type": "Polygon", "coordinates": []})
    esito = carica_provincia_alessandria()
    assert (esito["creati"], esito["aggiornati"]) == (0, 1)
    valenza.refresh_from_db()
    precisi = {c.codice_istat: c.confine for c in comuni_provincia_alessandria()}
    assert valenza.confine == precisi["006177"]
    assert valenza.confine_aggiornato_il > prima


@pytest.mark.django_db
def test_homonyms_get_the_province_in_their_slug():
    carica_comuni(regioni=[1, 4])  # Samone and Calliano exist in Piemonte and in Trentino
    assert Ente.objects.get(nome="Samone", provincia="TO").slug == "samone"
    assert Ente.objects.get(nome="Samone", provincia="TN").slug == "samone-tn"
    assert Ente.objects.get(nome="Calliano", provincia="TN").slug == "calliano-tn"


def test_unknown_region_numbers_are_refused():
    with pytest.raises(ValueError):
        carica_comuni(regioni=[21])


@pytest.mark.django_db
def test_whole_country_from_empty_gives_7899_comuni_and_routes_points_nationwide():
    Ente.objects.all().delete()
    esito = carica_comuni()
    assert esito["creati"] == Ente.objects.count() == 7899
    assert esito["senza_confine"] == ["Miagliano (096034)"]
    assert Ente.objects.values("slug").distinct().count() == 7899
    assert Ente.objects.values("sigla").distinct().count() == 7899

    assert geo.comune_per_punto(41.9028, 12.4964).nome == "Roma"
    assert geo.comune_per_punto(45.4642, 9.1900).nome == "Milano"
    assert geo.comune_per_punto(44.9126, 8.6148).nome == "Alessandria"
    assert geo.comune_per_punto(46.2, 8.95) is None  # Bellinzona, Switzerland
    with pytest.raises(geo.PuntoFuoriItalia) as errore:
        geo.ente_per_punto(*MARE)
    assert errore.value.code == "fuori_italia"
