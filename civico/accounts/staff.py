"""The guard of every staff page, whichever app the page lives in (back office, moderation,
staff analytics, the mayor's line…): a signed-in person, verified with the second factor (TOTP),
holding at least one role.

Here, below the apps that have staff pages, so none of them needs to import the back office; the
sign-in itself (password, TOTP, enrolment) is the back office's `accesso` module, reached by URL."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from civico.accounts.permissions import ha_incarichi


def staff_richiesto(vista: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Every staff page: a signed-in, OTP-verified person holding at least one role.

    Not signed in (or signed in elsewhere with a password only) → the sign-in page; signed in and
    verified but without a role → 403.
    """

    @wraps(vista)
    def controllata(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        utente = request.user
        if not utente.is_authenticated or not utente.is_verified():
            accedi = reverse("backoffice:accedi")
            if getattr(request, "htmx", False):
                return HttpResponseClientRedirect(accedi)
            return redirect_to_login(request.get_full_path(), accedi)
        if not ha_incarichi(utente):
            raise PermissionDenied("Nessun incarico nel backoffice")
        return vista(request, *args, **kwargs)

    return controllata
