"""The enti admin: search among all comuni, switch them on and off, see the boundary."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civico.accounts.models import Ruolo
from civico.enti.models import Ente
from tests import factories
from tests.backoffice.conftest import entra_verificato


@pytest.fixture
def admin_client(client, db):
    """The admin is for platform administrators signed in with both factors."""
    return entra_verificato(client, factories.staff("piattaforma", Ruolo.PLATFORM_ADMIN, None))


def test_changelist_searches_by_name_and_codes(admin_client, ente_alessandria):
    url = reverse("admin:enti_ente_changelist")
    for termine in ("Alessandria", "006003", "A182"):
        risposta = admin_client.get(url, {"q": termine})
        assert risposta.status_code == 200
        assert ente_alessandria in risposta.context["cl"].result_list
    assert admin_client.get(url, {"attivo__exact": "0", "regione": "Piemonte"}).status_code == 200


def test_change_page_shows_the_boundary_read_only(admin_client, ente_alessandria):
    risposta = admin_client.get(reverse("admin:enti_ente_change", args=[ente_alessandria.pk]))
    assert risposta.status_code == 200
    assert b"vertici" in risposta.content and b"coordinates" in risposta.content
    assert b'name="confine"' not in risposta.content


def test_actions_activate_and_deactivate(admin_client, ente_alessandria):
    url = reverse("admin:enti_ente_changelist")
    dati = {"_selected_action": [ente_alessandria.pk], "index": 0}
    admin_client.post(url, {**dati, "action": "attiva"})
    assert Ente.objects.get(pk=ente_alessandria.pk).attivo
    admin_client.post(url, {**dati, "action": "disattiva"})
    assert not Ente.objects.get(pk=ente_alessandria.pk).attivo
