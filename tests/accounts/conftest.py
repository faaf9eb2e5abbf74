"""Fixtures of the SPID/CIE tests: a local federation (trust anchor and intermediate shared by a
module, providers per test) and the national relying party registered in it."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from civico.accounts import rotazione_chiavi
from civico.accounts.models import ProviderIdentita, RelyingParty, TrustAnchor
from tests.accounts.federazione_locale import Autorita, ProviderLocale

CLIENT_ID = "https://civico.example.org/oidc/rp"
CONFIGURAZIONE_RP = "/oidc/rp/.well-known/openid-federation"


@pytest.fixture(scope="module")
def autorita():
    ta, intermedio = Autorita(), Autorita()
    yield ta, intermedio
    ta.chiudi()
    intermedio.chiudi()


@pytest.fixture(scope="module")
def chiavi_rp():
    """RSA key generation is the slow part: one set of relying-party keys per module."""
    return rotazione_chiavi.genera_chiavi(), rotazione_chiavi.genera_chiavi_federazione()


@pytest.fixture
def rete_fiducia(autorita, settings):
    """Trust anchor ← intermediate, reset for each test. Everything listens on loopback."""
    settings.CIVICO = {**settings.CIVICO, "RETE_LOCALE": True}
    ta, intermedio = autorita
    ta.azzera()
    intermedio.azzera()
    intermedio.authority_hints = [ta.entity_id]
    ta.subordinati[intermedio.entity_id] = {"jwks": intermedio.pubbliche()}
    return SimpleNamespace(ta=ta, intermedio=intermedio)


def iscrivi(rete_fiducia, provider: ProviderLocale, superiore: Autorita | None = None) -> None:
    """Onboard a provider: the superior's statement about it, a trust mark from the trust anchor,
    a line in the trust anchor's list."""
    superiore = superiore or rete_fiducia.intermedio
    provider.authority_hints = [superiore.entity_id]
    superiore.subordinati[provider.issuer] = {"jwks": provider.federazione_pubbliche()}
    provider.trust_marks = [rete_fiducia.ta.trust_mark(provider.issuer)]
    rete_fiducia.ta.elenco.append(provider.issuer)


@pytest.fixture
def op(rete_fiducia):
    """A SPID provider below the intermediate."""
    provider = ProviderLocale()
    iscrivi(rete_fiducia, provider)
    yield provider
    provider.chiudi()


@pytest.fixture
def op_cie(rete_fiducia):
    """The CIE provider, directly below the trust anchor."""
    provider = ProviderLocale(nome="CIE di prova")
    iscrivi(rete_fiducia, provider, rete_fiducia.ta)
    yield provider
    provider.chiudi()


@pytest.fixture
def configurato(op, rete_fiducia, chiavi_rp, client, db):
    """The national portal's relying party, onboarded: trust anchor configured, the SPID provider
    known by entity id only, and the provider registered our entity configuration."""
    TrustAnchor.objects.create(entity_id=rete_fiducia.ta.entity_id, tipo="spid", chiavi=rete_fiducia.ta.pubbliche())
    rp = RelyingParty.objects.create(client_id=CLIENT_ID, chiavi_private=chiavi_rp[0],
                                     chiavi_federazione=chiavi_rp[1], authority_hints=[rete_fiducia.ta.entity_id])
    spid = ProviderIdentita.objects.create(relying_party=rp, tipo="spid", nome="IdP di prova", issuer=op.issuer)
    op.registra_rp(client.get(CONFIGURAZIONE_RP).content.decode())
    return rp, spid


@pytest.fixture
def cie(configurato, op_cie, client):
    provider = ProviderIdentita.objects.create(relying_party=configurato[0], tipo="cie", nome="CIE di prova",
                                               issuer=op_cie.issuer, ordine=1)
    op_cie.registra_rp(client.get(CONFIGURAZIONE_RP).content.decode())
    return provider
