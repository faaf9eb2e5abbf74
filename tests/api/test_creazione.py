"""Sending a report through the API: JSON or multipart, idempotent retries, limits, credentials."""

import json

import pytest
from django.test import Client

from civico.accounts.chiavi import crea_applicazione, revoca
from civico.segnalazioni.models import Canale, Segnalazione
from tests import factories
from tests.api.conftest import V1, errore, file_, post_json
from tests.segnalazioni import immagini

pytestmark = pytest.mark.django_db

URL = f"{V1}/segnalazioni"
LAT, LON = factories.PIAZZA_LIBERTA


def _buca(**altro) -> dict:
    return {"lat": LAT, "lon": LON, "titolo": "Buca profonda davanti al civico 41", "categoria": "buche",
            "risposte": {"dimensione": "grande"}, **altro}


def _multipart(dati: dict) -> dict:
    return {k: json.dumps(v) if isinstance(v, dict) else v for k, v in dati.items()}


def test_a_json_report_is_created_with_code_private_token_and_location(client, alessandria):
    r = post_json(client, URL, _buca(descrizione="Profonda almeno 20 cm"))

    assert r.status_code == 201, r.content
    corpo = r.json()
    s = Segnalazione.objects.get(codice=corpo["codice"])
    assert corpo["token"] == s.token and corpo["creata"] is True
    assert corpo["url_privata"].endswith(f"/seguimi/{s.token}/")
    assert corpo["segnalazione"]["stato"] == "submitted" and corpo["segnalazione"]["ufficio"]
    assert r["Location"] == f"{V1}/segnalante/segnalazioni/{s.codice}"
    assert (s.canale, s.ente, s.risposte, s.descrizione) == (Canale.API, alessandria, {"dimensione": "grande"},
                                                            "Profonda almeno 20 cm")


def test_an_app_declares_itself_and_gets_the_app_channel(client, alessandria):
    r = post_json(client, URL, _buca(), **{"X-Civico-Client": "app"})

    assert Segnalazione.objects.get(codice=r.json()["codice"]).canale == Canale.APP


def test_an_unknown_client_header_value_is_a_validation_error(client, alessandria):
    corpo = errore(post_json(client, URL, _buca(), **{"X-Civico-Client": "web"}), 422, "validation_error")

    assert "X-Civico-Client" in corpo["campi"]


def test_a_multipart_report_carries_its_photos(client, alessandria):
    dati = _multipart(_buca())
    dati["allegati"] = [file_("buca.jpg", immagini.jpeg()), file_("doc.pdf", immagini.pdf())]

    r = client.post(URL, dati)

    assert r.status_code == 201, r.content
    s = Segnalazione.objects.get(codice=r.json()["codice"])
    assert sorted(s.allegati.values_list("tipo", flat=True)) == ["documento", "foto"]
    foto = r.json()["segnalazione"]["foto"]
    assert len(foto) == 1  # the PDF is never public
    assert client.get(foto[0]["url"].removeprefix("http://testserver"))["Content-Type"] == "image/jpeg"


def test_multipart_answers_must_be_a_json_object(client, alessandria):
    dati = _multipart(_buca())
    dati["risposte"] = "dimensione=grande"

    corpo = errore(client.post(URL, dati), 400, "invalid")

    assert "risposte" in corpo["campi"]


def test_with_ente_and_address_the_gazetteer_places_the_report(client, alessandria):
    dati = {"ente": "006003", "indirizzo": "Piazza della Libertà 41", "titolo": "Lampione spento",
            "categoria": "illuminazione-pubblica", "risposte": {"lampioni-spenti": 1}}

    r = post_json(client, URL, dati)

    assert r.status_code == 201, r.content
    s = Segnalazione.objects.get(codice=r.json()["codice"])
    assert s.indirizzo == "Piazza della Libertà 41"
    assert abs(s.lat - LAT) < 0.001 and abs(s.lon - LON) < 0.001


@pytest.mark.parametrize(("modifica", "campo", "codice"), [
    ({"ente": "atlantide"}, "ente", "invalid"),
    ({"categoria": "astronavi"}, "categoria", "invalid"),
    ({"risposte": {}}, "risposte.dimensione", "invalid"),
    ({"titolo": "<b>buca</b>"}, "titolo", "invalid"),
    ({"email": "non-una-email"}, "email", "invalid"),
    ({"lat": None, "lon": None}, "posizione", "invalid"),
])
def test_refused_data_gets_400_with_the_field_and_nothing_is_written(client, alessandria, modifica, campo, codice):
    corpo = errore(post_json(client, URL, _buca(**modifica)), 400, codice)

    assert campo in corpo["campi"]
    assert not Segnalazione.objects.exists()


@pytest.mark.parametrize(("punto", "codice"), [(factories.VALENZA, "comune_non_attivo"),
                                               (factories.MAR_LIGURE, "fuori_italia")])
