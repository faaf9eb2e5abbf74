"""A pause is counted in the deadline's own calendar: for working-day terms, only the office hours
(08:00–18:00 by default) of working days it covered, so a weekend or a holiday never moves a
deadline. Every case below is computed by hand (2026: 8 December Immacolata, 25–26 December, San
Baudolino 10 November in Alessandria)."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from civico.segnalazioni import attesa, sla
from civico.segnalazioni.models import Segnalazione
from tests import factories
from tests.sla.test_scadenze import ROMA

pytestmark = pytest.mark.django_db


def ora(giorno: date, h: int, m: int = 0) -> datetime:
    return datetime(giorno.year, giorno.month, giorno.day, h, m, tzinfo=ROMA)


@pytest.fixture
def lavorativi(alessandria):
    """Buche: 5 working days; Alessandria with its patron saint."""
    alessandria.santo_patrono_giorno, alessandria.santo_patrono_mese = 10, 11
    alessandria.save()
    buche = alessandria.categorie.get(codice="buche")
    buche.giorni_risposta, buche.giorni_lavorativi = 5, True
    buche.save()
    return alessandria


def _in_pausa(ente, ricevuta: datetime, dal: datetime, al: datetime) -> Segnalazione:
    s = factories.segnalazione(ente)
    Segnalazione.objects.filter(pk=s.pk).update(creata_il=ricevuta, in_attesa_dal=dal)
    s.refresh_from_db()
    Segnalazione.objects.filter(pk=s.pk).update(scadenza=sla.scadenza_di(s))
    return attesa.riprendi(s, al)


CASI = [
    # received, paused from, paused until, deadline without the pause, deadline after it
    pytest.param(ora(date(2026, 11, 30), 10), ora(date(2026, 12, 4), 17), ora(date(2026, 12, 7), 8),
                 date(2026, 12, 7), date(2026, 12, 7), id="friday-17-to-monday-8-moves-nothing"),
    pytest.param(ora(date(2026, 11, 30), 10), ora(date(2026, 12, 4), 9), ora(date(2026, 12, 7), 9),
                 date(2026, 12, 7), date(2026, 12, 9), id="one-working-day-skips-immacolata"),
    pytest.param(ora(date(2026, 11, 30), 10), ora(date(2026, 12, 5), 9), ora(date(2026, 12, 6), 20),
                 date(2026, 12, 7), date(2026, 12, 7), id="a-whole-weekend-moves-nothing"),
    pytest.param(ora(date(2026, 11, 30), 10), ora(date(2026, 12, 7), 8), ora(date(2026, 12, 9), 18),
                 date(2026, 12, 7), date(2026, 12, 10), id="monday-to-wednesday-over-immacolata-is-two"),
    pytest.param(ora(date(2026, 12, 21), 10), ora(date(2026, 12, 23), 8), ora(date(2026, 12, 28), 8),
                 date(2026, 12, 29), date(2026, 12, 31), id="christmas-and-santo-stefano-not-counted"),
    pytest.param(ora(date(2026, 12, 21), 10), ora(date(2026, 12, 24), 18), ora(date(2026, 12, 28), 8),
                 date(2026, 12, 29), date(2026, 12, 29), id="christmas-eve-evening-to-monday-moves-nothing"),
    pytest.param(ora(date(2026, 11, 2), 10), ora(date(2026, 11, 9), 8), ora(date(2026, 11, 11), 12),
                 date(2026, 11, 9), date(2026, 11, 11), id="patron-saint-not-counted"),
]


@pytest.mark.parametrize("ricevuta, dal, al, senza, dopo", CASI)
def test_a_pause_moves_a_working_day_deadline_by_the_working_time_it_took(lavorativi, ricevuta, dal, al, senza,
                                                                            dopo):
    assert sla.calcola_scadenza(lavorativi.categorie.get(codice="buche"), lavorativi, ricevuta) == senza

    s = _in_pausa(lavorativi, ricevuta, dal, al)

    assert s.in_attesa_dal is None
    assert s.scadenza == dopo
    assert sla.scadenza_di(s) == dopo  # recomputing (a category change, a later pause) agrees


def test_two_pauses_add_up_in_working_days(lavorativi):
    ricevuta = ora(date(2026, 11, 30), 10)  # due Monday 7 December
    s = _in_pausa(lavorativi, ricevuta, ora(date(2026, 12, 1), 8), ora(date(2026, 12, 1), 18))  # 1 day
    Segnalazione.objects.filter(pk=s.pk).update(in_attesa_dal=ora(date(2026, 12, 4), 17))
    s = attesa.riprendi(s, ora(date(2026, 12, 7), 8))  # nothing: out of office hours
    assert s.giorni_sospesi == 1
    assert s.scadenza == date(2026, 12, 9)  # 7 December + 1 working day, skipping the Immacolata


def test_calendar_day_terms_still_count_calendar_days(alessandria):
    ricevuta = ora(date(2026, 11, 2), 10)  # 30 calendar days: 2 December
    s = _in_pausa(alessandria, ricevuta, ora(date(2026, 11, 6), 17), ora(date(2026, 11, 9), 8))
    assert s.giorni_sospesi == 3
    assert s.scadenza == date(2026, 12, 5)


def test_the_legal_maximum_of_a_pause_is_thirty_days_whatever_the_hour(alessandria):
    # Over a change of daylight saving time the local dates are 29 days apart at some hours.
    s = factories.segnalazione(alessandria)
    Segnalazione.objects.filter(pk=s.pk).update(in_attesa_dal=timezone.now() - timezone.timedelta(days=45))
    attesa.riprendi_sospensioni_scadute()
    s.refresh_from_db()
    assert s.giorni_sospesi == attesa.MAX_GIORNI_SOSPENSIONE
    dal = ora(date(2026, 10, 23), 0, 3)
    assert sla.giorni_di_pausa(s.categoria, alessandria, dal, dal + timezone.timedelta(days=30)) == 30
