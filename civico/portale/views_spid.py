"""Pages of the SPID/CIE sign-in: the redirect to the provider, the return, our public keys and
our OpenID Federation entity configuration.

Thin: `oidc` and `federazione` speak the protocols, `area_accesso.completa_accesso` opens the session."""

from __future__ import annotations

import logging
import time
from urllib.parse import urlparse

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from civico.accounts import federazione, identita_digitale, oidc
from civico.accounts.models import ProviderIdentita
from civico.errors import DomainError
from civico.portale import area_accesso

log = logging.getLogger(__name__)
CHIAVE_SESSIONE = "oidc_in_corso"
MAX_IN_CORSO = 5  # sign-ins started in other tabs and not finished
DURATA_S = 600


def _dopo(request: HttpRequest, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return reverse("portale:area")


@never_cache
@require_GET
def avvia(request: HttpRequest, pk: int) -> HttpResponse:
    rp = identita_digitale.relying_party(request)
    provider = identita_digitale.provider(rp).filter(pk=pk).select_related("relying_party").first()
    if provider is None:
        raise Http404(_("Gestore dell'identità non disponibile su questo sito."))
    try:
        richiesta = oidc.inizia(provider, request.build_absolute_uri(reverse("portale:spid_cie_ritorno")))
    except DomainError as exc:
        return _errore(request, str(exc), status=502)
    ricorda(request, CHIAVE_SESSIONE, richiesta.state, richiesta.stato)
    return redirect(richiesta.url)


def ricorda(request: HttpRequest, chiave: str, ident: str, stato: dict) -> None:
    """Keep a started sign-in in the session until its return."""
    request.session[chiave] = aggiungi_in_corso(request, request.session.get(chiave, {}), ident, stato)


def aggiungi_in_corso(request: HttpRequest, in_corso: dict, ident: str, stato: dict) -> dict:
    """The started sign-ins still to return, with this one: a few at most (other tabs), each for
    DURATA_S. `stato` must carry "creato" (epoch seconds)."""
    in_corso = {k: v for k, v in in_corso.items() if v.get("creato", 0) > time.time() - DURATA_S}
    in_corso = dict(sorted(in_corso.items(), key=lambda kv: kv[1]["creato"])[-(MAX_IN_CORSO - 1):])
    in_corso[ident] = {**stato, "dopo": _dopo(request, request.GET.get("next", ""))}
    return in_corso


@never_cache
@require_GET
def ritorno(request: HttpRequest) -> HttpResponse:
    in_corso = request.session.get(CHIAVE_SESSIONE, {})
    stato = in_corso.pop(request.GET.get("state", ""), None)
    request.session[CHIAVE_SESSIONE] = in_corso
    if stato is None or stato.get("creato", 0) < time.time() - DURATA_S:
        return _errore(request, _("La richiesta di accesso è scaduta o non è partita da qui: riprova."))
    if request.GET.get("error"):
        # The citizen cancelled, or the provider refused: say so, without echoing its text.
        return _errore(request, _("L'accesso è stato annullato o rifiutato dal gestore dell'identità."))
    provider = ProviderIdentita.objects.select_related("relying_party").filter(pk=stato["provider"]).first()
    if provider is None or not request.GET.get("code"):
        return _errore(request, _("La risposta del gestore dell'identità non è completa: riprova."))
    try:
        dati = oidc.completa(provider, stato, request.GET["code"])
        if not dati.codice_fiscale:
            raise oidc.AccessoNonRiuscito(_("Il gestore dell'identità non ha indicato il codice fiscale."))
        identita = area_accesso.Identita(
            email=dati.email, metodo=provider.tipo, email_verificata=bool(dati.email),
            nome=dati.nome, cognome=dati.cognome, codice_fiscale=dati.codice_fiscale,
        )
        area_accesso.completa_accesso(request, identita)
    except DomainError as exc:
        log.info("accesso %s non riuscito: %s", provider.tipo, getattr(exc, "code", "errore"))
        return _errore(request, str(exc))
    messages.success(request, _("Hai effettuato l'accesso con %(tipo)s.") % {"tipo": provider.get_tipo_display()})
    return redirect(stato.get("dopo") or reverse("portale:area"))


def _errore(request: HttpRequest, testo: str, status: int = 400) -> HttpResponse:
    return render(request, "portale/area/accesso_non_riuscito.html", {"errore": testo}, status=status)


@require_GET
def chiavi(request: HttpRequest) -> JsonResponse:
    """The relying party's `jwks_uri`: providers check our signatures and encrypt to us with it."""
    rp = identita_digitale.relying_party(request)
    if rp is None:
        raise Http404(_("Accesso con SPID o CIE non configurato per questo sito."))
    return JsonResponse(oidc.chiavi_pubbliche(rp), content_type="application/jwk-set+json")


@require_GET
def configurazione_federazione(request: HttpRequest, prefisso: str = "") -> HttpResponse:
    """`<entity id>/.well-known/openid-federation`: this site's relying party, signed with its
    federation key. The entity id is the site's address (or a path on it)."""
    rp = identita_digitale.relying_party(request)
    if rp is None or not rp.chiavi_federazione.get("keys"):
        raise Http404(_("Accesso con SPID o CIE non configurato per questo sito."))
    if prefisso.strip("/") != urlparse(rp.client_id).path.strip("/"):
        raise Http404(_("Accesso con SPID o CIE non configurato per questo sito."))
    token = federazione.configurazione_rp(
        rp, redirect_uri=request.build_absolute_uri(reverse("portale:spid_cie_ritorno")),
        chiavi_core=oidc.chiavi_pubbliche(rp), homepage=request.build_absolute_uri("/"),
        policy_uri=request.build_absolute_uri(reverse("portale:privacy")),
    )
    return HttpResponse(token, content_type="application/entity-statement+jwt")
