"""SPID and CIE sign-in over SAML2, against pysaml2's own IdP (`saml2.server.Server`) whose
metadata is in the registry as AgID's list would be. The browser is the Django test client; the
IdP reads our real requests (signatures checked) and signs the Responses it posts back."""

from __future__ import annotations

import base64
import io
import time
import zlib
from urllib.parse import parse_qs, urlparse

import pytest
from defusedxml import ElementTree
from django.core.management import call_command
from saml2 import BINDING_HTTP_REDIRECT, samlp
from saml2.saml import NAMEID_FORMAT_TRANSIENT
from saml2.sigver import SignatureError

from civico.accounts import saml, saml_chiavi, saml_idp
from civico.accounts.models import AsserzioneSamlUsata, LivelloSpid, RelyingParty, Utente
from tests.accounts.idp_saml_di_prova import IdpDiProva

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not saml.disponibile(), reason="xmlsec1 missing: apt-get install xmlsec1"),
]
CF = "RSSMRA80A01H501U"
SP = "https://civico.example/spid/"
ACS = "http://testserver/area-personale/saml/acs/"
MD = "{urn:oasis:names:tc:SAML:2.0:metadata}"
SPID = "{https://spid.gov.it/saml-extensions}"


@pytest.fixture(scope="module")
def cartella(tmp_path_factory):
    return tmp_path_factory.mktemp("saml")


@pytest.fixture(scope="module")
def idp(cartella):
    return IdpDiProva(cartella)


@pytest.fixture(scope="module")
def altro_idp(cartella):
    return IdpDiProva(cartella, "https://altro-idp.prova.example/")


@pytest.fixture(scope="module")
def coppia_sp():
    return saml_chiavi.nuova_coppia(RelyingParty(client_id=SP, codice_ipa="c_h501"), bit=2048)


@pytest.fixture
def rp(db, coppia_sp, idp, altro_idp, cartella, settings, client):
    settings.SAML_REGISTRO_IDP = str(cartella / "idp_saml.json")
    saml_idp.aggiorna(saml_idp.da_metadata(idp.metadata(), "spid") + saml_idp.da_metadata(altro_idp.metadata(), "spid"),
                      "spid", fonte="test")
    rp = RelyingParty.objects.create(
        client_id=SP, livello=LivelloSpid.L2, nome_organizzazione="Comune di Prova", codice_ipa="c_h501",
        partita_iva="01234567890", codice_fiscale_ente="01234567890", email_contatto="spid@comune.example",
        telefono_contatto="+390101234567", saml_chiave_privata=coppia_sp[0], saml_certificato=coppia_sp[1],
    )
    metadata = client.get("/spid/metadata.xml").content
    idp.conosci_sp(metadata)
    altro_idp.conosci_sp(metadata)
    return rp


def avvia(client, idp, dopo="/area-personale/"):
    r = client.get("/area-personale/saml/avvia/", {"idp": idp.entity_id, "next": dopo})
    assert r.status_code == 302 and r["Location"].startswith(f"{idp.entity_id}sso?"), r.content[:300]
    richiesta, _ = idp.leggi_richiesta(r["Location"])
    return richiesta.message


def accedi(client, idp, **kwargs):
    richiesta = avvia(client, idp)
    risposta = idp.risposta(richiesta.id, ACS, SP, **kwargs)
    return client.post("/area-personale/saml/acs/", {"SAMLResponse": risposta})


def test_the_metadata_carry_the_spid_extensions_and_a_valid_signature(client, rp, idp, cartella):
    testo = client.get("/spid/metadata.xml")
    assert testo["Content-Type"] == "application/samlmetadata+xml"
    radice = ElementTree.fromstring(testo.content)
    assert radice.get("entityID") == SP
    sp = radice.find(f"{MD}SPSSODescriptor")
    assert sp.get("AuthnRequestsSigned") == "true" and sp.get("WantAssertionsSigned") == "true"
    acs = sp.find(f"{MD}AssertionConsumerService")
    assert (acs.get("index"), acs.get("isDefault"), acs.get("Location")) == ("0", "true", ACS)
    assert acs.get("Binding").endswith("HTTP-POST")
    assert {s.get("Binding").rsplit("-", 1)[1] for s in sp.findall(f"{MD}SingleLogoutService")} == {"POST", "Redirect"}
    richiesti = [a.get("Name") for a in sp.find(f"{MD}AttributeConsumingService").findall(f"{MD}RequestedAttribute")]
    assert richiesti == ["name", "familyName", "fiscalNumber", "email"]
    contatto = radice.find(f"{MD}ContactPerson")
    assert contatto.get("contactType") == "other"
    est = contatto.find(f"{MD}Extensions")
    assert est.findtext(f"{SPID}IPACode") == "c_h501" and est.findtext(f"{SPID}VATNumber") == "IT01234567890"
    assert est.findtext(f"{SPID}FiscalCode") == "01234567890" and est.find(f"{SPID}Public") is not None
    assert radice.findtext(f"{MD}Organization/{MD}OrganizationName") == "Comune di Prova"
    firma = radice.find("{http://www.w3.org/2000/09/xmldsig#}Signature")
    assert "rsa-sha256" in firma.find(".//{http://www.w3.org/2000/09/xmldsig#}SignatureMethod").get("Algorithm")
    cert = cartella / "sp.crt"
    cert.write_text(rp.saml_certificato)
    nodo = "urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor"
    assert idp.server.sec.verify_signature(testo.content.decode(), str(cert), node_name=nodo, node_id=radice.get("ID"))
    alterato = testo.content.decode().replace("Comune di Prova", "Comune Falso")
    with pytest.raises(SignatureError):
        idp.server.sec.verify_signature(alterato, str(cert), node_name=nodo, node_id=radice.get("ID"))
    assert "PRIVATE KEY" not in testo.content.decode()


