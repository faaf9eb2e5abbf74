"""Reading through Open311: services, definitions, requests, tokens, discovery and our extensions."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from civico.catalogo.models import Categoria
from civico.segnalazioni import consultazione, interazioni, workflow
from civico.segnalazioni.models import Segnalazione
from tests import factories
from tests.open311.conftest import V2, get, post, segnalazione, xml
from tests.segnalazioni import immagini

pytestmark = pytest.mark.django_db
ROMA = ZoneInfo("Europe/Rome")


def _lavorata(ente, **campi) -> Segnalazione:
    """A report taken in charge and resolved with a public note, with a public photo."""
    s = factories.segnalazione(ente, **campi)
    op = factories.operatore(ente)
    interazioni.aggiungi_allegato(s, op, "buca.jpg", immagini.jpeg())
    workflow.transition(s, "take_in_charge", op)
    workflow.transition(s, "resolve", op, testo="Buca chiusa con asfalto a freddo.")
    return Segnalazione.objects.get(pk=s.pk)


# --- services and definitions ------------------------------------------------------------------


def test_services_lists_each_active_category_with_the_spec_fields(client, alessandria):
    Categoria.objects.filter(ente=alessandria, codice="cimiteri").update(attiva=False)

    servizi = {s["service_code"]: s for s in get(client, "services.json").json()}

    assert "cimiteri" not in servizi
    assert servizi["buche"] == {
        "service_code": "buche", "service_name": "Buche", "description": "Segnalazioni di tipo «buche».",
        "metadata": True, "type": "realtime", "keywords": "buca, asfalto, voragine, dissesto, marciapiede",
        "group": "Strade e mobilità",
    }
    assert servizi["tombini"]["metadata"] is False


def test_services_in_xml_follow_the_spec_elements(client, alessandria):
    radice = xml(get(client, "services.xml"))

    assert radice.tag == "services"
    buche = next(s for s in radice.findall("service") if s.findtext("service_code") == "buche")
    assert [c.tag for c in buche] == ["service_code", "service_name", "description", "metadata", "type",
                                      "keywords", "group"]
    assert buche.findtext("metadata") == "true" and buche.findtext("type") == "realtime"


def test_a_service_definition_gives_its_questions_as_attributes(client, alessandria):
    definizione = get(client, "services/buche.json").json()

    assert definizione["service_code"] == "buche"
    dimensione, pericolo = definizione["attributes"]
    assert dimensione == {
        "variable": True, "code": "dimensione", "datatype": "singlevaluelist", "required": True,
        "datatype_description": "Una sola delle chiavi elencate in values.", "order": 1,
        "description": "Quanto è grande la buca?",
        "values": [{"key": "piccola", "name": "Piccola (meno di 30 cm)"}, {"key": "media", "name": "Media"},
                   {"key": "grande", "name": "Grande (più di 1 m)"}],
    }
    assert (pericolo["code"], pericolo["required"], pericolo["order"]) == ("pericolo", False, 2)


def test_a_service_definition_in_xml_nests_attributes_and_values(client, alessandria):
    radice = xml(get(client, "services/illuminazione-pubblica.xml"))

    assert radice.tag == "service_definition" and radice.findtext("service_code") == "illuminazione-pubblica"
    numero, guasto = radice.find("attributes").findall("attribute")
    assert numero.findtext("datatype") == "number" and numero.find("values") is None
    assert [v.findtext("key") for v in guasto.find("values").findall("value")] == [
        "spento", "intermittente", "danneggiato"]


# --- one report, three views -------------------------------------------------------------------


def test_a_report_reads_the_same_in_xml_json_and_the_public_card(client, alessandria):
    s = _lavorata(alessandria)

    da_json = get(client, f"requests/{s.codice}.json").json()[0]
    richiesta_xml = xml(get(client, f"requests/{s.codice}.xml")).find("request")
    scheda = consultazione.scheda_pubblica(consultazione.pubblica(s.codice), "http://testserver")

    assert [c.tag for c in richiesta_xml] == list(da_json)
    for campo, valore in da_json.items():
        testo = richiesta_xml.findtext(campo)
        assert testo == ("" if valore is None else str(valore)), campo
    assert da_json == {
        "service_request_id": scheda["codice"],
        "status": "closed",
        "status_notes": "Buca chiusa con asfalto a freddo.",
        "service_name": "Buche",
        "service_code": "buche",
        "description": scheda["titolo"],
        "agency_responsible": "Lavori pubblici – strade",
        "service_notice": None,
        "requested_datetime": consultazione.iso(scheda["creata_il"]),
        "updated_datetime": consultazione.iso(scheda["aggiornata_il"]),
        "expected_datetime": datetime.combine(scheda["scadenza"], time(23, 59, 59), ROMA).isoformat(),
        "address": "Piazza della Libertà 41",
        "address_id": None,
        "zipcode": scheda["cap"],
        "lat": scheda["lat"],
        "long": scheda["lon"],
        "media_url": scheda["foto"][0]["url"],
    }
    assert da_json["media_url"].startswith("http://testserver/allegati/")
    assert client.get(da_json["media_url"]).status_code == 200


def test_ids_codes_and_zipcodes_are_strings_and_coordinates_numbers(client, alessandria):
    factories.segnalazione(alessandria)

    r = get(client, "requests.json").json()[0]

    for campo in ("service_request_id", "service_code", "zipcode"):
        assert isinstance(r[campo], str), campo
    assert isinstance(r["lat"], float) and isinstance(r["long"], float)
    for campo in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert r[campo][-6:] in ("+01:00", "+02:00"), campo


def test_an_external_media_url_is_shown_when_there_is_no_photo(client, alessandria):
    s = factories.segnalazione(alessandria, url_media_esterno="https://foto.example.org/buca.jpg")
    assert get(client, f"requests/{s.codice}.json").json()[0]["media_url"] == "https://foto.example.org/buca.jpg"


def test_a_report_sent_through_open311_with_an_address_is_routed_and_open(client, alessandria, chiave):
    inviata = post(client, api_key=chiave, service_code="buche", address_string="Piazza della Libertà 41",
                   **{"attribute[dimensione]": "media"}, description="Buca larga davanti al bar.")
    codice = inviata.json()[0]["service_request_id"]

    letta = get(client, f"requests/{codice}.json").json()[0]

    assert letta["agency_responsible"] == "Lavori pubblici – strade"
    assert letta["status"] == "open"
    assert letta["address"].startswith("Piazza della Libertà 41")
    assert letta["description"] == "Buca larga davanti al bar."
    assert abs(letta["lat"] - factories.PIAZZA_LIBERTA[0]) < 0.001


# --- personal data -------------------------------------------------------------------------------

SEGRETI = {
    "email": "giulia.ferrari@example.org", "first_name": "Giuliana", "last_name": "Ferrarini",
    "phone": "+39 333 7654321", "device_id": "device-XYZ-4242", "account_id": "account-9191",
}


def test_personal_data_never_appear_in_any_read(client, alessandria, chiave):
    inviata = post(client, api_key=chiave, service_code="buche", lat=factories.PIAZZA_LIBERTA[0],
                   long=factories.PIAZZA_LIBERTA[1], **{"attribute[dimensione]": "grande"}, **SEGRETI,
                   description="Buca profonda.").json()[0]
    codice, token = inviata["service_request_id"], inviata["token"]
    s = Segnalazione.objects.get(codice=codice)
    assert s.segnalante_email == SEGRETI["email"] and s.dati_client["device_id"] == SEGRETI["device_id"]
    workflow.transition(s, "take_in_charge", factories.operatore(alessandria))

    letture = [
        get(client, f"requests.{fmt}", extensions=ext) for fmt in ("json", "xml") for ext in (None, "true")
    ] + [
        get(client, f"requests/{codice}.{fmt}", extensions="true") for fmt in ("json", "xml")
    ] + [
        get(client, f"servicerequestupdates.{fmt}") for fmt in ("json", "xml")
    ] + [get(client, f"tokens/{token}.json")]

    for r in letture:
        assert r.status_code == 200
        testo = r.content.decode()
        assert codice in testo
        for segreto in (*SEGRETI.values(), "Giuliana", "Ferrarini", s.token):
            assert segreto not in testo, (r.request["PATH_INFO"], segreto)


# --- GET requests: filters ------------------------------------------------------------------------


def test_requests_are_newest_first_and_only_public_ones_of_that_comune(client, alessandria, casale):
    vecchia = segnalazione(alessandria, quando=timezone.now() - timedelta(days=2))
    nuova = factories.segnalazione(alessandria)
    Categoria.objects.filter(ente=alessandria, codice="tombini").update(pubblica=False)
    privata = factories.segnalazione(alessandria, categoria="tombini", titolo="Tombino rotto")
    altra = factories.segnalazione(casale, punto=factories.CASALE)

    codici = [r["service_request_id"] for r in get(client, "requests.json").json()]

    assert codici == [nuova.codice, vecchia.codice]
    assert privata.codice not in codici and altra.codice not in codici
    assert get(client, f"requests/{privata.codice}.json").status_code == 404


def test_requests_filter_by_status_and_service_code(client, alessandria):
    aperta = factories.segnalazione(alessandria)
    chiusa = _lavorata(alessandria)
    luce = factories.segnalazione(alessandria, categoria="illuminazione-pubblica", titolo="Lampione spento",
                                  risposte={"lampioni-spenti": 2})

    def codici(**filtri) -> set[str]:
        return {r["service_request_id"] for r in get(client, "requests.json", **filtri).json()}

    assert codici(status="open") == {aperta.codice, luce.codice}
    assert codici(status="closed") == {chiusa.codice}
    assert codici(status="open,closed") == {aperta.codice, chiusa.codice, luce.codice}
    assert codici(service_code="illuminazione-pubblica") == {luce.codice}
    assert codici(service_code="buche", status="open") == {aperta.codice}


def test_service_request_ids_override_every_other_filter(client, alessandria):
    a = segnalazione(alessandria, quando=timezone.now() - timedelta(days=200))
    b = _lavorata(alessandria)

    r = get(client, "requests.json", service_request_id=f"{a.codice},{b.codice.lower()}", status="open",
            service_code="verde-pubblico", start_date="2020-01-01T00:00:00Z", end_date="2020-01-02T00:00:00Z")

    assert {x["service_request_id"] for x in r.json()} == {a.codice, b.codice}


def test_the_default_window_is_the_last_90_days_and_dates_select_older_ones(client, alessandria):
    quando = timezone.now() - timedelta(days=100)
    vecchia = segnalazione(alessandria, quando=quando)
    recente = factories.segnalazione(alessandria)

    assert [r["service_request_id"] for r in get(client, "requests.json").json()] == [recente.codice]
    trovate = get(client, "requests.json", start_date=(quando - timedelta(days=1)).isoformat(),
                  end_date=(quando + timedelta(days=1)).isoformat()).json()
    assert [r["service_request_id"] for r in trovate] == [vecchia.codice]
    # A bare date and a date with Z are W3C too.
    giorno = timezone.localtime(quando).date()
    assert len(get(client, "requests.json", start_date=giorno.isoformat(), end_date=giorno.isoformat()).json()) == 1
    assert len(get(client, "requests.json", start_date="2020-01-01T00:00:00Z").json()) == 0


def test_at_most_1000_requests_are_returned_unless_the_client_pages(client, alessandria, monkeypatch):
    from civico.open311 import parametri

    monkeypatch.setattr(parametri, "LIMITE_PREDEFINITO", 3)
    create = [segnalazione(alessandria, quando=timezone.now() - timedelta(minutes=i)) for i in range(5)]

    assert [r["service_request_id"] for r in get(client, "requests.json").json()] == [s.codice for s in create[:3]]
    pagina2 = get(client, "requests.json", page=2, page_size=2).json()
    assert [r["service_request_id"] for r in pagina2] == [s.codice for s in create[2:4]]
    assert get(client, "requests.json", page=4, page_size=2).json() == []


def test_updated_after_selects_what_changed_since(client, alessandria):
    prima = factories.segnalazione(alessandria)
    soglia = timezone.now()
    cambiata = _lavorata(alessandria)

    codici = [r["service_request_id"] for r in get(client, "requests.json", updated_after=soglia.isoformat()).json()]
    assert codici == [cambiata.codice]
    before = get(client, "requests.json", updated_before=soglia.isoformat()).json()
    assert [r["service_request_id"] for r in before] == [prima.codice]


def test_radius_and_bbox_select_reports_near_a_point(client, alessandria):
    vicina = factories.segnalazione(alessandria)  # Piazza della Libertà
    lontana = factories.segnalazione(alessandria, punto=(44.8905, 8.6435))  # about 3 km south-east
    lat, lon = factories.PIAZZA_LIBERTA

    def codici(**filtri) -> set[str]:
        return {r["service_request_id"] for r in get(client, "requests.json", **filtri).json()}

    assert codici(lat=lat, long=lon, radius=500) == {vicina.codice}
    assert codici(lat=lat, long=lon, radius=5000) == {vicina.codice, lontana.codice}
    assert codici(bbox="8.60,44.90,8.63,44.92") == {vicina.codice}
    assert codici(bbox="8.60,44.88,8.65,44.92") == {vicina.codice, lontana.codice}


# --- extensions --------------------------------------------------------------------------------------


def test_extensions_add_the_public_timeline_and_extended_attributes(client, alessandria):
    s = _lavorata(alessandria)
    interazioni.annota(s, factories.operatore(alessandria), "Nota riservata: ditta Rossi")

    r = get(client, f"requests/{s.codice}.json", extensions="true").json()[0]

    assert [(n["type"], n["status"]) for n in r["notes"]] == [
        ("created", "open"), ("routed", "open"), ("media_added", "open"), ("state_changed", "open"),
        ("state_changed", "closed")]
    assert r["notes"][-1]["description"] == "Buca chiusa con asfalto a freddo."
    assert "Nota riservata" not in str(r)
    attributi = r["extended_attributes"]
    assert attributi["tracking_code"] == s.codice and attributi["channel"] == "web"
    assert attributi["office"] == "Lavori pubblici – strade" and attributi["priority"] == "normale"
    assert attributi["photos"][0]["media_url"] == r["media_url"] and attributi["duplicate_of"] is None
    assert "notes" not in get(client, f"requests/{s.codice}.json").json()[0]
    elenco = get(client, "requests.xml", extensions="true")
    nota = xml(elenco).find("request/notes/note")
    assert [c.tag for c in nota] == ["datetime", "description", "status", "type"]
    assert xml(elenco).find("request/extended_attributes/photos/photo/media_url").text == r["media_url"]


def test_a_duplicate_names_its_original(client, alessandria):
    originale = factories.segnalazione(alessandria)
    doppia = factories.segnalazione(alessandria)
    workflow.transition(doppia, "mark_duplicate", factories.operatore(alessandria), duplicato_di=originale)

    r = get(client, f"requests/{doppia.codice}.json", extensions="true").json()[0]

    assert r["status"] == "closed" and r["extended_attributes"]["duplicate_of"] == originale.codice


def test_every_request_of_a_list_reads_as_its_public_card(client, alessandria):
    """A list is built from plain rows, the public page from the model: both must give the same card."""
    op = factories.operatore(alessandria)
    lavorata = _lavorata(alessandria)
    interazioni.aggiungi_allegato(lavorata, op, "seconda.jpg", immagini.jpeg())
    doppia = factories.segnalazione(alessandria)
    workflow.transition(doppia, "mark_duplicate", op, duplicato_di=lavorata)
    senza_ufficio = factories.segnalazione(alessandria)
    Segnalazione.objects.filter(pk=senza_ufficio.pk).update(ufficio=None, lat=None, lon=None)

    elenco = get(client, "requests.json", extensions="true").json()

    assert {r["service_request_id"] for r in elenco} == {lavorata.codice, doppia.codice, senza_ufficio.codice}
    for r in elenco:
        scheda = consultazione.scheda_pubblica(consultazione.pubblica(r["service_request_id"]), "http://testserver")
        attributi = r["extended_attributes"]
        assert (r["status"], r["service_code"], r["agency_responsible"], r["updated_datetime"]) == (
            scheda["stato_open311"], scheda["categoria"]["codice"], scheda["ufficio"],
            consultazione.iso(scheda["aggiornata_il"]))
        assert (r.get("lat"), r.get("long")) == (scheda["lat"], scheda["lon"])
        assert r["media_url"] == (scheda["foto"][0]["url"] if scheda["foto"] else None)
        assert attributi["photos"] == [{"media_url": f["url"], "thumbnail_url": f["miniatura"]} for f in scheda["foto"]]
        assert (attributi["duplicate_of"], attributi["state_label"], attributi["url"]) == (
            scheda["duplicato_di"], scheda["stato_etichetta"], scheda["url"])
    per_codice = {r["service_request_id"]: r for r in elenco}
    assert len(per_codice[lavorata.codice]["extended_attributes"]["photos"]) == 2
    assert per_codice[doppia.codice]["extended_attributes"]["duplicate_of"] == lavorata.codice
    senza = per_codice[senza_ufficio.codice]
    assert senza["agency_responsible"] is None and "lat" not in senza


def test_lists_read_a_constant_number_of_queries(client, alessandria, django_assert_max_num_queries):
    for _ in range(2):
        _lavorata(alessandria)
    with django_assert_max_num_queries(6) as pochi:
        assert len(get(client, "requests.json", extensions="true").json()) == 2
    for _ in range(4):
        _lavorata(alessandria)
    with django_assert_max_num_queries(len(pochi.captured_queries)):
        assert len(get(client, "requests.json", extensions="true").json()) == 6


def test_the_updates_feed_lists_each_public_event_with_its_status(client, alessandria):
    s = _lavorata(alessandria)
    interazioni.annota(s, factories.operatore(alessandria), "Nota riservata: ditta Rossi")

    feed = get(client, "servicerequestupdates.json").json()

    assert [(u["service_request_id"], u["status"]) for u in feed] == [(s.codice, "open")] * 4 + [(s.codice, "closed")]
    assert feed[-1]["description"] == "Buca chiusa con asfalto a freddo."
    assert all(isinstance(u["update_id"], str) for u in feed)
    assert feed[2]["media_url"].startswith("http://testserver/allegati/")
    assert "Nota riservata" not in str(feed)
    radice = xml(get(client, "servicerequestupdates.xml"))
    assert radice.tag == "service_request_updates"
    assert [c.tag for c in radice.find("request_update")] == [
        "update_id", "service_request_id", "status", "updated_datetime", "description", "media_url"]


def test_the_updates_feed_knows_the_status_of_reports_closed_before_its_window(client, alessandria):
    s = _lavorata(alessandria)
    inizio = timezone.now()
    interazioni.rispondi(s, factories.operatore(alessandria), "Grazie della segnalazione.")

    feed = get(client, "servicerequestupdates.json", start_date=inizio.isoformat()).json()

    assert [(u["description"], u["status"]) for u in feed] == [("Grazie della segnalazione.", "closed")]


# --- tokens, discovery, documentation, dedicated hosts ----------------------------------------------


def test_a_token_gives_back_the_service_request_id(client, alessandria, chiave):
    inviata = post(client, api_key=chiave, service_code="tombini", lat=factories.PIAZZA_LIBERTA[0],
                   long=factories.PIAZZA_LIBERTA[1], description="Tombino intasato.").json()[0]

    assert get(client, f"tokens/{inviata['token']}.json").json() == [
        {"service_request_id": inviata["service_request_id"], "token": inviata["token"]}]
    radice = xml(get(client, f"tokens/{inviata['token']}.xml"))
    assert radice.findtext("request/service_request_id") == inviata["service_request_id"]


def test_discovery_names_the_endpoint_and_its_formats(client, db):
    d = client.get(f"{V2}/discovery.json").json()

    assert set(d) == {"changeset", "contact", "key_service", "endpoints"}
    assert d["endpoints"] == [{"specification": "http://wiki.open311.org/GeoReport_v2",
                               "url": "http://testserver/open311/v2", "changeset": d["changeset"],
                               "type": "production", "formats": ["text/xml", "application/json"]}]
    radice = xml(client.get("/open311/discovery.xml"))
    assert [f.text for f in radice.find("endpoints/endpoint/formats").findall("format")] == [
        "text/xml", "application/json"]


def test_the_documentation_page_lists_endpoints_comuni_keys_and_extensions(client, alessandria):
    html = client.get("/open311/").content.decode()

    for atteso in ("006003", "Alessandria", "api_key", "extensions=true", "page_size", "updated_after",
                   "radius", "bbox", "servicerequestupdates", "Idempotency-Key", "curl ", "http://testserver/open311/v2"):
        assert atteso in html, atteso
    assert "006039" not in html  # Casale is not active here


def test_a_comune_s_own_host_needs_no_jurisdiction_id(client, alessandria, settings):
    settings.ALLOWED_HOSTS = ["segnalazioni.comune.alessandria.it", "testserver"]
    alessandria.dominio = "segnalazioni.comune.alessandria.it"
    alessandria.save()
    s = factories.segnalazione(alessandria)

    r = client.get(f"{V2}/requests.json", HTTP_HOST="segnalazioni.comune.alessandria.it")

    assert r.status_code == 200 and r.json()[0]["service_request_id"] == s.codice
    assert client.get(f"{V2}/requests.json").status_code == 400
