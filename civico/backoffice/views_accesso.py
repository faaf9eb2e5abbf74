"""Sign-in pages: password, then the TOTP code (or enrolling an authenticator app, after the
e-mailed link), sign-out."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from civico.accounts.permissions import ha_incarichi
from civico.backoffice import accesso
from civico.backoffice.forms import FormAccesso, FormCodice
from civico.backoffice.sessione import SCADUTA


def _pagina_bloccato(request: HttpRequest) -> HttpResponse:
    return render(request, "backoffice/accesso/bloccato.html",
                  {"minuti": accesso.minuti_di_blocco(request)}, status=403)


def _errore_codice(esito: str, sbagliato: str) -> str:
    if esito == "attendi":
        return _("Troppi codici sbagliati di seguito: attendi qualche secondo e scrivi il codice che vedi adesso.")
    return sbagliato


def _prova_codice(request: HttpRequest, form: FormCodice, utente, device, sbagliato: str) -> str:
    """The code of a valid form: "bloccato" (show the locked page), "ok" (signed in) or "errore"
    (the reason is on the form)."""
    if accesso.bloccato(request, utente.get_username()):
        return "bloccato"
    esito = accesso.verifica_codice(request, utente, device, form.cleaned_data["codice"])
    if esito == "ok":
        accesso.completa_accesso(request, utente, device)
        return "ok"
    if accesso.appena_bloccato(request):
        return "bloccato"
    form.add_error("codice", _errore_codice(esito, sbagliato))
    return "errore"


def _con_next(nome: str, prossima: str) -> str:
    return f"{reverse(nome)}?{urlencode({'next': prossima})}"


def _invia_link(request: HttpRequest, utente) -> None:
    """Send the enrolment link and say what happened (the page itself says where to look)."""
    esito = accesso.invia_link_attivazione(utente)
    if esito == "troppi":
        messages.info(request, _("Ti abbiamo già inviato da poco un link di attivazione: controlla la posta "
                                 "(anche lo spam) o riprova tra qualche minuto."))
    elif esito == "errore":
        messages.error(request, _("Non è stato possibile inviare l'e-mail di attivazione: riprova tra qualche "
                                  "minuto."))


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def accedi(request: HttpRequest) -> HttpResponse:
    prossima = accesso.destinazione(request, request.POST.get("next") or request.GET.get("next"))
    if accesso.e_staff_verificato(request.user):
        return redirect(prossima)
    if request.session.pop(SCADUTA, False):
        messages.info(request, _("La sessione è scaduta per inattività: accedi di nuovo."))
    form = FormAccesso(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        if accesso.bloccato(request, username):
            return _pagina_bloccato(request)
        utente = authenticate(request, username=username, password=form.cleaned_data["password"])
        if accesso.appena_bloccato(request):
            return _pagina_bloccato(request)
        if utente is None:
            form.add_error(None, _("Nome utente o password non corretti."))
        elif not ha_incarichi(utente):
            form.add_error(None, _("Questo account non ha incarichi presso un comune: il backoffice è riservato "
                                   "al personale degli uffici."))
        else:
            accesso.metti_in_attesa(request, utente)
            if accesso.dispositivo(utente):
                return redirect(_con_next("backoffice:codice", prossima))
            if accesso.dispositivo_in_attivazione(request, utente) is None:
                _invia_link(request, utente)  # the password alone never enrols a device
            return redirect(_con_next("backoffice:attiva", prossima))
    return render(request, "backoffice/accesso/accedi.html", {"form": form, "next": prossima},
                  status=400 if form.errors else 200)


@csrf_protect
@never_cache
def codice(request: HttpRequest) -> HttpResponse:
    """Second factor for a person who already has an authenticator app."""
    utente = accesso.in_attesa(request)
    prossima = accesso.destinazione(request, request.POST.get("next") or request.GET.get("next"))
    if utente is None:
        messages.info(request, _("Per sicurezza ricomincia dall'inserimento della password."))
        return redirect(_con_next("backoffice:accedi", prossima))
    device = accesso.dispositivo(utente)
    if device is None:
        return redirect(_con_next("backoffice:attiva", prossima))
    form = FormCodice(request.POST or None)
    if request.method == "POST" and form.is_valid():
        esito = _prova_codice(request, form, utente, device, _("Codice non valido o scaduto: controlla l'ora "
                                                               "del telefono e riprova."))
        if esito == "bloccato":
            return _pagina_bloccato(request)
        if esito == "ok":
            return redirect(prossima)
    return render(request, "backoffice/accesso/codice.html", {"form": form, "next": prossima, "utente": utente},
                  status=400 if form.errors else 200)


@csrf_protect
@never_cache
def attiva(request: HttpRequest) -> HttpResponse:
    """First sign-in: after the password and the e-mailed link, enrol an authenticator app by
    scanning a QR code, then confirm a code. With the password alone: where the link was sent."""
    utente = accesso.in_attesa(request)
    prossima = accesso.destinazione(request, request.POST.get("next") or request.GET.get("next"))
    if utente is None:
        messages.info(request, _("Per sicurezza ricomincia dall'inserimento della password."))
        return redirect(_con_next("backoffice:accedi", prossima))
    if accesso.dispositivo(utente) is not None:
        return redirect(_con_next("backoffice:codice", prossima))
    device = accesso.dispositivo_in_attivazione(request, utente)
    if device is None:
        if request.method == "POST" and "reinvia" in request.POST:
            if not accesso.bloccato(request, utente.get_username()):
                _invia_link(request, utente)
            return redirect(_con_next("backoffice:attiva", prossima))
        contesto = {"next": prossima, "utente": utente, "indirizzo": accesso.indirizzo_mascherato(utente.email)
                    if utente.email else "", "minuti": int(accesso.durata_link().total_seconds() // 60)}
        return render(request, "backoffice/accesso/attiva_email.html", contesto,
                      status=403 if request.method == "POST" else 200)
    form = FormCodice(request.POST or None)
    if request.method == "POST" and form.is_valid():
        esito = _prova_codice(request, form, utente, device, _("Il codice non corrisponde: inquadra di nuovo il "
                                                               "QR code e riprova."))
        if esito == "bloccato":
            return _pagina_bloccato(request)
        if esito == "ok":
            messages.success(request, _("App di autenticazione attivata: d'ora in poi ti chiederemo il suo codice."))
            return redirect(prossima)
    contesto = {
        "form": form, "next": prossima, "utente": utente,
        "qr": accesso.qr_svg(device.config_url), "segreto": accesso.segreto(device),
    }
    return render(request, "backoffice/accesso/attiva.html", contesto, status=400 if form.errors else 200)


@csrf_protect
@never_cache
def attiva_link(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed enrolment link. Opening it changes nothing (mail scanners open links too); the
    button on the page spends it, then the password (if not typed in this browser yet) and the QR code."""
    try:
        if request.method != "POST":
            utente = accesso.utente_del_link(token)
            return render(request, "backoffice/accesso/attiva_link.html", {"utente": utente, "token": token})
        utente = accesso.usa_link(request, token)
    except accesso.LinkNonValido as errore:
        return render(request, "backoffice/accesso/attiva_link.html", {"errore": errore}, status=400)
    in_attesa = accesso.in_attesa(request)
    if in_attesa is not None and in_attesa.pk == utente.pk:
        return redirect("backoffice:attiva")
    messages.info(request, _("Indirizzo e-mail confermato: scrivi la password per attivare l'app di autenticazione."))
    return redirect("backoffice:accedi")


@require_POST
@csrf_protect
def esci(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("Sei uscito dal backoffice."))
    return redirect("backoffice:accedi")
