"""The comune's own accessibility declaration (AgID C.SI.3.2): set by its administrator in the
settings page, linked from the footer of its pages; a malformed address is refused in words."""

from __future__ import annotations

import pytest

from civico.accounts.models import Ruolo

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pagine")]
BASE = "/backoffice/configurazione/alessandria"


@pytest.fixture
def admin(client, accedi, alessandria):
    return accedi(client, Ruolo.ENTE_ADMIN, alessandria)


def test_the_ente_admin_sets_the_declaration_and_the_comunes_footer_links_it(client, admin, alessandria):
    modulo = client.get(f"{BASE}/").content.decode()
    assert "Indirizzo della dichiarazione di accessibilità" in modulo
    risposta = client.post(f"{BASE}/", {"url_dichiarazione_accessibilita": " form.agid.gov.it/view/al-civico "})
    assert risposta.status_code == 302
    alessandria.refresh_from_db()
    assert alessandria.url_dichiarazione_accessibilita == "https://form.agid.gov.it/view/al-civico"
    piede = client.get("/alessandria/").content.decode().split("<footer", 1)[1]
    assert '<a href="https://form.agid.gov.it/view/al-civico" data-element="accessibility-link">' in piede

    client.post(f"{BASE}/", {"url_dichiarazione_accessibilita": ""})  # emptied: the platform's again
    piede = client.get("/alessandria/").content.decode().split("<footer", 1)[1]
    assert '<a href="https://form.agid.gov.it/" data-element="accessibility-link">' in piede


@pytest.mark.parametrize("valore", ["non un indirizzo", "javascript:alert(1)", "https://"])
def test_a_malformed_declaration_address_is_refused_with_a_clear_error(client, admin, alessandria, valore):
    risposta = client.post(f"{BASE}/", {"url_dichiarazione_accessibilita": valore})
    assert risposta.status_code == 200
    assert "Inserisci un URL valido." in risposta.content.decode()
    alessandria.refresh_from_db()
    assert alessandria.url_dichiarazione_accessibilita == ""
