"""Staff pages: the mayor's office inbox, the compliments an office receives, the avvisi."""

import pytest
from django.utils import timezone

from civico.accounts.models import Ruolo
from civico.comunicazioni import allerte, avvisi, sindaco
from civico.comunicazioni.models import Avviso, MessaggioSindaco, Notifica, StatoAvviso
from civico.segnalazioni import workflow
from tests import factories
from tests.backoffice.conftest import entra_verificato

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _password_veloci(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def come(client):
    return lambda utente: entra_verificato(client, utente)


def test_the_mayors_office_reads_publishes_with_consent_and_answers(client, come, alessandria, casale):
    privato = sindaco.scrivi(alessandria, tipo="osservazione", testo="Il parco è buio", email="anna@example.org")
    consenso = sindaco.scrivi(alessandria, tipo="suggerimento", testo="Più panchine", consenso_pubblicazione=True)
    sindaco.scrivi(casale, tipo="suggerimento", testo="Messaggio di Casale")
    come(factories.staff("al.sindaco", Ruolo.SINDACO, alessandria))

    assert client.get("/backoffice/comunicazioni/").url == "/backoffice/comunicazioni/sindaco/"
    casella = client.get("/backoffice/comunicazioni/sindaco/").content.decode()
    assert "Il parco è buio" in casella and "Più panchine" in casella and "Casale" not in casella
    assert client.get(f"/backoffice/comunicazioni/sindaco/{MessaggioSindaco.objects.get(ente=casale).pk}/"
                      ).status_code == 404

    r = client.post(f"/backoffice/comunicazioni/sindaco/{privato.pk}/", {"azione": "pubblica"})
    assert r.status_code == 400 and "non ha acconsentito" in r.content.decode()
    client.post(f"/backoffice/comunicazioni/sindaco/{consenso.pk}/", {"azione": "pubblica"})
    assert list(sindaco.pubblicati(alessandria)) == [consenso]

    r = client.post(f"/backoffice/comunicazioni/sindaco/{privato.pk}/", {"risposta": "Grazie, provvediamo.",
                                                                       "risposta_pubblica": "1"})
    assert r.status_code == 400 and "pubblicato" in r.content.decode()
    client.post(f"/backoffice/comunicazioni/sindaco/{privato.pk}/", {"risposta": "Grazie, provvediamo."})
    [risposta] = Notifica.objects.filter(motivo="sindaco")
    assert risposta.indirizzo == "anna@example.org" and "provvediamo" in risposta.testo
    client.post(f"/backoffice/comunicazioni/sindaco/{consenso.pk}/", {"risposta": "Le metteremo",
                                                                    "risposta_pubblica": "1"})
    consenso.refresh_from_db()
    assert consenso.risposta_pubblica
    assert "Le metteremo" in client.get("/scrivi-al-sindaco/alessandria/").content.decode()


def test_only_the_mayors_office_enters_its_inbox(client, come, alessandria):
    sindaco.scrivi(alessandria, tipo="suggerimento", testo="Complimenti per il parco", email="anna@example.org")
    come(factories.operatore(alessandria).utente)
    rifiutata = client.get("/backoffice/comunicazioni/sindaco/")
    assert rifiutata.status_code == 403 and "Complimenti per il parco" not in rifiutata.content.decode()
    client.logout()
    anonimo = client.get("/backoffice/comunicazioni/sindaco/")
    assert anonimo.status_code == 302 and anonimo["Location"].startswith("/backoffice/accedi/?next=")


def test_a_compliment_reaches_the_office_that_resolved_the_report(client, come, alessandria):
    s = factories.segnalazione(alessandria)
    op = factories.operatore(alessandria)
    workflow.transition(s, "take_in_charge", op)
    workflow.transition(s, "resolve", op)
    sindaco.scrivi(alessandria, tipo="complimento", testo="Riparata in due giorni!", codice_segnalazione=s.codice,
                   email="anna@example.org")
    verde = alessandria.uffici.exclude(pk=s.ufficio_id).first()

    come(factories.staff("resp-verde", Ruolo.OFFICE_MANAGER, alessandria, verde))
    assert "Riparata in due giorni" not in client.get("/backoffice/comunicazioni/complimenti/").content.decode()
    come(factories.staff("resp-strade", Ruolo.OFFICE_MANAGER, alessandria, s.ufficio))
    pagina = client.get("/backoffice/comunicazioni/complimenti/").content.decode()
    assert "Riparata in due giorni" in pagina and s.codice in pagina and "anna@example.org" not in pagina


def test_avvisi_are_drafted_published_edited_and_withdrawn(client, come, alessandria):
    allerte.crea(alessandria, email="tutti@example.org")
    come(factories.staff("urp-al", Ruolo.ENTE_ADMIN, alessandria))
    assert 'href="/backoffice/comunicazioni/"' in client.get("/backoffice/comunicazioni/avvisi/").content.decode()

    r = client.post("/backoffice/comunicazioni/avvisi/nuovo/", {
        "ente": alessandria.pk, "titolo": "Fuga di gas", "testo": "Evacuare via Roma", "tipo": "emergenza",
        "valido_dal": "2020-01-01T08:00", "azione": "salva"})
    assert r.status_code == 302
    a = Avviso.objects.get()
    assert a.stato == StatoAvviso.BOZZA and not avvisi.avvisi_attivi(alessandria).exists()
    assert not Notifica.objects.filter(motivo="avviso").exists()

    client.post(f"/backoffice/comunicazioni/avvisi/{a.pk}/pubblica/")
    assert list(avvisi.avvisi_attivi(alessandria)) == [a]
    assert Notifica.objects.filter(motivo="avviso", indirizzo="tutti@example.org").count() == 1  # at once
    assert "Fuga di gas" in client.get("/alessandria/avvisi.atom").content.decode()

    client.post(f"/backoffice/comunicazioni/avvisi/{a.pk}/", {
        "titolo": "Fuga di gas (aggiornato)", "testo": "Rientro alle 18", "tipo": "emergenza",
        "valido_dal": "2020-01-01T08:00", "azione": "salva"})
    a.refresh_from_db()
    assert a.titolo.endswith("(aggiornato)") and a.stato == StatoAvviso.PUBBLICATO
    assert Notifica.objects.filter(motivo="avviso").count() == 1  # an edit is not pushed again

    client.post(f"/backoffice/comunicazioni/avvisi/{a.pk}/ritira/")
    a.refresh_from_db()
    assert a.stato == StatoAvviso.RITIRATO and a.ritirato_il <= timezone.now()
    assert "Fuga di gas" not in client.get("/alessandria/avvisi.atom").content.decode()


def test_avvisi_bad_input_is_explained(client, come, alessandria, casale):
    come(factories.staff("urp-al", Ruolo.ENTE_ADMIN, alessandria))
    r = client.post("/backoffice/comunicazioni/avvisi/nuovo/", {
        "titolo": "", "testo": "x", "tipo": "lavori", "valido_dal": "2026-05-02T08:00", "valido_al": "2026-05-01"})
    assert r.status_code == 400 and "deve venire dopo" in r.content.decode() and "obbligatorio" in r.content.decode()
    r = client.post("/backoffice/comunicazioni/avvisi/nuovo/", {"titolo": "T", "testo": "x", "valido_dal": "ieri"})
    assert r.status_code == 400 and "Data non valida" in r.content.decode()
    assert not Avviso.objects.exists()
    di_casale = avvisi.pubblica(casale, factories.staff("urp-cm", Ruolo.ENTE_ADMIN, casale), titolo="C", testo="C")
    assert client.get(f"/backoffice/comunicazioni/avvisi/{di_casale.pk}/").status_code == 404
    come(factories.operatore(alessandria).utente)
    assert client.get("/backoffice/comunicazioni/avvisi/").status_code == 403
