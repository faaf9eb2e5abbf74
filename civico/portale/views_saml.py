"""Pages of the SPID/CIE sign-in over SAML2: our metadata, the request to the IdP, the assertion
consumer service, single logout.

Thin: `accounts.saml` speaks the protocol, `area_accesso.completa_accesso` opens the session
(the same path as the OIDC sign-in)."""

from __future__ import annotations

import logging
import time

from django.contrib import messages
from django.contrib.auth import logout
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT

from civico.accounts import identita_digitale, saml
from civico.accounts.models import RelyingParty
from civico.errors import DomainError
from civico.portale import area_accesso
from civico.portale.views_spid import DURATA_S, _errore, aggiungi_in_corso

log = logging.getLogger(__name__)
# The pending AuthnRequests live in their own signed cookie, not in the session: the IdP posts the
# Response from its own site, and the session cookie (SameSite=Lax) is not sent with a cross-site
# POST. This one is SameSite=None (HTTPS only), limited to the SAML paths, and holds only ids,
# the chosen IdP and where to go after; the Response itself is the proof of identity.
IN_CORSO = "civico_saml"
_SALE = "civico.portale.saml-in-corso"
SESSIONE_IDP = "saml_sessione"  # who signed in where: the single logout needs it


def _rp(request: HttpRequest) -> RelyingParty:
    rp = identita_digitale.relying_party(request)
    if not saml.configurato(rp):
        raise Http404(_("Accesso con SPID o CIE non configurato per questo sito."))
    return rp


def indirizzi(request: HttpRequest) -> saml.Indirizzi:
    return saml.Indirizzi(acs=request.build_absolute_uri(reverse("portale:saml_acs")),
                          slo=request.build_absolute_uri(reverse("portale:saml_slo")))


def _verso(request: HttpRequest, richiesta: saml.Richiesta) -> HttpResponse:
    if richiesta.metodo == "POST":
        risposta = render(request, "portale/area/saml_invio.html", {"url": richiesta.url, "campi": richiesta.campi})
        risposta._csp_update = {"form-action": [richiesta.url]}  # this page only posts to the IdP
        return risposta
    return redirect(richiesta.url)


@require_GET
def metadata(request: HttpRequest) -> HttpResponse:
    rp = _rp(request)
    try:
        corpo = saml.metadata(rp, indirizzi(request))
    except DomainError as exc:
        return _errore(request, str(exc), status=503)
    return HttpResponse(corpo, content_type="application/samlmetadata+xml")


@never_cache
@require_GET
def avvia(request: HttpRequest) -> HttpResponse:
    rp = _rp(request)
    try:
        richiesta = saml.inizia(rp, request.GET.get("idp", ""), indirizzi(request))
    except DomainError as exc:
        return _errore(request, str(exc), status=400)
    risposta = _verso(request, richiesta)
    _conserva(request, risposta, aggiungi_in_corso(request, _in_corso(request), richiesta.id, richiesta.stato))
    return risposta


def _in_corso(request: HttpRequest) -> dict:
    try:
        in_corso = signing.loads(request.COOKIES.get(IN_CORSO, ""), salt=_SALE, max_age=DURATA_S)
    except signing.BadSignature:
        return {}
    return {k: v for k, v in in_corso.items() if v.get("creato", 0) > time.time() - DURATA_S}


def _conserva(request: HttpRequest, risposta: HttpResponse, in_corso: dict) -> None:
    sicuro = request.is_secure()
    # signing.dumps is URL-safe: no quoting for cookie jars to disagree on.
    risposta.set_cookie(
        IN_CORSO, signing.dumps(in_corso, salt=_SALE, compress=True), max_age=DURATA_S,
        path=reverse("portale:saml_avvia").rsplit("/", 2)[0] + "/", httponly=True,
        secure=sicuro, samesite="None" if sicuro else "Lax",  # plain HTTP (development): same-site IdPs only
    )


@csrf_exempt  # the IdP posts here from its own site; the signed Response is the proof
@never_cache
@require_POST
def acs(request: HttpRequest) -> HttpResponse:
    rp = _rp(request)
    in_corso = _in_corso(request)
    try:
        ident, dati = saml.completa(rp, indirizzi(request), request.POST.get("SAMLResponse", ""), in_corso)
        stato = in_corso.pop(ident)
        identita = area_accesso.Identita(
            email=dati.email, metodo=dati.tipo, email_verificata=bool(dati.email),
            nome=dati.nome, cognome=dati.cognome, codice_fiscale=dati.codice_fiscale,
        )
        area_accesso.completa_accesso(request, identita)
    except DomainError as exc:
        log.info("accesso SAML non riuscito: %s", getattr(exc, "code", "errore"))
        return _errore(request, str(exc))
    request.session[SESSIONE_IDP] = {"idp": dati.idp, "name_id": dati.name_id, "session_index": dati.session_index}
    messages.success(request, _("Hai effettuato l'accesso con %(tipo)s.") % {"tipo": dati.tipo.upper()})
    risposta = redirect(stato.get("dopo") or reverse("portale:area"))
    _conserva(request, risposta, in_corso)  # this request is answered: never again
    return risposta


def esci(request: HttpRequest) -> HttpResponse:
    """Sign out here and, when the citizen came through a SAML IdP, there too (SP-initiated SLO).
    Called by the personal area's sign-out (`views_area.esci`, POST only)."""
    dati = request.session.get(SESSIONE_IDP)
    rp = identita_digitale.relying_party(request)
    logout(request)
    if not dati or not saml.configurato(rp):
        return redirect("/")
    try:
        return _verso(request, saml.esci(rp, indirizzi(request), dati))
    except DomainError:
        return redirect("/")


@csrf_exempt  # the IdP sends LogoutRequest/LogoutResponse from its own site, signed
@never_cache
@require_http_methods(["GET", "POST"])
def slo(request: HttpRequest) -> HttpResponse:
    rp = _rp(request)
    dati = request.POST if request.method == "POST" else request.GET
    binding = BINDING_HTTP_POST if request.method == "POST" else BINDING_HTTP_REDIRECT
    firma = {"sigalg": dati.get("SigAlg"), "firma": dati.get("Signature")}
    if "SAMLResponse" in dati:
        if saml.esito_uscita(rp, indirizzi(request), binding, dati["SAMLResponse"], **firma):
            messages.success(request, _("Sei uscito anche dal gestore dell'identità."))
        return redirect("/")
    if "SAMLRequest" in dati:
        try:
            risposta = saml.rispondi_uscita(rp, indirizzi(request), binding, dati["SAMLRequest"],
                                            dati.get("RelayState", ""), **firma)
        except DomainError as exc:
            return _errore(request, str(exc))
        logout(request)
        return _verso(request, risposta)
    return _errore(request, _("Richiesta di uscita non riconosciuta."))
