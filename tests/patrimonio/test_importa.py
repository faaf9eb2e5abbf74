"""Importing an asset layer (CSV or GeoJSON) and finding the nearest assets."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civico.errors import InvalidData
from civico.formati.tabella_csv import ErroreFile
from civico.patrimonio import importa, servizi
from civico.patrimonio.models import Bene, TipoBene

pytestmark = pytest.mark.django_db

# Piazza della Libertà, Alessandria; Turin is outside the comune.
LAT, LON = 44.91296, 8.61540
TORINO = (45.07049, 7.68682)


@pytest.fixture
def lampioni(alessandria) -> TipoBene:
    return servizi.salva_tipo(
        alessandria, "lampioni", nome="Lampione", nome_en="Street lamp", fonte="Ufficio illuminazione",
        licenza="CC BY 4.0", attributo_descrittivo="tipo", categorie=["illuminazione-pubblica"],
    )


def _csv(*righe: str, sep: str = ";") -> bytes:
    return "\n".join(r.replace(";", sep) for r in righe).encode()


@pytest.mark.parametrize("sep", [";", ",", "\t", "|"])
def test_un_csv_con_qualsiasi_separatore_diventa_uno_strato(alessandria, lampioni, sep):
    dati = _csv("ID;Lat;Lon;tipo;potenza", f"L1;{LAT};{LON};LED;40", f"L2;{LAT + 0.0003};{LON};Sodio;", sep=sep)

    lettura = importa.leggi(dati, "lampioni.csv", alessandria, importa.Colonne("id", "lat", "lon"))
    riepilogo = importa.applica(lampioni, lettura)

    assert (riepilogo.nuovi, lettura.problemi) == (2, [])
    l1 = Bene.objects.get(tipo=lampioni, identificativo="L1")
    assert l1.attributi == {"tipo": "LED", "potenza": "40"}  # empty cells are not attributes
    assert str(l1) == "Lampione n. L1 (LED)"
    with translation.override("en"):
        assert str(l1) == "Street lamp no. L1 (LED)"


def test_virgola_decimale_e_bom_di_excel(alessandria):
    dati = "\ufeffid;lat;lon\nA;44,91296;8,61540\n".encode("utf-8")

    lettura = importa.leggi(dati, "x.csv", alessandria)

    assert lettura.beni == {"A": (44.91296, 8.6154, {})}


def test_ogni_riga_sbagliata_dice_riga_e_motivo_in_italiano_e_in_inglese(alessandria):
    dati = _csv(
        "id;lat;lon",
        f"1;{LAT};{LON}",
        f";{LAT};{LON}",              # 3: no id
        "2;abc;8.6",                   # 4: not a number
        f"3;{LON};{LAT}",              # 5: swapped: lands outside the comune
        f"4;{TORINO[0]};{TORINO[1]}",  # 6: outside
        f"1;{LAT};{LON}",              # 7: repeated id
        "5;95;8.6",                    # 8: impossible latitude
        "6;44.9",                      # 9: missing fields
    )

    lettura = importa.leggi(dati, "x.csv", alessandria)

    motivi = {p.riga: p.motivo for p in lettura.problemi}
    assert list(lettura.beni) == ["1"]
    assert motivi[3] == "manca l'identificativo"
    assert motivi[4].startswith("coordinate non valide") and motivi[8].startswith("coordinate non valide")
    assert "fuori dal territorio di Alessandria" in motivi[5] and "fuori dal territorio" in motivi[6]
    assert motivi[7] == "identificativo «1» ripetuto (già alla riga 2)"
    assert "campi invece di" in motivi[9]
    with translation.override("en"):
        inglese = {p.riga: p.motivo for p in importa.leggi(dati, "x.csv", alessandria).problemi}
    assert inglese[3] == "the id is missing"
    assert inglese[7] == "id «1» repeated (already on line 2)"
    assert "outside the territory of Alessandria" in inglese[6]


def test_colonne_mancanti_o_formato_ignoto_non_importano_nulla(alessandria):
    with pytest.raises(ErroreFile, match="Mancano le colonne"):
        importa.leggi(_csv("codice;x;y", "1;2;3"), "x.csv", alessandria)
    with pytest.raises(ErroreFile, match="Formato non riconosciuto"):
        importa.leggi(b"...", "x.shp", alessandria)


def _punto(lon, lat, **proprieta):
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": proprieta}


@pytest.mark.parametrize("documento, attesi", [
    ({"type": "FeatureCollection", "features": [_punto(LON, LAT, id="P1", colore="verde")]}, {"P1"}),
    (_punto(LON, LAT, id=7), {"7"}),  # a single Feature, numeric id
    ({"type": "FeatureCollection", "features": [{**_punto(LON, LAT), "id": "F9"}]}, {"F9"}),
    ({"type": "FeatureCollection", "features": [_punto(LON, LAT, id="Z", quota=[1, 2])]}, {"Z"}),
])
def test_varianti_geojson(alessandria, documento, attesi):
    lettura = importa.leggi(json.dumps(documento).encode(), "punti.geojson", alessandria)

    assert set(lettura.beni) == attesi and lettura.problemi == []


def test_geojson_con_elementi_sbagliati(alessandria):
    documento = {"type": "FeatureCollection", "features": [
        _punto(LON, LAT, id="ok"),
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[LON, LAT], [LON, LAT]]},
         "properties": {"id": "linea"}},
        {"type": "Feature", "geometry": None, "properties": {"id": "vuoto"}},
        _punto(LAT, LON, id="invertito"),
        _punto("x", LAT, id="testo"),
        "non una feature",
    ]}

    lettura = importa.leggi(json.dumps(documento).encode(), "p.json", alessandria)

    motivi = {p.riga: p.motivo for p in lettura.problemi}
    assert list(lettura.beni) == ["ok"]
    assert motivi[2] == "la geometria non è un punto (LineString)"
    assert motivi[3] == "la geometria non è un punto (nessuna)"
    assert "fuori dal territorio" in motivi[4] and motivi[5].startswith("coordinate non valide")
    assert motivi[6] == "non è una Feature"
    for rotto in (b"{", b'{"type": "Polygon"}', b"\xff\xfe"):
        with pytest.raises(ErroreFile):
            importa.leggi(rotto, "p.geojson", alessandria)


def test_reimportare_aggiorna_per_identificativo_senza_doppioni(alessandria, lampioni):
    primo = _csv("id;lat;lon;tipo", f"L1;{LAT};{LON};LED", f"L2;{LAT + 0.0003};{LON};Sodio")
    secondo = _csv("id;lat;lon;tipo", f"L1;{LAT};{LON};LED", f"L2;{LAT + 0.0004};{LON};LED")
    importa.applica(lampioni, importa.leggi(primo, "x.csv", alessandria))
    l2 = Bene.objects.get(tipo=lampioni, identificativo="L2")

    stesso = importa.applica(lampioni, importa.leggi(primo, "x.csv", alessandria))
    cambiato = importa.applica(lampioni, importa.leggi(secondo, "x.csv", alessandria))
    senza_l1 = importa.applica(lampioni, importa.leggi(_csv("id;lat;lon;tipo", f"L2;{LAT + 0.0004};{LON};LED"),
                                                       "x.csv", alessandria), disattiva_assenti=True)

    assert (stesso.nuovi, stesso.aggiornati, stesso.invariati) == (0, 0, 2)
    assert (cambiato.nuovi, cambiato.aggiornati, cambiato.invariati) == (0, 1, 1)
    assert (senza_l1.disattivati, senza_l1.invariati) == (1, 1)
    l2.refresh_from_db()
    assert l2.attributi == {"tipo": "LED"} and Bene.objects.filter(tipo=lampioni).count() == 2
    assert not Bene.objects.get(tipo=lampioni, identificativo="L1").attivo


def test_la_licenza_e_obbligatoria(alessandria):
    with pytest.raises(InvalidData) as errore:
        servizi.salva_tipo(alessandria, "panchine", nome="Panchina", fonte="Ufficio", licenza="  ")
    assert errore.value.as_dict() == {"licenza": ["Indica la licenza dei dati: è obbligatoria."]}
    with pytest.raises(InvalidData, match="sconosciute"):
        servizi.salva_tipo(alessandria, "panchine", nome="Panchina", fonte="U", licenza="CC0",
                           categorie=["non-esiste"])
    assert not TipoBene.objects.filter(codice="panchine").exists()


def test_i_vicini_sono_i_beni_attivi_entro_il_raggio_in_ordine(alessandria, lampioni):
    metro = 1 / 111_195
    righe = ["id;lat;lon"] + [f"L{m};{LAT + m * metro};{LON}" for m in (0, 8, 20, 35)]
    importa.applica(lampioni, importa.leggi(_csv(*righe), "x.csv", alessandria))
    Bene.objects.filter(identificativo="L8").update(attivo=False)

    vicini = servizi.vicini([lampioni], LAT + 2 * metro, LON, raggio_m=30)

    assert [b.identificativo for b, _ in vicini] == ["L0", "L20"]
    assert 1.9 < vicini[0][1] < 2.1 and vicini[1][1] < 18.1
    assert servizi.vicini([], LAT, LON) == [] and servizi.vicini([lampioni], float("nan"), LON) == []


def test_il_comando_importa_e_in_prova_non_scrive(alessandria, tmp_path, capsys):
    file = tmp_path / "panchine.geojson"
    file.write_text(json.dumps({"type": "FeatureCollection", "features": [
        _punto(LON, LAT, id="B1"), _punto(TORINO[1], TORINO[0], id="B2")]}))
    argomenti = [str(file), "--ente", "006003", "--tipo", "panchine", "--nome", "Panchina",
                 "--fonte", "Ufficio arredo urbano", "--licenza", "CC0 1.0"]

    call_command("importa_beni", *argomenti, "--prova")
    assert not TipoBene.objects.filter(codice="panchine").exists()
    call_command("importa_beni", *argomenti)

    uscita = capsys.readouterr().out
    assert "Nuovi: 1 · aggiornati: 0" in uscita and "riga 2: il punto" in uscita
    assert Bene.objects.get(tipo__codice="panchine").identificativo == "B1"
    with pytest.raises(CommandError, match="licenza"):
        call_command("importa_beni", str(file), "--ente", "006003", "--tipo", "cestini", "--nome", "Cestino",
                     "--fonte", "x")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.text(max_size=8), st.text(max_size=12), st.text(max_size=12)), max_size=6))
def test_qualsiasi_csv_da_righe_o_problemi_mai_un_errore_imprevisto(alessandria, righe):
    testo = "id;lat;lon\n" + "\n".join(";".join(c.replace("\x00", "") for c in r) for r in righe)
    try:
        lettura = importa.leggi(testo.encode("utf-8", "surrogatepass"), "x.csv", alessandria)
    except ErroreFile:
        return
    for lat, lon, _ in lettura.beni.values():
        assert -90 <= lat <= 90 and -180 <= lon <= 180
