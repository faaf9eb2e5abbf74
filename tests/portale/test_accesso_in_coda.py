"""The sign-in link goes through the outbox: SMTP down delays it, never fails the page, and the
link arrives once the server is back (real SMTP servers on loopback)."""

from __future__ import annotations

import re
import time

import pytest
from aiosmtpd.controller import Controller

from civico.comunicazioni import consegna
from civico.comunicazioni.models import Notifica, StatoNotifica
from tests.comunicazioni.server import ServerSmtp, porta_libera

pytestmark = pytest.mark.django_db


class _Rifiuta:
    """A server that answers every message with a temporary failure (a relay in trouble)."""

    async def handle_DATA(self, server, session, envelope):
        return "451 4.3.0 Riprova più tardi"


class _Chiude:
    """A server that drops the connection instead of answering."""

    async def handle_DATA(self, server, session, envelope):
        server.transport.close()
        return "250 OK"


@pytest.fixture(autouse=True)
def _veloce(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": f"accesso-{time.monotonic_ns()}"}}
    settings.CIVICO_COMUNICAZIONI = {"ATTESA_BASE_SECONDI": 0.05, "ATTESA_MASSIMA_SECONDI": 0.1,
                                     "GRAZIA_SPAZZINO_SECONDI": 0}
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_TIMEOUT = 3
    yield
    from civico.comunicazioni.canali import email

    email.chiudi()


@pytest.fixture(params=["nessuno in ascolto", "451 a ogni messaggio", "connessione chiusa"])
def smtp_giu(request, settings):
    """The SMTP server is down in one of several ways; `.torna()` brings a good one on that port."""
    porta = porta_libera()
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", porta
    guasto = None
    if request.param != "nessuno in ascolto":
        guasto = Controller(_Rifiuta() if request.param.startswith("451") else _Chiude(),
                            hostname="127.0.0.1", port=porta)
        guasto.start()

    class Giu:
        buono: ServerSmtp | None = None

        def torna(self) -> ServerSmtp:
            if guasto is not None:
                guasto.stop()
            self.buono = ServerSmtp(porta).avvia()
            return self.buono

    giu = Giu()
    yield giu
    if giu.buono is not None:
        giu.buono.ferma()
    elif guasto is not None:
        guasto.stop()


def test_with_smtp_down_the_page_says_the_link_is_on_its_way_and_it_arrives_later(
    client, smtp_giu, django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/area-personale/accedi/", {"email": "Giulia@Example.org"})

    assert r.status_code == 200
    assert "tra poco riceverai un messaggio con il link" in r.content.decode()
    riga = Notifica.objects.get(motivo="accesso")
    assert riga.stato == StatoNotifica.IN_ATTESA and riga.tentativi == 1 and riga.ultimo_errore
    assert riga.indirizzo == "giulia@example.org"

    server = smtp_giu.torna()
    time.sleep(0.2)  # its backoff
    with django_capture_on_commit_callbacks(execute=True):
        consegna.in_sospeso()

    [messaggio] = server.messaggi
    assert messaggio["To"] == "giulia@example.org"
    corpo = messaggio.get_body(("plain",)).get_content()
    link = re.search(r"http://testserver(/area-personale/accedi/[^/\s]+/)", corpo)
    r = client.post(link.group(1))
    assert r.status_code == 302 and r["Location"] == "/area-personale/"


def test_an_english_request_gets_the_same_answer_in_english(client, smtp_giu, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/area-personale/accedi/", {"email": "giulia@example.org"}, HTTP_ACCEPT_LANGUAGE="en")

    assert r.status_code == 200 and "you will shortly receive a message with" in r.content.decode()
    assert Notifica.objects.get(motivo="accesso").lingua == "en"


def test_once_sent_the_link_is_not_kept_in_the_outbox(client, settings, django_capture_on_commit_callbacks):
    server = ServerSmtp().avvia()
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.porta
    try:
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/area-personale/accedi/", {"email": "giulia@example.org"})
    finally:
        server.ferma()

    assert "/area-personale/accedi/" in server.messaggi[0].get_body(("plain",)).get_content()
    riga = Notifica.objects.get(motivo="accesso")
    assert riga.stato == StatoNotifica.INVIATA and "/area-personale/accedi/" not in riga.testo + riga.html
