"""The public endpoint that suggests a comune's categories for a text: what an app sees."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.conftest import V1, errore

pytestmark = pytest.mark.django_db


def url(ente: str = "006003") -> str:
    return f"{V1}/enti/{ente}/categorie/suggerimenti"


def test_the_top_five_categories_come_with_name_and_probability(client, alessandria):
    r = client.get(url(), {"testo": "lampione spento in via Roma"})

    assert r.status_code == 200
    corpo = r.json()
    assert len(corpo) == 5
    assert set(corpo[0]) == {"codice", "nome", "probabilita"}
    assert corpo[0] == {"codice": "illuminazione-pubblica", "nome": "Illuminazione pubblica",
                        "probabilita": corpo[0]["probabilita"]}
    probabilita = [s["probabilita"] for s in corpo]
    assert probabilita == sorted(probabilita, reverse=True) and 0.5 < probabilita[0] <= 1


@pytest.mark.parametrize("riferimento", ["006003", "alessandria"])
def test_the_ente_is_found_by_istat_code_or_slug(client, alessandria, riferimento):
    r = client.get(url(riferimento), {"testo": "broken street light"})

    assert r.json()[0]["codice"] == "illuminazione-pubblica"


@pytest.mark.parametrize("testo, codice", [
    ("buca delle lettere rotta", "altro"),
    ("lampione spnto", "illuminazione-pubblica"),
    ("BUCA ENORME IN MEZZO ALLA STRADA", "buche"),
])
def test_what_a_citizen_types_is_read_as_they_mean_it(client, alessandria, testo, codice):
    assert client.get(url(), {"testo": testo}).json()[0]["codice"] == codice


def test_each_comune_gets_its_own_categories(client, alessandria, casale):
    r = client.get(url("006039"), {"testo": "cane randagio nel parco"})

    codici = [s["codice"] for s in r.json()]
    assert codici[0] == "altro" and "tutela-animali" not in codici


def test_an_unknown_ente_is_404_and_a_missing_text_is_422_in_the_error_shape(client, alessandria):
    errore(client.get(url("999999"), {"testo": "buca"}), 404, "not_found")
    errore(client.get(url()), 422, "validation_error")
    errore(client.get(url(), {"testo": "x" * 2001}), 422, "validation_error")


def test_a_text_without_words_suggests_nothing(client, alessandria):
    r = client.get(url(), {"testo": "?!?"})

    assert r.status_code == 200 and r.json() == []


def test_the_suggestion_is_rate_limited_per_address_with_retry_after(client, alessandria, settings):
    settings.CIVICO = {**settings.CIVICO, "LIMITI": {"suggerimenti": {"ip": (2, 3600)}}}

    stati = [client.get(url(), {"testo": "buca"}).status_code for _ in range(3)]

    assert stati == [200, 200, 429]
    r = client.get(url(), {"testo": "buca"})
    corpo = errore(r, 429, "rate_limited")
    assert int(r["Retry-After"]) > 0 and corpo["messaggio"]


def test_the_operation_is_documented_in_the_openapi(client, db):
    documento = client.get(f"{V1}/openapi.json").json()

    op = documento["paths"][f"{V1}/enti/{{ente}}/categorie/suggerimenti"]["get"]
    assert op["summary"] and "Pubblico" in op["tags"]
    assert {"200", "404", "422", "429"} <= set(op["responses"])
    assert any(p["name"] == "testo" and p["required"] for p in op["parameters"])


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(testo=st.text(min_size=1, max_size=300))
def test_any_text_gets_a_json_answer_never_a_500(client, alessandria, testo):
    r = client.get(url(), {"testo": testo})

    assert r.status_code in (200, 400, 422), r.content[:300]
    assert r["Content-Type"].startswith("application/json")
    if r.status_code != 200:  # e.g. a NUL character: refused with a message, in the error shape
        assert r.json()["errore"]["messaggio"]
