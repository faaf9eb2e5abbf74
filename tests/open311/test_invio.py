"""POST requests: what a client sends, what it gets back, and every refusal the spec names."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from civico.accounts.chiavi import crea_applicazione, revoca
from civico.segnalazioni.models import Canale, Segnalazione
from tests import factories
from tests.open311.conftest import AL, V2, errori_json, errori_xml, get, post, xml
from tests.segnalazioni import immagini

pytestmark = pytest.mark.django_db

LAT, LON = factories.PIAZZA_LIBERTA
BUCA = {"service_code": "buche", "lat": LAT, "long": LON, "attribute[dimensione]": "grande"}


def test_a_fixmystreet_style_form_creates_a_report_for_the_client_app(client, alessandria, app_chiave):
    app, chiave = app_chiave
    r = post(client, api_key=chiave, **BUCA, email="giulia@example.org", first_name="Giulia",
             last_name="Ferrari", phone="+39 333 1234567", device_id="dev-1", account_id="acc-7",
             description="Buca profonda davanti al civico 41. Ci sono già cadute due bici.\nServe subito.",
             media_url="https://foto.example.org/buca.jpg")

    assert r.status_code == 200 and r["Content-Type"] == "application/json; charset=utf-8"
    (risposta,) = r.json()
    assert set(risposta) == {"service_request_id", "token", "service_notice"}
    s = Segnalazione.objects.get(codice=risposta["service_request_id"])
    assert risposta["token"] == str(s.uuid)
    assert risposta["service_notice"] == f"Segnalazione ricevuta: la seguiamo su http://testserver/segnalazioni/{s.codice}/"
    assert (s.canale, s.applicazione, s.ente) == (Canale.OPEN311, app, alessandria)
    assert s.titolo == "Buca profonda davanti al civico 41"
    assert s.descrizione.endswith("Serve subito.")
    assert s.risposte == {"dimensione": "grande"}
    assert (s.segnalante_nome, s.segnalante_email, s.segnalante_telefono) == (
        "Giulia Ferrari", "giulia@example.org", "+39 333 1234567")
    assert s.dati_client == {"device_id": "dev-1", "account_id": "acc-7"}
    assert s.url_media_esterno == "https://foto.example.org/buca.jpg"
    assert s.ufficio.nome == "Lavori pubblici – strade"


def test_the_xml_answer_to_a_post_is_a_service_requests_list(client, alessandria, chiave):
    radice = xml(post(client, "xml", api_key=chiave, **BUCA))

    assert radice.tag == "service_requests"
    (richiesta,) = radice.findall("request")
    assert [c.tag for c in richiesta] == ["service_request_id", "token", "service_notice"]
    assert Segnalazione.objects.filter(codice=richiesta.findtext("service_request_id")).exists()


def test_multivalue_attributes_use_the_bracket_list_form(client, alessandria, chiave):
    dati = {"service_code": "verde-pubblico", "lat": LAT, "long": LON, "api_key": chiave,
            "jurisdiction_id": AL, "attribute[problema][]": ["rami", "erba-alta"]}
    r = client.post(f"{V2}/requests.json", dati)

    s = Segnalazione.objects.get(codice=r.json()[0]["service_request_id"])
    assert s.risposte == {"problema": ["rami", "erba-alta"]}
    assert s.titolo == "Verde pubblico"  # no description: the service name


def test_a_long_first_line_makes_a_title_of_200_characters(client, alessandria, chiave):
    r = post(client, api_key=chiave, **BUCA, description="Buca " * 100)

    s = Segnalazione.objects.get(codice=r.json()[0]["service_request_id"])
    assert len(s.titolo) == 200 and s.titolo.endswith("…")


def test_a_photo_can_be_uploaded_as_multipart_media(client, alessandria, chiave):
    foto = SimpleUploadedFile("buca.jpg", immagini.jpeg(gps=True), content_type="image/jpeg")
    r = client.post(f"{V2}/requests.json", {**BUCA, "api_key": chiave, "jurisdiction_id": AL, "media": foto})

    codice = r.json()[0]["service_request_id"]
    media_url = get(client, f"requests/{codice}.json").json()[0]["media_url"]
    assert media_url.startswith("http://testserver/allegati/")
    assert client.get(media_url)["Content-Type"] == "image/jpeg"


def test_a_report_of_a_private_category_gets_a_notice_without_a_public_link(client, alessandria, chiave):
    from civico.catalogo.models import Categoria

    Categoria.objects.filter(ente=alessandria, codice="tombini").update(pubblica=False)
    r = post(client, api_key=chiave, service_code="tombini", lat=LAT, long=LON)

    assert r.json()[0]["service_notice"].startswith("Segnalazione ricevuta con il codice AL-")


# --- idempotency ------------------------------------------------------------------------------------


def test_a_retried_post_with_the_same_idempotency_key_returns_the_same_report(client, alessandria, chiave):
    prima = post(client, api_key=chiave, **BUCA, headers={"Idempotency-Key": "tentativo-1"})
    seconda = post(client, api_key=chiave, **BUCA, headers={"Idempotency-Key": "tentativo-1"})

    assert prima.status_code == seconda.status_code == 200
    assert prima.json() == seconda.json()
    assert Segnalazione.objects.count() == 1


def test_an_idempotency_key_reused_for_another_report_is_refused(client, alessandria, chiave):
    post(client, api_key=chiave, **BUCA, headers={"Idempotency-Key": "k"})
    r = post(client, api_key=chiave, **{**BUCA, "attribute[dimensione]": "piccola"}, headers={"Idempotency-Key": "k"})

    assert r.status_code == 400 and "chiave di idempotenza" in errori_json(r)[0]
    assert Segnalazione.objects.count() == 1


def test_idempotency_keys_belong_to_each_app(client, alessandria, chiave):
    _altra, altra_chiave = crea_applicazione("Altra app")
    post(client, api_key=chiave, **BUCA, headers={"Idempotency-Key": "stessa"})
    post(client, api_key=altra_chiave, **BUCA, headers={"Idempotency-Key": "stessa"})

    assert Segnalazione.objects.count() == 2


# --- api_key and rate limit -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_post_without_a_valid_api_key_is_403(client, alessandria, app_chiave, fmt):
    app, chiave = app_chiave
    leggi = errori_json if fmt == "json" else errori_xml
    mancante = post(client, fmt, **BUCA)
    sbagliata = post(client, fmt, api_key="cv_nonesiste", **BUCA)
    revoca(app)
    revocata = post(client, fmt, api_key=chiave, **BUCA)

    assert mancante.status_code == sbagliata.status_code == revocata.status_code == 403
    assert "api_key mancante" in leggi(mancante)[0]
    assert leggi(sbagliata) == leggi(revocata) == ["api_key non valida o revocata."]
    assert Segnalazione.objects.count() == 0


def test_a_key_bound_to_another_comune_is_403(client, alessandria, casale):
    _app, chiave = crea_applicazione("App di Casale", ente=casale)

    r = post(client, api_key=chiave, **BUCA)

    assert r.status_code == 403 and "Casale Monferrato" in errori_json(r)[0]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_too_many_posts_are_429_with_retry_after(client, alessandria, fmt, orologio_dei_limiti):
    _app, chiave = crea_applicazione("App lenta", limite_al_minuto=2)
    stati = [post(client, fmt, api_key=chiave, **BUCA).status_code for _ in range(2)]
    troppe = post(client, fmt, api_key=chiave, **BUCA)

    assert stati == [200, 200] and troppe.status_code == 429
    assert troppe["Retry-After"] == "31"
    descrizioni = errori_json(troppe) if fmt == "json" else errori_xml(troppe)
    assert "Troppe richieste" in descrizioni[0]
    assert Segnalazione.objects.count() == 2


# --- what the spec calls bad requests ----------------------------------------------------------------


def _errori(r, status=400) -> str:
    assert r.status_code == status, r.content
    return " | ".join(errori_json(r))


def test_unknown_or_missing_service_code_is_400(client, alessandria, chiave):
    assert "service_code: «voragini» non è un servizio" in _errori(
        post(client, api_key=chiave, **{**BUCA, "service_code": "voragini"}))
    assert "service_code: obbligatorio" in _errori(post(client, api_key=chiave, lat=LAT, long=LON))


def test_attribute_errors_name_the_attribute(client, alessandria, chiave):
    sconosciuto = _errori(post(client, api_key=chiave, **BUCA, **{"attribute[colore]": "rosso"}))
    non_ammesso = _errori(post(client, api_key=chiave, **{**BUCA, "attribute[dimensione]": "enorme"}))
    mancante = _errori(post(client, api_key=chiave, service_code="buche", lat=LAT, long=LON))

    assert sconosciuto.startswith("attribute[colore]: La domanda «colore» non esiste")
    assert non_ammesso.startswith("attribute[dimensione]: «enorme» non è una risposta ammessa")
    assert mancante.startswith("attribute[dimensione]: Rispondi alla domanda «Quanto è grande la buca?»")


def test_several_errors_are_listed_one_by_one(client, alessandria, chiave):
    r = post(client, api_key=chiave, **{**BUCA, "attribute[dimensione]": "enorme", "attribute[colore]": "blu"})

    assert r.status_code == 400 and len(errori_json(r)) == 2
    assert len(errori_xml(post(client, "xml", api_key=chiave,
                                    **{**BUCA, "attribute[dimensione]": "enorme", "attribute[colore]": "blu"}))) == 2


@pytest.mark.parametrize("lat, lon", [("abc", LON), ("200", LON), (LAT, "nan"), (LAT, "")])
def test_invalid_coordinates_are_400(client, alessandria, chiave, lat, lon):
    testo = _errori(post(client, api_key=chiave, **{**BUCA, "lat": lat, "long": lon}))
    assert "lat" in testo or "long" in testo


def test_a_point_outside_the_comune_is_400_naming_why(client, alessandria, chiave):
    (v_lat, v_lon), (m_lat, m_lon) = factories.VALENZA, factories.MAR_LIGURE
    valenza = _errori(post(client, api_key=chiave, **{**BUCA, "lat": v_lat, "long": v_lon}))
    mare = _errori(post(client, api_key=chiave, **{**BUCA, "lat": m_lat, "long": m_lon}))

    assert "Valenza" in valenza and "non usa ancora Civico" in valenza
    assert "non si trova in nessun comune italiano" in mare
    assert Segnalazione.objects.count() == 0


def test_a_point_in_another_active_comune_is_400(client, alessandria, casale, chiave):
    testo = _errori(post(client, api_key=chiave, **{**BUCA, "lat": factories.CASALE[0], "long": factories.CASALE[1]}))
    assert testo == "lat/long: Il punto indicato non è nel territorio di Alessandria."


def test_an_address_that_is_not_found_or_no_place_at_all_is_400(client, alessandria, chiave):
    sconosciuto = _errori(post(client, api_key=chiave, service_code="buche", address_string="Via Inesistente 999",
                               **{"attribute[dimensione]": "media"}))
    nessuno = _errori(post(client, api_key=chiave, service_code="buche", **{"attribute[dimensione]": "media"}))

    assert sconosciuto.startswith("address_string: Non troviamo l'indirizzo «Via Inesistente 999»")
    assert nessuno.startswith("lat/long:")


def test_a_description_with_html_or_too_long_is_400(client, alessandria, chiave):
    html = _errori(post(client, api_key=chiave, **BUCA, description="Buca <script>alert(1)</script>"))
    lunga = _errori(post(client, api_key=chiave, **BUCA, description="x" * 4001))

    assert html == "description: Il testo non può contenere codice HTML."
    assert lunga == "description: Il testo è troppo lungo: 4001 caratteri, il massimo è 4000."
    assert post(client, api_key=chiave, **BUCA, description="x" * 4000).status_code == 200


def test_invalid_contacts_and_media_url_name_their_parameter(client, alessandria, chiave):
    testo = _errori(post(client, api_key=chiave, **BUCA, email="non-una-mail", phone="telefono?",
                         media_url="ftp://example.org/x.jpg"))
    for atteso in ("email: ", "phone: ", "media_url: "):
        assert atteso in testo


def test_a_file_that_is_not_an_image_is_400_naming_media(client, alessandria, chiave):
    finto = SimpleUploadedFile("buca.jpg", b"not an image at all", content_type="image/jpeg")
    r = client.post(f"{V2}/requests.json", {**BUCA, "api_key": chiave, "jurisdiction_id": AL, "media": finto})

    assert _errori(r).startswith("media: ")


def test_nul_characters_are_refused_not_stored(client, alessandria, chiave):
    testo = _errori(post(client, api_key=chiave, **BUCA, description="buca\x00"))
    assert "description" in testo
    assert "service_code" in _errori(post(client, api_key=chiave, **{**BUCA, "service_code": "bu\x00che"}))
    assert "Idempotency-Key" in _errori(post(client, api_key=chiave, **BUCA, headers={"Idempotency-Key": "a\x00"}))
    assert Segnalazione.objects.count() == 0


def test_a_malformed_multipart_body_is_400(client, alessandria, chiave):
    r = client.generic("POST", f"{V2}/requests.json?jurisdiction_id={AL}", b"--x\r\nrotto",
                       content_type="multipart/form-data; boundary=")
    assert r.status_code == 400 and errori_json(r)


def test_the_platform_issues_a_key_with_a_command(client, alessandria):
    from io import StringIO

    from django.core.management import call_command

    from civico.accounts.chiavi import applicazione_per_chiave

    uscita = StringIO()
    call_command("chiave_open311", "App del quartiere", contatto="dev@example.org", ente="006003", stdout=uscita)

    chiave = uscita.getvalue().strip().splitlines()[-1]
    app = applicazione_per_chiave(chiave)
    assert (app.nome, app.ente, app.contatto) == ("App del quartiere", alessandria, "dev@example.org")
    assert post(client, api_key=chiave, **BUCA).status_code == 200
