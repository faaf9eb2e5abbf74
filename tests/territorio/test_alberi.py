"""The trees layer (the "alberi" kind of the asset layer): a report about a tree can point at it."""

import pytest
from pyproj import Transformer

from civico.patrimonio.models import TipoBene
from civico.patrimonio.servizi import vicini

pytestmark = pytest.mark.django_db

# alberi.csv: 3116;Albero;Fraxinus Excelsior;Filare;…;1471208.59574;4973349.35375
ALBERO_3116_EPSG3003 = (1471208.59574, 4973349.35375)


def alberi_vicini(ente, lat, lon, **kwargs):
    return vicini(TipoBene.objects.filter(ente=ente, codice="alberi"), lat, lon, **kwargs)


def _wgs84(x: float, y: float) -> tuple[float, float]:
    lon, lat = Transformer.from_crs("EPSG:3003", "EPSG:4326", always_xy=True).transform(x, y)
    return lat, lon


def test_l_albero_3116_si_trova_nel_suo_punto(con_alberi):
    lat, lon = _wgs84(*ALBERO_3116_EPSG3003)

    vicini = alberi_vicini(con_alberi, lat, lon)

    albero, distanza = vicini[0]
    assert albero.identificativo == "3116"
    assert distanza < 0.05
    assert albero.attributi["specie"] == "Fraxinus Excelsior"
    assert albero.attributi["tipologia"] == "Albero"
    assert albero.attributi["stato_vegetativo"] == "Buono"
    assert albero.attributi["altezza"] == "1) < 10m"
    assert albero.attributi["Disposizione"] == "Filare"
    assert str(albero) == "Albero n. 3116 (Fraxinus Excelsior)"


def test_gli_alberi_vicini_sono_in_ordine_di_distanza_ed_entro_il_raggio(con_alberi):
    lat, lon = _wgs84(*ALBERO_3116_EPSG3003)
    lat += 5 / 111_195  # a few metres off, as a citizen's tap would be

    vicini = alberi_vicini(con_alberi, lat, lon, raggio_m=30, limite=5)

    distanze = [d for _, d in vicini]
    assert 1 < len(vicini) <= 5
    assert distanze == sorted(distanze) and distanze[-1] <= 30
    assert vicini[0][0].identificativo == "3116" or distanze[0] <= 5


def test_nessun_albero_lontano_dal_verde(con_alberi):
    assert alberi_vicini(con_alberi, 44.5, 8.0) == []
