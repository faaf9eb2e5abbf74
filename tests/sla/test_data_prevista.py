"""The legal deadline and the date the office promises are two fields: an office that moves its
own expected date later does not leave "in ritardo", nor escalation; citizens see the promise."""

from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from civico.comunicazioni import collegamenti
from civico.errors import InvalidData
from civico.segnalazioni import sla
from civico.segnalazioni.models import Segnalazione, TipoEvento, Visibilita
from tests import factories

pytestmark = pytest.mark.django_db


def _in_ritardo(alessandria, giorni: int = 3) -> Segnalazione:
    s = factories.segnalazione(alessandria)
    oggi = timezone.localdate()
    Segnalazione.objects.filter(pk=s.pk).update(scadenza=oggi - timedelta(days=giorni),
                                                creata_il=timezone.now() - timedelta(days=40))
    s.refresh_from_db()
    return s


@pytest.mark.parametrize("tra", [1, 7, 30, 365])
def test_a_later_expected_date_does_not_clear_in_ritardo(alessandria, tra):
    s = _in_ritardo(alessandria)
    legale = s.scadenza
    oggi = timezone.localdate()

    s = sla.imposta_data_prevista(s, factories.operatore(alessandria), oggi + timedelta(days=tra), "Serve un pezzo.")

    assert s.scadenza == legale and s.data_prevista == oggi + timedelta(days=tra)
    assert sla.in_ritardo(Segnalazione.objects.all(), oggi).filter(pk=s.pk).exists()
    evento = s.eventi.get(tipo=TipoEvento.DEADLINE_SET)
    assert evento.visibilita == Visibilita.PUBBLICA
    assert evento.dati["data_prevista"] == (oggi + timedelta(days=tra)).isoformat()


def test_an_escalated_report_is_not_escalated_again_nor_forgotten_for_a_new_promise(alessandria):
    s = _in_ritardo(alessandria)
    sollecitata = timezone.now()
    Segnalazione.objects.filter(pk=s.pk).update(sollecitata_il=sollecitata)

    s = sla.imposta_data_prevista(s, factories.operatore(alessandria), timezone.localdate() + timedelta(days=10))

    assert s.sollecitata_il == sollecitata  # the promise is not a new legal deadline


def test_the_public_page_shows_the_expected_date(client, alessandria):
    s = _in_ritardo(alessandria)
    promessa = timezone.localdate() + timedelta(days=12)
    sla.imposta_data_prevista(s, factories.operatore(alessandria), promessa)

    pagina = client.get(urlsplit(collegamenti.pagina_pubblica(s)).path)

    assert pagina.status_code == 200
    assert f'datetime="{promessa.isoformat()}" data-testid="data-prevista"' in pagina.content.decode()


def test_an_expected_date_before_the_report_is_refused(alessandria):
    s = _in_ritardo(alessandria)
    with pytest.raises(InvalidData):
        sla.imposta_data_prevista(s, factories.operatore(alessandria), date(2000, 1, 1))
