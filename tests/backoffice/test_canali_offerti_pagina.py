"""The Canali page's choice of the channels the comune offers: its administrators only."""

from __future__ import annotations

import pytest

from civico.comunicazioni.impostazioni_ente import canali_offerti

pytestmark = pytest.mark.django_db


def test_the_administrator_chooses_on_the_canali_page_and_others_cannot(persone, come, alessandria):
    url = f"/backoffice/configurazione/{alessandria.slug}/canali/"
    client = come(persone.amministratore)

    pagina = client.post(url, {"offerti": "1", "canali_offerti": ["sms"]}, follow=True).content.decode()

    assert "Impostazioni salvate." in pagina and "Canali offerti ai cittadini" in pagina
    assert canali_offerti(alessandria) == ["email", "sms"]
    assert pagina.count("checked") == 1 and 'value="sms"' in pagina
    errata = client.post(url, {"offerti": "1", "canali_offerti": ["fax"]})
    assert errata.status_code == 200 and canali_offerti(alessandria) == ["email", "sms"]
    assert "fax non è tra quelle disponibili" in errata.content.decode()
    assert come(persone.operatore).post(url, {"offerti": "1"}).status_code == 403
    assert canali_offerti(alessandria) == ["email", "sms"]


def test_the_choice_in_english(persone, come, alessandria):
    pagina = come(persone.amministratore).get(f"/backoffice/configurazione/{alessandria.slug}/canali/",
                                              HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Channels offered to citizens" in pagina and "E-mail is always offered." in pagina
