"""Reports taken by the office on a citizen's behalf, and their printable receipt."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from civico.catalogo.models import Categoria
from civico.segnalazioni.models import Canale, Evento, Segnalazione, TipoEvento
from tests import factories
from tests.segnalazioni import immagini

pytestmark = pytest.mark.django_db


@pytest.fixture
def buche(alessandria):
    return Categoria.objects.get(ente=alessandria, codice="buche")


def modulo(buche, **campi):
    return {
        "passo": "salva", "chiave": "a" * 32, "canale": Canale.PHONE, "categoria": buche.pk,
        "risposte.dimensione": "grande", "titolo": "Buca davanti al bar", "descrizione": "Telefonata delle 9",
        "nome": "Rosa Bianchi", "telefono": "0131 654321", **campi,
    }


def test_a_phone_call_is_registered_with_coordinates_and_gets_a_receipt(come, persone, buche):
    client = come(persone.operatore)
    lat, lon = factories.PIAZZA_LIBERTA
    risposta = client.post("/backoffice/nuova/", modulo(buche, lat=lat, lon=lon))
    assert risposta.status_code == 302
    s = Segnalazione.objects.get()
    assert risposta["Location"] == f"/backoffice/nuova/{s.codice}/ricevuta/"
    assert s.canale == Canale.PHONE and s.segnalante_nome == "Rosa Bianchi" and s.segnalante is None
    assert s.risposte == {"dimensione": "grande"} and s.ufficio.nome == "Lavori pubblici – strade"
    creata = Evento.objects.get(segnalazione=s, tipo=TipoEvento.CREATED)
    assert creata.attore == persone.operatore and creata.dati["attore"] == "staff"

    ricevuta = client.get(risposta["Location"])
    html = ricevuta.content.decode()
    assert ricevuta.status_code == 200 and s.codice in html and "Telefono" in html
    assert f"/seguimi/{s.token}/" in html and "<svg" in html
    assert ricevuta["Referrer-Policy"] == "no-referrer"


def test_the_address_is_searched_in_the_gazetteer_and_chosen(come, persone, buche):
    client = come(persone.operatore)
    cerca = client.post("/backoffice/nuova/", modulo(buche, passo="cerca", indirizzo="piazza della liberta 41"))
    assert cerca.status_code == 200 and not Segnalazione.objects.exists()
    trovato = cerca.context["indirizzi"][0]
    assert trovato.testo == "Piazza della Libertà 41"
    assert 'name="luogo"' in cerca.content.decode()

    luogo = f"{trovato.lat}|{trovato.lon}|{trovato.testo}"
    assert client.post("/backoffice/nuova/", modulo(buche, luogo=luogo, canale=Canale.COUNTER)).status_code == 302
    s = Segnalazione.objects.get()
    assert s.indirizzo == "Piazza della Libertà 41" and s.canale == Canale.COUNTER


def test_an_address_alone_is_placed_by_the_intake(come, persone, buche):
    client = come(persone.operatore)
    assert client.post("/backoffice/nuova/", modulo(buche, indirizzo="Piazza della Libertà 41",
                                                    canale=Canale.POST)).status_code == 302
    assert Segnalazione.objects.get().canale == Canale.POST


def test_the_same_validation_as_every_channel(come, persone, buche):
    client = come(persone.operatore)
    lat, lon = factories.PIAZZA_LIBERTA
    risposta = client.post("/backoffice/nuova/", modulo(buche, lat=lat, lon=lon, titolo="", email="non-una-mail"))
    html = risposta.content.decode()
    assert risposta.status_code == 400
    assert "Questo campo è obbligatorio." in html
    assert "L&#x27;indirizzo e-mail non è valido." in html
    assert 'value="Rosa Bianchi"' in html  # what was typed stays
    senza_risposta = client.post("/backoffice/nuova/", modulo(buche, lat=lat, lon=lon, **{"risposte.dimensione": ""}))
    assert senza_risposta.status_code == 400
    assert "Rispondi alla domanda «Quanto è grande la buca?»" in senza_risposta.content.decode()
    assert not Segnalazione.objects.exists()


def test_a_point_outside_the_comune_is_refused(come, persone, buche):
    lat, lon = factories.VALENZA
    risposta = come(persone.operatore).post("/backoffice/nuova/", modulo(buche, lat=lat, lon=lon))
    assert risposta.status_code == 400 and "non è nel territorio di Alessandria" in risposta.content.decode()


def test_only_office_channels_are_accepted(come, persone, buche):
    lat, lon = factories.PIAZZA_LIBERTA
    risposta = come(persone.operatore).post("/backoffice/nuova/", modulo(buche, lat=lat, lon=lon, canale="web"))
    assert risposta.status_code == 400 and not Segnalazione.objects.exists()


def test_a_double_click_stores_one_report(come, persone, buche):
    client = come(persone.operatore)
    lat, lon = factories.PIAZZA_LIBERTA
    prima = client.post("/backoffice/nuova/", modulo(buche, lat=lat, lon=lon))
    seconda = client.post("/backoffice/nuova/", modulo(buche, lat=lat, lon=lon))
    assert prima["Location"] == seconda["Location"] and Segnalazione.objects.count() == 1
    cambiato = client.post("/backoffice/nuova/", modulo(buche, lat=lat, lon=lon, titolo="Altra buca"))
    assert cambiato.status_code == 400 and "apri un modulo nuovo" in cambiato.content.decode()


def test_choosing_the_category_shows_its_questions(come, persone, alessandria):
    luce = Categoria.objects.get(ente=alessandria, codice="illuminazione-pubblica")
    risposta = come(persone.operatore).post("/backoffice/nuova/", {"passo": "aggiorna", "categoria": luce.pk},
                                            HTTP_HX_REQUEST="true")
    html = risposta.content.decode()
    assert risposta.status_code == 200
    assert "Quanti lampioni sono spenti?" in html and 'name="risposte.lampioni-spenti"' in html


def test_a_photo_can_come_with_the_letter(come, persone, buche):
    lat, lon = factories.PIAZZA_LIBERTA
    foto = SimpleUploadedFile("lettera.jpg", immagini.jpeg(), content_type="image/jpeg")
    risposta = come(persone.operatore).post("/backoffice/nuova/", modulo(buche, lat=lat, lon=lon, allegati=foto))
    assert risposta.status_code == 302
    assert Segnalazione.objects.get().allegati.count() == 1


@pytest.mark.parametrize("ruolo", ["sindaco", "osservatore"])
def test_read_only_roles_cannot_register_reports(come, persone, buche, ruolo):
    client = come(getattr(persone, ruolo))
    risposta = client.get("/backoffice/nuova/")
    assert risposta.status_code == 403 and 'name="titolo"' not in risposta.content.decode()
    assert client.post("/backoffice/nuova/", modulo(buche, lat=44.913256, lon=8.615123)).status_code == 403
    assert not Segnalazione.objects.exists()


def test_the_receipt_is_for_staff_who_work_on_the_report(come, persone, alessandria):
    s = factories.segnalazione(alessandria)
    for chi, stato in (("sindaco", 404), ("altro_comune", 404), ("operatore", 403)):
        # A web report was not taken at the counter: no receipt with its private link, even for
        # its office (tests/backoffice/test_ricevuta_sportello.py has the rest).
        risposta = come(getattr(persone, chi)).get(f"/backoffice/nuova/{s.codice}/ricevuta/")
        assert risposta.status_code == stato, chi
        assert s.token not in risposta.content.decode() and "/seguimi/" not in risposta.content.decode()
