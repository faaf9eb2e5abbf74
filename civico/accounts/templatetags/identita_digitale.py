"""`{% pulsanti_spid_cie %}`: the SPID and CIE buttons for the relying party of this request."""

from __future__ import annotations

from django import template

from civico.accounts import identita_digitale
from civico.accounts.models import TipoIdentita

register = template.Library()


@register.inclusion_tag("accounts/_pulsanti_spid_cie.html", takes_context=True)
def pulsanti_spid_cie(context, dopo: str = "") -> dict:
    request = context["request"]
    rp = identita_digitale.relying_party(request)
    return {
        "spid": identita_digitale.offerti(rp, TipoIdentita.SPID),
        "cie": identita_digitale.offerti(rp, TipoIdentita.CIE),
        "spid_saml": identita_digitale.idp_saml(rp, "spid"),
        "cie_saml": identita_digitale.idp_saml(rp, "cie"),
        "dopo": dopo or request.GET.get("next", ""),
    }


@register.inclusion_tag("accounts/_informative_dei_comuni.html")
def informative_dei_comuni() -> dict:
    """Links to each active comune's generated notice (for the general privacy page)."""
    from civico.enti.models import Ente

    return {"enti": Ente.objects.filter(attivo=True).only("nome", "slug").order_by("nome")}
