"""Configurazione → Identità digitale: the ente's administrator chooses between the comune's own
SPID/CIE access and the platform's (aggregator), fills the organisation data AgID publishes and
the providers offered; the keys are made by a command and the page shows only their public side."""

from __future__ import annotations

import html as html_lib
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from civico.accounts.models import CatenaFiducia, LivelloSpid, ProviderIdentita, RelyingParty, Ruolo
from tests import factories

pytestmark = pytest.mark.django_db

PAGINA = "/backoffice/configurazione/alessandria/identita-digitale/"
DOMINIO = "segnalazioni.comune.alessandria.it"
CLIENT_ID = f"https://{DOMINIO}/oidc/rp"
IDP = "https://idp.example.org"
CIE = "https://cie.example.org"
# Alessandria's real VAT number and fiscal code (the same 11 digits, valid check digit).
PIVA = "00429440068"


@pytest.fixture
def nazionale(db):
    """The platform's relying party with the providers a comune may offer."""
    rp = RelyingParty.objects.create(client_id="https://civico.example.org/oidc/rp")
    ProviderIdentita.objects.create(relying_party=rp, tipo="spid", nome="IdP di prova", issuer=IDP)
    ProviderIdentita.objects.create(relying_party=rp, tipo="cie", nome="CIE id", issuer=CIE)
    return rp


def dati(**altro) -> dict:
    base = {"modalita": "piattaforma", "client_id": CLIENT_ID, "livello": LivelloSpid.L2.value,
            "nome_organizzazione": "Comune di Alessandria", "codice_ipa": "c_a182", "partita_iva": PIVA,
            "codice_fiscale_ente": PIVA, "email_contatto": "ced@comune.alessandria.it",
            "telefono_contatto": "+39 0131 515111", "attributi": ["name", "familyName", "fiscalNumber", "email"],
            "provider": [IDP, CIE]}
    return {**base, **altro}


def html(risposta) -> str:
    return html_lib.unescape(risposta.content.decode())


def errore_di(pagina: str, campo: str) -> str:
    """The error Django renders inside the field's own group."""
    return pagina.split(f'id="id_{campo}_error"')[1].split("</div>")[0]


def test_from_the_platform_to_the_comune_s_own_access(client, come, persone, nazionale, alessandria, settings):
    come(persone.amministratore)
    pagina = html(client.get(PAGINA))
    assert "Identità digitale (SPID e CIE)" in pagina
    assert "Il comune usa l'accesso della piattaforma (aggregatore)" in pagina and nazionale.client_id in pagina
    assert 'value="c_a182"' in pagina and 'value="Comune di Alessandria"' in pagina  # a comune's usual data
    assert "SPID · IdP di prova" in pagina and "CIE · CIE id" in pagina
    assert "civico genera_chiavi_identita alessandria" in pagina  # no keys yet, and how to make them

    # Data saved while still through the platform: kept, inactive.
    salvata = client.post(PAGINA, dati(), follow=True)
    assert "Impostazioni dell'identità digitale salvate." in html(salvata)
    rp = RelyingParty.objects.get(ente=alessandria)
    assert not rp.attivo and rp.codice_ipa == "c_a182" and rp.partita_iva == PIVA
    assert "Il comune usa l'accesso della piattaforma (aggregatore)" in html(salvata)
    assert f'value="{CLIENT_ID}"' in html(salvata)
    hints = html(client.post(PAGINA, dati(authority_hints=" https://registry.spid.gov.it \n\n"), follow=True))
    assert ">\nhttps://registry.spid.gov.it</textarea>" in hints
    assert RelyingParty.objects.get(ente=alessandria).authority_hints == ["https://registry.spid.gov.it"]

    # Own access: refused without keys and without the comune's domain, every value still there.
    rifiutata = html(client.post(PAGINA, dati(modalita="propria", telefono_contatto="0131 1")))
    assert "Il comune non ha un dominio dedicato" in rifiutata and "Mancano le chiavi" in rifiutata
    assert 'value="0131 1"' in rifiutata and f'value="{CLIENT_ID}"' in rifiutata
    assert not RelyingParty.objects.get(ente=alessandria).attivo

    uscita = StringIO()
    call_command("genera_chiavi_identita", "alessandria", stdout=uscita)
    rp.refresh_from_db()
    chiavi = rp.chiavi_private["keys"]
    con_chiavi = html(client.get(PAGINA))
    for chiave in chiavi:
        assert chiave["kid"] in uscita.getvalue() and chiave["kid"] in con_chiavi
        for privato in ("d", "p", "q", "dp", "dq", "qi"):  # never the private part, anywhere
            assert chiave[privato] not in con_chiavi and chiave[privato] not in uscita.getvalue()
    assert "Impronta SHA-256" in con_chiavi and "firma" in con_chiavi and "cifratura" in con_chiavi

    alessandria.dominio = DOMINIO
    alessandria.save()
    attivata = html(client.post(PAGINA, dati(modalita="propria", provider=[CIE]), follow=True))
    assert "Il comune usa il proprio accesso" in attivata and f"sul dominio {DOMINIO}" in attivata
    rp.refresh_from_db()
    assert rp.attivo and list(rp.provider.filter(attivo=True).values_list("issuer", flat=True)) == [CIE]
    # On the comune's domain the sign-in page now offers the comune's own provider only (its trust
    # chain taken as resolved: the federation itself is tested in tests/accounts/test_federazione.py).
    CatenaFiducia.objects.create(entity_id=CIE, scade_il=timezone.now() + timedelta(hours=1), metadati={
        "issuer": CIE, "authorization_endpoint": f"{CIE}/authorize", "token_endpoint": f"{CIE}/token",
        "userinfo_endpoint": f"{CIE}/userinfo", "jwks": {"keys": []}})
    settings.ALLOWED_HOSTS = ["testserver", DOMINIO]
    client.logout()
    accesso = client.get("/area-personale/", HTTP_HOST=DOMINIO).content.decode()
    cie_comune = rp.provider.get(issuer=CIE)
    assert f'href="/area-personale/spid-cie/{cie_comune.pk}/"' in accesso and "IdP di prova" not in accesso

    # And back to the platform: the data stay, switched off.
    come(persone.amministratore)
    tornata = html(client.post(PAGINA, dati(modalita="piattaforma"), follow=True))
    assert "Il comune usa l'accesso della piattaforma (aggregatore)" in tornata
    assert not RelyingParty.objects.get(ente=alessandria).attivo and rp.provider.count() == 2


