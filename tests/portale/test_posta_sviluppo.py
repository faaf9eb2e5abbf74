"""/dev/posta/, the development mail catcher's page (the portal's): a platform administrator
reads it; anyone else, with DEBUG off, finds nothing there."""

from __future__ import annotations

import pytest

from civico.accounts.models import Ruolo
from tests import factories

pytestmark = pytest.mark.django_db


def test_only_a_platform_administrator_reads_the_development_mail(client, settings):
    settings.DEBUG = False
    assert client.get("/dev/posta/").status_code == 404

    client.force_login(factories.staff("op-posta", Ruolo.OPERATORE, None))
    assert client.get("/dev/posta/").status_code == 404

    client.force_login(factories.staff("admin-posta", Ruolo.PLATFORM_ADMIN, None))
    pagina = client.get("/dev/posta/")
    assert pagina.status_code == 200
    assert "Posta di sviluppo" in pagina.content.decode()
