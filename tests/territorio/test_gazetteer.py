"""Address search and reverse geocoding on Alessandria's real stradario."""

import math

import pytest
from pyproj import Transformer

from civico.territorio.distanza import distanza_m
from civico.territorio.gazetteer import Indirizzo, cerca, indirizzo_piu_vicino
from civico.territorio.models import NumeroCivico

pytestmark = pytest.mark.django_db

# The publisher's row: 15905;Piazza;Della Liberta';15121;Centro;41;;…;1469646.91675374;4973405.45639842
LIBERTA_41_EPSG3003 = (1469646.91675374, 4973405.45639842)


def _wgs84(x: float, y: float) -> tuple[float, float]:
    lon, lat = Transformer.from_crs("EPSG:3003", "EPSG:4326", always_xy=True).transform(x, y)
    return lat, lon


def test_piazza_della_liberta_41_e_nel_punto_del_file_del_comune(con_stradario):
    risultati = cerca(con_stradario, "Piazza della Libertà 41")

    primo = risultati[0]
    assert primo.testo == "Piazza della Libertà 41"
    assert (primo.cap, primo.quartiere) == ("15121", "Centro")
    assert primo.civico_id is not None
    lat, lon = _wgs84(*LIBERTA_41_EPSG3003)
    assert primo.lat == pytest.approx(lat, abs=1e-5)
    assert primo.lon == pytest.approx(lon, abs=1e-5)
    assert primo.lat == pytest.approx(44.91, abs=0.01)  # Alessandria, not the Gulf of Guinea
    assert primo.lon == pytest.approx(8.61, abs=0.01)


@pytest.mark.parametrize(
    "testo", ["p.zza liberta 41", "P.ZZA DELLA LIBERTA' 41", "piazza della libertà, 41",
              "PZA LIBERTÀ 41", "p.za della liberta n. 41", "liberta 41",
              "Piazza della Libertà 41, 15121 Alessandria (AL)", "p.zza liberta 41 alessandria"],
)
def test_abbreviazioni_maiuscole_e_accenti_trovano_lo_stesso_civico(con_stradario, testo):
    atteso = cerca(con_stradario, "Piazza della Libertà 41")[0]

    assert cerca(con_stradario, testo)[0] == atteso


def test_il_civico_esatto_e_l_unico_risultato_quando_esiste(con_stradario):
    risultati = cerca(con_stradario, "Piazza della Libertà 41")

    assert [r.testo for r in risultati] == ["Piazza della Libertà 41"]


@pytest.mark.parametrize("testo", ["via dazio 90h", "via dazio 90/h", "Via Dazio 90 H"])
def test_un_civico_con_esponente(con_stradario, testo):
    risultati = cerca(con_stradario, testo)

    assert [r.testo for r in risultati] == ["Via Dazio 90/H"]
    assert risultati[0].quartiere == "Valle San Bartolomeo"


def test_un_esponente_che_non_esiste_propone_il_numero_e_i_suoi_vicini(con_stradario):
    risultati = cerca(con_stradario, "via dazio 90 bis")

    assert risultati[0].testo == "Via Dazio 90"
    assert all(r.testo.startswith("Via Dazio 90") for r in risultati[:3])


def test_un_numero_che_non_esiste_propone_i_civici_piu_vicini_della_via(con_stradario):
    numeri = set(
        NumeroCivico.objects.filter(ente=con_stradario, via__nome="Corso Roma", esponente="")
        .values_list("numero", flat=True)
    )
    assert 9999 not in numeri

    risultati = cerca(con_stradario, "corso roma 9999")

    assert risultati
    assert all(r.testo.startswith("Corso Roma ") for r in risultati)
    assert risultati[0].testo == f"Corso Roma {max(numeri)}"


def test_una_via_senza_numero_restituisce_la_via_posizionata_su_un_suo_civico(con_stradario):
    risultati = cerca(con_stradario, "c.so roma")

    via = risultati[0]
    assert via.testo == "Corso Roma"
    assert via.civico_id is None and via.distanza_m is None
    civici = NumeroCivico.objects.filter(ente=con_stradario, via_id=via.via_id)
    assert civici.filter(lat=via.lat, lon=via.lon).exists()


