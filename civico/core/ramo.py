"""Middleware a call of the JSON API without a session does not need, skipped for it.

A call under /api/v1/ (the browsable docs aside, an HTML page) that carries no session cookie has
no session to load, no signed-in user, second factor or idle staff session, no flash messages, no
htmx and no HTML for a Content-Security-Policy to protect: those middleware, wrapped here, pass it
straight on (its user is the anonymous one, as the authentication middleware would have found).
Every other request, API calls with the session cookie included (the portal's citizen: CSRF is
checked for them, `api.autenticazione.SessioneCittadino`), goes through all of them as before.
Security headers, CSRF, rate limits, the body cap and the honeypot stay on for every request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string

_PREFISSO = "/api/v1/"
_PAGINE_HTML = ("/api/v1/docs",)


def api_senza_sessione(request: HttpRequest) -> bool:
    """Whether this request is a JSON API call that carries no session cookie (worked out once)."""
    esito = getattr(request, "_civico_api_senza_sessione", None)
    if esito is None:
        percorso = request.path_info
        esito = request._civico_api_senza_sessione = (  # type: ignore[attr-defined]
            percorso.startswith(_PREFISSO) and not percorso.startswith(_PAGINE_HTML)
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        )
    return esito


def _solo_con_sessione(percorso: str, *, utente_anonimo: bool = False) -> type:
    """The middleware at `percorso`, skipped for `api_senza_sessione` requests. A subclass (the
    admin's system checks look for the originals), sync only, like the rest of the stack."""
    classe = import_string(percorso)

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        classe.__init__(self, get_response)
        self._seguente = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if api_senza_sessione(request):
            if utente_anonimo:
                request.user = AnonymousUser()
            return self._seguente(request)
        return classe.__call__(self, request)

    attributi: dict[str, Any] = {"__init__": __init__, "__call__": __call__, "__module__": __name__,
                                 "sync_capable": True, "async_capable": False}
    for gancio in ("process_view", "process_exception", "process_template_response"):
        if hasattr(classe, gancio):
            attributi[gancio] = _condizionato(getattr(classe, gancio))
    return type(f"{classe.__name__}SoloConSessione", (classe,), attributi)


def _condizionato(gancio: Callable[..., Any]) -> Callable[..., Any]:
    def condizionato(self: Any, request: HttpRequest, *args: Any) -> Any:
        return None if api_senza_sessione(request) else gancio(self, request, *args)

    return condizionato


CSP = _solo_con_sessione("csp.middleware.CSPMiddleware")
Sessione = _solo_con_sessione("django.contrib.sessions.middleware.SessionMiddleware")
Autenticazione = _solo_con_sessione("django.contrib.auth.middleware.AuthenticationMiddleware", utente_anonimo=True)
InattivitaStaff = _solo_con_sessione("civico.backoffice.sessione.InattivitaStaffMiddleware")
OTP = _solo_con_sessione("django_otp.middleware.OTPMiddleware")
Messaggi = _solo_con_sessione("django.contrib.messages.middleware.MessageMiddleware")
Htmx = _solo_con_sessione("django_htmx.middleware.HtmxMiddleware")