def test_the_authn_request_is_signed_and_asks_the_level(client, rp, idp):
    r = client.get("/area-personale/saml/avvia/", {"idp": idp.entity_id})
    richiesta, query = idp.leggi_richiesta(r["Location"])  # signature verified by the IdP
    assert query["SigAlg"].endswith("rsa-sha256")
    m = richiesta.message
    assert m.issuer.text == SP and m.issuer.name_qualifier == SP and m.issuer.format.endswith(":entity")
    assert m.force_authn == "true" and m.name_id_policy.format == NAMEID_FORMAT_TRANSIENT
    assert (m.assertion_consumer_service_index, m.attribute_consuming_service_index) == ("0", "0")
    contesto = m.requested_authn_context
    assert contesto.comparison == "minimum" and contesto.authn_context_class_ref[0].text == LivelloSpid.L2.value
    assert m.destination == f"{idp.entity_id}sso"
    alterata = dict(query, Signature=base64.b64encode(b"x" * 256).decode())
    with pytest.raises(Exception):  # noqa: B017 - pysaml2 raises its own kinds
        idp.server.parse_authn_request(alterata["SAMLRequest"], BINDING_HTTP_REDIRECT,
                                       sigalg=alterata["SigAlg"], signature=alterata["Signature"])


def test_the_post_binding_sends_an_enveloped_signed_request(client, rp, idp):
    rp.saml_binding = "post"
    rp.save()
    r = client.get("/area-personale/saml/avvia/", {"idp": idp.entity_id})
    pagina = r.content.decode()
    assert f'action="{idp.entity_id}sso"' in pagina and "Continua" in pagina
    assert f"{idp.entity_id}sso" in r["Content-Security-Policy"].split("form-action")[1].split(";")[0]
    valore = pagina.split('name="SAMLRequest" value="')[1].split('"')[0]
    from saml2 import BINDING_HTTP_POST
    richiesta = idp.server.parse_authn_request(valore, BINDING_HTTP_POST)  # must be signed: checked
    assert richiesta.message.signature is not None


def test_a_citizen_signs_in_with_spid_saml(client, rp, idp):
    r = accedi(client, idp)
    assert r.status_code == 302 and r["Location"] == "/area-personale/"
    utente = Utente.objects.get(codice_fiscale=CF)
    assert (utente.first_name, utente.last_name, utente.email) == ("Mario", "Rossi", "mario.rossi@example.org")
    area = client.get("/area-personale/").content.decode()
    assert "Hai effettuato l&#x27;accesso con SPID" in area and "mario.rossi@example.org" in area


def _rifiutata(client, r, testo):
    assert r.status_code == 400
    pagina = r.content.decode()
    assert "Accesso non riuscito" in pagina and testo in pagina.replace("&#x27;", "'"), pagina[-1500:]
    assert "_auth_user_id" not in client.session
    assert not Utente.objects.filter(codice_fiscale=CF).exists()


def _scaduta(risposta):
    passato = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 600))
    risposta.assertion[0].conditions.not_on_or_after = passato
    for c in risposta.assertion[0].subject.subject_confirmation:
        c.subject_confirmation_data.not_on_or_after = passato


def _altro_pubblico(risposta):
    risposta.assertion[0].conditions.audience_restriction[0].audience[0].text = "https://altro-sp.example/"


@pytest.mark.parametrize(("caso", "kwargs", "testo"), [
    ("scaduta", {"modifica": _scaduta}, "scaduta"),
    ("altro pubblico", {"modifica": _altro_pubblico}, "non è valida per questo sito"),
    ("livello basso", {"livello": LivelloSpid.L1.value}, "livello più basso"),
    ("asserzione non firmata", {"firma_asserzione": False}, "firma"),
    ("nulla firmato", {"firma_asserzione": False, "firma_risposta": False}, "firma"),
])
def test_an_invalid_response_is_refused(client, rp, idp, caso, kwargs, testo):
    _rifiutata(client, accedi(client, idp, **kwargs), testo)


