"""The personal area: sign-in by an e-mailed link (over real SMTP), the citizen's reports."""

from __future__ import annotations

import re
import socket
import time
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from civico.accounts.models import Ruolo, Utente
from civico.portale.models import IndirizzoConfermato, LinkAccesso
from tests import factories

pytestmark = pytest.mark.django_db


class Casella:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self):
        self.messaggi = []

    async def handle_DATA(self, server, session, envelope):
        self.messaggi.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"

    def attendi(self, n=1, secondi=5.0):
        fine = time.monotonic() + secondi
        while len(self.messaggi) < n and time.monotonic() < fine:
            time.sleep(0.02)
        assert len(self.messaggi) >= n, "nessun messaggio ricevuto"
        return self.messaggi[n - 1]


def porta_libera() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings, django_capture_on_commit_callbacks):
    casella = Casella()
    # The link goes through the outbox after commit: here the test's transaction never commits.
    casella.dopo_il_commit = django_capture_on_commit_callbacks
    controller = Controller(casella, hostname="127.0.0.1", port=porta_libera())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", controller.port, 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield casella
    controller.stop()


@pytest.fixture(autouse=True)
def _senza_limiti(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": f"area-{time.monotonic_ns()}"}}


def chiedi_link(client, smtp, email="Giulia@Example.org", **extra) -> str:
    with smtp.dopo_il_commit(execute=True):
        r = client.post("/area-personale/accedi/", {"email": email, **extra})
    assert r.status_code == 200 and "Controlla la tua e-mail" in r.content.decode()
    destinatari, messaggio = smtp.attendi(len(smtp.messaggi) or 1)
    assert destinatari == [email.lower()]
    corpo = messaggio.get_body(("plain",)).get_content()
    return re.search(r"http://testserver(/area-personale/accedi/[^/\s]+/)", corpo).group(1)


def test_a_citizen_signs_in_with_a_link_sent_by_email(client, smtp):
    link = chiedi_link(client, smtp)
    _, messaggio = smtp.messaggi[0]
    assert messaggio["Subject"] == "Il tuo link per accedere a Civico"
    assert "entro 15 minuti" in messaggio.get_body(("plain",)).get_content()

    conferma = client.get(link)
    assert conferma.status_code == 200 and "Accedi" in conferma.content.decode()
    assert "_auth_user_id" not in client.session  # opening the link alone (a mail scanner) signs nobody in

    r = client.post(link)

    utente = Utente.objects.get(username="giulia@example.org")
    assert r.status_code == 302 and r["Location"] == "/area-personale/"
    assert int(client.session["_auth_user_id"]) == utente.pk
    assert utente.email == "giulia@example.org" and not utente.has_usable_password()
    assert IndirizzoConfermato.objects.filter(utente=utente, email="giulia@example.org").exists()
    assert "Le mie segnalazioni" in client.get("/area-personale/").content.decode()


def test_the_link_works_once(client, smtp):
    link = chiedi_link(client, smtp)
    client.post(link)
    client.post("/area-personale/esci/")

    r = client.post(link)

    assert r.status_code == 400 and "già stato usato" in r.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_link_expires_after_15_minutes(client, smtp, monkeypatch):
    link = chiedi_link(client, smtp)
    adesso = time.time()
    monkeypatch.setattr("django.core.signing.time.time", lambda: adesso + 15 * 60 + 5)

    r = client.post(link)

    assert r.status_code == 400 and "Il link è scaduto" in r.content.decode()


def test_a_forged_link_is_refused(client, smtp):
    link = chiedi_link(client, smtp)
    r = client.post(link.replace("/accedi/", "/accedi/x"))
    assert r.status_code == 400 and "non è valido" in r.content.decode()
    assert LinkAccesso.objects.get().usato_il is None


def test_staff_accounts_never_sign_in_by_link(client, smtp, alessandria):
    op = factories.UtenteFactory(username="op@example.org")
    factories.IncaricoFactory(utente=op, ruolo=Ruolo.OPERATORE, ente=alessandria)
    r = client.post(chiedi_link(client, smtp, "op@example.org"))
    assert r.status_code == 400 and "_auth_user_id" not in client.session


def test_the_link_brings_the_citizen_back_where_they_were(client, smtp):
    link = chiedi_link(client, smtp, next="/segnala/")
    assert client.post(link)["Location"] == "/segnala/"
    client.post("/area-personale/esci/")
    link = chiedi_link(client, smtp, next="https://altro.example.org/")
    assert client.post(link)["Location"] == "/area-personale/"


def test_a_wrong_address_is_refused_next_to_the_field(client, smtp):
    r = client.post("/area-personale/accedi/", {"email": "giulia@"})
    assert r.status_code == 400 and 'id="accesso-email-errore"' in r.content.decode()
    assert smtp.messaggi == []


def test_too_many_links_for_one_address_are_refused(client, smtp):
    for _ in range(3):
        chiedi_link(client, smtp)
    r = client.post("/area-personale/accedi/", {"email": "giulia@example.org"})
    assert r.status_code == 429 and "troppi link" in r.content.decode()


def test_my_reports_are_mine_by_account_or_by_confirmed_address_and_followed_ones_are_listed(client, alessandria):
    giulia = factories.UtenteFactory(username="giulia@example.org")
    IndirizzoConfermato.objects.create(utente=giulia, email="giulia@example.org")
    dall_account = factories.SegnalazioneFactory(ente=alessandria, segnalante=giulia, titolo="Inviata da dentro l'area")
    per_email = factories.SegnalazioneFactory(ente=alessandria, titolo="Inviata senza account",
                                              email="GIULIA@example.org")
    d_altri = factories.SegnalazioneFactory(ente=alessandria, titolo="Di qualcun altro", email="anna@example.org")
    seguita = factories.SegnalazioneFactory(ente=alessandria, titolo="Una che seguo", categoria="tombini")
    factories.IscrizioneFactory(segnalazione=seguita, utente=giulia)
    client.force_login(giulia)

    html = client.get("/area-personale/").content.decode()

    mie = re.search(r'data-testid="mie-segnalazioni">(.*?)</table>', html, re.S).group(1)
    assert dall_account.codice in mie and per_email.codice in mie and d_altri.codice not in mie
    assert f"/seguimi/{per_email.token}/" in mie and "Ricevuta" in mie
    seguite = re.search(r'data-testid="seguite">(.*?)</ul>', html, re.S).group(1)
    assert seguita.codice in seguite and d_altri.codice not in seguite
    assert "Preferenze di notifica" in html


def test_signing_out(client):
    giulia = factories.UtenteFactory(username="giulia@example.org")
    client.force_login(giulia)
    assert client.post("/area-personale/esci/").status_code == 302
    assert "Inviami il link" in client.get("/area-personale/").content.decode()
