"""Second level of escalation: a report still late `SLA_GIORNI_SECONDO_SOLLECITO` days (7 by
default) after its deadline goes to the ente's dirigenti, folded into their one daily overdue
summary (never one e-mail per report), over real SMTP."""

from datetime import timedelta

import pytest
from django.utils import timezone

from civico.accounts.models import Ruolo, Utente
from civico.segnalazioni.models import Segnalazione, TipoEvento
from tests import factories
from tests.sla.test_solleciti import controlla, oggetto, responsabile, smtp  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def dirigente(username: str, ente) -> Utente:
    utente = factories.staff(username, Ruolo.ENTE_ADMIN, ente)
    utente.email = f"{username}@comune.example.org"
    utente.save()
    return utente


def in_ritardo(s: Segnalazione, giorni: int, *, gia_sollecitata: bool = True) -> None:
    Segnalazione.objects.filter(pk=s.pk).update(
        scadenza=timezone.localdate() - timedelta(days=giorni),
        sollecitata_il=timezone.now() - timedelta(days=giorni - 1) if gia_sollecitata else None)


def _a(smtp, indirizzo: str) -> list:  # noqa: F811
    return [m for destinatari, m in smtp.messaggi if indirizzo in destinatari]


@pytest.mark.parametrize("n", [1, 3, 12])
def test_reports_late_for_a_week_reach_the_dirigenti_in_one_summary(alessandria, smtp, controlla, n):  # noqa: F811
    responsabile("resp-ente", alessandria)
    dirigente("dirigente", alessandria)
    molto = [factories.segnalazione(alessandria) for _ in range(n)]
    for s in molto:
        in_ritardo(s, 8)
    poco = factories.segnalazione(alessandria)
    in_ritardo(poco, 3)

    controlla()
    controlla()

    [riepilogo] = _a(smtp, "dirigente@comune.example.org")  # one e-mail, whatever the number
    corpo = "".join(p.get_payload(decode=True).decode() for p in riepilogo.walk()
                    if p.get_content_type() == "text/plain")
    assert all(s.codice in corpo for s in molto) and poco.codice not in corpo
    assert _a(smtp, "resp-ente@comune.example.org") == []  # level one was told before
    for s in molto:
        s.refresh_from_db()
        assert s.sollecitata_dirigenti_il is not None
        assert s.eventi.filter(tipo=TipoEvento.ESCALATED, dati__livello=2).count() == 1


def test_a_first_run_on_old_lateness_sends_one_mail_each_level(alessandria, smtp, controlla):  # noqa: F811
    responsabile("resp-ente", alessandria)
    dirigente("dirigente", alessandria)
    for _ in range(4):
        in_ritardo(factories.segnalazione(alessandria), 20, gia_sollecitata=False)

    controlla()

    assert len(_a(smtp, "resp-ente@comune.example.org")) == 1
    assert len(_a(smtp, "dirigente@comune.example.org")) == 1
    assert len(smtp.messaggi) == 2


@pytest.mark.parametrize("soglia, giorni, atteso", [(3, 4, 1), (3, 3, 0), (10, 8, 0), (10, 11, 1)])
def test_the_number_of_days_is_a_setting(alessandria, smtp, controlla, settings, soglia, giorni,  # noqa: F811
                                         atteso):
    settings.CIVICO = {**settings.CIVICO, "SLA_GIORNI_SECONDO_SOLLECITO": soglia}
    dirigente("dirigente", alessandria)
    in_ritardo(factories.segnalazione(alessandria), giorni)

    controlla()

    assert len(_a(smtp, "dirigente@comune.example.org")) == atteso


def test_a_report_no_longer_late_is_not_escalated_to_the_dirigenti(alessandria, smtp, controlla):  # noqa: F811
    dirigente("dirigente", alessandria)
    s = factories.segnalazione(alessandria)
    in_ritardo(s, 9)
    Segnalazione.objects.filter(pk=s.pk).update(in_attesa_dal=timezone.now())  # waiting: the clock stands

    controlla()

    assert smtp.messaggi == []
