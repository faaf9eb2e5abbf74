"""Text no database can store (NUL, lone surrogates) is refused with a 400, never a 500."""

import json

import pytest

from tests import factories
from tests.api.conftest import V1, errore, post_json

pytestmark = pytest.mark.django_db


def test_nul_in_a_path_or_query_parameter_is_refused(client, alessandria):
    errore(client.get(f"{V1}/segnalazioni/AL%002026"), 400, "invalid")
    errore(client.get(f"{V1}/enti/%00"), 400, "invalid")
    errore(client.get(f"{V1}/segnalazioni", {"q": "buca\x00"}), 400, "invalid")
    errore(client.get(f"{V1}/enti/006003/indirizzi", {"q": "via\x00roma"}), 400, "invalid")


@pytest.mark.parametrize("testo", ["buca\u0000", "buca \ud800"])
def test_unstorable_text_in_a_json_body_is_refused(client, alessandria, testo):
    lat, lon = factories.PIAZZA_LIBERTA
    s = factories.segnalazione(alessandria)
    # json.dumps escapes both as \u0000 and \ud800: valid JSON the database cannot store.
    segnalazione = json.dumps({"lat": lat, "lon": lon, "titolo": testo, "categoria": "buche"})
    commento = json.dumps({"testo": testo})

    errore(client.post(f"{V1}/segnalazioni", segnalazione, content_type="application/json"), 400, "invalid")
    errore(client.post(f"{V1}/segnalante/segnalazioni/{s.codice}/commenti", commento,
                       content_type="application/json", headers={"X-Civico-Token": s.token}), 400)


def test_nul_in_a_multipart_field_is_refused(client, alessandria):
    lat, lon = factories.PIAZZA_LIBERTA

    r = client.post(f"{V1}/segnalazioni", {"lat": lat, "lon": lon, "titolo": "buca\x00", "categoria": "buche"})

    errore(r, 400, "invalid")


def test_ordinary_unicode_text_is_accepted(client, alessandria):
    lat, lon = factories.PIAZZA_LIBERTA
    dati = {"lat": lat, "lon": lon, "titolo": "Buca 🚧 più profonda", "categoria": "buche",
            "risposte": {"dimensione": "media"}}

    r = post_json(client, f"{V1}/segnalazioni", dati)

    assert r.status_code == 201 and r.json()["segnalazione"]["titolo"] == "Buca 🚧 più profonda"
