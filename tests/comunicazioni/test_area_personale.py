"""The citizen's preferences in the area personale: channels, area alerts, followed reports."""

import pytest

from civico.catalogo.models import Categoria
from civico.comunicazioni import iscrizioni
from civico.comunicazioni.models import Allerta, CanaleConsegna, Iscrizione, Notifica, Preferenze, TipoArea
from civico.segnalazioni import interazioni
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def paola(client):
    u = factories.UtenteFactory(username="paola")
    client.force_login(u)
    return u


def test_the_area_personale_links_to_the_preferences_and_they_need_a_sign_in(client):
    r = client.get("/area-personale/preferenze/")
    assert r.status_code == 302 and r.url.startswith("/area-personale/?next=")


def test_channels_are_chosen_and_the_next_message_follows_them(client, alessandria, paola, comunicazioni):
    comunicazioni["SMS_URL"] = "http://127.0.0.1:9/sms"
    assert 'href="/area-personale/preferenze/"' in client.get("/area-personale/").content.decode()

    r = client.post("/area-personale/preferenze/", {"sms": "1", "telefono": "333 123 4567", "lingua": "en"})
    assert r.status_code == 302
    p = Preferenze.objects.get(utente=paola)
    assert p.canali == ["sms"] and p.telefono == "+393331234567" and p.lingua == "en"

    s = factories.segnalazione(alessandria)
    iscrizioni.segui(s, paola)
    interazioni.rispondi(s, factories.operatore(alessandria), "Abbiamo programmato l'intervento.")
    [n] = Notifica.objects.filter(segnalazione=s, utente=paola)
    assert n.canale == CanaleConsegna.SMS and n.indirizzo == "+393331234567"


def test_bad_channel_choices_are_explained(client, paola):
    r = client.post("/area-personale/preferenze/", {"app_io": "1", "codice_fiscale": "NONVALIDO", "email": "1"})
    assert r.status_code == 400 and "codice fiscale non è valido" in r.content.decode()
    r = client.post("/area-personale/preferenze/", {"app_io": "1", "email": "1"})
    assert r.status_code == 400 and "indica il tuo codice fiscale" in r.content.decode()
    r = client.post("/area-personale/preferenze/", {"sms": "1", "telefono": "12"})
    assert r.status_code == 400 and "cellulare non è valido" in r.content.decode()
    assert not Preferenze.objects.filter(utente=paola).exists()
    r = client.post("/area-personale/preferenze/", {"app_io": "1", "codice_fiscale": "rssmra80a01a182x"})
    assert r.status_code == 302 and Preferenze.objects.get(utente=paola).codice_fiscale == "RSSMRA80A01A182X"


def test_alerts_are_created_on_the_map_listed_and_deleted(client, alessandria, paola):
    buche = Categoria.objects.filter(ente=alessandria).first()
    assert client.get("/area-personale/preferenze/allerte/nuova/?ente=alessandria").status_code == 200
    dati = {"ente": "alessandria", "tipo_area": "cerchio", "lat": "44.9130", "lon": "8.6150", "raggio_m": "300",
            "nuove": "1", "frequenza": "giornaliera", "nome": "Sotto casa"}
    dati["categorie"] = [str(buche.pk)]
    assert client.post("/area-personale/preferenze/allerte/nuova/", dati).status_code == 302
    a = Allerta.objects.get(utente=paola)
    assert a.tipo_area == TipoArea.CERCHIO and a.raggio_m == 300 and a.frequenza == "giornaliera"
    assert not a.risolte and a.nuove and list(a.categorie.all()) == [buche]
    assert "Sotto casa" in client.get("/area-personale/preferenze/").content.decode()

    altro = factories.UtenteFactory(username="altro")
    sua = Allerta.objects.create(ente=alessandria, utente=altro)
    client.post(f"/area-personale/preferenze/allerte/{sua.pk}/elimina/")
    client.post(f"/area-personale/preferenze/allerte/{a.pk}/elimina/")
    assert list(Allerta.objects.all()) == [sua]  # only one's own


@pytest.mark.parametrize(("dati", "errore"), [
    ({"tipo_area": "cerchio", "lat": "45.5", "lon": "9.2"}, "fuori dal comune"),
    ({"tipo_area": "cerchio", "lat": "x", "lon": ""}, "Scegli il punto"),
    ({"tipo_area": "cerchio", "lat": "44.913", "lon": "8.615", "raggio_m": "90000"}, "da 100 a 5000"),
    ({"tipo_area": "quartiere", "quartiere": "Atlantide"}, "quartiere del comune"),
    ({"tipo_area": "comune", "categorie": ["999999"]}, "categorie di questo comune"),
    ({"tipo_area": "luna"}, "Scegli l&#x27;area"),
])
def test_a_bad_alert_is_explained_not_created(client, alessandria, paola, dati, errore):
    r = client.post("/area-personale/preferenze/allerte/nuova/",
                    {"ente": "alessandria", "nuove": "1", "frequenza": "immediata", **dati})
    assert r.status_code == 400 and errore in r.content.decode() and not Allerta.objects.exists()


def test_followed_reports_are_listed_and_unfollowed(client, alessandria, paola):
    s = factories.segnalazione(alessandria)
    iscrizioni.segui(s, paola)
    assert s.codice in client.get("/area-personale/preferenze/").content.decode()

    client.post(f"/area-personale/preferenze/seguite/{s.codice}/smetti/")
    assert not Iscrizione.objects.filter(segnalazione=s, utente=paola).exists()
