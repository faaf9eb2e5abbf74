"""The map tiles have one home (civico.core.mappa): the default, and CIVICO's override that every
map of the portal follows."""

import pytest

from civico.core import mappa

pytestmark = pytest.mark.django_db

PROPRIE = "https://tiles.comune.example/{z}/{x}/{y}.png"


def test_senza_impostazioni_le_mappe_usano_openstreetmap(client, alessandria, settings):
    settings.CIVICO = {k: v for k, v in settings.CIVICO.items() if k not in {"TILE_URL", "TILE_ATTRIBUZIONE"}}
    assert mappa.tile_url() == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert "OpenStreetMap" in mappa.tile_attribuzione()

    html = client.get(f"/{alessandria.slug}/").content.decode()

    assert 'data-tile-url="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in html


def test_le_tessere_del_comune_valgono_per_la_pagina_del_comune(client, alessandria, settings):
    settings.CIVICO = {**settings.CIVICO, "TILE_URL": PROPRIE, "TILE_ATTRIBUZIONE": "Tessere del Comune"}

    html = client.get(f"/{alessandria.slug}/").content.decode()

    assert f'data-tile-url="{PROPRIE}"' in html
    assert 'data-tile-attribuzione="Tessere del Comune"' in html
    assert "tile.openstreetmap.org/{z}" not in html
