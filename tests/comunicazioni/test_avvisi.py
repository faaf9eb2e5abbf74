"""Avvisi: in force, in an Atom feed, pushed to the alerts of their area and topics."""

from datetime import timedelta

import pytest
from django.utils import timezone

from civico.accounts.models import Ruolo
from civico.comunicazioni import allerte, avvisi
from civico.comunicazioni.models import ElementoRiepilogo, Notifica, TipoArea
from civico.errors import InvalidData, NotAllowed
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.comunicazioni.urls")]

CENTRO = {"type": "Polygon", "coordinates": [[[8.60, 44.90], [8.63, 44.90], [8.63, 44.92], [8.60, 44.92],
                                               [8.60, 44.90]]]}


@pytest.fixture
def comune(alessandria):
    return factories.staff("urp-al", Ruolo.ENTE_ADMIN, alessandria)


def test_only_avvisi_in_force_are_shown_emergencies_first(alessandria, comune):
    adesso = timezone.now()
    vecchio = avvisi.pubblica(alessandria, comune, titolo="Mercato spostato", testo="Già passato",
                              valido_dal=adesso - timedelta(days=3), valido_al=adesso - timedelta(days=1))
    lavori = avvisi.pubblica(alessandria, comune, titolo="Lavori in corso Roma", testo="Chiuso al traffico",
                             tipo="lavori")
    allerta = avvisi.pubblica(alessandria, comune, titolo="Allerta meteo", testo="Restate in casa", tipo="emergenza")
    futuro = avvisi.pubblica(alessandria, comune, titolo="Festa", testo="Domani",
                             valido_dal=adesso + timedelta(days=1))

    assert list(avvisi.avvisi_attivi(alessandria)) == [allerta, lavori]
    assert vecchio.pk and futuro.pk


def test_the_atom_feed(client, alessandria, comune):
    avvisi.pubblica(alessandria, comune, titolo="Lavori in corso Roma", testo="Chiuso al traffico", tipo="lavori")
    r = client.get("/alessandria/avvisi.atom")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/atom+xml")
    corpo = r.content.decode()
    assert "<feed" in corpo and "Lavori in corso Roma" in corpo and "Chiuso al traffico" in corpo
    assert client.get("/comune-inesistente/avvisi.atom").status_code == 404


def test_an_emergency_reaches_the_area_at_once_the_rest_waits_for_the_digest(alessandria, comune):
    allerte.crea(alessandria, email="centro@example.org", tipo_area=TipoArea.CERCHIO, lat=44.913, lon=8.615)
    allerte.crea(alessandria, email="fuori@example.org", tipo_area=TipoArea.CERCHIO, lat=44.80, lon=8.50)
    allerte.crea(alessandria, email="niente-avvisi@example.org", avvisi=False)

    avvisi.pubblica(alessandria, comune, titolo="Fuga di gas", testo="Evacuare la zona", tipo="emergenza",
                    area=CENTRO)
    avvisi.pubblica(alessandria, comune, titolo="Potature", testo="Viali chiusi", tipo="lavori", area=CENTRO)

    [subito] = Notifica.objects.filter(motivo="avviso")
    assert subito.indirizzo == "centro@example.org" and "Fuga di gas" in subito.oggetto
    assert [e.allerta.email for e in ElementoRiepilogo.objects.filter(avviso__titolo="Potature")] == [
        "centro@example.org"]


def test_only_the_comune_publishes_and_areas_must_be_polygons(alessandria, comune):
    with pytest.raises(NotAllowed):
        avvisi.pubblica(alessandria, factories.operatore(alessandria).utente, titolo="X", testo="Y")
    with pytest.raises(InvalidData):
        avvisi.pubblica(alessandria, comune, titolo="X", testo="Y", area={"type": "Point", "coordinates": [8, 44]})
