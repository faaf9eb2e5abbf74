"""SPID and CIE as a sign-in method of the personal area: which relying party serves a request,
which providers its buttons list. The protocols are in `oidc` and `saml`, the pages in `civico.portale.views_spid`."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.request import split_domain_port
from django.utils.translation import gettext_lazy as _

from civico.accounts import federazione, saml_idp
from civico.accounts.models import ProviderIdentita, RelyingParty, Utente


def relying_party(request: HttpRequest) -> RelyingParty | None:
    """The ente's own relying party on its dedicated domain, otherwise the national portal's."""
    dominio, _porta = split_domain_port(request.get_host())
    attive = RelyingParty.objects.filter(attivo=True).select_related("ente")
    if dominio:
        propria = attive.filter(ente__dominio__iexact=dominio, ente__attivo=True).first()
        if propria is not None:
            return propria
    return attive.filter(ente__isnull=True).first()


def provider(rp: RelyingParty | None, tipo: str | None = None) -> QuerySet[ProviderIdentita]:
    if rp is None:
        return ProviderIdentita.objects.none()
    qs = rp.provider.filter(attivo=True)
    return qs.filter(tipo=tipo) if tipo else qs


def offerti(rp: RelyingParty | None, tipo: str | None = None) -> list[ProviderIdentita]:
    """The providers shown as buttons: the active ones whose trust chain resolves now (a broken
    chain or an invalid trust mark hides the provider; the reason is logged)."""
    return [p for p in provider(rp, tipo) if federazione.affidabile(p)]


def idp_saml(rp: RelyingParty | None, tipo: str) -> list[saml_idp.IdpSaml]:
    """The SAML2 identity providers of the registry, when this relying party has its SAML keys."""
    if rp is None or not rp.saml_certificato:
        return []
    return saml_idp.registrati(tipo)


class AccessoSpidCie:
    """The sign-in method shown before the e-mail link (AgID: digital identity first)."""

    codice = "spid-cie"
    etichetta = _("Entra con SPID o CIE")
    template = "accounts/_accesso_spid_cie.html"

    def disponibile(self) -> bool:
        # Per request the template tag decides what to show; here: is anything configured at all.
        return ProviderIdentita.objects.filter(attivo=True, relying_party__attivo=True).exists() or (
            bool(saml_idp.registrati())
            and RelyingParty.objects.filter(attivo=True).exclude(saml_certificato="").exists()
        )


ACCESSO_SPID_CIE = AccessoSpidCie()


def account_da_identita(codice_fiscale: str, email: str, nome: str, cognome: str) -> Utente:
    """The citizen's account for a digital identity: the one with this codice fiscale, else the
    e-mail-link account of the same (provider-verified) address, else a new one. Name and e-mail
    are refreshed from the identity at every sign-in (once-only: the citizen never types them).
    Call inside a transaction."""
    utente = Utente.objects.select_for_update().filter(codice_fiscale=codice_fiscale).first()
    if utente is None and email:
        utente = Utente.objects.select_for_update().filter(username=email, codice_fiscale="").first()
    if utente is None:
        libero = bool(email) and not Utente.objects.filter(username=email).exists()
        utente = Utente(username=email if libero else f"cf-{codice_fiscale.lower()}")
        utente.set_unusable_password()
    utente.codice_fiscale = codice_fiscale
    utente.first_name, utente.last_name = nome[:150] or utente.first_name, cognome[:150] or utente.last_name
    if email:
        utente.email = email
    utente.save()
    return utente


def dati_certificati(utente: Utente | None) -> dict[str, str]:
    """What SPID/CIE proved about the signed-in citizen (name and codice fiscale, refreshed at each
    sign-in): pages show it read-only and never take it from a form. Empty without an identity."""
    if utente is None or not getattr(utente, "is_authenticated", False) or not utente.codice_fiscale:
        return {}
    return {"nome": utente.get_full_name(), "codice_fiscale": utente.codice_fiscale}
