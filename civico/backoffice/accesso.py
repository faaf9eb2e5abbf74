"""Staff sign-in: password, then a TOTP code (django-otp), throttled by django-axes.

The password alone never signs anyone in: it only puts the person "in attesa" in the session for
a few minutes. Django's `login()` runs after the second factor, so a half-finished sign-in grants
nothing anywhere on the site (the admin included).
"""

from __future__ import annotations

import io
import time
from base64 import b32encode
from datetime import timedelta
from functools import wraps
from typing import Any

import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth import get_user_model, login, user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django_htmx.http import HttpResponseClientRedirect
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from civico.accounts.models import Utente
from civico.accounts.permissions import ha_incarichi

IN_ATTESA = "backoffice_in_attesa"
SECONDI_ATTESA = 300  # time to type the code after the password
NOME_DISPOSITIVO = "Civico"


def metti_in_attesa(request: HttpRequest, utente: Utente) -> None:
    """The password was right: remember who, until the second factor (or the deadline)."""
    request.session[IN_ATTESA] = {
        "id": utente.pk,
        "backend": getattr(utente, "backend", settings.AUTHENTICATION_BACKENDS[-1]),
        "fino": time.time() + SECONDI_ATTESA,
    }


def in_attesa(request: HttpRequest) -> Utente | None:
    dati = request.session.get(IN_ATTESA)
    if not dati or dati.get("fino", 0) < time.time():
        request.session.pop(IN_ATTESA, None)
        return None
    utente = get_user_model().objects.filter(pk=dati["id"], is_active=True).first()
    if utente is not None:
        utente.backend = dati["backend"]
    return utente


def dispositivo(utente: Utente) -> TOTPDevice | None:
    """The person's confirmed authenticator app, if they enrolled one."""
    return TOTPDevice.objects.filter(user=utente, confirmed=True).order_by("id").first()


def dispositivo_da_attivare(utente: Utente) -> TOTPDevice:
    """The device being enrolled: the same secret on every reload until it is confirmed."""
    nuovo = TOTPDevice.objects.filter(user=utente, confirmed=False).order_by("id").first()
    return nuovo or TOTPDevice.objects.create(user=utente, name=NOME_DISPOSITIVO, confirmed=False)


def segreto(device: TOTPDevice) -> str:
    """The secret as authenticator apps want it typed: base32, in groups of four."""
    testo = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(testo[i : i + 4] for i in range(0, len(testo), 4))


def qr_svg(testo: str) -> SafeString:
    """An inline SVG QR code (no file, no external service sees the secret)."""
    immagine = qrcode.make(testo, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    uscita = io.BytesIO()
    immagine.save(uscita)
    svg = uscita.getvalue().decode()
    return mark_safe(svg[svg.index("<svg") :])  # drop the XML declaration: it is inline HTML


def bloccato(request: HttpRequest, username: str) -> bool:
    return not AxesProxyHandler.is_allowed(request, {"username": username})


def appena_bloccato(request: HttpRequest) -> bool:
    """Did this request's failure trigger the lockout? We then show our own page, so the flag
    is cleared: django-axes' middleware would otherwise replace it with a bare English text."""
    if getattr(request, "axes_locked_out", False):
        request.axes_locked_out = False
        return True
    return False


def minuti_di_blocco(request: HttpRequest) -> int:
    attesa = get_cool_off(request) or timedelta(0)
    return max(1, round(attesa.total_seconds() / 60))


def verifica_codice(request: HttpRequest, utente: Utente, device: TOTPDevice, codice: str) -> str:
    """Check a six-digit code: "ok", "sbagliato", or "attendi" while the device's back-off after
    wrong codes runs (django-otp doubles it at each failure). A wrong code also counts as a failed
    sign-in for django-axes, so guessing codes is throttled like guessing passwords."""
    codice = "".join(ch for ch in (codice or "") if ch.isdigit())
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not device.verify_is_allowed()[0]:
            return "attendi"
        ok = len(codice) == device.digits and device.verify_token(codice)
    if ok:
        return "ok"
    if len(codice) != device.digits:
        device.throttle_increment()
    user_login_failed.send(sender=__name__, credentials={"username": utente.get_username()}, request=request)
    return "sbagliato"


def completa_accesso(request: HttpRequest, utente: Utente, device: TOTPDevice) -> None:
    """Both factors passed: sign in (a new session key) and mark the session OTP-verified."""
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    request.session.pop(IN_ATTESA, None)
    login(request, utente, backend=utente.backend)
    otp_login(request, device)


def destinazione(request: HttpRequest, valore: str | None) -> str:
    """Where to go after signing in: a backoffice page of this site, else the inbox."""
    casella = reverse("backoffice:casella")
    if valore and valore.startswith("/backoffice/") and url_has_allowed_host_and_scheme(
        valore, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return valore
    return casella


def e_staff_verificato(utente: Any) -> bool:
    return bool(
        utente.is_authenticated and getattr(utente, "is_verified", lambda: False)() and ha_incarichi(utente)
    )


def staff_richiesto(vista):
    """Every backoffice page: a signed-in, OTP-verified person holding at least one role.

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
