"""The comune's home shows the announcements in force, emergencies first."""

from datetime import timedelta

import pytest
from django.utils import timezone

from civico.comunicazioni.models import Avviso

pytestmark = pytest.mark.django_db


def test_the_home_shows_current_announcements_and_hides_expired_ones(client, alessandria):
    adesso = timezone.now()
    comune = {"ente": alessandria, "creato_il": adesso, "aggiornato_il": adesso}
    Avviso.objects.create(titolo="Chiusura di via Dante", testo="Lavori", valido_dal=adesso - timedelta(days=1),
                          **comune)
    Avviso.objects.create(titolo="Allerta meteo", testo="Restate a casa", tipo="emergenza",
                          valido_dal=adesso - timedelta(hours=1), **comune)
    Avviso.objects.create(titolo="Vecchio avviso", testo="Finito", valido_dal=adesso - timedelta(days=9),
                          valido_al=adesso - timedelta(days=2), **comune)

    html = client.get(f"/{alessandria.slug}/").content.decode()

    assert "Chiusura di via Dante" in html and "Allerta meteo" in html
    assert "Vecchio avviso" not in html
    assert html.index("Allerta meteo") < html.index("Chiusura di via Dante")
    assert f"/{alessandria.slug}/avvisi.atom" in html
