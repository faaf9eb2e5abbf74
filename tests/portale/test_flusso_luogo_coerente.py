"""The place of a report: the address and the point always agree, or the citizen picks which wins.

"Corso Roma 5" chosen, then a tap on the map ~460 m away next to "Via Palestro 30": storing both
would send the crew to the wrong street. The flow refuses to keep both silently and offers the
choice; intake (every channel) refuses the pair too.
"""

from __future__ import annotations

import re

import pytest

from civico.errors import InvalidData
from civico.portale.models import Bozza
from civico.segnalazioni import intake
from civico.segnalazioni.models import Canale, Segnalazione
from civico.territorio import gazetteer
from civico.territorio.distanza import distanza_m
from tests.portale.test_flusso_passi import inizia, invia, url

pytestmark = pytest.mark.django_db

CORSO_ROMA_5 = (44.9135187, 8.6135455)
VIA_PALESTRO_30 = (44.9160785, 8.6088608)


@pytest.fixture(autouse=True)
def limiti_azzerati():
    from django.core.cache import cache

    cache.clear()


def _luogo(client, b: Bozza, **campi):
    return client.post(url(b, "luogo"), {"ente": "alessandria", **campi})


def test_the_two_places_are_really_460_m_apart():
    assert 440 < distanza_m(*CORSO_ROMA_5, *VIA_PALESTRO_30) < 480


@pytest.mark.parametrize("indirizzo", ["Corso Roma 5", "corso roma 5", "C.so Roma 5, Alessandria", "Corso Roma"])
def test_an_address_far_from_the_point_is_not_kept_with_it_and_both_are_named(client, alessandria, indirizzo):
    b = inizia(client, alessandria)

    r = _luogo(client, b, indirizzo=indirizzo, lat=VIA_PALESTRO_30[0], lon=VIA_PALESTRO_30[1])

    assert r.status_code == 400
    html = r.content.decode()
    errore = re.search(r'<p id="campo-indirizzo-errore" class="errore-campo">(.*?)</p>', html, re.S).group(1)
    assert "Via Palestro 30" in errore and "m dal punto" in errore
    # The choice is offered, visibly: keep the point (and its address) or move the point to the address.
    assert 'name="scelta" value="punto"' in html and 'name="scelta" value="indirizzo"' in html
    b.refresh_from_db()
    assert "luogo" not in b.dati.get("passi", [])


def test_choosing_the_point_stores_the_address_found_there(client, alessandria):
    b = inizia(client, alessandria)

    r = _luogo(client, b, indirizzo="Corso Roma 5", lat=VIA_PALESTRO_30[0], lon=VIA_PALESTRO_30[1], scelta="punto")

    assert r.status_code == 302
    b.refresh_from_db()
    luogo = b.dati["luogo"]
    assert luogo["indirizzo"] == "Via Palestro 30"
    assert (luogo["lat"], luogo["lon"]) == VIA_PALESTRO_30


def test_choosing_the_address_moves_the_point_to_it(client, alessandria):
    b = inizia(client, alessandria)

    r = _luogo(client, b, indirizzo="Corso Roma 5", lat=VIA_PALESTRO_30[0], lon=VIA_PALESTRO_30[1], scelta="indirizzo")

    assert r.status_code == 302
    b.refresh_from_db()
    luogo = b.dati["luogo"]
    assert luogo["indirizzo"] == "Corso Roma 5"
    assert distanza_m(luogo["lat"], luogo["lon"], *CORSO_ROMA_5) < 1


@pytest.mark.parametrize("metri_a_nord", [0, 20, 60])
def test_an_address_near_the_point_is_kept_as_typed(client, alessandria, metri_a_nord):
    b = inizia(client, alessandria)
    lat = CORSO_ROMA_5[0] + metri_a_nord / 111_000

    r = _luogo(client, b, indirizzo="Corso Roma 5", lat=lat, lon=CORSO_ROMA_5[1])

    assert r.status_code == 302
    b.refresh_from_db()
    assert b.dati["luogo"]["indirizzo"] == "Corso Roma 5"


def test_an_address_the_gazetteer_does_not_know_is_kept_as_a_landmark(client, alessandria):
    b = inizia(client, alessandria)

    r = _luogo(client, b, indirizzo="davanti al bar della stazione", lat=VIA_PALESTRO_30[0], lon=VIA_PALESTRO_30[1])

    assert r.status_code == 302 and r["Location"] == url(b, "disservizio")
    b.refresh_from_db()
    assert b.dati["luogo"]["indirizzo"] == "davanti al bar della stazione"


def test_the_report_sent_keeps_a_point_and_an_address_that_agree(client, alessandria):
    b = inizia(client, alessandria)
    _luogo(client, b, indirizzo="Corso Roma 5", lat=VIA_PALESTRO_30[0], lon=VIA_PALESTRO_30[1], scelta="punto")
    client.post(url(b, "disservizio"), {"categoria": "buche", "titolo": "Buca in strada",
                                        "risposta__buche__dimensione": "grande"})
    client.post(url(b, "autore"), {"anonimo": "si"})

    invia(client, b)

    s = Segnalazione.objects.get()
    vero = gazetteer.cerca(alessandria, s.indirizzo, limite=1)[0]
    assert distanza_m(s.lat, s.lon, vero.lat, vero.lon) < 150


@pytest.mark.parametrize("canale", [Canale.WEB, Canale.APP, Canale.PHONE, Canale.OPEN311])
def test_intake_refuses_an_address_far_from_the_point_on_every_channel(alessandria, canale):
    dati = intake.NuovaSegnalazione(
        lat=VIA_PALESTRO_30[0], lon=VIA_PALESTRO_30[1], indirizzo="Corso Roma 5", titolo="Buca in strada",
        categoria="buche", risposte={"dimensione": "grande"}, canale=canale, ente=alessandria,
    )

    with pytest.raises(InvalidData) as exc:
        intake.submit(dati)

    assert "Via Palestro 30" in exc.value.as_dict()["indirizzo"][0]
    assert not Segnalazione.objects.exists()