@pytest.mark.parametrize(("campo", "valore", "messaggio"), [
    ("client_id", "http://segnalazioni.comune.alessandria.it/rp", "L'identificativo deve essere un indirizzo https"),
    ("client_id", "non un indirizzo", "L'identificativo deve essere un indirizzo https"),
    ("codice_ipa", "c a182!", "Il codice IPA ha da 2 a 20 caratteri"),
    ("partita_iva", "00429440069", "La partita IVA non è valida: la cifra di controllo"),
    ("partita_iva", "0042944006", "La partita IVA ha 11 cifre."),
    ("codice_fiscale_ente", "0042944006X", "Il codice fiscale dell'ente ha 11 cifre."),
    ("codice_fiscale_ente", "00429440060", "Il codice fiscale dell'ente non è valido"),
    ("email_contatto", "ced@", "L'indirizzo e-mail non è valido."),
    ("telefono_contatto", "chiamare il CED", "Il telefono può contenere solo cifre"),
    ("authority_hints", "registry.spid.gov.it", "Ogni superiore della federazione è un indirizzo https"),
    ("authority_hints", "https://registry.spid.gov.it\nhttp://aggregatore.example.org", "uno per riga"),
    ("trust_mark", "non-un-jwt", "Incolla il trust mark così come l'hai ricevuto"),
    ("trust_mark", "eyJhbGciOiJSUzI1NiJ9.e30.firma", "Il trust mark non è stato accettato"),
])
def test_a_wrong_value_is_explained_next_to_its_field_and_nothing_is_lost(client, come, persone, nazionale,
                                                                          campo, valore, messaggio):
    come(persone.amministratore)
    risposta = client.post(PAGINA, dati(**{campo: valore}))
    pagina = html(risposta)
    assert risposta.status_code == 200 and messaggio in errore_di(pagina, campo)
    assert not RelyingParty.objects.filter(ente__slug="alessandria").exists()
    ricompilato = f'value="{valore}"' if campo not in ("authority_hints", "trust_mark") else f">\n{valore}</textarea>"
    assert ricompilato in pagina and 'value="Comune di Alessandria"' in pagina  # all typed, re-shown


