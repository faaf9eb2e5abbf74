"""Staff sessions end after a working day without a request (`SESSIONE_STAFF_INATTIVA_ORE`).

A staff session is one that passed the second factor (django-otp's device id is in it); citizens
never have one, so their sessions keep Django's own lifetime. The last request's time is written
at most once a minute, so a busy page does not rewrite the session on every request.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django_otp import DEVICE_ID_SESSION_KEY

ULTIMA_ATTIVITA = "staff_ultima_attivita"
SCADUTA = "staff_sessione_scaduta"  # read once by the sign-in page, to say why
AGGIORNA_OGNI_S = 60


def secondi_di_inattivita() -> float:
    return float(settings.CIVICO.get("SESSIONE_STAFF_INATTIVA_ORE", 9)) * 3600


def segna_attivita(request: HttpRequest) -> None:
    request.session[ULTIMA_ATTIVITA] = time.time()


class InattivitaStaffMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.SESSION_COOKIE_NAME in request.COOKIES:  # no cookie: nothing to load
            self._controlla(request)
        return self.get_response(request)

    @staticmethod
    def _controlla(request: HttpRequest) -> None:
        sessione = request.session
        if DEVICE_ID_SESSION_KEY not in sessione:
            return
        adesso = time.time()
        ultima = sessione.get(ULTIMA_ATTIVITA)
        if isinstance(ultima, int | float) and adesso - ultima > secondi_di_inattivita():
            logout(request)  # a new, empty session: nothing of the old one survives
            request.session[SCADUTA] = True
        elif not isinstance(ultima, int | float) or adesso - ultima > AGGIORNA_OGNI_S:
            sessione[ULTIMA_ATTIVITA] = adesso
