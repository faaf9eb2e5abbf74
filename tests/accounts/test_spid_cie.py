"""SPID and CIE sign-in through OpenID Connect, against real OpenID Providers on loopback.

The providers, the trust anchor and the intermediate are the local federation of
`tests.accounts.federazione_locale` (fixtures in tests/accounts/conftest.py): every provider is
known by entity id only and reached through its trust chain. The citizen's browser is the Django
test client on our side and `requests` on the provider's socket.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import KeySet

from civico.accounts import oidc, rotazione_chiavi
from civico.accounts.models import Incarico, LivelloSpid, ProviderIdentita, RelyingParty, Ruolo, Utente
from civico.portale.models import Bozza
from civico.segnalazioni.models import Segnalazione
from tests import factories
from tests.accounts.federazione_locale import CF

pytestmark = pytest.mark.django_db


def accedi(client, op, provider, next_url=""):
    """The browser's redirect chain: our start page → the provider → back to our callback."""
    r = client.get(f"/area-personale/spid-cie/{provider.pk}/" + (f"?next={next_url}" if next_url else ""))
    assert r.status_code == 302, r.content.decode()[:2000]
    assert r["Location"].startswith(op.issuer + "/authorize?")
    dal_provider = requests.get(r["Location"], allow_redirects=False, timeout=10)
    assert dal_provider.status_code == 302, dal_provider.text
    ritorno = urlparse(dal_provider.headers["Location"])
    assert ritorno.netloc == "testserver"
    return client.get(f"{ritorno.path}?{ritorno.query}")


def test_the_sign_in_page_shows_the_spid_and_cie_buttons(client, configurato, cie):
    _, spid = configurato
    pagina = client.get("/area-personale/").content.decode()
    assert "Entra con SPID" in pagina and "Entra con CIE" in pagina
    assert f'href="/area-personale/spid-cie/{spid.pk}/"' in pagina and "IdP di prova" in pagina
    assert f'href="/area-personale/spid-cie/{cie.pk}/"' in pagina
    assert "<script" not in pagina.split('data-testid="pulsanti-spid-cie"')[1].split("</div>")[0]


def test_without_configuration_there_are_no_buttons(client, db):
    assert "Entra con SPID" not in client.get("/area-personale/").content.decode()


def test_a_citizen_signs_in_with_spid_and_gets_name_codice_fiscale_and_email(client, op, configurato):
    _, spid = configurato
    r = accedi(client, op, spid)
    assert r.status_code == 302 and r["Location"] == "/area-personale/"
    utente = Utente.objects.get(codice_fiscale=CF)
    assert (utente.first_name, utente.last_name, utente.email) == ("Mario", "Rossi", "mario.rossi@example.org")
    assert not utente.has_usable_password()
    area = client.get("/area-personale/").content.decode()
    assert "Area personale" in area and "mario.rossi@example.org" in area
    # What the relying party sent: the profile's parameters, inside the signed request object.
    _, query, _ = next(q for q in op.richieste if q[0] == "/authorize")
    oggetto = jwt.decode(query["request"], KeySet.import_key_set(op.chiavi_client), algorithms=["RS256"]).claims
    assert oggetto["acr_values"] == LivelloSpid.L2.value and oggetto["prompt"] == "consent login"
    assert oidc.CLAIM_CODICE_FISCALE in oggetto["claims"]["userinfo"]
    assert set(oggetto["claims"]["userinfo"]) >= {"given_name", "family_name", "email"}


def test_cie_signs_in_the_same_person_to_the_same_account(client, op, configurato, op_cie, cie):
    _, spid = configurato
    accedi(client, op, spid)
    client.post("/area-personale/esci/")
    op_cie.persona = {**op.persona, "email": "nuovo.indirizzo@example.org"}
    r = accedi(client, op_cie, cie)
    assert r.status_code == 302
    assert Utente.objects.filter(codice_fiscale=CF).count() == 1
    assert Utente.objects.get(codice_fiscale=CF).email == "nuovo.indirizzo@example.org"


def test_an_email_link_account_is_joined_by_the_same_address(client, op, configurato):
    esistente = factories.UtenteFactory(username="mario.rossi@example.org")
    accedi(client, op, configurato[1])
    esistente.refresh_from_db()
    assert esistente.codice_fiscale == CF and Utente.objects.count() == 1


def test_a_report_sent_while_signed_in_with_spid_is_prefilled_and_in_the_personal_area(client, op, configurato,
                                                                                        alessandria):
    accedi(client, op, configurato[1])
    r = client.post(f"/segnala/?ente={alessandria.slug}", {"privacy": "1"})
    bozza = r["Location"].split("/")[2]
    lat, lon = factories.PIAZZA_LIBERTA
    client.post(f"/segnala/{bozza}/luogo/", {"ente": alessandria.slug, "lat": lat, "lon": lon})
    client.post(f"/segnala/{bozza}/disservizio/", {"categoria": "tombini", "titolo": "Tombino intasato in via Roma"})
    autore = client.get(f"/segnala/{bozza}/autore/").content.decode()
    assert 'value="Mario Rossi"' in autore and 'value="mario.rossi@example.org"' in autore  # once-only
    assert CF in autore
    client.post(f"/segnala/{bozza}/autore/",
                {"anonimo": "no", "nome": "Mario Rossi", "email": "mario.rossi@example.org"})

    inviata = client.post(f"/segnala/{bozza}/invia/", {"chiave": Bozza.objects.get(uuid=bozza).chiave})
    assert inviata.status_code == 302, inviata.content.decode()[:2000]
    s = Segnalazione.objects.get()
    assert s.segnalante.codice_fiscale == CF and s.segnalante_nome == "Mario Rossi"
    area = client.get("/area-personale/").content.decode()
    assert s.codice in area and "Tombino intasato in via Roma" in area


