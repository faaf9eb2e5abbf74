"""Delivery by the real worker (database queue) to a real SMTP server: once, even across
outages, crashes between commit and enqueue, and duplicate tasks."""

import time

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from civico.comunicazioni import consegna, iscrizioni, outbox
from civico.comunicazioni.models import EsitoTentativo, Iscrizione, Notifica, StatoNotifica
from civico.comunicazioni.notifiche import notifiche_della_segnalazione
from civico.comunicazioni.tasks import consegna_notifica
from civico.segnalazioni import interazioni
from tests import factories
from tests.comunicazioni.conftest import worker
from tests.comunicazioni.server import ServerSmtp, porta_libera

pytestmark = pytest.mark.usefixtures("coda_db", "comunicazioni")


def test_the_receipt_reaches_the_smtp_server_as_html_and_text(alessandria_tx, smtp):
    s = factories.segnalazione(alessandria_tx, email="mario@example.org")
    worker()

    [msg] = smtp.messaggi
    n = Notifica.objects.get(segnalazione=s)
    assert msg["To"] == "mario@example.org" and s.codice in msg["Subject"]
    assert msg["Message-ID"].strip().startswith(f"<{n.chiave}@")  # the delivery key
    disiscrizione = msg["List-Unsubscribe"].strip()
    assert disiscrizione.startswith("<http") and "/comunicazioni/disiscriviti/" in disiscrizione
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg.get_body(("plain",)).get_content().count(s.codice) >= 1
    assert "Comune di Alessandria" in msg.get_body(("html",)).get_content()
    n.refresh_from_db()
    assert n.stato == StatoNotifica.INVIATA and n.tentativi == 1 and n.inviata_il


def test_while_the_smtp_server_is_down_notifications_wait_retry_and_arrive_once(alessandria_tx, settings):
    porta = porta_libera()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", porta, 2
    s = factories.segnalazione(alessandria_tx, email="mario@example.org")

    worker()  # nobody listens: the attempt fails and is scheduled again
    n = Notifica.objects.get(segnalazione=s)
    assert n.stato == StatoNotifica.IN_ATTESA and n.tentativi == 1 and "SMTP" in n.ultimo_errore
    assert n.prossimo_tentativo_il > timezone.now() - timezone.timedelta(seconds=1)

    server = ServerSmtp(porta).avvia()
    try:
        time.sleep(0.5)  # the backoff (0.2 s in these tests)
        worker()
        worker()  # a second pass finds nothing more to send
        assert len(server.messaggi) == 1
    finally:
        server.ferma()
    n.refresh_from_db()
    assert n.stato == StatoNotifica.INVIATA and n.tentativi == 2
    [riga] = notifiche_della_segnalazione(s)
    assert [esito for _quando, esito, _errore in riga.storia] == [EsitoTentativo.TEMPORANEO, EsitoTentativo.OK]


def test_after_the_last_attempt_the_notification_is_failed(alessandria_tx, settings, comunicazioni):
    comunicazioni["MAX_TENTATIVI"] = 2
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", porta_libera(), 2
    s = factories.segnalazione(alessandria_tx, email="mario@example.org")

    worker()
    time.sleep(0.5)
    worker()

    n = Notifica.objects.get(segnalazione=s)
    assert n.stato == StatoNotifica.FALLITA and n.tentativi == 2
    assert n.tentativi_consegna.count() == 2


def test_a_crash_between_commit_and_enqueue_loses_nothing(alessandria_tx, smtp):
    s = factories.segnalazione(alessandria_tx, email="mario@example.org")
    DBTaskResult.objects.all().delete()  # as if the process died right after the commit

    worker()
    assert smtp.messaggi == []
    assert consegna.in_sospeso() == 1  # the sweeper finds the row…
    worker()
    assert len(smtp.messaggi) == 1  # …and it goes out
    assert Notifica.objects.get(segnalazione=s).stato == StatoNotifica.INVIATA


def test_a_report_is_acknowledged_with_the_worker_down_and_its_receipt_goes_out_when_it_returns(
        alessandria_tx, smtp):
    """Intake leaves the receipt's rendering to the worker: the report is stored and answered at
    once, its receipt owed in the same transaction; with the worker down and its task lost, the
    worker's sweeper writes and sends it when it is back."""
    s = factories.segnalazione(alessandria_tx, email="mario@example.org")
    assert not Notifica.objects.filter(segnalazione=s).exists()  # nothing rendered in the request
    assert Iscrizione.objects.filter(segnalazione=s, email="mario@example.org").exists()  # but followed
    DBTaskResult.objects.all().delete()  # the queue lost it (the worker was down, its database restored…)

    assert consegna.in_sospeso() == 1  # the worker is back: its sweeper writes the owed receipt…
    worker()
    [msg] = smtp.messaggi  # …and it goes out, once
    assert s.codice in msg["Subject"]
    assert consegna.in_sospeso() == 0 and outbox.scrivi_sospesi() == []


