"""/dev/posta/: the mail the development catcher (civico.core.posta_sviluppo) kept, sign-in
links included. A page of the portal, since who may read it is a question of roles (accounts)."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from civico.accounts.permissions import e_amministratore_piattaforma
from civico.core import posta_sviluppo as posta


@never_cache
def posta_sviluppo(request: HttpRequest) -> HttpResponse:
    """With DEBUG or for a platform administrator, never in production."""
    if settings.PRODUCTION or not (settings.DEBUG or e_amministratore_piattaforma(request.user)):
        raise Http404
    return render(request, "portale/posta_sviluppo.html", {"messaggi": posta.messaggi()})
