"""E-mail through Django's mail backend (SMTP in production), HTML and plain text.

The delivery key is the Message-ID: if a crash makes us send a message twice, receiving
servers and mail clients see the same message. The SMTP connection is kept open between
deliveries of the same worker, and reopened once if the server dropped it meanwhile."""

from __future__ import annotations

import contextlib
import smtplib
import socket
import threading

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from civico.comunicazioni.canali import CanaleDiConsegna, EsitoInvio
from civico.comunicazioni.impostazioni import mittente
from civico.comunicazioni.mittenti import mittente_per

_locale = threading.local()


def _connessione():
    firma = (settings.EMAIL_BACKEND, getattr(settings, "EMAIL_HOST", ""), getattr(settings, "EMAIL_PORT", 0))
    if getattr(_locale, "firma", None) != firma or _locale.connessione is None:
        chiudi()
        _locale.connessione = get_connection(fail_silently=False)
        _locale.connessione.open()
        _locale.firma = firma
        # smtplib writes a message in several small packets: without this, each one waits for
        # the peer's delayed ACK (~40 ms per message).
        socket_smtp = getattr(getattr(_locale.connessione, "connection", None), "sock", None)
        if socket_smtp is not None:
            socket_smtp.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return _locale.connessione


def chiudi() -> None:
    connessione = getattr(_locale, "connessione", None)
    _locale.connessione = None
    _locale.firma = None
    if connessione is not None:
        with contextlib.suppress(Exception):  # a dead connection may fail to close; it is dropped anyway
            connessione.close()


def messaggio(notifica) -> EmailMultiAlternatives:
    dominio = mittente().rpartition("@")[2].strip(">") or "civico.local"
    intestazioni = {
        "Message-ID": f"<{notifica.chiave}@{dominio}>",
        # Tells other robots (auto-responders, our own inbound listener) not to answer.
        "Auto-Submitted": "auto-replied" if notifica.dati.get("in_risposta_a") else "auto-generated",
    }
    if url := notifica.dati.get("disiscrizione"):
        intestazioni["List-Unsubscribe"] = f"<{url}>"
        intestazioni["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    # A report's status e-mails thread under its root (outbox.filo); a reply to a citizen's
    # e-mail answers that one, in the same thread.
    radice = f"<{filo}@{dominio}>" if (filo := notifica.dati.get("filo")) else ""
    rif = notifica.dati.get("in_risposta_a") or radice
    if rif:
        intestazioni["In-Reply-To"] = rif
        intestazioni["References"] = " ".join(dict.fromkeys(r for r in (radice, rif) if r))
    # The comune's own sender (mittenti.py); a reply goes to the signed conversation address, if any.
    with translation.override(notifica.lingua or "it"):
        m = mittente_per(notifica.ente)
    rispondi_a = notifica.dati.get("rispondi_a") or m.rispondi_a
    email = EmailMultiAlternatives(
        subject=notifica.oggetto, body=notifica.testo, from_email=m.da, to=[notifica.indirizzo],
        headers=intestazioni, reply_to=[rispondi_a] if rispondi_a else None,
    )
    if notifica.html:
        email.attach_alternative(notifica.html, "text/html")
    return email


class CanaleEmail(CanaleDiConsegna):
    nome = "email"
    etichetta = _("E-mail")
    scelta = _("E-mail")
    predefinito = True
    allerte_al_giorno = 10

    def indirizzi(self, utente, p, d) -> list[str]:
        email = d.email or utente.email
        return [email.lower()] if email else []

    def indirizzo_senza_account(self, d) -> str:
        return d.email.lower()

    def maschera(self, indirizzo: str) -> str:
        if "@" not in indirizzo:
            return super().maschera(indirizzo)
        nome, _sep, dominio = indirizzo.partition("@")
        return f"{nome[:2]}…@{dominio}"

    def formato(self, m) -> tuple[str, str, str]:
        return m.oggetto, m.testo, m.html

    def etichetta_scelta(self, utente) -> str:
        return _("E-mail a %(email)s") % {"email": utente.email}

    def invia(self, notifica) -> EsitoInvio:
        email = messaggio(notifica)
        for tentativo in (1, 2):
            try:
                email.connection = _connessione()
                email.send()
                return EsitoInvio.ok()
            except smtplib.SMTPServerDisconnected as exc:
                chiudi()
                if tentativo == 2:
                    return EsitoInvio.temporaneo(f"SMTP: {exc}")
            except smtplib.SMTPRecipientsRefused as exc:
                chiudi()
                return _da_codice(next(iter(exc.recipients.values()), (450, b""))[0], str(exc.recipients))
            except smtplib.SMTPResponseException as exc:
                chiudi()
                return _da_codice(exc.smtp_code, str(exc.smtp_error))
            except (smtplib.SMTPException, OSError) as exc:
                chiudi()
                return EsitoInvio.temporaneo(f"SMTP: {exc}")
        return EsitoInvio.temporaneo("SMTP: connessione persa")


def _da_codice(codice: int, errore: str) -> EsitoInvio:
    testo = f"SMTP {codice}: {errore[:500]}"
    return EsitoInvio.permanente(testo) if 500 <= codice < 600 else EsitoInvio.temporaneo(testo)


CANALE = CanaleEmail()
