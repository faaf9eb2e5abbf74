"""The JSON API without a session cookie skips the middleware only pages and sessions need
(civico.core.ramo); security headers, rate limits and CSRF for every cookie-authenticated call and
HTML form stay as they were."""

import pytest
from django.test import Client

from civico.segnalazioni.models import Segnalazione
from tests import factories
from tests.api.conftest import V1, post_json

pytestmark = pytest.mark.django_db

URL = f"{V1}/segnalazioni"
BUCA = {"lat": factories.PIAZZA_LIBERTA[0], "lon": factories.PIAZZA_LIBERTA[1], "titolo": "Buca profonda",
        "categoria": "buche", "risposte": {"dimensione": "grande"}}


def test_a_call_without_a_session_is_served_without_session_csp_or_messages(alessandria):
    r = post_json(Client(enforce_csrf_checks=True), URL, BUCA, **{"Accept-Language": "en"})

    assert r.status_code == 201 and Segnalazione.objects.get(codice=r.json()["codice"]).segnalante is None
    assert not r.cookies  # no session, no CSRF cookie: nothing was loaded or saved
    assert "Content-Security-Policy" not in r  # JSON: no HTML to protect
    assert r["X-Content-Type-Options"] == "nosniff" and r["X-Frame-Options"] == "DENY" and r["X-Request-ID"]
    assert r["Content-Language"] == "en"  # the language is still negotiated


def test_the_same_call_with_a_session_cookie_goes_through_every_middleware_and_needs_csrf(alessandria):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(factories.UtenteFactory(username="mario"))

    r = post_json(browser, URL, BUCA)

    assert r.status_code == 403 and not Segnalazione.objects.exists()
    assert "Content-Security-Policy" in r


def test_html_pages_keep_their_policy_and_forms_their_csrf_check(client, alessandria):
    s = factories.segnalazione(alessandria)
    assert "Content-Security-Policy" in client.get(f"/segnalazioni/{s.codice}/")
    assert "Content-Security-Policy" in client.get(f"{V1}/docs")  # the API's HTML docs too

    r = Client(enforce_csrf_checks=True).post(f"/segnalazioni/{s.codice}/anche-io/", {"email": "a@example.org"})
    assert r.status_code == 403
