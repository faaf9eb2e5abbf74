"""Deadlines: calendar or working days, Italian holidays and the comune's patron saint."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from civico.segnalazioni import sla
from civico.segnalazioni.models import Segnalazione
from civico.stati import Stato
from tests import factories

pytestmark = pytest.mark.django_db
ROMA = ZoneInfo("Europe/Rome")


def alle_dieci(giorno: date) -> datetime:
    return datetime(giorno.year, giorno.month, giorno.day, 10, tzinfo=ROMA)


@pytest.fixture
def buche(alessandria):
    return alessandria.categorie.get(codice="buche")


@pytest.fixture
def patrono(alessandria):
    alessandria.santo_patrono_giorno, alessandria.santo_patrono_mese = 10, 11  # San Baudolino
    alessandria.save()
    return alessandria


def test_by_default_a_report_is_due_thirty_calendar_days_after_the_day_it_arrived(alessandria, buche):
    assert sla.calcola_scadenza(buche, alessandria, alle_dieci(date(2026, 3, 2))) == date(2026, 4, 1)


def test_a_calendar_deadline_on_a_public_holiday_moves_to_the_next_day(alessandria, buche):
    # 3 May + 30 days is 2 June, Festa della Repubblica.
    assert sla.calcola_scadenza(buche, alessandria, alle_dieci(date(2026, 5, 3))) == date(2026, 6, 3)


def test_a_calendar_deadline_on_a_sunday_moves_to_monday(alessandria, buche):
    # Friday 20 March + 30 days is Sunday 19 April.
    assert sla.calcola_scadenza(buche, alessandria, alle_dieci(date(2026, 3, 20))) == date(2026, 4, 20)


def test_a_calendar_deadline_on_the_patron_saint_moves_to_the_next_day(alessandria, buche):
    ricevuta = alle_dieci(date(2026, 10, 11))  # + 30 days = Tuesday 10 November, San Baudolino
    assert sla.calcola_scadenza(buche, alessandria, ricevuta) == date(2026, 11, 10)
    alessandria.santo_patrono_giorno, alessandria.santo_patrono_mese = 10, 11
    assert sla.calcola_scadenza(buche, alessandria, ricevuta) == date(2026, 11, 11)


def test_working_days_skip_weekends_and_the_patron_saint(patrono, buche):
    buche.giorni_risposta, buche.giorni_lavorativi = 5, True
    # Friday 6 November: Mon 9, (Tue 10 San Baudolino), Wed 11, Thu 12, Fri 13, Mon 16.
    assert sla.calcola_scadenza(buche, patrono, alle_dieci(date(2026, 11, 6))) == date(2026, 11, 16)


def test_working_days_skip_christmas_and_santo_stefano(alessandria, buche):
    buche.giorni_risposta, buche.giorni_lavorativi = 3, True
    # Wednesday 23 December: Thu 24, (Fri 25 Christmas, Sat 26, Sun 27), Mon 28, Tue 29.
    assert sla.calcola_scadenza(buche, alessandria, alle_dieci(date(2026, 12, 23))) == date(2026, 12, 29)


def test_without_a_patron_saint_its_day_is_an_ordinary_working_day(alessandria, buche):
    buche.giorni_risposta, buche.giorni_lavorativi = 5, True
    assert sla.calcola_scadenza(buche, alessandria, alle_dieci(date(2026, 11, 6))) == date(2026, 11, 13)


def test_the_day_of_arrival_is_the_comune_s_calendar_day(alessandria, buche):
    # 23:30 UTC on 1 March is already 2 March in Italy.
    ricevuta = datetime(2026, 3, 1, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert sla.calcola_scadenza(buche, alessandria, ricevuta) == date(2026, 4, 1)


def test_a_patron_saint_on_29_february_is_a_holiday_only_in_leap_years(alessandria):
    alessandria.santo_patrono_giorno, alessandria.santo_patrono_mese = 29, 2
    assert sla.e_festivo(date(2028, 2, 29), alessandria)
    assert sla.santo_patrono(alessandria, 2027) is None


def test_paused_days_push_the_deadline_forward(alessandria, buche):
    ricevuta = alle_dieci(date(2026, 3, 2))
    assert sla.calcola_scadenza(buche, alessandria, ricevuta, giorni_sospesi=7) == date(2026, 4, 8)


def test_late_and_due_soon_lists_count_only_open_running_reports(alessandria):
    oggi = date(2026, 5, 20)
    tardi, domani, lontana, risolta, in_attesa = (factories.segnalazione(alessandria) for _ in range(5))
    Segnalazione.objects.filter(pk__in=[tardi.pk, risolta.pk, in_attesa.pk]).update(scadenza=oggi - timedelta(days=1))
    Segnalazione.objects.filter(pk=domani.pk).update(scadenza=oggi + timedelta(days=1))
    Segnalazione.objects.filter(pk=lontana.pk).update(scadenza=oggi + timedelta(days=10))
    Segnalazione.objects.filter(pk=risolta.pk).update(stato=Stato.RESOLVED)
    Segnalazione.objects.filter(pk=in_attesa.pk).update(in_attesa_dal=alle_dieci(oggi))

    tutte = Segnalazione.objects.all()
    assert list(sla.in_ritardo(tutte, oggi)) == [tardi]
    assert list(sla.in_scadenza(tutte, oggi)) == [domani]
    assert set(sla.in_scadenza(tutte, oggi, giorni=10)) == {domani, lontana}
    assert not sla.in_ritardo(tutte, oggi - timedelta(days=1)).exists()  # the deadline day is still in time