def test_an_id_token_signed_with_another_key_is_refused(client, op, configurato):
    op.firma_sbagliata = True
    r = accedi(client, op, configurato[1])
    assert r.status_code == 400 and "firma" in r.content.decode()
    assert not Utente.objects.exists() and "_auth_user_id" not in client.session


def test_a_replayed_or_foreign_nonce_is_refused(client, op, configurato):
    op.nonce_diverso = True
    r = accedi(client, op, configurato[1])
    assert r.status_code == 400 and not Utente.objects.exists()


def test_an_unsigned_userinfo_is_refused(client, op, configurato):
    op.userinfo_in_chiaro = True
    r = accedi(client, op, configurato[1])
    assert r.status_code == 400 and "non sono firmate" in r.content.decode()


def test_a_lower_level_than_asked_is_refused(client, op, configurato):
    rp = configurato[0]
    rp.livello = LivelloSpid.L2
    rp.save()
    op.acr = LivelloSpid.L1.value
    r = accedi(client, op, configurato[1])
    assert r.status_code == 400 and "livello" in r.content.decode()


def test_a_callback_that_did_not_start_here_is_refused(client, op, configurato):
    r = client.get("/area-personale/spid-cie/ritorno/?code=abc&state=inventato")
    assert r.status_code == 400 and "non è partita da qui" in r.content.decode()


def test_a_cancelled_sign_in_says_so(client, op, configurato):
    r = client.get(f"/area-personale/spid-cie/{configurato[1].pk}/")
    state = parse_qs(urlparse(r["Location"]).query)["state"][0]
    r = client.get(f"/area-personale/spid-cie/ritorno/?error=access_denied&state={state}")
    assert r.status_code == 400 and "annullato" in r.content.decode()


def test_a_code_is_used_once(client, op, configurato):
    r = client.get(f"/area-personale/spid-cie/{configurato[1].pk}/")
    ritorno = requests.get(r["Location"], allow_redirects=False, timeout=10).headers["Location"]
    percorso = urlparse(ritorno)
    primo = client.get(f"{percorso.path}?{percorso.query}")
    assert primo.status_code == 302 and primo["Location"].startswith("/area-personale/")
    assert "_auth_user_id" in client.session
    client.post("/area-personale/esci/")
    di_nuovo = client.get(f"{percorso.path}?{percorso.query}")  # state gone with the session
    assert di_nuovo.status_code == 400 and "non è partita da qui" in di_nuovo.content.decode()
    assert "_auth_user_id" not in client.session and Utente.objects.count() == 1


def test_a_staff_member_cannot_enter_as_a_citizen(client, op, configurato, alessandria):
    staff = factories.staff("operatore", Ruolo.OPERATORE, alessandria)
    staff.codice_fiscale = CF
    staff.save()
    assert Incarico.objects.filter(utente=staff).exists()
    r = accedi(client, op, configurato[1])
    assert r.status_code == 400 and "personale del comune" in r.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_unreachable_provider_is_a_clear_error_not_a_500(client, configurato):
    provider = configurato[1]
    provider.issuer = "http://127.0.0.1:9"  # discard port: nothing listens
    provider.save()
    assert f"/area-personale/spid-cie/{provider.pk}/" not in client.get("/area-personale/").content.decode()
    r = client.get(f"/area-personale/spid-cie/{provider.pk}/")
    assert r.status_code == 502 and "non risponde" in r.content.decode()


def test_the_relying_party_publishes_only_public_keys(client, configurato):
    chiavi = client.get("/area-personale/spid-cie/jwks.json").json()["keys"]
    assert {k["use"] for k in chiavi} == {"sig", "enc"}
    assert all("d" not in k and "p" not in k for k in chiavi)


def test_an_ente_domain_uses_its_own_relying_party(client, op, configurato, alessandria, settings):
    settings.ALLOWED_HOSTS = ["testserver", "segnalazioni.comune.alessandria.it"]
    alessandria.dominio = "segnalazioni.comune.alessandria.it"
    alessandria.save()
    propria = RelyingParty.objects.create(ente=alessandria, client_id="https://segnalazioni.comune.alessandria.it/rp",
                                          chiavi_private=rotazione_chiavi.genera_chiavi())
    cie = ProviderIdentita.objects.create(relying_party=propria, tipo="cie", nome="CIE del comune", issuer=op.issuer)
    pagina = client.get("/area-personale/", HTTP_HOST="segnalazioni.comune.alessandria.it").content.decode()
    assert f'href="/area-personale/spid-cie/{cie.pk}/"' in pagina and "IdP di prova" not in pagina
    # The national providers are not reachable from the ente's domain.
    r = client.get(f"/area-personale/spid-cie/{configurato[1].pk}/", HTTP_HOST="segnalazioni.comune.alessandria.it")
    assert r.status_code == 404
