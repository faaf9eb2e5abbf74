"""Scrivi al sindaco: private by default, published with consent after review, answered."""

import pytest

from civico.accounts.models import Ruolo
from civico.comunicazioni import sindaco
from civico.comunicazioni.models import MessaggioSindaco, Notifica, TipoMessaggio
from civico.errors import InvalidData, NotAllowed
from civico.segnalazioni import workflow
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.comunicazioni.urls")]


@pytest.fixture
def ufficio_sindaco(alessandria):
    return factories.staff("sindaco-al", Ruolo.SINDACO, alessandria)


def test_a_citizen_writes_from_the_page_and_it_stays_private(client, alessandria):
    pagina = client.get("/scrivi-al-sindaco/alessandria/")
    assert pagina.status_code == 200 and "Scrivi al sindaco" in pagina.content.decode()

    r = client.post("/scrivi-al-sindaco/alessandria/", {"tipo": "suggerimento", "testo": "Più panchine al parco",
                                                        "email": "anna@example.org"})
    assert r.status_code == 302
    m = MessaggioSindaco.objects.get()
    assert m.tipo == TipoMessaggio.SUGGERIMENTO and not m.pubblicato
    assert "Più panchine" not in client.get("/scrivi-al-sindaco/alessandria/").content.decode()


def test_the_page_explains_what_is_wrong(client, alessandria):
    r = client.post("/scrivi-al-sindaco/alessandria/", {"tipo": "", "testo": "<b>ciao</b>"})
    assert r.status_code == 400 and not MessaggioSindaco.objects.exists()
    assert client.get("/scrivi-al-sindaco/comune-che-non-esiste/").status_code == 404


def test_publishing_needs_consent_and_the_mayors_office(client, alessandria, ufficio_sindaco):
    senza = sindaco.scrivi(alessandria, tipo="osservazione", testo="Osservazione privata")
    con = sindaco.scrivi(alessandria, tipo="complimento", testo="Bravi!", consenso_pubblicazione=True)
    with pytest.raises(InvalidData):
        sindaco.pubblica(senza, ufficio_sindaco)
    with pytest.raises(NotAllowed):
        sindaco.pubblica(con, factories.operatore(alessandria).utente)

    sindaco.pubblica(con, ufficio_sindaco)
    sindaco.rispondi(con, ufficio_sindaco, "Grazie a lei!", pubblica=True)

    pagina = client.get("/scrivi-al-sindaco/alessandria/").content.decode()
    assert "Bravi!" in pagina and "Grazie a lei!" in pagina and "Osservazione privata" not in pagina


def test_a_private_answer_reaches_the_author_by_email(alessandria, ufficio_sindaco):
    m = sindaco.scrivi(alessandria, tipo="segnalazione", testo="Troppi rumori la notte", email="luca@example.org")
    with pytest.raises(InvalidData):
        sindaco.rispondi(m, ufficio_sindaco, "Risposta", pubblica=True)  # not published: not in public
    sindaco.rispondi(m, ufficio_sindaco, "Abbiamo chiesto controlli alla polizia locale.")
    n = Notifica.objects.get(motivo="sindaco")
    assert n.indirizzo == "luca@example.org" and "polizia locale" in n.testo


def test_a_compliment_about_a_resolved_report_is_shown_to_its_office(alessandria):
    s = factories.segnalazione(alessandria)
    with pytest.raises(InvalidData):
        sindaco.scrivi(alessandria, tipo="complimento", testo="Grazie", codice_segnalazione=s.codice)
    op = factories.operatore(alessandria)
    workflow.transition(s, "take_in_charge", op)
    workflow.transition(s, "resolve", op)

    m = sindaco.scrivi(alessandria, tipo="complimento", testo="Riparata in due giorni!",
                       codice_segnalazione=s.codice.lower())

    assert list(sindaco.complimenti_per_ufficio(s.ufficio)) == [m]


def test_counts_by_type(alessandria):
    for tipo in ("complimento", "complimento", "suggerimento"):
        sindaco.scrivi(alessandria, tipo=tipo, testo="Testo")
    assert sindaco.conteggi_per_tipo(alessandria) == {
        "complimento": 2, "suggerimento": 1, "osservazione": 0, "segnalazione": 0,
    }