def test_a_point_outside_active_comuni_is_refused_saying_why(client, alessandria, punto, codice):
    errore(post_json(client, URL, _buca(lat=punto[0], lon=punto[1])), 400, codice)


@pytest.mark.parametrize("corpo", [[1, 2], '"buca"', {"lat": "quarantaquattro", "titolo": "x"}, {"lon": 8.6}])
def test_a_body_of_the_wrong_shape_is_a_validation_error(client, alessandria, corpo):
    errore(post_json(client, URL, corpo), 422, "validation_error")


def test_malformed_json_is_400_and_an_unsupported_type_is_415(client, alessandria):
    errore(client.post(URL, "{titolo: buca", content_type="application/json"), 400, "invalid")
    errore(client.post(URL, "titolo: buca", content_type="text/plain"), 415, "unsupported_media_type")


def test_too_many_files_are_refused(client, alessandria):
    dati = _multipart(_buca())
    dati["allegati"] = [file_(f"{i}.jpg", immagini.jpeg(20 + i, 20)) for i in range(6)]

    corpo = errore(client.post(URL, dati), 400, "invalid")

    assert "allegati" in corpo["campi"]


# --- Idempotency --------------------------------------------------------------------------------

def test_a_retry_with_the_same_idempotency_key_returns_the_first_report(client, alessandria):
    chiave = {"Idempotency-Key": "3f1c9a52-6a4e-4f0e-9d55-0e8e0a1f9b11"}

    prima = post_json(client, URL, _buca(), **chiave)
    seconda = post_json(client, URL, _buca(), **chiave)

    assert (prima.status_code, seconda.status_code) == (201, 200)
    assert seconda.json()["creata"] is False
    assert seconda.json()["codice"] == prima.json()["codice"] and seconda.json()["token"] == prima.json()["token"]
    assert Segnalazione.objects.count() == 1


def test_a_multipart_retry_with_its_photo_is_idempotent_too(client, alessandria):
    def invio():
        dati = _multipart(_buca())
        dati["allegati"] = file_("buca.jpg", immagini.jpeg())
        return client.post(URL, dati, headers={"Idempotency-Key": "foto-1"})

    assert (invio().status_code, invio().status_code) == (201, 200)
    assert Segnalazione.objects.count() == 1


def test_a_reused_idempotency_key_with_other_content_is_a_conflict(client, alessandria):
    post_json(client, URL, _buca(), **{"Idempotency-Key": "chiave-1"})

    errore(post_json(client, URL, _buca(titolo="Un'altra buca"), **{"Idempotency-Key": "chiave-1"}), 409,
           "idempotency_key_reused")
    assert Segnalazione.objects.count() == 1


def test_idempotency_keys_are_scoped_to_the_caller(client, alessandria):
    _, chiave_app = crea_applicazione("App di quartiere")
    post_json(client, URL, _buca(), **{"Idempotency-Key": "k1"})

    r = post_json(client, URL, _buca(), **{"Idempotency-Key": "k1", "X-Api-Key": chiave_app})

    assert r.status_code == 201 and Segnalazione.objects.count() == 2


@pytest.mark.parametrize("chiave", ["con spazi", "x" * 81, "àccentata"])
def test_a_malformed_idempotency_key_is_refused(client, alessandria, chiave):
    errore(post_json(client, URL, _buca(), **{"Idempotency-Key": chiave}), 422, "validation_error")


# --- Limits and credentials ---------------------------------------------------------------------

def test_anonymous_creates_are_rate_limited_per_ip_with_retry_after(client, alessandria, settings, orologio_dei_limiti):
    settings.CIVICO = {**settings.CIVICO, "API_CREAZIONI_IP_AL_MINUTO": 2}
    altro_ip = Client(REMOTE_ADDR="203.0.113.9")

    stati = [post_json(client, URL, _buca(titolo=f"Buca {i}")).status_code for i in range(3)]

    assert stati == [201, 201, 429]
    r = post_json(client, URL, _buca())
    errore(r, 429, "rate_limited")
    assert 1 <= int(r["Retry-After"]) <= 61
    assert post_json(altro_ip, URL, _buca(titolo="Da un altro IP")).status_code == 201


def test_an_application_key_records_the_app_and_uses_its_own_limit(client, alessandria, orologio_dei_limiti):
    app, chiave = crea_applicazione("App di quartiere", limite_al_minuto=1)

    prima = post_json(client, URL, _buca(), **{"X-Api-Key": chiave})
    seconda = post_json(client, URL, _buca(titolo="Seconda"), **{"X-Api-Key": chiave})

    assert prima.status_code == 201
    assert Segnalazione.objects.get(codice=prima.json()["codice"]).applicazione == app
    errore(seconda, 429, "rate_limited")


