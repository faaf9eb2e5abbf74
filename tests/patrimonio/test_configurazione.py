"""The ente administrator imports an asset layer from the backoffice: preview, confirm, re-import."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from civico.accounts.models import Ruolo
from civico.patrimonio.models import Bene, TipoBene
from tests import factories
from tests.backoffice.conftest import entra_verificato

pytestmark = pytest.mark.django_db

LAT, LON = factories.PIAZZA_LIBERTA
CSV = (f"codice;y;x;tipo\nL1;{LAT};{LON};LED\nL2;{LAT + 0.0003};{LON};Sodio\nL1;{LAT};{LON};doppio\n"
       "L3;45.07;7.68;fuori\n").encode()


def _modulo(file=None, **altro):
    dati = {"codice": "lampioni", "nome": "Lampione", "nome_en": "Street lamp", "fonte": "Ufficio illuminazione",
            "licenza": "CC BY 4.0", "attributo_descrittivo": "tipo", "categorie": ["illuminazione-pubblica"],
            "colonna_id": "codice", "colonna_lat": "y", "colonna_lon": "x", "azione": "anteprima"}
    if file is not None:
        dati["file"] = SimpleUploadedFile("lampioni.csv", file, content_type="text/csv")
    return dati | altro


@pytest.fixture
def amministratore(client, alessandria):
    return entra_verificato(client, factories.staff("al.admin", Ruolo.ENTE_ADMIN, alessandria))


def test_anteprima_poi_conferma_poi_reimportazione(amministratore, alessandria):
    url = f"/backoffice/configurazione/{alessandria.slug}/patrimonio/"

    anteprima = amministratore.post(url, _modulo(CSV))
    html = anteprima.content.decode()
    assert "4 righe lette: 2 valide, 2 scartate." in html
    assert "Se confermi: 2 nuovi, 0 aggiornati, 0 invariati, 0 disattivati." in html
    assert "riga 4: identificativo «L1» ripetuto (già alla riga 2)" in html
    assert "riga 5: il punto (45.07000, 7.68000) è fuori dal territorio di Alessandria" in html
    assert not TipoBene.objects.filter(codice="lampioni").exists()  # a preview writes nothing
    in_attesa = anteprima.context["form"]["in_attesa"].value()

    r = amministratore.post(url, _modulo(azione="conferma", in_attesa=in_attesa), follow=True)
    assert "Importazione di «Lampione» completata: 2 nuovi, 0 aggiornati, 0 invariati" in r.content.decode()
    tipo = TipoBene.objects.get(ente=alessandria, codice="lampioni")
    assert list(tipo.categorie.values_list("codice", flat=True)) == ["illuminazione-pubblica"]
    assert Bene.objects.get(tipo=tipo, identificativo="L1").attributi == {"tipo": "LED"}

    amministratore.post(url, _modulo(CSV))
    in_attesa = amministratore.session["patrimonio_in_attesa"]["nome"]
    r = amministratore.post(url, _modulo(azione="conferma", in_attesa=in_attesa), follow=True,
                            HTTP_ACCEPT_LANGUAGE="en")
    assert "2 unchanged" in r.content.decode() and Bene.objects.filter(tipo=tipo).count() == 2
    assert "Lampione" in amministratore.get(url).content.decode()


def test_senza_licenza_o_file_errori_chiari(amministratore, alessandria):
    url = f"/backoffice/configurazione/{alessandria.slug}/patrimonio/"

    senza_licenza = amministratore.post(url, _modulo(CSV, licenza="")).content.decode()
    senza_file = amministratore.post(url, _modulo()).content.decode()
    geojson_rotto = amministratore.post(url, _modulo() | {
        "file": SimpleUploadedFile("x.geojson", b"{not json")}).content.decode()

    assert "Questo campo è obbligatorio." in senza_licenza
    assert "Scegli il file da importare." in senza_file
    assert "Il file non è un GeoJSON leggibile" in geojson_rotto
    assert not TipoBene.objects.filter(codice="lampioni").exists()


def test_solo_gli_amministratori_dell_ente(client, alessandria):
    entra_verificato(client, factories.staff("op", Ruolo.OPERATORE, alessandria))
    assert client.get(f"/backoffice/configurazione/{alessandria.slug}/patrimonio/").status_code == 403
    assert client.post(f"/backoffice/configurazione/{alessandria.slug}/patrimonio/", _modulo(CSV)).status_code == 403
    assert not TipoBene.objects.filter(codice="lampioni").exists()