def test_a_response_to_another_request_is_refused(client, rp, idp):
    avvia(client, idp)
    risposta = idp.risposta("_inventata", ACS, SP)
    _rifiutata(client, client.post("/area-personale/saml/acs/", {"SAMLResponse": risposta}),
               "non corrisponde a un accesso iniziato qui")


def test_a_response_from_another_idp_than_the_chosen_one_is_refused(client, rp, idp, altro_idp):
    richiesta = avvia(client, idp)
    risposta = altro_idp.risposta(richiesta.id, ACS, SP)
    _rifiutata(client, client.post("/area-personale/saml/acs/", {"SAMLResponse": risposta}),
               "non viene dal gestore dell'identità scelto")


def test_a_replayed_response_is_refused(client, rp, idp):
    richiesta = avvia(client, idp)
    risposta = idp.risposta(richiesta.id, ACS, SP)
    assert client.post("/area-personale/saml/acs/", {"SAMLResponse": risposta}).status_code == 302
    client.post("/area-personale/esci/")
    r = client.post("/area-personale/saml/acs/", {"SAMLResponse": risposta})
    assert r.status_code == 400 and "_auth_user_id" not in client.session
    # Even where the request is still pending (another process, another session copy): refused
    # by the assertion id remembered in the database until it expires.
    in_corso = {richiesta.id: {"idp": idp.entity_id, "livello": rp.livello, "rp": rp.pk, "creato": time.time()}}
    with pytest.raises(saml.AccessoSamlNonRiuscito, match="già stata usata"):
        saml.completa(rp, saml.Indirizzi(acs=ACS, slo=""), risposta, in_corso)
    assert AsserzioneSamlUsata.objects.count() == 1


@pytest.mark.parametrize(("codice", "testo"), [
    (19, "Troppi tentativi"), (20, "livello di sicurezza"), (21, "tempo"), (22, "consenso"),
    (23, "sospesa o revocata"), (25, "Hai annullato"), (30, "tipo di identità"),
])
def test_agid_error_codes_are_told_in_plain_words(client, rp, idp, codice, testo):
    richiesta = avvia(client, idp)

    def errore(risposta):
        risposta.status = samlp.Status(
            status_code=samlp.StatusCode(value="urn:oasis:names:tc:SAML:2.0:status:Responder",
                                         status_code=samlp.StatusCode(
                                             value="urn:oasis:names:tc:SAML:2.0:status:AuthnFailed")),
            status_message=samlp.StatusMessage(text=f"ErrorCode nr{codice}"))
        risposta.assertion = []

    r = client.post("/area-personale/saml/acs/", {"SAMLResponse": idp.risposta(
        richiesta.id, ACS, SP, modifica=errore, firma_asserzione=False)})
    _rifiutata(client, r, testo)


def test_sp_initiated_logout_sends_a_signed_request_and_reads_the_answer(client, rp, idp):
    accedi(client, idp)
    r = client.post("/area-personale/esci/")  # the personal area's usual "Esci"
    assert "_auth_user_id" not in client.session
    assert r.status_code == 302 and r["Location"].startswith(f"{idp.entity_id}slo?")
    q = {k: v[0] for k, v in parse_qs(urlparse(r["Location"]).query).items()}
    richiesta = idp.server.parse_logout_request(q["SAMLRequest"], BINDING_HTTP_REDIRECT,
                                                sigalg=q["SigAlg"], signature=q["Signature"])
    assert richiesta.message.issuer.text == SP and richiesta.message.name_id.text == "_utente-di-prova"
    risposta = idp.server.create_logout_response(richiesta.message, [BINDING_HTTP_REDIRECT])
    info = idp.server.apply_binding(BINDING_HTTP_REDIRECT, str(risposta), "http://testserver/area-personale/saml/slo/",
                                    response=True, sign=True)
    ritorno = urlparse(dict(info["headers"])["Location"])
    r = client.get(ritorno.path, parse_qs(ritorno.query), follow=True)
    assert "Sei uscito anche dal gestore dell" in r.content.decode()


