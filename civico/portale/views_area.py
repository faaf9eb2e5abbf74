"""Pages of the personal area `/area-personale/`. Thin: parse, call `area`/`area_accesso`, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from civico.core import limiti
from civico.errors import DomainError
from civico.portale import area, area_accesso, views_saml
from civico.portale.forms_flusso import AccessoEmailForm, IndirizzoForm

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
    return _home(request, IndirizzoForm())


def _home(request: HttpRequest, form_indirizzo: IndirizzoForm, status: int = 200) -> HttpResponse:
    return render(request, "portale/area/home.html", {
        "mie": area.mie_segnalazioni(request.user)[:100],
        "seguite": area.seguite(request.user)[:100],
        "email_confermate": area.email_confermate(request.user),
        "form_indirizzo": form_indirizzo,
    }, status=status)


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


# --- Another address of a signed-in citizen: its earlier reports become theirs ----------------


@never_cache
@require_POST
def indirizzo(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("portale:area")
    form = IndirizzoForm(request.POST)
    if form.is_valid():
        email = area_accesso.normalizza(form.cleaned_data["email"])
        if limiti.verifica("accesso_email", ip=request.META.get("REMOTE_ADDR", ""), email=email):
            form.add_error("email", _("Hai chiesto troppi link: riprova tra qualche minuto."))
        else:
            area_accesso.CONFERMA_INDIRIZZO.invia(
                request.user, email,
                lambda token: request.build_absolute_uri(reverse("portale:area_conferma_indirizzo", args=[token])))
            messages.success(request, _(
                "Ti abbiamo scritto a %(email)s: apri il link del messaggio, da questo account, per confermare "
                "l'indirizzo e vedere qui le segnalazioni inviate con esso.") % {"email": email})
            return redirect("portale:area")
    return _home(request, form, status=400)


@never_cache
def conferma_indirizzo(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm (mail scanners open links); POST confirms for the signed-in citizen."""
    if not request.user.is_authenticated:
        messages.info(request, _("Accedi all'area personale per confermare l'indirizzo."))
        return redirect(reverse("portale:area") + "?next=" + request.path)
    if request.method != "POST":
        return render(request, "portale/area/conferma_indirizzo.html", {"token": token})
    try:
        email, collegate = area_accesso.CONFERMA_INDIRIZZO.conferma(request.user, token)
    except DomainError as exc:
        return render(request, "portale/area/conferma_indirizzo.html", {"errore": str(exc)}, status=400)
    messages.success(request, ngettext(
        "Indirizzo %(email)s confermato: %(n)d segnalazione inviata con esso è ora nella tua area personale.",
        "Indirizzo %(email)s confermato: %(n)d segnalazioni inviate con esso sono ora nella tua area personale.",
        collegate) % {"email": email, "n": collegate})
    return redirect("portale:area")
