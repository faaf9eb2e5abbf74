"""Pages of the personal area `/area-personale/`. Thin: parse, call `area`/`area_accesso`, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from civico.core import limiti
from civico.errors import DomainError
from civico.portale import area, area_accesso, views_saml
from civico.portale.forms_flusso import AccessoEmailForm

LINK_PER_IP = 10  # in ten minutes
LINK_PER_EMAIL = 3


def _sicuro(request: HttpRequest, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return reverse("portale:area")


@never_cache
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return _accesso(request, AccessoEmailForm(initial={"next": request.GET.get("next", "")}))
    return render(request, "portale/area/home.html", {
        "mie": area.mie_segnalazioni(request.user)[:100],
        "seguite": area.seguite(request.user)[:100],
        "email_confermate": area.email_confermate(request.user),
    })


def _accesso(request: HttpRequest, form: AccessoEmailForm, status: int = 200) -> HttpResponse:
    metodi = [m for m in area_accesso.METODI if m.disponibile()]
    return render(request, "portale/area/accesso.html", {"form": form, "metodi": metodi}, status=status)


@never_cache
@require_POST
def accedi(request: HttpRequest) -> HttpResponse:
    form = AccessoEmailForm(request.POST)
    if not form.is_valid():
        return _accesso(request, form, status=400)
    email = area_accesso.normalizza(form.cleaned_data["email"])
    ip = request.META.get("REMOTE_ADDR", "")
    if limiti.verifica("accesso_email", ip=ip, email=email):  # CIVICO["LIMITI"] can change them
        form.add_error("email", _("Hai chiesto troppi link: riprova tra qualche minuto."))
        return _accesso(request, form, status=429)
    dopo = _sicuro(request, form.cleaned_data.get("next", ""))
    area_accesso.LINK_EMAIL.invia(
        email, lambda token: request.build_absolute_uri(reverse("portale:area_link", args=[token])), dopo=dopo
    )
    # The same answer whether or not an account exists: nobody learns who uses Civico.
    return render(request, "portale/area/link_inviato.html", {"email": email})


@never_cache
def link(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm (mail scanners open links); POST signs in and uses the link up."""
    if request.method != "POST":
        response = render(request, "portale/area/conferma_accesso.html", {"token": token})
        response["Referrer-Policy"] = "same-origin"  # not no-referrer: its POST needs an Origin
        return response
    try:
        identita, dopo = area_accesso.LINK_EMAIL.verifica(token)
        area_accesso.completa_accesso(request, identita)
    except DomainError as exc:
        return render(request, "portale/area/conferma_accesso.html", {"errore": str(exc)}, status=400)
    messages.success(request, _("Hai effettuato l'accesso come %(email)s.") % {"email": identita.email})
    return redirect(_sicuro(request, dopo))


@require_POST
def esci(request: HttpRequest) -> HttpResponse:
    if request.session.get(views_saml.SESSIONE_IDP):
        return views_saml.esci(request)  # signed in through a SAML IdP: out there too
    logout(request)
    return redirect("/")