def test_own_access_needs_the_organisation_data_and_the_fiscal_code_attribute(client, come, persone, nazionale):
    come(persone.amministratore)
    pagina = html(client.post(PAGINA, dati(modalita="propria", client_id="", nome_organizzazione="", codice_ipa="",
                                            partita_iva="", codice_fiscale_ente="", email_contatto="",
                                            attributi=["name"], provider=[])))
    assert "Indica l'identificativo (entity id)" in errore_di(pagina, "client_id")
    assert "Indica il codice IPA" in errore_di(pagina, "codice_ipa")
    assert "Indica il codice fiscale dell'ente o la sua partita IVA." in errore_di(pagina, "codice_fiscale_ente")
    assert "Indica un'e-mail di contatto tecnico." in errore_di(pagina, "email_contatto")
    assert "Il codice fiscale va sempre richiesto" in errore_di(pagina, "attributi")
    assert "Scegli almeno un gestore di identità" in errore_di(pagina, "provider")
    assert re.search(r'value="name"[^>]*checked', pagina) and not re.search(r'value="email"[^>]*checked', pagina)
    assert not RelyingParty.objects.filter(ente__slug="alessandria").exists()


def test_another_ente_s_identifier_is_refused(client, come, persone, nazionale):
    come(persone.amministratore)
    pagina = html(client.post(PAGINA, dati(client_id=nazionale.client_id)))
    assert "già usato da un altro ente o dalla piattaforma" in errore_di(pagina, "client_id")


def test_the_page_in_english(client, come, persone, nazionale):
    come(persone.amministratore)
    pagina = html(client.get(PAGINA, headers={"Accept-Language": "en"}))
    assert "Digital identity (SPID and CIE)" in pagina
    assert "The comune uses the platform's sign-in (aggregator)" in pagina
    assert "Surname" in pagina and "Fiscal code" in pagina and "Place of birth" in pagina
    errore = html(client.post(PAGINA, dati(partita_iva="00429440069"), headers={"Accept-Language": "en"}))
    assert "The VAT number is not valid: its check digit (the last one) does not match." in errore


@pytest.mark.parametrize("ruolo", ["operatore", "responsabile", "sindaco", "osservatore"])
def test_staff_who_are_not_administrators_are_refused(client, come, persone, nazionale, ruolo):
    come(getattr(persone, ruolo))
    assert client.get(PAGINA).status_code == 403
    assert client.post(PAGINA, dati()).status_code == 403
    assert not RelyingParty.objects.filter(ente__slug="alessandria").exists()


def test_another_comune_s_administrator_is_refused(client, come, persone, casale):
    come(factories.staff("cm.admin", Ruolo.ENTE_ADMIN, casale))
    assert client.get(PAGINA).status_code == 403
    assert "Identità digitale (SPID e CIE)" in client.get(
        f"/backoffice/configurazione/{casale.slug}/identita-digitale/").content.decode()


def test_the_page_needs_the_second_factor(client, persone):
    client.force_login(persone.amministratore)  # password only
    risposta = client.get(PAGINA)
    assert risposta.status_code == 302 and "/backoffice/accedi/" in risposta["Location"]


def test_the_command_replaces_keys_only_when_asked(alessandria):
    with pytest.raises(CommandError, match="Nessun relying party"):
        call_command("genera_chiavi_identita", "alessandria", stdout=StringIO())
    rp = RelyingParty.objects.create(ente=alessandria, client_id=CLIENT_ID, attivo=False)
    call_command("genera_chiavi_identita", "alessandria", stdout=StringIO())
    rp.refresh_from_db()
    prime = [k["kid"] for k in rp.chiavi_private["keys"]]

    with pytest.raises(CommandError, match="--sostituisci"):
        call_command("genera_chiavi_identita", "alessandria", stdout=StringIO())
    rp.refresh_from_db()
    assert [k["kid"] for k in rp.chiavi_private["keys"]] == prime

    uscita = StringIO()
    call_command("genera_chiavi_identita", "alessandria", "--sostituisci", stdout=uscita)
    rp.refresh_from_db()
    nuove = [k["kid"] for k in rp.chiavi_private["keys"] if k["kid"] not in prime]
    federazione = [k["kid"] for k in rp.chiavi_federazione["keys"]]
    assert len(nuove) == 2 and len(federazione) == 2  # one new federation key beside the old one
    assert all(kid in uscita.getvalue() for kid in nuove)
    # Replaced by rotation: the old keys stay published for the grace period, then go.
    assert [k["kid"] for k in rp.chiavi_private["keys"]][:2] == nuove
    assert set(prime) <= set(rp.chiavi_in_uscita)
    with pytest.raises(CommandError, match="--piattaforma"):
        call_command("genera_chiavi_identita", stdout=StringIO())
