"""Every refusal is the spec's list of errors, with the right status, in the asked format; never a 500."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civico.segnalazioni.models import Segnalazione
from tests import factories
from tests.open311.conftest import AL, V2, errori_json, errori_xml, get, xml

pytestmark = pytest.mark.django_db

LETTURE = ["services", "services/buche", "requests", "requests/AL-2026-000001", f"tokens/{uuid.uuid4()}",
           "servicerequestupdates"]


@pytest.mark.parametrize("risorsa", LETTURE)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_jurisdiction_missing_unknown_or_inactive(client, alessandria, risorsa, fmt):
    leggi = errori_json if fmt == "json" else errori_xml
    mancante = client.get(f"{V2}/{risorsa}.{fmt}")
    sconosciuta = get(client, f"{risorsa}.{fmt}", jurisdiction_id="999999")
    inattiva = get(client, f"{risorsa}.{fmt}", jurisdiction_id="006177")  # Valenza

    assert (mancante.status_code, sconosciuta.status_code, inattiva.status_code) == (400, 404, 404)
    assert "jurisdiction_id" in leggi(mancante)[0]
    assert "«999999» non trovato" in leggi(sconosciuta)[0]
    assert leggi(inattiva) == ["Il comune di Valenza (jurisdiction_id 006177) non usa ancora Civico."]


def test_a_post_to_a_missing_or_unknown_jurisdiction(client, alessandria, chiave):
    mancante = client.post(f"{V2}/requests.json", {"api_key": chiave})
    assert mancante.status_code == 400 and "jurisdiction_id" in errori_json(mancante)[0]
    sconosciuta = client.post(f"{V2}/requests.json", {"api_key": chiave, "jurisdiction_id": "123"})
    assert sconosciuta.status_code == 404 and "«123» non trovato" in errori_json(sconosciuta)[0]
    assert not Segnalazione.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_request_and_token_are_404(client, alessandria, fmt):
    leggi = errori_json if fmt == "json" else errori_xml
    casi = {
        f"services/voragini.{fmt}": "service_code «voragini» non trovato",
        f"requests/AL-2026-999999.{fmt}": "service_request_id «AL-2026-999999» non trovato",
        f"tokens/{uuid.uuid4()}.{fmt}": "non trovato",
        f"tokens/non-un-uuid.{fmt}": "token «non-un-uuid» non trovato",
    }
    for risorsa, atteso in casi.items():
        r = get(client, risorsa)
        assert r.status_code == 404, risorsa
        assert atteso in leggi(r)[0], risorsa


def test_a_report_of_another_comune_is_not_found_in_this_one(client, alessandria, casale):
    s = factories.segnalazione(casale, punto=factories.CASALE)
    altrove = get(client, f"requests/{s.codice}.json")
    assert altrove.status_code == 404 and s.codice in errori_json(altrove)[0]
    qui = get(client, f"requests/{s.codice}.json", jurisdiction_id="006039")
    assert qui.status_code == 200 and qui.json()[0]["service_request_id"] == s.codice


@pytest.mark.parametrize("parametri, atteso", [
    ({"start_date": "ieri"}, "start_date: «ieri» non è una data W3C valida"),
    ({"end_date": "2026-13-45T00:00:00Z"}, "end_date: «2026-13-45T00:00:00Z» non è una data W3C valida"),
    ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "più di 90 giorni"),
    ({"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"}, "end_date precede start_date"),
    ({"start_date": "9999-12-31T00:00:00Z"}, "fuori dall'intervallo"),
    ({"status": "pending"}, "status: valori ammessi open e closed"),
    ({"page_size": "501"}, "page_size: serve un numero intero da 1 a 500"),
    ({"page": "0"}, "page: serve un numero intero"),
    ({"page": "x"}, "page: serve un numero intero"),
    ({"lat": "44.9", "long": "8.6"}, "manca radius"),
    ({"lat": "44.9", "long": "8.6", "radius": "0"}, "radius: serve un numero di metri maggiore di zero"),
    ({"lat": "91", "long": "8.6", "radius": "10"}, "lat: serve un numero da -90 a 90"),
    ({"bbox": "1,2,3"}, "bbox: servono quattro numeri"),
    ({"bbox": "9,45,8,44"}, "bbox: i minimi devono precedere i massimi"),
    ({"updated_after": "2026-01-01T00:00:00Z", "updated_before": "2026-12-01T00:00:00Z"}, "più di 90 giorni"),
    ({"service_code": "buche\x00"}, "service_code: contiene caratteri non ammessi"),
    ({"jurisdiction_id": "00\x00"}, "jurisdiction_id: contiene caratteri non ammessi"),
])
def test_bad_query_parameters_are_400_saying_which(client, alessandria, parametri, atteso):
    r = get(client, "requests.json", **parametri)
    assert r.status_code == 400
    assert atteso in errori_json(r)[0]
    assert errori_xml(get(client, "requests.xml", **parametri))


def test_the_updates_feed_validates_its_window_too(client, alessandria):
    r = get(client, "servicerequestupdates.xml", start_date="2026-01-01T00:00:00Z", end_date="2026-12-01T00:00:00Z")
    assert r.status_code == 400 and "più di 90 giorni" in errori_xml(r)[0]


def test_unknown_formats_paths_and_methods(client, alessandria):
    formato = get(client, "services.yaml")
    assert formato.status_code == 404 and "Formato «yaml» sconosciuto" in errori_xml(formato)[0]
    assert client.get(f"{V2}/services").status_code == 404
    assert errori_json(client.get(f"{V2}/nulla.json"))
    metodo = client.delete(f"{V2}/requests.json?jurisdiction_id={AL}")
    assert metodo.status_code == 405 and metodo["Allow"] == "GET, HEAD, POST"
    assert client.post(f"{V2}/services.json?jurisdiction_id={AL}").status_code == 405


def test_xml_errors_stay_well_formed_with_any_characters(client, alessandria):
    r = get(client, "requests.xml", start_date="\x01<&>\"'\ud7ff")
    assert r.status_code == 400
    (descrizione,) = errori_xml(r)
    assert "<&>" in descrizione


PARAMETRI = ["service_request_id", "service_code", "start_date", "end_date", "status", "page", "page_size",
             "updated_after", "updated_before", "lat", "long", "radius", "bbox", "extensions", "jurisdiction_id"]
VALORI = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "open", "closed,open", "2026-11-01T00:00:00Z", "2026-11-01", "-1", "0", "1e309", "nan",
                     "8.6,44.9,8.7,45.0", "AL-2026-000001", "buche", "006003", "true", "99999999999999999999",
                     "\x00", "a\x00b", "<x/>", "2026-02-30T00:00:00Z", "0001-01-01T00:00:00+14:00"]),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parametri=st.dictionaries(st.sampled_from(PARAMETRI), VALORI, max_size=5), fmt=st.sampled_from(["json", "xml"]))
def test_no_query_makes_the_server_fail(client, alessandria, parametri, fmt):
    parametri.setdefault("jurisdiction_id", AL)
    for risorsa in ("requests", "servicerequestupdates"):
        r = client.get(f"{V2}/{risorsa}.{fmt}", parametri)
        assert r.status_code in (200, 400, 404), (risorsa, parametri, r.content[:300])
        if fmt == "json":
            assert isinstance(r.json(), list)
        else:
            xml(r)


CAMPI_POST = ["service_code", "lat", "long", "address_string", "description", "email", "phone", "first_name",
              "media_url", "attribute[dimensione]", "attribute[problema][]", "attribute[x]", "device_id"]
VALORI_POST = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["buche", "verde-pubblico", "44.913256", "8.615123", "grande", "rami", "Piazza della Libertà 41",
                     "x@example.org", "https://example.org/a.jpg", "\x00", "<b>", "nan", "-91", ""]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(campi=st.dictionaries(st.sampled_from(CAMPI_POST), VALORI_POST, max_size=6),
       fmt=st.sampled_from(["json", "xml"]))
def test_no_post_makes_the_server_fail(client, alessandria, chiave, campi, fmt):
    r = client.post(f"{V2}/requests.{fmt}", {**campi, "api_key": chiave, "jurisdiction_id": AL})
    assert r.status_code in (200, 400), (campi, r.content[:300])
    if fmt == "json":
        assert isinstance(r.json(), list)
    else:
        xml(r)
