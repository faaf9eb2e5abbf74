"""Overdue reports: the office managers get one e-mail each, through the outbox over real SMTP,
and the report says so."""

import socket
import time
from datetime import timedelta
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.utils import timezone

from civico.accounts.models import Ruolo, Utente
from civico.comunicazioni import consegna
from civico.comunicazioni.models import Notifica, StatoNotifica
from civico.segnalazioni import eventi
from civico.segnalazioni.models import Segnalazione, TipoEvento
from tests import factories

pytestmark = pytest.mark.django_db


class Casella:
    """An SMTP server's handler that keeps what it receives."""

    def __init__(self):
        self.messaggi: list[tuple[list[str], object]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messaggi.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"


def porta_libera() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    casella = Casella()
    controller = Controller(casella, hostname="127.0.0.1", port=porta_libera())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    yield casella
    controller.stop()


def in_ritardo(s: Segnalazione, giorni: int = 2) -> None:
    Segnalazione.objects.filter(pk=s.pk).update(scadenza=timezone.localdate() - timedelta(days=giorni))


def responsabile(username: str, ente, ufficio=None, email: str | None = None) -> Utente:
    utente = factories.staff(username, Ruolo.OFFICE_MANAGER, ente, ufficio)
    utente.email = email if email is not None else f"{username}@comune.example.org"
    utente.save()
    return utente


@pytest.fixture
def controlla(django_capture_on_commit_callbacks):
    """`civico controlla_scadenze`, then the worker (the tests' immediate queue) runs on commit."""

    def esegui():
        with django_capture_on_commit_callbacks(execute=True):
            call_command("controlla_scadenze")

    return esegui


def oggetto(messaggio) -> str:
    return str(make_header(decode_header(messaggio["Subject"])))


def test_an_overdue_report_is_mailed_once_to_the_managers_of_its_office(alessandria, smtp, controlla):
    strade = alessandria.uffici.get(nome="Lavori pubblici – strade")
    verde = alessandria.uffici.get(nome="Verde pubblico")
    responsabile("resp-strade", alessandria, strade)
    responsabile("resp-ente", alessandria)
    responsabile("resp-verde", alessandria, verde)
    responsabile("resp-senza-email", alessandria, strade, email="")
    operatore = factories.staff("op-strade", Ruolo.OPERATORE, alessandria, strade)
    operatore.email = "op@comune.example.org"
    operatore.save()
    s = factories.segnalazione(alessandria)
    in_ritardo(s)

    controlla()
    controlla()

    assert len(smtp.messaggi) == 2  # one each, and none the second time
    destinatari = sorted(d for ds, _m in smtp.messaggi for d in ds)
    assert destinatari == ["resp-ente@comune.example.org", "resp-strade@comune.example.org"]
    assert all(s.codice in oggetto(m) and "in ritardo" in oggetto(m) for _d, m in smtp.messaggi)
    s.refresh_from_db()
    assert s.sollecitata_il is not None
    sollecito = s.eventi.get(tipo=TipoEvento.ESCALATED)
    assert sollecito.visibilita == "internal"
    assert sollecito not in eventi.cronologia_del_segnalante(s)


def test_reports_still_in_time_or_waiting_for_the_reporter_are_not_escalated(alessandria, smtp, controlla):
    responsabile("resp-ente", alessandria)
    in_tempo = factories.segnalazione(alessandria)
    in_attesa = factories.segnalazione(alessandria)
    Segnalazione.objects.filter(pk=in_tempo.pk).update(scadenza=timezone.localdate())
    in_ritardo(in_attesa)
    Segnalazione.objects.filter(pk=in_attesa.pk).update(in_attesa_dal=timezone.now())

    controlla()

    assert smtp.messaggi == []
    assert not Segnalazione.objects.filter(sollecitata_il__isnull=False).exists()


def test_an_office_without_managers_is_told_at_its_own_address(alessandria, smtp, controlla):
    s = factories.segnalazione(alessandria)
    in_ritardo(s)

    controlla()

    assert [d for d, _m in smtp.messaggi] == [[s.ufficio.email]]


def test_while_smtp_is_down_the_escalation_waits_in_the_outbox_and_arrives_once(alessandria, settings, smtp,
                                                                                 controlla):
    settings.CIVICO_COMUNICAZIONI = {"ATTESA_BASE_SECONDI": 0.3, "GRAZIA_SPAZZINO_SECONDI": 0}
    responsabile("resp-ente", alessandria)
    s = factories.segnalazione(alessandria)
    in_ritardo(s)
    porta_buona, settings.EMAIL_PORT = settings.EMAIL_PORT, porta_libera()  # nobody listens there

    controlla()
    s.refresh_from_db()
    assert s.sollecitata_il is not None and s.eventi.filter(tipo=TipoEvento.ESCALATED).count() == 1
    [n] = Notifica.objects.filter(motivo="personale")  # the day's overdue summary, listing it
    assert n.stato == StatoNotifica.IN_ATTESA and "SMTP" in n.ultimo_errore

    settings.EMAIL_PORT = porta_buona
    from civico.comunicazioni.canali import email

    email.chiudi()
    controlla()  # nothing new to escalate…
    time.sleep(0.4)  # the backoff
    consegna.in_sospeso()  # …and the sweeper hands the waiting e-mail to the worker
    consegna.in_sospeso()
    assert len(smtp.messaggi) == 1 and Notifica.objects.get(pk=n.pk).stato == StatoNotifica.INVIATA
