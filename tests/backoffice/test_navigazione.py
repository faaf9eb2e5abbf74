"""The backoffice menu leads to every staff area."""

import pytest

from tests import factories
from tests.backoffice.conftest import entra_verificato

pytestmark = pytest.mark.django_db


def test_the_menu_links_every_staff_area(client, alessandria):
    entra_verificato(client, factories.operatore(alessandria).utente)
    pagina = client.get("/backoffice/").content.decode()
    for indirizzo in ("/backoffice/comunicazioni/", "/backoffice/interventi/", "/backoffice/analisi/",
                      "/backoffice/moderazione/", "/backoffice/configurazione/"):
        assert f'href="{indirizzo}"' in pagina, indirizzo
