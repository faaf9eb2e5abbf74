"""Who is calling: a staff token, the reporter (private token or session), a client application.

Only identification lives here; what each identity may do is asked of `accounts.permissions`
(through the services, which check it again).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyHeader, HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from civico.accounts import chiavi
from civico.accounts.models import ApplicazioneClient, ScopoToken, Utente
from civico.accounts.permissions import Attore, attore_del_link_privato
from civico.api.errori import NonAutenticato, NonTrovato
from civico.errors import NotAllowed
from civico.segnalazioni import consultazione
from civico.segnalazioni.models import Segnalazione


class TokenStaff(HttpBearer):
    """Token personale di chi lavora per un ente: `Authorization: Bearer cvt_…`."""

    openapi_description = (
        "Token personale del personale dell'ente (`Authorization: Bearer cvt_…`), emesso "
        "dall'amministratore dell'ente nel backoffice (Configurazione → Token API), con un nome, "
        "una persona dello staff, i permessi (`lettura`: elenco e scheda; `scrittura`: le azioni) "
        "e una scadenza. Vale solo per le segnalazioni di quell'ente. Un token revocato, scaduto "
        "o sconosciuto riceve 401; un'operazione fuori dai permessi del token riceve 403."
    )

    def __call__(self, request: HttpRequest) -> Utente:
        utente = super().__call__(request)
        if utente is None:  # no header, or not "Bearer …"
            raise NonAutenticato(_("Serve l'intestazione Authorization: Bearer con un token valido."))
        return utente

    def authenticate(self, request: HttpRequest, token: str) -> Utente:
        trovato = chiavi.token_valido(token.strip())
        if trovato is None:
            raise NonAutenticato(_("Il token non è valido, è scaduto o è stato revocato."))
        scopo = ScopoToken.LETTURA if request.method in ("GET", "HEAD", "OPTIONS") else ScopoToken.SCRITTURA
        if scopo not in trovato.scopi:
            raise NotAllowed(_("Il token non ha il permesso «%(scopo)s».") % {"scopo": scopo.value},
                             code="scope_insufficiente")
        request.token_staff = trovato  # type: ignore[attr-defined]  # its ente bounds what it reaches
        return trovato.utente


def ente_del_token(request: HttpRequest) -> int | None:
    """The ente a staff token was issued for (None: a platform token, bounded by roles only)."""
    token = getattr(request, "token_staff", None)
    return token.ente_id if token is not None else None


class TokenSegnalante(APIKeyHeader):
    """Il token privato della segnalazione, ricevuto alla creazione."""

    param_name = "X-Civico-Token"
    openapi_description = (
        "Il token privato della segnalazione (campo `token` della ricevuta): chi lo possiede "
        "agisce come segnalante di quella sola segnalazione."
    )

    def authenticate(self, request: HttpRequest, key: str | None) -> Segnalazione | None:
        return consultazione.per_token(key.strip()) if key else None


class SessioneCittadino(APIKeyCookie):
    """La sessione del cittadino che ha fatto l'accesso al portale (con verifica CSRF)."""

    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = (
        "Il cookie di sessione del portale. Per le richieste che modificano dati serve anche "
        "l'intestazione `X-CSRFToken` con il valore del cookie `csrftoken`."
    )

    def __call__(self, request: HttpRequest) -> Utente | None:
        # Anonymous callers have no session to forge: only a signed-in one is CSRF-checked.
        if not request.user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise HttpError(403, _("Verifica CSRF non riuscita: invia l'intestazione X-CSRFToken."))
        return self.authenticate(request, request.COOKIES.get(self.param_name))

    def authenticate(self, request: HttpRequest, key: str | None) -> Utente | None:
        return request.user if request.user.is_authenticated else None


class ChiaveApplicazione(APIKeyHeader):
    """La chiave di un'applicazione registrata (la stessa `api_key` di Open311)."""

    param_name = "X-Api-Key"
    openapi_description = (
        "Chiave di un'applicazione registrata da un amministratore dell'ente (la stessa "
        "`api_key` di Open311). Facoltativa: con la chiave il limite di invii è quello dell'applicazione."
    )

    def authenticate(self, request: HttpRequest, key: str | None) -> ApplicazioneClient | None:
        if not key:
            return None
        app = chiavi.applicazione_per_chiave(key.strip())
        if app is None:
            raise NonAutenticato(_("La chiave dell'applicazione non è valida o è stata revocata."))
        return app


ANONIMO = "anonimo"


def anonimo(request: HttpRequest) -> str:
    """The last auth of an operation open to everyone (ninja needs a truthy value)."""
    return ANONIMO


def del_segnalante(request: HttpRequest, codice: str) -> tuple[Segnalazione, Attore]:
    """The report `codice` and the reporter acting on it, by private token or by session."""
    auth: Any = request.auth  # type: ignore[attr-defined]
    if isinstance(auth, Segnalazione):
        if auth.codice != codice.strip().upper():
            raise NotAllowed(_("Il token non corrisponde a questa segnalazione."), code="token_mismatch")
        # A staff member's portal session alongside the token acts as that staff member.
        return auth, attore_del_link_privato(getattr(request, "user", None), auth)
    s = _per_codice(codice)
    if s.segnalante_id != auth.pk:
        raise NotAllowed(_("Solo chi ha fatto la segnalazione può farlo."), code="not_reporter")
    return s, Attore.del_segnalante(auth)


def _per_codice(codice: str) -> Segnalazione:
    s = (
        Segnalazione.objects.select_related("ente", "categoria", "ufficio", "duplicato_di")
        .filter(codice=codice.strip().upper())
        .first()
    )
    if s is None:
        raise NonTrovato(_("Segnalazione non trovata."))
    return s
