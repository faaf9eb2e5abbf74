"""Overdue reports: the office managers get one e-mail, over real SMTP, and the report says so."""

import socket
from datetime import timedelta
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from django.core.management import CommandError, call_command
from django.utils import timezone

from civico.accounts.models import Ruolo, Utente
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


def oggetto(messaggio) -> str:
    return str(make_header(decode_header(messaggio["Subject"])))


def test_an_overdue_report_is_mailed_once_to_the_managers_of_its_office(alessandria, smtp):
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

    call_command("controlla_scadenze")
    call_command("controlla_scadenze")

    assert len(smtp.messaggi) == 1
    destinatari, messaggio = smtp.messaggi[0]
    assert sorted(destinatari) == ["resp-ente@comune.example.org", "resp-strade@comune.example.org"]
    assert s.codice in oggetto(messaggio) and "in ritardo" in oggetto(messaggio)
    s.refresh_from_db()
    assert s.sollecitata_il is not None
    sollecito = s.eventi.get(tipo=TipoEvento.ESCALATED)
    assert sollecito.visibilita == "internal"
    assert sollecito not in eventi.cronologia_del_segnalante(s)


def test_reports_still_in_time_or_waiting_for_the_reporter_are_not_escalated(alessandria, smtp):
    responsabile("resp-ente", alessandria)
    in_tempo = factories.segnalazione(alessandria)
    in_attesa = factories.segnalazione(alessandria)
    Segnalazione.objects.filter(pk=in_tempo.pk).update(scadenza=timezone.localdate())
    in_ritardo(in_attesa)
    Segnalazione.objects.filter(pk=in_attesa.pk).update(in_attesa_dal=timezone.now())

    call_command("controlla_scadenze")

    assert smtp.messaggi == []
    assert not Segnalazione.objects.filter(sollecitata_il__isnull=False).exists()


def test_an_office_without_managers_is_told_at_its_own_address(alessandria, smtp):
    s = factories.segnalazione(alessandria)
    in_ritardo(s)

    call_command("controlla_scadenze")

    assert [d for d, _m in smtp.messaggi] == [[s.ufficio.email]]


def test_a_send_that_fails_is_retried_on_the_next_run(alessandria, settings, smtp):
    responsabile("resp-ente", alessandria)
    s = factories.segnalazione(alessandria)
    in_ritardo(s)
    porta_buona, settings.EMAIL_PORT = settings.EMAIL_PORT, porta_libera()  # nobody listens there

    with pytest.raises(CommandError, match=s.codice):
        call_command("controlla_scadenze")
    s.refresh_from_db()
    assert s.sollecitata_il is None and not s.eventi.filter(tipo=TipoEvento.ESCALATED).exists()

    settings.EMAIL_PORT = porta_buona
    call_command("controlla_scadenze")
    assert len(smtp.messaggi) == 1
