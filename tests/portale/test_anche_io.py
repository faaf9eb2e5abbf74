""""Anche io" on a report's public page: anyone follows it and counts one more person. Signed
out, the e-mail given is confirmed first (double opt-in: a signed link sent through the outbox,
over real SMTP here); signed in, one click."""

from __future__ import annotations

import re

import pytest

from civico.comunicazioni import collegamenti
from civico.comunicazioni.models import Iscrizione, Notifica
from civico.moderazione.models import Divieto
from civico.segnalazioni import workflow
from tests import factories
from tests.portale.test_flusso_passi import limiti_azzerati

pytestmark = pytest.mark.django_db
__all__ = ["limiti_azzerati"]  # the autouse fixture, imported


@pytest.fixture
def posta(smtp):
    return smtp


def _percorso(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def chiedi(client, s, email, django_capture_on_commit_callbacks, **extra):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(f"/segnalazioni/{s.codice}/anche-io/", {"email": email}, follow=True, **extra)


def link_nel_messaggio(messaggio) -> str:
    corpo = messaggio.get_body(("plain",)).get_content()
    return re.search(r"http://\S+(/comunicazioni/segui/[^/\s]+/)", corpo).group(1)


def test_signed_out_anche_io_is_confirmed_by_email_then_counts_one_more_person(
    client, alessandria, posta, django_capture_on_commit_callbacks
):
    s = factories.segnalazione(alessandria, email="autrice@example.org")  # the reporter follows already
    assert "1 persona segue questa segnalazione" in client.get(f"/segnalazioni/{s.codice}/").content.decode()

    r = chiedi(client, s, " Mario.Rossi@Example.org ", django_capture_on_commit_callbacks)

    assert "Ti abbiamo scritto a mario.rossi@example.org" in r.content.decode()
    assert Iscrizione.objects.filter(segnalazione=s).count() == 1  # nothing until confirmed
    messaggio = posta.messaggi[-1]
    assert messaggio["To"] == "mario.rossi@example.org"
    assert messaggio["Subject"] == f"Conferma: vuoi seguire la segnalazione {s.codice}?"
    link = link_nel_messaggio(messaggio)
    assert reverse_segui(link)

    pagina = client.get(link)  # a mail scanner opening the link subscribes nobody
    assert pagina.status_code == 200 and "mario.rossi@example.org" in pagina.content.decode()
    assert Iscrizione.objects.filter(segnalazione=s).count() == 1

    fatto = client.post(link).content.decode()
    assert "Fatto: riceverai gli aggiornamenti a mario.rossi@example.org." in fatto
    assert "La seguono 2 persone." in fatto
    assert "2 persone seguono questa segnalazione" in client.get(f"/segnalazioni/{s.codice}/").content.decode()
    # The follower hears of the next step, with the one-click unsubscribe in the message.
    workflow.transition(s, "take_in_charge", factories.operatore(alessandria))
    notifica = Notifica.objects.get(segnalazione=s, indirizzo="mario.rossi@example.org")
    assert notifica.dati["disiscrizione"] in notifica.testo


def reverse_segui(link: str) -> bool:
    from django.urls import resolve

    return resolve(link).view_name == "comunicazioni:conferma_segui"


def test_the_same_email_twice_counts_once(client, alessandria, posta, django_capture_on_commit_callbacks):
    s = factories.segnalazione(alessandria)
    chiedi(client, s, "anna@example.org", django_capture_on_commit_callbacks)
    chiedi(client, s, "ANNA@example.org", django_capture_on_commit_callbacks)
    primo, secondo = (link_nel_messaggio(m) for m in posta.messaggi[-2:])

    client.post(primo)
    r = client.post(secondo)
    client.post(primo)  # and the same link again

    assert "Segui già questa segnalazione con anna@example.org." in r.content.decode()
    assert Iscrizione.objects.filter(segnalazione=s, email="anna@example.org").count() == 1
    assert Iscrizione.objects.filter(segnalazione=s).count() == 1


@pytest.mark.parametrize("email", ["", "   ", "mario", "mario@", "@example.org", "mario rossi@example.org",
                                   "mario@@example.org", "mario@example", "a" * 250 + "@example.org",
                                   "<script>@example.org"])
def test_a_bad_email_gets_a_clear_error_in_italian_and_english_and_no_mail(
    client, alessandria, posta, email, django_capture_on_commit_callbacks
):
    s = factories.segnalazione(alessandria)
    r = chiedi(client, s, email, django_capture_on_commit_callbacks)
    assert r.status_code == 400
    assert "Scrivi un indirizzo e-mail valido, ad esempio nome@esempio.it." in r.content.decode()
    assert 'aria-invalid="true"' in r.content.decode()

    r = chiedi(client, s, email, django_capture_on_commit_callbacks, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400
    assert "Write a valid e-mail address, for example name@example.com." in r.content.decode()
    assert not Notifica.objects.filter(motivo="conferma").exists() and not posta.messaggi
    assert Iscrizione.objects.filter(segnalazione=s).count() == 0


def test_a_banned_address_is_refused(client, alessandria, posta, django_capture_on_commit_callbacks):
    s = factories.segnalazione(alessandria)
    Divieto.objects.create(tipo="email", valore="molesto@example.org", motivo="abusi", ente=None)
    r = chiedi(client, s, "Molesto@example.org", django_capture_on_commit_callbacks)
    assert r.status_code == 400 and "a causa di abusi ripetuti" in r.content.decode()
    assert not posta.messaggi


def test_an_expired_or_forged_confirmation_link_subscribes_nobody(client, alessandria, settings):
    s = factories.segnalazione(alessandria)
    link = _percorso(collegamenti.conferma_iscrizione(s, "luca@example.org", "it"))
    falso = link[:-6] + ("A" if link[-6] != "A" else "B") + link[-5:]
    for percorso in (falso, "/comunicazioni/segui/non-firmato/"):
        r = client.post(percorso)
        assert r.status_code == 404 and "Questo link non è valido o è scaduto" in r.content.decode()

    settings.CIVICO_COMUNICAZIONI = {"GIORNI_CONFERMA_ISCRIZIONE": -1}
    r = client.post(link)
    assert r.status_code == 404 and "non è valido o è scaduto" in r.content.decode()
    assert not Iscrizione.objects.filter(segnalazione=s).exists()


def test_signed_in_anche_io_is_one_click_and_counts_once(client, alessandria):
    s = factories.segnalazione(alessandria)
    mario = factories.UtenteFactory(username="mario@example.org")
    client.force_login(mario)
    assert "Anche io: seguo la segnalazione" in client.get(f"/segnalazioni/{s.codice}/").content.decode()

    r = client.post(f"/segnalazioni/{s.codice}/anche-io/", follow=True)
    html = r.content.decode()
    assert f"Fatto: segui la segnalazione {s.codice}" in html
    assert "1 persona segue questa segnalazione" in html and "Segui già questa segnalazione." in html

    r = client.post(f"/segnalazioni/{s.codice}/anche-io/", follow=True)
    assert Iscrizione.objects.filter(segnalazione=s).count() == 1


def test_a_confirmed_address_of_an_account_that_follows_already_is_not_counted_again(client, alessandria):
    s = factories.segnalazione(alessandria)
    mario = factories.UtenteFactory(username="mario@example.org")
    client.force_login(mario)
    client.post(f"/segnalazioni/{s.codice}/anche-io/")
    client.logout()
    client.post(_percorso(collegamenti.conferma_iscrizione(s, "mario@example.org", "it")))
    assert Iscrizione.objects.filter(segnalazione=s).count() == 1


def test_a_report_not_public_cannot_be_followed_from_outside(client, alessandria):
    from civico.segnalazioni.models import Segnalazione

    s = factories.segnalazione(alessandria)
    Segnalazione.objects.filter(pk=s.pk).update(pubblica=False)
    r = client.post(f"/segnalazioni/{s.codice}/anche-io/", {"email": "a@example.org"})
    assert r.status_code == 404 and s.titolo not in r.content.decode()
    assert not Iscrizione.objects.filter(email="a@example.org").exists()
    assert not Notifica.objects.filter(indirizzo="a@example.org").exists()  # no confirmation link sent


def test_the_report_page_has_a_map_of_its_place_only_when_it_has_a_point(client, alessandria):
    con_punto = factories.segnalazione(alessandria)
    senza = factories.segnalazione(alessandria)
    from civico.segnalazioni.models import Segnalazione

    Segnalazione.objects.filter(pk=senza.pk).update(lat=None, lon=None)

    html = client.get(f"/segnalazioni/{con_punto.codice}/").content.decode()
    assert 'data-testid="mappa-segnalazione"' in html and "leaflet/leaflet.js" in html
    assert f'aria-label="Mappa del luogo della segnalazione: {con_punto.indirizzo}"' in html
    assert f'"codice": "{con_punto.codice}"' in html and f'"lat": {round(con_punto.lat, 6)}' in html
    html = client.get(f"/segnalazioni/{senza.codice}/").content.decode()
    assert 'data-testid="mappa-segnalazione"' not in html and "leaflet/leaflet.js" not in html
    assert "posizione non indicata" in html
