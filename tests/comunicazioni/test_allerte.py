"""Area alerts: new and resolved reports in a circle, a quartiere or the comune; now or daily."""

import io

import pytest
from django.core.management import call_command

from civico.catalogo.models import Categoria
from civico.comunicazioni import allerte
from civico.comunicazioni.models import ElementoRiepilogo, Frequenza, Notifica, TipoArea
from civico.segnalazioni import workflow
from tests import factories

pytestmark = pytest.mark.django_db

DANTE_12 = (44.91497, 8.61216)  # near Via Dante Alighieri, Centro


def _avvisati(s):
    return set(Notifica.objects.filter(segnalazione=s, motivo="allerta").values_list("indirizzo", flat=True))


def test_new_reports_reach_the_alerts_of_their_area_and_category(alessandria):
    lat, lon = factories.PIAZZA_LIBERTA
    allerte.crea(alessandria, email="vicino@example.org", tipo_area=TipoArea.CERCHIO, lat=lat, lon=lon, raggio_m=300)
    allerte.crea(alessandria, email="lontano@example.org", tipo_area=TipoArea.CERCHIO, lat=44.95, lon=8.70,
                 raggio_m=300)
    allerte.crea(alessandria, email="comune@example.org")
    allerte.crea(alessandria, email="centro@example.org", tipo_area=TipoArea.QUARTIERE, quartiere="Centro")
    allerte.crea(alessandria, email="cristo@example.org", tipo_area=TipoArea.QUARTIERE, quartiere="Cristo")
    allerte.crea(alessandria, email="luce@example.org",
                 categorie=[Categoria.objects.get(ente=alessandria, codice="illuminazione-pubblica")])

    s = factories.segnalazione(alessandria)

    assert _avvisati(s) == {"vicino@example.org", "comune@example.org", "centro@example.org"}
    n = Notifica.objects.filter(segnalazione=s, motivo="allerta").first()
    assert s.titolo in n.oggetto and "/comunicazioni/disiscriviti/" in n.dati["disiscrizione"]


def test_resolutions_reach_who_asked_for_them(alessandria):
    allerte.crea(alessandria, email="solo-risolte@example.org", nuove=False)
    s = factories.segnalazione(alessandria)
    assert _avvisati(s) == set()
    op = factories.operatore(alessandria)
    workflow.transition(s, "take_in_charge", op)
    workflow.transition(s, "resolve", op)
    assert _avvisati(s) == {"solo-risolte@example.org"}


def test_the_reporters_own_alert_stays_quiet(alessandria):
    u = factories.UtenteFactory(username="mario")
    allerte.crea(alessandria, utente=u)
    s = factories.segnalazione(alessandria, email="mario@example.org")
    assert _avvisati(s) == set()


def test_daily_alerts_wait_for_the_digest(alessandria):
    allerte.crea(alessandria, email="giornaliero@example.org", frequenza=Frequenza.GIORNALIERA)
    s1 = factories.segnalazione(alessandria)
    s2 = factories.segnalazione(alessandria, titolo="Un'altra buca")
    assert _avvisati(s1) == set() and ElementoRiepilogo.objects.count() == 2

    call_command("invia_riepiloghi", stdout=io.StringIO())
    call_command("invia_riepiloghi", stdout=io.StringIO())  # a second run the same day adds nothing

    [riepilogo] = Notifica.objects.filter(motivo="riepilogo")
    assert riepilogo.indirizzo == "giornaliero@example.org"
    assert s1.codice in riepilogo.testo and s2.codice in riepilogo.testo
    assert not ElementoRiepilogo.objects.filter(notifica__isnull=True).exists()


def test_an_unsubscribed_alert_is_silent(alessandria):
    from civico.comunicazioni import iscrizioni

    a = allerte.crea(alessandria, email="basta@example.org")
    assert iscrizioni.disiscrivi("a", a.pk)
    s = factories.segnalazione(alessandria)
    assert _avvisati(s) == set()


def test_a_report_without_a_place_reaches_only_whole_comune_alerts(alessandria):
    lat, lon = factories.PIAZZA_LIBERTA
    allerte.crea(alessandria, email="comune@example.org", nuove=False)
    allerte.crea(alessandria, email="vicino@example.org", nuove=False, tipo_area=TipoArea.CERCHIO,
                 lat=lat, lon=lon, raggio_m=300)
    allerte.crea(alessandria, email="centro@example.org", nuove=False, tipo_area=TipoArea.QUARTIERE,
                 quartiere="Centro")
    s = factories.segnalazione(alessandria)
    # As an import from another platform leaves it: no position, no cell.
    s.lat = s.lon = None
    s.cella_h3 = ""
    s.save(update_fields=["lat", "lon", "cella_h3"])
    op = factories.operatore(alessandria)
    workflow.transition(s, "take_in_charge", op)
    workflow.transition(s, "resolve", op)
    assert _avvisati(s) == {"comune@example.org"}
