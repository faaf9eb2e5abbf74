"""Masking of personal data in public text, citizens' flags, the staff's queue, bans, honeypots."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from civico.accounts.models import Ruolo
from civico.errors import InvalidData, NotAllowed
from civico.moderazione import servizi
from civico.moderazione.models import Divieto, TipoDivieto
from civico.moderazione.testo import maschera
from civico.segnalazioni.models import Evento, Segnalazione
from tests import factories
from tests.backoffice.conftest import entra_verificato


@pytest.fixture(autouse=True)
def _contatori_azzerati(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()


@pytest.mark.parametrize(("testo", "atteso"), [
    ("chiamatemi al 333 1234567", "chiamatemi al […]"),
    ("tel. +39 0131-515111 ore ufficio", "tel. […] ore ufficio"),
    ("scrivete a mario.rossi@example.it", "scrivete a […]"),
    ("sono RSSMRA80A01H501U", "sono […]"),
    ("che cazzo di buca", "che c**** di buca"),
    ("this shit again", "this s*** again"),
])
def test_personal_data_and_swearing_are_masked(testo, atteso):
    assert maschera(testo).testo == atteso


@pytest.mark.parametrize("testo", [
    "via Roma 12, 15121 Alessandria", "AL-2026-000123 del 12/03/2026", "buca di 30 cm alle 18:30",
    "lampione n. 0012345", "Scassano e la cazzuola", "44.91234 8.61234",
])
def test_ordinary_text_is_left_alone(testo):
    assert maschera(testo).testo == testo


def test_a_report_is_published_masked_and_staff_keep_the_original(client, alessandria):
    s = factories.segnalazione(alessandria, titolo="Buca, chiamate 333 1234567",
                               descrizione="Scrivete a mario@example.org, che schifo di merda")
    pagina = client.get(f"/segnalazioni/{s.codice}/").content.decode()
    assert "333 1234567" not in pagina and "mario@example.org" not in pagina and "merda" not in pagina
    assert "Buca, chiamate […]" in pagina
    api = client.get(f"/api/v1/segnalazioni/{s.codice}").content.decode()
    assert "1234567" not in api and "mario@example.org" not in api
    operatore = factories.operatore(alessandria).utente
    assert servizi.originali(s, operatore)["descrizione"].startswith("Scrivete a mario@example.org")
    assert servizi.originali(s, None) == {}
    entra_verificato(client, operatore)
    assert "mario@example.org" in client.get(f"/backoffice/moderazione/{s.codice}/").content.decode()


def test_a_flagged_report_reaches_the_queue_and_is_hidden_with_a_reason(client, alessandria, casale):
    s = factories.segnalazione(alessandria)
    pagina = client.get(f"/segnalazioni/{s.codice}/").content.decode()
    assert "Segnala contenuto inappropriato" in pagina
    r = client.post(f"/segnalazioni/{s.codice}/segnala-contenuto/", {"motivo": "offensivo", "testo": "insulti"})
    assert r.status_code == 302
    client.post(f"/segnalazioni/{s.codice}/segnala-contenuto/", {"motivo": "spam"})  # same person: once

    operatore = factories.operatore(alessandria).utente
    entra_verificato(client, operatore)
    coda = client.get("/backoffice/moderazione/").content.decode()
    assert s.codice in coda
    assert client.post(f"/backoffice/moderazione/{s.codice}/nascondi/", {"motivo": ""}).status_code == 400
    client.post(f"/backoffice/moderazione/{s.codice}/nascondi/", {"motivo": "Insulti a un vicino"})
    s.refresh_from_db()
    assert not s.pubblica
    evento = Evento.objects.filter(segnalazione=s, dati__moderazione="nascosta").get()
    assert evento.visibilita == "internal" and "Insulti a un vicino" in evento.testo
    client.logout()
    assert client.get(f"/segnalazioni/{s.codice}/").status_code == 404

    altro = factories.staff("cm.mod", Ruolo.OPERATORE, casale)
    entra_verificato(client, altro)
    assert client.post(f"/backoffice/moderazione/{s.codice}/ripristina/", {"motivo": "x"}).status_code in (403, 404)
    entra_verificato(client, operatore)
    client.post(f"/backoffice/moderazione/{s.codice}/ripristina/", {"motivo": "Chiarito"})
    assert Segnalazione.objects.get(pk=s.pk).pubblica


def test_banned_email_domain_and_phone_are_refused_at_intake(alessandria, casale):
    admin = factories.staff("al.admin.mod", Ruolo.ENTE_ADMIN, alessandria)
    servizi.vieta(admin, TipoDivieto.EMAIL, "Spam@Example.org", "spam ripetuto", alessandria)
    servizi.vieta(admin, TipoDivieto.DOMINIO, "@usa-e-getta.it", "indirizzi usa e getta", alessandria)
    servizi.vieta(admin, TipoDivieto.TELEFONO, "+39 333 000 1111", "chiamate moleste", alessandria)
    for contatti in ({"email": "spam@example.org"}, {"email": "x@mail.usa-e-getta.it"},
                     {"telefono": "3330001111"}):
        with pytest.raises(InvalidData) as e:
            factories.segnalazione(alessandria, **contatti)
        assert "non può più inviare segnalazioni" in str(e.value)
    factories.segnalazione(casale, punto=factories.CASALE, email="spam@example.org")  # not banned there
    with pytest.raises(NotAllowed):
        servizi.vieta(factories.operatore(alessandria).utente, TipoDivieto.EMAIL, "a@b.it", "x", alessandria)
    assert Divieto.objects.count() == 3


def test_the_honeypot_and_the_minimum_time_stop_bots_on_the_mayors_form(client, alessandria, settings):
    from civico.comunicazioni.models import MessaggioSindaco

    settings.CIVICO = {**settings.CIVICO, "MODULI_SECONDI_MINIMI": 3, "MODULI_TOKEN_OBBLIGATORIO": True}
    url = f"/scrivi-al-sindaco/{alessandria.slug}/"
    pagina = client.get(url).content.decode()
    assert 'name="sito_web"' in pagina and 'name="modulo_t"' in pagina
    dati = {"tipo": "suggerimento", "testo": "Più alberi"}
    r = client.post(url, {**dati, "sito_web": "http://spam.example", "modulo_t": _gettone(-10)})
    assert r.status_code == 400 and "programma automatico" in r.content.decode()
    r = client.post(url, {**dati, "modulo_t": _gettone(0)})
    assert r.status_code == 400 and "troppo in fretta" in r.content.decode()
    assert client.post(url, dati).status_code == 400  # no render time at all
    assert client.post(url, {**dati, "modulo_t": "falso:1:abc"}).status_code == 400
    assert MessaggioSindaco.objects.count() == 0
    assert client.post(url, {**dati, "modulo_t": _gettone(-10)}).status_code == 302
    assert MessaggioSindaco.objects.count() == 1


def test_the_sign_in_form_carries_the_honeypot(client, db, settings, mailoutbox):
    settings.CIVICO = {**settings.CIVICO, "MODULI_TOKEN_OBBLIGATORIO": True}
    assert 'name="sito_web"' in client.get("/area-personale/").content.decode()
    r = client.post("/area-personale/accedi/", {"email": "a@example.org", "sito_web": "x", "modulo_t": _gettone(-10)})
    assert r.status_code == 400 and not mailoutbox


def _gettone(secondi: int) -> str:
    """A render time `secondi` from now (negative: in the past)."""
    import time
    from unittest import mock

    from civico.moderazione import esca

    with mock.patch("django.core.signing.time.time", return_value=time.time() + secondi):
        return esca.gettone()
