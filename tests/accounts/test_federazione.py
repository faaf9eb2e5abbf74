"""OpenID Connect Federation for SPID and CIE, against a real local federation on loopback:
trust anchor ← intermediate ← SPID provider, and trust anchor ← CIE provider (fixtures in
tests/accounts/conftest.py). The relying party knows each provider by entity id only."""

from __future__ import annotations

import base64
import json
import logging
from datetime import timedelta
from urllib.parse import urlparse

import pytest
import requests
from django.utils import timezone
from joserfc import jwt
from joserfc.jwk import KeySet

from civico.accounts import federazione, politiche, rotazione_chiavi
from civico.accounts.models import CatenaFiducia, ProviderIdentita, TrustAnchor, Utente
from tests.accounts.conftest import CLIENT_ID, CONFIGURAZIONE_RP
from tests.accounts.federazione_locale import CF, Autorita
from tests.accounts.test_spid_cie import accedi

pytestmark = pytest.mark.django_db

NON_AFFIDABILE = "non risulta affidabile"


def intestazione(token: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))


def pulsante(client, provider) -> bool:
    return f'href="/area-personale/spid-cie/{provider.pk}/"' in client.get("/area-personale/").content.decode()


def rifiutato(client, provider, testo=NON_AFFIDABILE) -> None:
    """Not offered, and a direct start is a clear message with no session and no account."""
    assert not pulsante(client, provider)
    r = client.get(f"/area-personale/spid-cie/{provider.pk}/")
    assert r.status_code == 502 and testo in r.content.decode()
    assert "_auth_user_id" not in client.session and not Utente.objects.exists()


# --- Our entity configuration.

def test_the_entity_configuration_is_signed_with_the_federation_key_and_describes_the_rp(client, configurato,
                                                                                        rete_fiducia):
    rp, _ = configurato
    rp.nome_organizzazione, rp.codice_ipa, rp.email_contatto = "Comune di Prova", "c_x123", "rtd@comune.example.org"
    rp.save()
    r = client.get(CONFIGURAZIONE_RP)
    assert r["Content-Type"] == "application/entity-statement+jwt"
    token = r.content.decode()
    assert intestazione(token)["typ"] == "entity-statement+jwt"
    federali = KeySet.import_key_set(federazione.pubbliche(rp.chiavi_federazione))
    claims = jwt.decode(token, federali, algorithms=["RS256"]).claims  # signed with the federation key
    assert claims["iss"] == claims["sub"] == CLIENT_ID and claims["exp"] > claims["iat"]
    assert claims["authority_hints"] == [rete_fiducia.ta.entity_id] and claims["trust_marks"] == []
    assert {k["kid"] for k in claims["jwks"]["keys"]} == {k["kid"] for k in rp.chiavi_federazione["keys"]}
    rp_meta = claims["metadata"]["openid_relying_party"]
    core = {k["kid"] for k in rp.chiavi_private["keys"]}
    assert {k["kid"] for k in rp_meta["jwks"]["keys"]} == core and not core & {k["kid"] for k in claims["jwks"]["keys"]}
    assert all("d" not in k for k in [*rp_meta["jwks"]["keys"], *claims["jwks"]["keys"]])
    assert rp_meta["redirect_uris"] == ["http://testserver/area-personale/spid-cie/ritorno/"]
    assert rp_meta["client_registration_types"] == ["automatic"]
    assert rp_meta["token_endpoint_auth_method"] == "private_key_jwt"
    assert rp_meta["response_types"] == ["code"] and rp_meta["client_name"] == "Comune di Prova"
    assert rp_meta["contacts"] == ["rtd@comune.example.org"]
    ente = claims["metadata"]["federation_entity"]
    assert ente["organization_name"] == "Comune di Prova" and ente["ipa_code"] == "c_x123"
    assert ente["contacts"] == ["rtd@comune.example.org"] and ente["homepage_uri"] == "http://testserver/"
    assert ente["policy_uri"] == "http://testserver/privacy/"
    # Only at the entity id's own path.
    assert client.get("/.well-known/openid-federation").status_code == 404


