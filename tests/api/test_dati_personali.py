"""The reporter's personal data never leave through a public endpoint; staff who work on it see them."""

import pytest

from civico.accounts.models import Ruolo
from tests import factories
from tests.api.conftest import PRIVATO, V1, post_json, staff

pytestmark = pytest.mark.django_db


def test_personal_data_and_the_token_are_absent_from_every_public_endpoint(client, alessandria):
    lat, lon = factories.PIAZZA_LIBERTA
    ricevuta = post_json(client, f"{V1}/segnalazioni", {
        "lat": lat, "lon": lon, "titolo": "Buca davanti a casa", "categoria": "buche",
        "risposte": {"dimensione": "media"}, **PRIVATO,
    }, **{"X-Civico-Client": "app"})
    assert ricevuta.status_code == 201
    codice, token = ricevuta.json()["codice"], ricevuta.json()["token"]

    pubbliche = {
        "ricevuta (scheda)": post_json(client, f"{V1}/segnalazioni", {}).content,  # an error body, for good measure
        "elenco": client.get(f"{V1}/segnalazioni").content,
        "geojson": client.get(f"{V1}/segnalazioni", {"format": "geojson"}).content,
        "filtrato": client.get(f"{V1}/segnalazioni", {"q": "buca", "ente": "006003"}).content,
        "scheda": client.get(f"{V1}/segnalazioni/{codice}").content,
        "enti": client.get(f"{V1}/enti", {"lat": lat, "lon": lon}).content,
    }

    for nome, contenuto in pubbliche.items():
        testo = contenuto.decode()
        for valore in [*PRIVATO.values(), token]:
            assert valore not in testo, (nome, valore)
    assert "segnalante_" not in str(ricevuta.json()["segnalazione"])
    assert set(PRIVATO) & set(ricevuta.json()["segnalazione"]) == set()


def test_staff_who_work_on_the_report_see_the_contacts(client, alessandria):
    s = factories.segnalazione(alessandria, **PRIVATO)
    _, operatore = staff("op-al", Ruolo.OPERATORE, alessandria)

    contatti = client.get(f"{V1}/gestione/segnalazioni/{s.codice}", headers=operatore).json()["contatti"]

    assert {k: contatti[k] for k in PRIVATO} == PRIVATO