def test_an_unknown_or_revoked_application_key_is_401(client, alessandria):
    app, chiave = crea_applicazione("App revocata")
    revoca(app)

    errore(post_json(client, URL, _buca(), **{"X-Api-Key": chiave}), 401, "unauthenticated")
    errore(post_json(client, URL, _buca(), **{"X-Api-Key": "cv_inventata"}), 401, "unauthenticated")


def test_an_application_of_one_ente_may_not_send_to_another(client, alessandria, casale):
    _, chiave = crea_applicazione("App di Casale", ente=casale)

    errore(post_json(client, URL, _buca(ente="006003"), **{"X-Api-Key": chiave}), 403, "not_allowed")
    # Without an ente the app's own is used: a point of Alessandria is outside it.
    assert "posizione" in errore(post_json(client, URL, _buca(), **{"X-Api-Key": chiave}), 400)["campi"]


def test_a_signed_in_citizen_becomes_the_reporter(client, alessandria):
    utente = factories.UtenteFactory(username="mario")
    client.force_login(utente)

    r = post_json(client, URL, _buca())

    assert r.status_code == 201
    assert Segnalazione.objects.get(codice=r.json()["codice"]).segnalante == utente


def test_a_session_without_the_csrf_token_is_refused(alessandria):
    utente = factories.UtenteFactory(username="mario")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(utente)

    errore(post_json(browser, URL, _buca()), 403)
    assert not Segnalazione.objects.exists()
    browser.cookies["csrftoken"] = "a" * 32
    r = post_json(browser, URL, _buca(), **{"X-CSRFToken": "a" * 32})
    assert r.status_code == 201 and Segnalazione.objects.get().codice == r.json()["codice"]
    assert Segnalazione.objects.get().segnalante == utente


def test_anonymous_callers_need_no_csrf_token(alessandria):
    r = post_json(Client(enforce_csrf_checks=True), URL, _buca())
    assert r.status_code == 201 and r.json()["segnalazione"]["titolo"] == "Buca profonda davanti al civico 41"
    assert Segnalazione.objects.get(codice=r.json()["codice"]).segnalante is None


@pytest.mark.parametrize("come", ["json", "multipart con foto", "ripetuta", "senza categoria", "in inglese"])
def test_the_receipt_is_exactly_what_its_published_schema_writes(client, alessandria, come):
    """The creation's answer is rendered without ninja re-validating it (segnalante.crea): it must
    stay byte for byte what the OpenAPI schema `Ricevuta` gives for the same data, keys in order."""
    from civico.api import schemi
    from civico.api.v1 import api

    if come == "multipart con foto":
        dati = {**_multipart(_buca()), "allegati": file_("buca.jpg", immagini.jpeg())}
        r = client.post(URL, dati)
    elif come == "ripetuta":
        post_json(client, URL, _buca(), **{"Idempotency-Key": "k-ricevuta-1"})
        r = post_json(client, URL, _buca(), **{"Idempotency-Key": "k-ricevuta-1"})
        assert r.status_code == 200
    elif come == "senza categoria":
        r = post_json(client, URL, {"lat": LAT, "lon": LON, "titolo": "Lampione spento in via Milano",
                                    "descrizione": "la luce del lampione è spenta da tre sere",
                                    "risposte": {"lampioni-spenti": 1}})
    else:
        r = post_json(client, URL, _buca(email="a@example.org"), **{"Accept-Language": "en"})
    assert r.status_code in (200, 201), r.content
    corpo = r.json()
    validata = schemi.Ricevuta.model_validate(corpo).model_dump(mode="json")
    assert r.content.decode() == api.renderer.render(None, validata, response_status=r.status_code)
    assert list(corpo["segnalazione"]) == list(schemi.SegnalazionePubblica.model_fields)
    assert r["Content-Type"].startswith("application/json") and r["Location"].endswith(corpo["codice"])


def test_the_receipt_s_links_follow_the_prefix_civico_is_served_under(client, alessandria):
    """The receipt's URLs are reversed once per process (consultazione.percorso): once per script
    prefix too, so a Civico served under /civico/ and one at the root each link to their own."""
    radice = post_json(client, URL, _buca()).json()
    from django.test.utils import override_script_prefix

    with override_script_prefix("/civico/"):  # what the WSGI/ASGI handler sets from SCRIPT_NAME/root_path
        sotto = post_json(client, URL, _buca())
    di_nuovo = post_json(client, URL, _buca()).json()

    assert sotto.status_code == 201, sotto.content
    corpo = sotto.json()
    assert corpo["url_privata"].startswith("http://testserver/civico/seguimi/")
    assert corpo["segnalazione"]["url"] == f"http://testserver/civico/segnalazioni/{corpo['codice']}/"
    assert sotto["Location"] == f"/civico{V1}/segnalante/segnalazioni/{corpo['codice']}"
    for c in (radice, di_nuovo):
        assert c["url_privata"].startswith("http://testserver/seguimi/")
        assert c["segnalazione"]["url"] == f"http://testserver/segnalazioni/{c['codice']}/"