def test_a_trust_mark_received_at_the_onboarding_is_checked_and_published(client, configurato, rete_fiducia):
    rp, _ = configurato
    tipo = "https://registry.example.org/openid_relying_party/public"
    marchio = rete_fiducia.ta.trust_mark(CLIENT_ID, tipo)
    federazione.registra_trust_mark(rp, marchio["trust_mark"])
    claims = jwt.decode(client.get(CONFIGURAZIONE_RP).content.decode(),
                        KeySet.import_key_set(federazione.pubbliche(rp.chiavi_federazione))).claims
    assert claims["trust_marks"] == [{"id": tipo, "trust_mark": marchio["trust_mark"]}]
    for sbagliato in (rete_fiducia.ta.trust_mark(CLIENT_ID, tipo, durata=-600),  # expired
                      rete_fiducia.ta.trust_mark("https://altro.example.org", tipo)):  # someone else's
        with pytest.raises(federazione.CatenaNonValida):
            federazione.registra_trust_mark(rp, sbagliato["trust_mark"])


# --- Sign-in through the resolved chain.

def test_a_citizen_signs_in_through_the_trust_chain_and_the_chain_is_cached(client, op, configurato,
                                                                           rete_fiducia):
    r = accedi(client, op, configurato[1])
    assert r.status_code == 302 and Utente.objects.get(codice_fiscale=CF).first_name == "Mario"
    # The provider was known by entity id only: its configuration, then each superior's statement.
    assert ("/.well-known/openid-configuration", {}, {}) not in op.richieste
    assert ("/fetch", {"sub": op.issuer}, {}) in rete_fiducia.intermedio.richieste
    assert ("/fetch", {"sub": rete_fiducia.intermedio.entity_id}, {}) in rete_fiducia.ta.richieste
    salvata = CatenaFiducia.objects.get(entity_id=op.issuer)
    assert salvata.trust_anchor == rete_fiducia.ta.entity_id and not salvata.errore
    assert salvata.metadati["token_endpoint"] == f"{op.issuer}/token"
    assert timezone.now() < salvata.scade_il <= timezone.now() + timedelta(hours=1)
    # Until it expires, no process asks the federation again; after, the chain is resolved anew.
    chiesto = len(rete_fiducia.ta.richieste)
    client.post("/area-personale/esci/")
    assert accedi(client, op, configurato[1]).status_code == 302
    assert len(rete_fiducia.ta.richieste) == chiesto
    CatenaFiducia.objects.update(scade_il=timezone.now() - timedelta(seconds=1))
    client.post("/area-personale/esci/")
    assert pulsante(client, configurato[1]) and len(rete_fiducia.ta.richieste) > chiesto


def test_cie_signs_in_through_its_chain_the_same_way(client, op_cie, cie, rete_fiducia):
    r = accedi(client, op_cie, cie)
    assert r.status_code == 302 and Utente.objects.get(codice_fiscale=CF).last_name == "Rossi"
    assert ("/fetch", {"sub": op_cie.issuer}, {}) in rete_fiducia.ta.richieste  # directly below the anchor
    assert "Hai effettuato l&#x27;accesso con CIE" in client.get("/area-personale/").content.decode()


def test_the_providers_come_from_the_trust_anchor_list(client, op, op_cie, configurato, rete_fiducia):
    rp, spid = configurato
    spid.delete()
    trovati = federazione.sincronizza_provider(rp)
    assert sorted(p.nome for p in trovati) == ["CIE di prova", "IdP di prova"]
    nuovo = ProviderIdentita.objects.get(relying_party=rp, issuer=op.issuer)
    assert accedi(client, op, nuovo).status_code == 302 and Utente.objects.filter(codice_fiscale=CF).exists()


# --- Metadata policy.

def test_a_policy_restricting_the_algorithms_changes_what_the_rp_accepts(client, op, configurato, rete_fiducia):
    # The provider signs its ID tokens with RS256; the federation allows only RS512 from it.
    rete_fiducia.ta.subordinati[rete_fiducia.intermedio.entity_id]["metadata_policy"] = {"openid_provider": {
        "id_token_signing_alg_values_supported": {"subset_of": ["RS512", "ES256"]},
    }}
    rete_fiducia.intermedio.subordinati[op.issuer]["metadata_policy"] = {"openid_provider": {
        "id_token_signing_alg_values_supported": {"subset_of": ["RS512"]},
    }}
    assert federazione.catena(op.issuer).metadati["id_token_signing_alg_values_supported"] == ["RS512"]
    r = accedi(client, op, configurato[1])
    assert r.status_code == 400 and "firma" in r.content.decode() and not Utente.objects.exists()


def test_a_policy_excluding_our_signing_algorithm_stops_the_sign_in_before_the_provider(client, op, configurato,
                                                                                     rete_fiducia):
    rete_fiducia.intermedio.subordinati[op.issuer]["metadata_policy"] = {"openid_provider": {
        "request_object_signing_alg_values_supported": {"subset_of": ["ES256", "RS512"]},
    }}
    r = client.get(f"/area-personale/spid-cie/{configurato[1].pk}/")
    assert r.status_code == 502 and "non accetta le firme" in r.content.decode()
    assert not any(q[0] == "/authorize" for q in op.richieste)


