"""The channels a comune offers (its Canali page): a channel it does not offer is neither shown in
its citizens' preferences nor used for its messages; another comune keeps its own choice."""

from __future__ import annotations

import pytest

from civico.accounts.models import Ruolo
from civico.comunicazioni import iscrizioni
from civico.comunicazioni.impostazioni_ente import canali_offerti, imposta_canali_offerti
from civico.comunicazioni.models import Notifica
from civico.errors import InvalidData
from civico.segnalazioni import interazioni
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def sms(comunicazioni):
    comunicazioni["SMS_URL"] = "http://127.0.0.1:9/sms"


def _admin(ente):
    return factories.staff(f"admin.{ente.slug}", Ruolo.ENTE_ADMIN, ente)


def test_a_channel_the_comune_does_not_offer_is_not_used_and_the_other_comune_still_uses_it(
        alessandria, casale, sms):
    imposta_canali_offerti(_admin(alessandria), alessandria, ["push"])  # no SMS in Alessandria
    anna = factories.UtenteFactory(username="anna")
    factories.PreferenzeFactory(utente=anna, canali=["email", "sms"], telefono="333 123 4567")
    ad_alessandria = factories.segnalazione(alessandria)
    a_casale = factories.segnalazione(casale, punto=factories.CASALE)
    for s in (ad_alessandria, a_casale):
        iscrizioni.segui(s, anna)
        interazioni.rispondi(s, factories.operatore(s.ente), "Interverremo domani.")

    assert {n.canale for n in Notifica.objects.filter(segnalazione=ad_alessandria, utente=anna)} == {"email"}
    assert {n.canale for n in Notifica.objects.filter(segnalazione=a_casale, utente=anna)} == {"email", "sms"}
    assert canali_offerti(alessandria) == ["email", "push"]  # e-mail always
    assert "sms" in canali_offerti(casale)  # never set: every channel


def test_the_preferences_page_shows_only_channels_one_of_the_persons_comuni_offers(client, alessandria, casale,
                                                                                   sms):
    imposta_canali_offerti(_admin(alessandria), alessandria, [])
    paola = factories.UtenteFactory(username="paola")
    client.force_login(paola)
    iscrizioni.segui(factories.segnalazione(alessandria), paola)

    pagina = client.get("/area-personale/preferenze/").content.decode()
    assert 'name="email"' in pagina and 'name="sms"' not in pagina

    iscrizioni.segui(factories.segnalazione(casale, punto=factories.CASALE), paola)  # Casale offers SMS
    assert 'name="sms"' in client.get("/area-personale/preferenze/").content.decode()


@pytest.mark.parametrize("nomi", [["fax"], ["sms", "piccione"], ["SMS"]])
def test_an_unknown_channel_is_refused_and_nothing_changes(alessandria, nomi):
    with pytest.raises(InvalidData) as exc:
        imposta_canali_offerti(_admin(alessandria), alessandria, nomi)
    assert "Canale sconosciuto" in " ".join(exc.value.as_dict()["canali_offerti"])
    assert "sms" in canali_offerti(alessandria)