def test_idp_initiated_logout_signs_the_citizen_out_and_answers(client, rp, idp):
    accedi(client, idp)
    assert "_auth_user_id" in client.session
    from saml2.saml import NameID
    _, richiesta = idp.server.create_logout_request(
        "http://testserver/area-personale/saml/slo/", SP,
        name_id=NameID(format=NAMEID_FORMAT_TRANSIENT, text="_utente-di-prova"), sign=False)
    info = idp.server.apply_binding(BINDING_HTTP_REDIRECT, str(richiesta), "http://testserver/area-personale/saml/slo/",
                                    sign=True)
    indirizzo = urlparse(dict(info["headers"])["Location"])
    r = client.get(indirizzo.path, {k: v[0] for k, v in parse_qs(indirizzo.query).items()})
    assert "_auth_user_id" not in client.session
    assert r.status_code == 302 and r["Location"].startswith(f"{idp.entity_id}slo?")
    q = {k: v[0] for k, v in parse_qs(urlparse(r["Location"]).query).items()}
    xml = zlib.decompress(base64.b64decode(q["SAMLResponse"]), -15).decode()
    assert "LogoutResponse" in xml and "status:Success" in xml and "Signature" in q


def test_the_sign_in_page_lists_the_registry_idps(client, rp, idp):
    pagina = client.get("/area-personale/").content.decode()
    assert "Entra con SPID" in pagina and "IdP di prova" in pagina
    assert "/area-personale/saml/avvia/?idp=https%3A//idp.prova.example/" in pagina


def test_the_registry_command_loads_metadata_from_a_file(client, rp, idp, cartella, settings):
    file = cartella / "cie.xml"
    file.write_text(idp.metadata().replace("idp.prova.example", "cie.prova.example"))
    uscita = io.StringIO()
    call_command("aggiorna_idp_spid", "--da", str(file), "--tipo", "cie", stdout=uscita)
    assert "1 IdP CIE" in uscita.getvalue()
    assert [i.entity_id for i in saml_idp.registrati("cie")] == ["https://cie.prova.example/"]
    assert len(saml_idp.registrati("spid")) == 2  # the SPID list is untouched
    pagina = client.get("/area-personale/").content.decode()
    assert 'href="/area-personale/saml/avvia/?idp=https%3A//cie.prova.example/"' in pagina
    assert pagina.count("Entra con CIE") == 1


def test_the_key_command_prints_only_the_fingerprint(db):
    rp = RelyingParty.objects.create(client_id="https://portale.example/", codice_ipa="c_h501",
                                     nome_organizzazione="Portale")
    uscita = io.StringIO()
    call_command("genera_chiavi_identita", "--piattaforma", stdout=uscita)
    rp.refresh_from_db()
    assert f"impronta SHA-256={saml_chiavi.impronta(rp)}" in uscita.getvalue()
    assert "PRIVATE" in rp.saml_chiave_privata and "PRIVATE" not in uscita.getvalue()
    from cryptography import x509
    cert = x509.load_pem_x509_certificate(rp.saml_certificato.encode())
    assert cert.public_key().key_size >= 2048
    assert "2.5.4.97=PA:IT-c_h501" in cert.subject.rfc4514_string() or "PA:IT-c_h501" in str(cert.subject)


def test_the_pending_request_survives_the_idps_cross_site_post(client, rp, idp):
    """The session cookie is SameSite=Lax, so not sent with the IdP's POST: the pending request
    is in its own cookie, SameSite=None over HTTPS, limited to the SAML paths."""
    r = client.get("/area-personale/saml/avvia/", {"idp": idp.entity_id}, secure=True)
    cookie = r.cookies["civico_saml"]
    assert cookie["samesite"] == "None" and cookie["secure"] and cookie["httponly"]
    assert cookie["path"] == "/area-personale/saml/"
    client.cookies.pop("sessionid", None)  # what the browser leaves out of the cross-site POST
    richiesta, _ = idp.leggi_richiesta(r["Location"])
    acs = ACS.replace("http://", "https://")
    risposta = idp.risposta(richiesta.message.id, acs, SP)
    r = client.post("/area-personale/saml/acs/", {"SAMLResponse": risposta}, secure=True)
    assert r.status_code == 302 and Utente.objects.filter(codice_fiscale=CF).exists()
    assert "_auth_user_id" in client.session


def test_an_unsigned_idp_logout_request_is_refused(client, rp, idp):
    accedi(client, idp)
    from saml2.saml import NameID
    _, richiesta = idp.server.create_logout_request(
        "http://testserver/area-personale/saml/slo/", SP,
        name_id=NameID(format=NAMEID_FORMAT_TRANSIENT, text="_utente-di-prova"), sign=False)
    info = idp.server.apply_binding(BINDING_HTTP_REDIRECT, str(richiesta), "http://testserver/area-personale/saml/slo/",
                                    sign=False)
    indirizzo = urlparse(dict(info["headers"])["Location"])
    r = client.get(indirizzo.path, {k: v[0] for k, v in parse_qs(indirizzo.query).items()})
    assert r.status_code == 400 and "La richiesta di uscita non è valida" in r.content.decode()
    assert "_auth_user_id" in client.session