def test_an_unsatisfiable_policy_breaks_the_chain(client, op, configurato, rete_fiducia, caplog):
    rete_fiducia.intermedio.subordinati[op.issuer]["metadata_policy"] = {"openid_provider": {
        "scopes_supported": {"superset_of": ["openid", "profile"]},  # the provider has no "profile"
    }}
    with caplog.at_level(logging.WARNING, logger="civico.accounts.federazione"):
        rifiutato(client, configurato[1])
    assert "metadata policy: scopes_supported" in caplog.text


@pytest.mark.parametrize("sopra, sotto, motivo", [
    ({"value": "a"}, {"value": "b"}, "value in conflitto"),
    ({"subset_of": ["a"]}, {"subset_of": ["b"]}, "senza valori in comune"),
    ({"one_of": ["a", "b"]}, {"value": "c"}, "value fuori da one_of"),
    ({"regola_nuova": 1}, {}, "operatori sconosciuti"),
])
def test_policies_that_cannot_be_combined_are_refused(sopra, sotto, motivo):
    with pytest.raises(politiche.PoliticaNonSoddisfatta, match=motivo):
        politiche.combina({"p": sopra}, {"p": sotto})


def test_the_policy_operators_apply_in_order():
    politica = politiche.combina(
        {"scopes": {"add": ["openid"], "subset_of": ["openid", "profile", "email"]},
         "auth": {"default": "private_key_jwt", "one_of": ["private_key_jwt"]},
         "vecchio": {"value": None}, "acr": {"essential": True}},
        {"scopes": {"superset_of": ["openid"]}},
    )
    assert politiche.applica(politica, {"scopes": ["email", "phone"], "vecchio": 1, "acr": "L2"}) == {
        "scopes": ["email", "openid"], "auth": "private_key_jwt", "acr": "L2"}
    with pytest.raises(politiche.PoliticaNonSoddisfatta, match="essenziale"):
        politiche.applica(politica, {"scopes": ["openid"]})


# --- Broken chains and trust marks.

def _firma_sbagliata(rete, op):
    rete.intermedio.firma_sbagliata = True


def _manca_la_dichiarazione(rete, op):
    del rete.intermedio.subordinati[op.issuer]


def _dichiarazione_scaduta(rete, op):
    rete.ta.subordinati[rete.intermedio.entity_id]["durata"] = -600


def _chiave_del_provider_non_garantita(rete, op):
    rete.intermedio.subordinati[op.issuer]["jwks"] = rete.intermedio.pubbliche()  # not the provider's key


def _trust_anchor_sconosciuto(rete, op):
    TrustAnchor.objects.update(entity_id="https://registry.example.org")


def _trust_anchor_con_altre_chiavi(rete, op):
    TrustAnchor.objects.update(chiavi={"keys": [Autorita.chiave_pubblica_estranea()]})


def _trust_mark_scaduto(rete, op):
    op.trust_marks = [rete.ta.trust_mark(op.issuer, durata=-600)]


def _trust_mark_di_un_altro(rete, op):
    op.trust_marks = [rete.ta.trust_mark("https://altro.example.org")]


def _trust_mark_di_un_emittente_non_autorizzato(rete, op):
    op.trust_marks = [rete.intermedio.trust_mark(op.issuer)]


def _senza_trust_mark(rete, op):
    op.trust_marks = []


@pytest.mark.parametrize("guasto, motivo", [
    (_firma_sbagliata, "firma non valida"),
    (_manca_la_dichiarazione, "non risponde"),
    (_dichiarazione_scaduta, "scaduta"),
    (_chiave_del_provider_non_garantita, "firma non valida"),
    (_trust_anchor_sconosciuto, "non porta ad alcun trust anchor"),
    (_trust_anchor_con_altre_chiavi, "firma non valida"),
    (_trust_mark_scaduto, "scaduta (trust mark"),
    (_trust_mark_di_un_altro, "non è di"),
    (_trust_mark_di_un_emittente_non_autorizzato, "non autorizzato"),
    (_senza_trust_mark, "non ha trust mark"),
])
def test_a_broken_chain_or_trust_mark_refuses_the_provider(client, op, configurato, rete_fiducia, caplog,
                                                          guasto, motivo):
    guasto(rete_fiducia, op)
    with caplog.at_level(logging.WARNING, logger="civico.accounts.federazione"):
        testo = "non risponde" if motivo == "non risponde" else NON_AFFIDABILE
        rifiutato(client, configurato[1], testo)
    assert motivo in caplog.text
    assert CatenaFiducia.objects.get(entity_id=op.issuer).errore  # kept briefly: not asked again per page


