"""Staff sign-in: password, then a TOTP code (django-otp), throttled by django-axes.

The password alone never signs anyone in: it only puts the person "in attesa" in the session for
a few minutes. Django's `login()` runs after the second factor, so a half-finished sign-in grants
nothing anywhere on the site (the admin included, which uses this same door).

The password alone never shows a TOTP secret either. The first enrolment of an authenticator app
needs a second proof: a link e-mailed to the staff member's address, signed, expiring and usable
once (it is bound to the person's devices: using it creates the device to enrol, which spends
every link sent before). Only a session holding both the password step and the used link sees
the QR code.
"""

from __future__ import annotations

import io
import secrets
import time
from base64 import b32encode
from datetime import timedelta
from typing import Any

import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth import get_user_model, login, user_login_failed
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from civico.accounts.models import Utente
from civico.accounts.permissions import ha_incarichi
from civico.backoffice.sessione import segna_attivita
from civico.core import limiti
from civico.errors import DomainError

IN_ATTESA = "backoffice_in_attesa"
SECONDI_ATTESA = 300  # time to type the code after the password
NOME_DISPOSITIVO = "Civico"
ATTIVAZIONE = "backoffice_attivazione"  # the enrolment link was used in this session
SECONDI_ATTIVAZIONE = 1800  # time to scan the QR code after opening the link
_SALE_LINK = "civico.backoffice.attivazione-otp"
# Links per account: enough to ask again, too few to flood a mailbox.
LINK_PER_ACCOUNT = (3, 600)


class LinkNonValido(DomainError):
    code = "link_attivazione_non_valido"


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


# --- Enrolment: the e-mailed link. --------------------------------------------------------------


def _stato(utente: Utente) -> str:
    """Changes whenever a device is created, confirmed or removed, or the password changes: a link
    carries it, so using one link (which creates the device to enrol) spends every other."""
    dispositivi = list(TOTPDevice.objects.filter(user=utente).order_by("pk").values_list("pk", "confirmed"))
    return salted_hmac(_SALE_LINK, f"{utente.pk}|{utente.password}|{dispositivi}").hexdigest()[:32]


def durata_link() -> timedelta:
    return timedelta(minutes=int(settings.CIVICO.get("LINK_ATTIVAZIONE_OTP_MINUTI", 60)))


def indirizzo_mascherato(email: str) -> str:
    nome, _chiocciola, dominio = email.partition("@")
    return f"{nome[:1]}***@{dominio}"


def invia_link_attivazione(utente: Utente) -> str:
    """E-mail the enrolment link to the person's own address: "inviato", "senza_email" (nowhere to
    send it), "troppi" (several were sent a moment ago) or "errore" (the mail server refused)."""
    if not utente.email:
        return "senza_email"
    limite, finestra = LINK_PER_ACCOUNT
    if limiti.consuma(f"attivazione_otp:{utente.pk}", limite, finestra) is not None:
        return "troppi"
    # "n" only makes each link different from the one sent a second before.
    token = signing.dumps({"u": utente.pk, "s": _stato(utente), "n": secrets.token_urlsafe(6)}, salt=_SALE_LINK)
    # The configured address, not the request's Host: whoever typed the password chose that header.
    link = settings.CIVICO["BASE_URL"].rstrip("/") + reverse("backoffice:attiva_link", args=[token])
    contesto = {"utente": utente, "link": link, "minuti": int(durata_link().total_seconds() // 60)}
    try:
        send_mail(gettext("Attiva l'app di autenticazione di Civico"),
                  render_to_string("backoffice/accesso/email_attivazione.txt", contesto), None, [utente.email])
    except OSError:  # smtplib's errors included: refused, unreachable, timed out
        return "errore"
    return "inviato"


def utente_del_link(token: str) -> Utente:
    """The staff member a link was sent to, if it is genuine, unexpired and unused; else LinkNonValido."""
    try:
        dati = signing.loads(token, salt=_SALE_LINK, max_age=durata_link())
    except signing.SignatureExpired as exc:
        raise LinkNonValido(_("Il link di attivazione è scaduto: accedi con la password per riceverne uno "
                              "nuovo.")) from exc
    except signing.BadSignature as exc:
        raise LinkNonValido(_("Il link di attivazione non è valido: accedi con la password per riceverne uno "
                              "nuovo.")) from exc
    utente = get_user_model().objects.filter(pk=dati.get("u"), is_active=True).first()
    if utente is None or not ha_incarichi(utente) or dati.get("s") != _stato(utente):
        raise LinkNonValido(_("Questo link di attivazione è già stato usato o non vale più: accedi con la password "
                              "per riceverne uno nuovo."))
    return utente


def usa_link(request: HttpRequest, token: str) -> Utente:
    """Spend the link: a fresh device to enrol (any half-enrolled one goes, with its secret), whose
    QR code this session alone may see for a while."""
    with transaction.atomic():
        utente = utente_del_link(token)
        # Two tabs posting the same link: the second waits here, then finds the link spent.
        get_user_model().objects.select_for_update().filter(pk=utente.pk).first()
        utente = utente_del_link(token)
        TOTPDevice.objects.filter(user=utente, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=utente, name=NOME_DISPOSITIVO, confirmed=False)
    request.session[ATTIVAZIONE] = {"id": utente.pk, "device": device.pk, "fino": time.time() + SECONDI_ATTIVAZIONE}
    return utente


def dispositivo_in_attivazione(request: HttpRequest, utente: Utente) -> TOTPDevice | None:
    """The device this session may enrol: only after the e-mailed link was used here, in time."""
    dati = request.session.get(ATTIVAZIONE)
    if not dati or dati.get("id") != utente.pk or dati.get("fino", 0) < time.time():
        return None
    return TOTPDevice.objects.filter(pk=dati.get("device"), user=utente, confirmed=False).first()


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
    request.session.pop(ATTIVAZIONE, None)
    login(request, utente, backend=utente.backend)
    otp_login(request, device)
    segna_attivita(request)


def destinazione(request: HttpRequest, valore: str | None) -> str:
    """Where to go after signing in: a backoffice or admin page of this site, else the inbox."""
    casella = reverse("backoffice:casella")
    if valore and valore.startswith(("/backoffice/", reverse("admin:index"))) and url_has_allowed_host_and_scheme(
        valore, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return valore
    return casella


def e_staff_verificato(utente: Any) -> bool:
    return bool(
        utente.is_authenticated and getattr(utente, "is_verified", lambda: False)() and ha_incarichi(utente)
    )