def test_an_answer_given_before_the_worker_wrote_the_receipt_still_reaches_the_reporter(alessandria_tx, smtp):
    s = factories.segnalazione(alessandria_tx, email="mario@example.org")
    interazioni.rispondi(s, factories.operatore(alessandria_tx), "Arriviamo domani.")

    worker()

    soggetti = [m["Subject"] for m in smtp.messaggi]
    assert len(soggetti) == 2 and "ricevuta" in soggetti[0] and "Risposta" in soggetti[1]


@pytest.mark.parametrize("chi", ["email", "utente"])
def test_a_reporter_who_stops_following_before_the_worker_writes_the_receipt_is_not_followed_again(
        alessandria_tx, smtp, chi):
    """The request subscribes the reporter and the worker writes the receipt later: stopping in
    between (the unsubscribe link of an earlier message, the personal area) is final."""
    if chi == "email":
        s = factories.segnalazione(alessandria_tx, email="mario@example.org")
        isc = Iscrizione.objects.get(segnalazione=s, email="mario@example.org")
        assert iscrizioni.disiscrivi("i", isc.pk)
    else:
        cittadino = factories.UtenteFactory(username="anna@example.org")
        s = factories.segnalazione(alessandria_tx, segnalante=cittadino)
        assert iscrizioni.smetti_di_seguire(s, cittadino)

    outbox.scrivi_sospesi()
    worker()

    assert not Iscrizione.objects.filter(segnalazione=s).exists()
    assert smtp.messaggi == []
    assert outbox.scrivi_sospesi() == []  # nothing left owed either


def test_a_task_enqueued_twice_sends_once(alessandria_tx, smtp):
    s = factories.segnalazione(alessandria_tx, email="mario@example.org")
    outbox.scrivi_sospesi()  # the worker's half of intake: the receipt's row
    n = Notifica.objects.get(segnalazione=s)
    consegna_notifica.enqueue(n.pk)
    consegna_notifica.enqueue(n.pk)

    worker()

    assert len(smtp.messaggi) == 1 and Notifica.objects.get(pk=n.pk).tentativi == 1


def test_a_row_left_sending_by_a_dead_worker_is_tried_again_after_the_lease(alessandria_tx, smtp, comunicazioni):
    comunicazioni["LEASE_INVIO_SECONDI"] = 0
    s = factories.segnalazione(alessandria_tx, email="mario@example.org")
    DBTaskResult.objects.all().delete()
    Notifica.objects.filter(segnalazione=s).update(stato=StatoNotifica.IN_INVIO, in_invio_dal=timezone.now())

    assert consegna.in_sospeso() == 1
    worker()
    assert len(smtp.messaggi) == 1


def test_the_whole_story_of_a_report_reaches_its_reporter_in_order(alessandria_tx, smtp):
    s = factories.segnalazione(alessandria_tx, email="mario@example.org")
    op = factories.operatore(alessandria_tx)
    interazioni.rispondi(s, op, "Abbiamo programmato l'intervento.")
    interazioni.annota(s, op, "Nota interna da non inviare")

    worker()

    soggetti = [m["Subject"] for m in smtp.messaggi]
    assert len(soggetti) == 2 and "ricevuta" in soggetti[0] and "Risposta" in soggetti[1]
    assert all("Nota interna" not in m.get_body(("plain",)).get_content() for m in smtp.messaggi)


def test_a_bulk_event_survives_an_smtp_outage_every_follower_gets_exactly_one(alessandria_tx, settings,
                                                                            comunicazioni):
    """The batch path (one task for many rows, one SMTP connection): an outage fails the whole
    batch, each row retries on its own, and when the server is back each address gets one e-mail."""
    comunicazioni.update(ATTESA_BASE_SECONDI=4.0, ATTESA_MASSIMA_SECONDI=8.0)  # longer than a worker pass
    porta = porta_libera()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", porta, 2
    s = factories.segnalazione(alessandria_tx, email="mario@example.org")
    Iscrizione.objects.bulk_create([Iscrizione(segnalazione=s, email=f"seguace{i}@example.org") for i in range(30)])
    interazioni.rispondi(s, factories.operatore(alessandria_tx), "Intervento programmato per lunedì.")

    worker()  # the server is down: every attempt fails and is scheduled again
    assert Notifica.objects.filter(segnalazione=s, stato=StatoNotifica.IN_ATTESA).count() == 32
    assert Notifica.objects.filter(segnalazione=s, tentativi=1).count() == 32

    server = ServerSmtp(porta).avvia()
    try:
        time.sleep(4.5)  # the backoff
        worker()
        consegna.in_sospeso()  # whatever the queue lost, the sweeper finds
        worker()
    finally:
        server.ferma()
    destinatari = sorted(m["To"] for m in server.messaggi)  # mario: the receipt and the answer
    assert destinatari == sorted(["mario@example.org"] * 2 + [f"seguace{i}@example.org" for i in range(30)])
    assert len({m["Message-ID"] for m in server.messaggi}) == 32
    assert not Notifica.objects.filter(segnalazione=s).exclude(stato=StatoNotifica.INVIATA).exists()
