"""Importing the shipped stradario and trees: complete, idempotent, and tolerant of bad rows."""

import gzip

import pytest

from civico.enti.models import Ente
from civico.patrimonio.alberi import importa_alberi
from civico.patrimonio.models import Bene
from civico.territorio.importer import importa_stradario
from civico.territorio.models import NumeroCivico, Via

pytestmark = pytest.mark.django_db


def test_lo_stradario_di_alessandria_e_completo(con_stradario):
    assert NumeroCivico.objects.filter(ente=con_stradario).count() == 26_160
    # 852 rows in viario.csv (3 codes repeated) + 5 streets only in numeri-civici.csv.
    assert Via.objects.filter(ente=con_stradario).count() == 854
    via = Via.objects.get(ente=con_stradario, codice=15905)
    assert (via.nome, via.cap, via.quartiere) == ("Piazza della Libertà", "15121", "Centro")


def test_importare_di_nuovo_non_inserisce_nulla(con_stradario):
    messaggi: list[str] = []

    risultato = importa_stradario(con_stradario, progress=messaggi.append)

    assert risultato["vie_inserite"] == risultato["civici_inseriti"] == 0
    assert risultato["civici"] == 26_160 and risultato["scartati"] == 0
    assert NumeroCivico.objects.filter(ente=con_stradario).count() == 26_160
    assert any("nulla da fare" in m for m in messaggi)


def test_un_import_interrotto_viene_completato_senza_doppioni(con_stradario):
    via = Via.objects.get(ente=con_stradario, codice=15905)
    tolti = list(via.civici.order_by("numero").values_list("numero", "esponente", "lat", "lon")[:5])
    via.civici.filter(numero__in=[n for n, *_ in tolti]).delete()
    senza = NumeroCivico.objects.filter(ente=con_stradario).count()

    risultato = importa_stradario(con_stradario)

    assert risultato["civici_inseriti"] == 26_160 - senza
    assert NumeroCivico.objects.filter(ente=con_stradario).count() == 26_160
    rimessi = set(via.civici.values_list("numero", "esponente", "lat", "lon"))
    assert set(tolti) <= rimessi


def _scrivi(path, righe: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write("\n".join(righe) + "\n")


@pytest.fixture
def ente_di_prova(db, settings, tmp_path) -> Ente:
    """A small comune whose files have the publisher's columns and some broken rows."""
    settings.CIVICO = {**settings.CIVICO, "DATA_DIR": tmp_path}
    cartella = tmp_path / "prova-territorio"
    _scrivi(cartella / "viario.csv.gz", [
        "CodiceCatastale;CodiceIstat;CodiceVia;DUG;DUF;CAP;QuartiereSobborgo",
        "Z999;999001;1;Piazza;Della Liberta';15121;Centro",
    ])
    _scrivi(cartella / "numeri-civici.csv.gz", [
        "CodiceVia;DUG;DUF;CAP;QuartiereSobborgo;Civico;Esponente;InizioValidita;"
        "SezCensimento;CoordX;CoordY",
        "1;Piazza;Della Liberta';15121;Centro;41;;2001-08-31;405;1469646.91675374;4973405.45639842",
        "1;Piazza;Della Liberta';15121;Centro;43;;2001-08-31;405;;",
        "1;Piazza;Della Liberta';15121;Centro;45;;2001-08-31;405;abc;4973405.4",
        "1;Piazza;Della Liberta';15121;Centro;47;;2001-08-31;405;0;0",
        "2;Via;Nuova;15121;Centro;1;b;2001-08-31;405;1469700.1;4973450.2",
    ])
    _scrivi(cartella / "alberi.csv.gz", [
        "Identificativo;Tipologia;Essenza;CoordX;CoordY",
        "7;Albero;Tilia Cordata;1469646.9;4973405.4",
        "7;Albero;Acer Campestre;1469650.9;4973409.4",
        "8;Albero;Celtis Australis;;",
    ])
    return Ente.objects.create(
        nome="Prova", slug="prova-territorio", codice_istat="999001",
        codice_catastale="Z999", sigla="ZZT", attivo=True,
    )


def test_le_righe_senza_coordinate_valide_sono_scartate_e_contate(ente_di_prova):
    risultato = importa_stradario(ente_di_prova)

    assert risultato["scartati"] == 3
    assert risultato["civici_inseriti"] == 2
    assert risultato["vie_inserite"] == 2  # "Via Nuova" is only in the house-number file
    civico = NumeroCivico.objects.get(ente=ente_di_prova, via__nome="Via Nuova")
    assert civico.esponente == "B"


def test_un_identificativo_di_albero_ripetuto_tiene_il_primo(ente_di_prova):
    risultato = importa_alberi(ente_di_prova)

    assert (risultato["inseriti"], risultato["duplicati"], risultato["scartati"]) == (1, 1, 1)
    albero = Bene.objects.get(ente=ente_di_prova, tipo__codice="alberi", identificativo="7")
    assert albero.attributi["specie"] == "Tilia Cordata"
    assert albero.tipo.licenza == "CC BY 4.0"


def test_gli_alberi_di_alessandria_si_importano_una_volta_sola(alessandria):
    primo = importa_alberi(alessandria)
    secondo = importa_alberi(alessandria)

    # 16,484 rows, 29 of which reuse an identifier already given to another tree.
    assert primo["alberi"] == 16_455 and primo["duplicati"] == 29 and primo["scartati"] == 0
    assert secondo["inseriti"] == 0
    assert Bene.objects.filter(ente=alessandria, tipo__codice="alberi").count() == 16_455


def test_il_comando_importa_il_territorio_di_un_ente(con_stradario):
    from io import StringIO

    from django.core.management import CommandError, call_command

    uscita = StringIO()
    call_command("importa_territorio", "006003", "--solo", "stradario", stdout=uscita)
    assert "nulla da fare" in uscita.getvalue()
    with pytest.raises(CommandError):
        call_command("importa_territorio", "000000", stdout=uscita)