def test_a_chain_broken_during_a_sign_in_gives_no_session(client, op, configurato, rete_fiducia):
    r = client.get(f"/area-personale/spid-cie/{configurato[1].pk}/")
    ritorno = urlparse(requests.get(r["Location"], allow_redirects=False, timeout=10).headers["Location"])
    CatenaFiducia.objects.all().delete()
    op.trust_marks = [rete_fiducia.ta.trust_mark(op.issuer, durata=-600)]
    r = client.get(f"{ritorno.path}?{ritorno.query}")
    assert r.status_code == 400 and NON_AFFIDABILE in r.content.decode()
    assert "_auth_user_id" not in client.session and not Utente.objects.exists()


# --- Key rotation.

def test_keys_rotate_without_interrupting_a_sign_in(client, op, configurato, rete_fiducia):
    rp, spid = configurato
    vecchie = {k["kid"] for k in [*rp.chiavi_private["keys"], *rp.chiavi_federazione["keys"]]}
    r = client.get(f"/area-personale/spid-cie/{spid.pk}/")  # started before the rotation
    ritorno = urlparse(requests.get(r["Location"], allow_redirects=False, timeout=10).headers["Location"])
    rotazione_chiavi.ruota_chiavi(rp)
    rp.refresh_from_db()
    configurazione = client.get(CONFIGURAZIONE_RP).content.decode()
    nuova_federale = rp.chiavi_federazione["keys"][0]["kid"]
    assert intestazione(configurazione)["kid"] == nuova_federale not in vecchie
    op.registra_rp(configurazione)  # the provider refreshes our keys: old and new are both there
    assert vecchie < {k["kid"] for k in [*op.chiavi_client["keys"], *rp.chiavi_federazione["keys"]]}

    r = client.get(f"{ritorno.path}?{ritorno.query}")  # completed after it
    assert r.status_code == 302 and Utente.objects.filter(codice_fiscale=CF).exists()
    _, _, form = next(q for q in op.richieste if q[0] == "/token")
    assert intestazione(form["client_assertion"])["kid"] == rp.chiavi_private["keys"][0]["kid"]  # the new key

    # After the grace period the old keys leave both key sets.
    tolte = rotazione_chiavi.ritira_chiavi_scadute(rp, adesso=timezone.now() + rotazione_chiavi.GRAZIA_PREDEFINITA)
    assert set(tolte) == vecchie and not rp.chiavi_in_uscita
    pubblicate = client.get("/area-personale/spid-cie/jwks.json").json()["keys"]
    assert {k["kid"] for k in pubblicate} == {k["kid"] for k in rp.chiavi_private["keys"]} and not vecchie & {
        k["kid"] for k in pubblicate}


def test_the_worker_renews_chains_before_they_expire_and_pages_read_the_cache(client, op, configurato,
                                                                               rete_fiducia):
    from civico.core import estensioni

    assert federazione.rinnovatore in estensioni.fili()  # started by `civico worker`
    assert federazione.rinnova_catene() == [op.issuer]  # not cached yet: resolved now
    assert federazione.rinnova_catene() == []  # fresh: nothing to do, nothing fetched
    chiesto = len(rete_fiducia.ta.richieste)
    CatenaFiducia.objects.update(scade_il=timezone.now() + timedelta(minutes=10))  # about to expire
    assert federazione.rinnova_catene() == [op.issuer] and len(rete_fiducia.ta.richieste) > chiesto
    assert CatenaFiducia.objects.get(entity_id=op.issuer).scade_il > timezone.now() + timedelta(minutes=30)
    # The sign-in page then shows the provider without asking the federation.
    chiesto = len(rete_fiducia.ta.richieste)
    assert pulsante(client, configurato[1]) and len(rete_fiducia.ta.richieste) == chiesto
    # A provider dropped by its superior: the renewal caches the refusal, and the button goes.
    rete_fiducia.intermedio.subordinati.pop(op.issuer)
    CatenaFiducia.objects.update(scade_il=timezone.now())
    assert federazione.rinnova_catene() == [op.issuer]
    assert CatenaFiducia.objects.get(entity_id=op.issuer).errore and not pulsante(client, configurato[1])
