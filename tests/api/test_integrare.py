"""The "Integrare Civico" page: both APIs, curl examples, keys, links to the docs."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_integration_page_renders_with_its_curl_examples_and_links(client):
    r = client.get("/api/integrare/")

    assert r.status_code == 200
    html = r.content.decode()
    assert "<h1>Integrare Civico</h1>" in html and "Vai al contenuto" in html  # extends base.html
    for atteso in (
        "curl -X POST http://testserver/api/v1/segnalazioni",
        "-F allegati=@buca.jpg",
        "Idempotency-Key",
        'curl "http://testserver/api/v1/segnalazioni/AL-2026-000123"',
        "If-None-Match",
        "X-Civico-Token: IL_TOKEN",
        "Authorization: Bearer cvt_IL_TUO_TOKEN",
        'curl "http://testserver/open311/v2/services.json?jurisdiction_id=006003"',
        "-d api_key=LA_TUA_CHIAVE",
        "Demo app",
        'href="/api/v1/docs"',
        'href="/api/v1/openapi.json"',
        'href="/open311/"',
    ):
        assert atteso in html, atteso


def test_the_integration_page_follows_the_language(client):
    r = client.get("/api/integrare/", headers={"Accept-Language": "en"})

    assert r.status_code == 200 and r["Content-Language"] == "en"