def test_le_vie_che_iniziano_con_il_testo_vengono_prima(con_stradario):
    testi = [r.testo for r in cerca(con_stradario, "liberta")]

    assert testi[0] == "Piazza della Libertà"
    assert "Via della Libertà in Spinetta Marengo" in testi


def test_la_dug_scritta_fa_scegliere_tra_vie_omonime(con_stradario):
    assert cerca(con_stradario, "spalto marengo")[0].testo == "Spalto Marengo"
    assert cerca(con_stradario, "via marengo")[0].testo == "Via Marengo"


@pytest.mark.parametrize(
    ("testo", "atteso"),
    [
        ("corso 100 cannoni", "Corso Cento Cannoni"),
        ("corso 20 settembre", "Corso Venti Settembre"),
        ("c.so XX Settembre", "Corso Venti Settembre"),
        ("via 1821", "Via Milleottocentoventuno"),
        ("strada provinciale 494", "Strada Provinciale 494 Pavia"),
        ("dell'artigianato", "Via dell'Artigianato"),
        ("artigianato", "Via dell'Artigianato"),
        ("faa di bruno", "Via Emilio Faà di Bruno"),
    ],
)
def test_i_numeri_nel_nome_della_via_non_sono_civici(con_stradario, testo, atteso):
    risultati = cerca(con_stradario, testo)

    assert risultati[0].testo == atteso
    assert risultati[0].civico_id is None


def test_un_numero_dopo_un_nome_con_numeri_e_il_civico(con_stradario):
    assert cerca(con_stradario, "c.so 20 settembre 5")[0].testo == "Corso Venti Settembre 5"


def test_corso_roma_e_trovato_anche_scrivendo_via(con_stradario):
    assert cerca(con_stradario, "via roma 12")[0].testo == "Corso Roma 12"


@pytest.mark.parametrize("testo", ["xyzzy qwerty", "", "   ", "12", "via 12", "piazza zzz 3"])
def test_un_testo_senza_senso_non_trova_nulla(con_stradario, testo):
    assert cerca(con_stradario, testo) == []


def test_il_limite_e_rispettato(con_stradario):
    assert len(cerca(con_stradario, "via", limite=3)) == 3


def test_un_punto_a_pochi_metri_da_un_civico_restituisce_quel_civico(con_stradario):
    civico = cerca(con_stradario, "Piazza della Libertà 41")[0]
    lat = civico.lat + 3 / 111_195  # 3 m north

    trovato = indirizzo_piu_vicino(con_stradario, lat, civico.lon)

    assert isinstance(trovato, Indirizzo)
    assert trovato.testo == "Piazza della Libertà 41"
    assert trovato.civico_id == civico.civico_id
    assert trovato.distanza_m == pytest.approx(3, abs=0.1)


def test_un_punto_a_5_km_dal_civico_piu_vicino_non_ha_indirizzo(con_stradario):
    ovest = NumeroCivico.objects.filter(ente=con_stradario).order_by("lon").first()
    lon = ovest.lon - 5000 / (111_195 * math.cos(math.radians(ovest.lat)))
    assert distanza_m(ovest.lat, ovest.lon, ovest.lat, lon) == pytest.approx(5000, rel=0.01)

    assert indirizzo_piu_vicino(con_stradario, ovest.lat, lon) is None
    assert indirizzo_piu_vicino(con_stradario, ovest.lat, lon, raggio_m=6000) is not None


def test_il_raggio_limita_la_ricerca_inversa(con_stradario):
    civico = cerca(con_stradario, "Piazza della Libertà 41")[0]
    lat = civico.lat + 40 / 111_195

    vicino = indirizzo_piu_vicino(con_stradario, lat, civico.lon)
    assert vicino is not None and vicino.distanza_m <= 40
    assert indirizzo_piu_vicino(con_stradario, lat, civico.lon, raggio_m=vicino.distanza_m / 2) is None


def test_via_alessandria_non_e_confusa_con_il_nome_del_comune(con_stradario):
    assert cerca(con_stradario, "via alessandria")[0].testo == "Via Alessandria"
    assert cerca(con_stradario, "via alessandria 3, alessandria")[0].testo.startswith(
        "Via Alessandria "
    )
