"""Response templates, staff roles, client keys and the comune's settings, from the pages."""

import pytest

from civico.accounts import chiavi
from civico.accounts.models import ApplicazioneClient, Incarico, Ruolo, Utente
from civico.catalogo import configurazione
from civico.catalogo.models import ModelloRisposta
from civico.segnalazioni import uffici, workflow
from civico.stati import Stato
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pagine")]
BASE = "/backoffice/configurazione/alessandria"


@pytest.fixture
def admin(client, accedi, alessandria):
    return accedi(client, Ruolo.ENTE_ADMIN, alessandria)


def test_a_report_is_offered_the_templates_of_its_category_and_state_most_specific_first(client, admin, alessandria):
    buche = alessandria.categorie.get(codice="buche")
    verde = alessandria.categorie.get(codice="verde-pubblico")
    for titolo, categoria, stato in [("Grazie", "", ""), ("Buca presa in carico", buche.pk, Stato.ACCEPTED),
                                     ("Buca: sopralluogo", buche.pk, ""), ("Potatura", verde.pk, "")]:
        risposta = client.post(f"{BASE}/modelli/nuovo/", {"titolo": titolo, "categoria": categoria, "stato": stato,
                                                          "testo": f"{titolo}."})
        assert risposta.status_code == 302
    s = factories.segnalazione(alessandria)

    assert [m.titolo for m in uffici.modelli_per(s)] == ["Buca: sopralluogo", "Grazie"]
    s = workflow.transition(s, "take_in_charge", factories.operatore(alessandria))
    assert [m.titolo for m in uffici.modelli_per(s)] == ["Buca presa in carico", "Buca: sopralluogo", "Grazie"]


def test_templates_of_another_comune_are_never_offered(admin, alessandria, casale):
    ModelloRisposta.objects.create(ente=casale, titolo="Di Casale", testo="…")
    assert uffici.modelli_per(factories.segnalazione(alessandria)) == []


def test_an_administrator_gives_a_new_colleague_an_office_role(client, admin, alessandria):
    verde = alessandria.uffici.get(nome="Verde pubblico")

    risposta = client.post(f"{BASE}/staff/", {"username": "mrossi", "email": "m.rossi@comune.example.org",
                                              "nome": "Mario", "cognome": "Rossi", "ruolo": Ruolo.OPERATORE,
                                              "ufficio": verde.pk})

    assert risposta.status_code == 302
    mario = Utente.objects.get(username="mrossi")
    assert not mario.has_usable_password()
    assert Incarico.objects.filter(utente=mario, ruolo=Ruolo.OPERATORE, ente=alessandria, ufficio=verde).exists()
    assert "Mario Rossi" in client.get(f"{BASE}/staff/").content.decode()


def test_an_ente_cannot_appoint_a_platform_administrator(client, admin, alessandria):
    risposta = client.post(f"{BASE}/staff/", {"username": "furbo", "ruolo": Ruolo.PLATFORM_ADMIN})
    assert risposta.status_code == 200
    assert not Incarico.objects.filter(ruolo=Ruolo.PLATFORM_ADMIN).exists()


def test_the_last_administrator_cannot_be_removed(client, admin, alessandria):
    mio = Incarico.objects.get(utente=admin)

    risposta = client.post(f"{BASE}/staff/{mio.pk}/revoca/", follow=True)

    assert "ultimo amministratore" in risposta.content.decode()
    assert Incarico.objects.filter(pk=mio.pk).exists()
    collega = factories.staff("collega", Ruolo.ENTE_ADMIN, alessandria)
    client.post(f"{BASE}/staff/{mio.pk}/revoca/")
    assert not Incarico.objects.filter(pk=mio.pk).exists()
    assert configurazione.puo_configurare(collega, alessandria)


def test_a_new_client_key_is_shown_once_and_works_until_revoked(client, admin, alessandria):
    risposta = client.post(f"{BASE}/applicazioni/", {"nome": "App del quartiere", "contatto": "dev@example.org",
                                                     "limite_al_minuto": "30"})

    pagina = risposta.content.decode()
    app = ApplicazioneClient.objects.get(nome="App del quartiere")
    assert app.ente == alessandria and app.limite_al_minuto == 30
    chiave = pagina.split('<code class="user-select-all">')[1].split("</code>")[0]
    assert chiavi.applicazione_per_chiave(chiave) == app
    assert risposta["Cache-Control"] == "no-store"
    assert chiave not in client.get(f"{BASE}/applicazioni/").content.decode()

    client.post(f"{BASE}/applicazioni/{app.pk}/revoca/")
    assert chiavi.applicazione_per_chiave(chiave) is None


def test_another_comune_s_application_cannot_be_revoked_from_here(client, admin, casale):
    altra, chiave = chiavi.crea_applicazione("Di Casale", ente=casale)
    assert client.post(f"{BASE}/applicazioni/{altra.pk}/revoca/").status_code == 404
    assert chiavi.applicazione_per_chiave(chiave) == altra


def test_the_patron_saint_is_set_on_the_settings_page(client, admin, alessandria):
    risposta = client.post(f"{BASE}/", {"santo_patrono_giorno": "10", "santo_patrono_mese": "11"})
    assert risposta.status_code == 302
    alessandria.refresh_from_db()
    assert (alessandria.santo_patrono_giorno, alessandria.santo_patrono_mese) == (10, 11)


def test_an_impossible_patron_saint_day_is_refused(client, admin, alessandria):
    risposta = client.post(f"{BASE}/", {"santo_patrono_giorno": "31", "santo_patrono_mese": "4"})
    assert "Questo giorno non esiste in quel mese." in risposta.content.decode()
    risposta = client.post(f"{BASE}/", {"santo_patrono_giorno": "10"})
    assert "sia il giorno sia il mese" in risposta.content.decode()
    alessandria.refresh_from_db()
    assert alessandria.santo_patrono_giorno is None


def test_the_protocol_secret_is_generated_and_shown_once(client, admin, alessandria, dns):
    dns["protocollo.example.org"] = ["93.184.216.34"]  # the webhook's name must resolve outside our network
    risposta = client.post(f"{BASE}/", {"protocollo_webhook_url": "https://protocollo.example.org/civico",
                                        "nuovo_segreto": "on"})
    alessandria.refresh_from_db()
    assert alessandria.protocollo_webhook_url == "https://protocollo.example.org/civico"
    assert len(alessandria.protocollo_segreto) >= 40
    assert alessandria.protocollo_segreto in risposta.content.decode()
    assert alessandria.protocollo_segreto not in client.get(f"{BASE}/").content.decode()
