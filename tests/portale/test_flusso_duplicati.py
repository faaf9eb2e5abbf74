"""Likely duplicates while writing a report, and "Anche io" instead of a second report."""

from __future__ import annotations

import pytest

from civico.catalogo.models import Categoria
from civico.comunicazioni import iscrizioni
from civico.segnalazioni import anche_io, workflow
from civico.segnalazioni.models import Segnalazione
from civico.territorio.distanza import distanza_m
from tests import factories
from tests.portale.test_flusso_passi import LAT, LON, inizia, limiti_azzerati, url

pytestmark = pytest.mark.django_db
__all__ = ["limiti_azzerati"]  # the autouse fixture, imported

# About 17 m and 200 m north of Piazza della Libertà 41.
VICINO = (LAT + 0.00015, LON)
LONTANO = (LAT + 0.0018, LON)


def buche(ente):
    return Categoria.objects.get(ente=ente, codice="buche")


def test_open_public_reports_of_the_same_category_nearby_are_likely_duplicates(alessandria, casale):
    qui = factories.segnalazione(alessandria, titolo="Buca qui")
    vicina = factories.segnalazione(alessandria, punto=VICINO, titolo="Buca vicina")
    factories.segnalazione(alessandria, punto=LONTANO, titolo="Buca lontana")
    factories.segnalazione(alessandria, categoria="tombini", titolo="Tombino qui")
    chiusa = factories.segnalazione(alessandria, titolo="Buca chiusa")
    op = factories.operatore(alessandria)
    for t in ("take_in_charge", "resolve", "close"):
        workflow.transition(chiusa, t, op)
    privata = factories.segnalazione(alessandria, titolo="Buca privata")
    Segnalazione.objects.filter(pk=privata.pk).update(pubblica=False)

    simili = anche_io.vicine(alessandria, buche(alessandria), LAT, LON)

    assert [x.segnalazione for x in simili] == [qui, vicina]
    assert simili[1].distanza_m == pytest.approx(distanza_m(LAT, LON, *VICINO))
    assert anche_io.entro_metri(simili) == 20


def test_the_distance_said_is_rounded_up_to_ten_metres():
    class S:
        def __init__(self, d):
            self.distanza_m = d

    assert anche_io.entro_metri([]) == 0
    assert anche_io.entro_metri([S(0.5)]) == 10
    assert anche_io.entro_metri([S(3), S(21)]) == 30


def test_while_typing_the_citizen_sees_similar_reports_and_a_suggested_category(client, alessandria):
    factories.segnalazione(alessandria)
    factories.segnalazione(alessandria, punto=VICINO)
    b = inizia(client, alessandria)
    client.post(url(b, "luogo"), {"lat": LAT, "lon": LON})

    r = client.get(f"/segnala/{b.uuid}/suggerimenti/", {"testo": "una buca enorme sull'asfalto"})

    d = r.json()
    assert d["categoria_suggerita"] == {"codice": "buche", "nome": "Buche"}
    assert d["duplicati"] == 2 and "Ci sono già 2 segnalazioni simili a 20 m" in d["html"]
    solo_categoria = client.get(f"/segnala/{b.uuid}/suggerimenti/", {"categoria": "tombini"}).json()
    assert solo_categoria["duplicati"] == 0 and solo_categoria["categoria_suggerita"] is None


def test_the_step_shows_duplicates_without_javascript(client, alessandria):
    s = factories.segnalazione(alessandria)
    b = inizia(client, alessandria)
    client.post(url(b, "luogo"), {"lat": LAT, "lon": LON})
    r = client.post(url(b, "disservizio"), {"categoria": "buche", "titolo": "Buca", "azione": "carica",
                                           "risposta__buche__dimensione": "media"})
    html = r.content.decode()
    assert "C&#x27;è già 1 segnalazione simile a 10 m" in html
    assert f'href="/segnalazioni/{s.codice}/#anche-io">Anche io' in html  # not signed in: its "Anche io" form


def test_anche_io_signed_in_follows_the_existing_report(client, alessandria):
    s = factories.segnalazione(alessandria)
    mario = factories.UtenteFactory(username="mario@example.org")
    client.force_login(mario)
    b = inizia(client, alessandria)
    client.post(url(b, "luogo"), {"lat": LAT, "lon": LON})
    html = client.post(url(b, "disservizio"), {"categoria": "buche", "titolo": "Buca", "azione": "carica",
                                              "risposta__buche__dimensione": "media"}).content.decode()
    assert f'formaction="/segnala/{b.uuid}/anche-io/{s.codice}/"' in html

    r = client.post(f"/segnala/{b.uuid}/anche-io/{s.codice}/", follow=True)

    assert iscrizioni.segue(s, mario)
    assert f"Ora segui la segnalazione {s.codice}" in r.content.decode()
    assert Segnalazione.objects.count() == 1


def test_anche_io_without_an_account_opens_the_report(client, alessandria):
    s = factories.segnalazione(alessandria)
    b = inizia(client, alessandria)
    r = client.post(f"/segnala/{b.uuid}/anche-io/{s.codice}/")
    assert r.status_code == 302 and r["Location"] == f"/segnalazioni/{s.codice}/"


def test_the_address_autocomplete_answers_from_the_gazetteer(client, alessandria):
    r = client.get("/segnala/indirizzi/", {"ente": "alessandria", "q": "piazza della liberta 41"})
    primo = r.json()["risultati"][0]
    assert primo["testo"] == "Piazza della Libertà 41"
    assert (round(primo["lat"], 5), round(primo["lon"], 5)) == (round(LAT, 5), round(LON, 5))
    assert client.get("/segnala/indirizzi/", {"ente": "alessandria", "q": "pi"}).json()["risultati"] == []
    assert client.get("/segnala/indirizzi/", {"ente": "valenza", "q": "piazza"}).json()["risultati"] == []


def test_a_pin_is_described_with_its_comune_and_nearest_address(client, alessandria):
    ok = client.get("/segnala/punto/", {"lat": LAT, "lon": LON}).json()
    assert ok == {"ok": True, "comune": "Alessandria", "ente": "alessandria",
                  "indirizzo": "Piazza della Libertà 41", "lat": round(LAT, 7), "lon": round(LON, 7)}
    no = client.get("/segnala/punto/", {"lat": factories.VALENZA[0], "lon": factories.VALENZA[1]}).json()
    assert no["ok"] is False and no["comune"] == "Valenza" and "non usa ancora Civico" in no["errore"]
    fuori = client.get("/segnala/punto/", {"lat": "abc", "lon": "1"}).json()
    assert fuori["ok"] is False
