"""One-click links in messages: unsubscribe, and the answer to "Il problema è stato risolto?"."""

import pytest
from django.urls import reverse

from civico.comunicazioni import collegamenti
from civico.comunicazioni.models import Iscrizione, Notifica
from civico.segnalazioni import workflow
from civico.stati import Stato
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.comunicazioni.urls")]


def _percorso(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def test_links_in_messages_match_the_urls():
    assert reverse("comunicazioni:disiscriviti", args=["X"]) == "/comunicazioni/disiscriviti/X/"
    assert reverse("comunicazioni:risolto", args=["X"]) == "/comunicazioni/risolto/X/"
    assert reverse("comunicazioni:avvisi_atom", args=["alessandria"]) == "/alessandria/avvisi.atom"


def test_one_click_unsubscribe_as_mail_clients_do_it(client, alessandria):
    s = factories.segnalazione(alessandria, email="mario@example.org")
    link = Notifica.objects.get(segnalazione=s).dati["disiscrizione"]

    pagina = client.get(_percorso(link))
    assert pagina.status_code == 200 and s.codice in pagina.content.decode()
    assert Iscrizione.objects.filter(segnalazione=s).exists()  # a GET (a link scanner) changes nothing

    r = client.post(_percorso(link), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert r.status_code == 200 and not Iscrizione.objects.filter(segnalazione=s).exists()
    workflow.transition(s, "take_in_charge", factories.operatore(alessandria))
    assert Notifica.objects.filter(segnalazione=s).count() == 1  # nothing more is written


def test_a_tampered_unsubscribe_link_is_refused(client, alessandria):
    iscrizione = factories.IscrizioneFactory(segnalazione=factories.segnalazione(alessandria))
    link = collegamenti.disiscrizione("i", iscrizione.pk)
    r = client.post(_percorso(link)[:-3] + "xx/")
    assert r.status_code == 404 and "Questo link non è valido." in r.content.decode()
    assert Iscrizione.objects.filter(pk=iscrizione.pk).exists()  # still follows


def _risolta(alessandria):
    s = factories.segnalazione(alessandria, email="mario@example.org")
    s.ufficio.email = "strade@comune.example.org"
    s.ufficio.save()
    op = factories.operatore(alessandria)
    workflow.transition(s, "take_in_charge", op)
    return workflow.transition(s, "resolve", op)


def test_the_resolution_message_asks_the_reporter_with_yes_and_no_links(alessandria):
    s = _risolta(alessandria)
    [domanda] = Notifica.objects.filter(segnalazione=s, evento__stato_a=Stato.RESOLVED)
    assert "Il problema è stato risolto?" in domanda.oggetto
    assert collegamenti.risoluzione(s, True) in domanda.testo and collegamenti.risoluzione(s, False) in domanda.html


def test_yes_closes_the_report(client, alessandria):
    s = _risolta(alessandria)
    link = _percorso(collegamenti.risoluzione(s, True))
    assert client.get(link).status_code == 200
    s.refresh_from_db()
    assert s.stato == Stato.RESOLVED  # opening the link alone records nothing

    assert client.post(link).status_code == 200
    s.refresh_from_db()
    assert s.stato == Stato.CLOSED
    assert "già" in client.post(link).content.decode()  # a second click changes nothing


def test_no_reopens_and_the_office_gets_the_comment(client, alessandria):
    s = _risolta(alessandria)
    r = client.post(_percorso(collegamenti.risoluzione(s, False)), {"testo": "La buca è ancora lì"})

    assert r.status_code == 200
    s.refresh_from_db()
    assert s.stato == Stato.REOPENED
    ufficio = Notifica.objects.get(segnalazione=s, motivo="ufficio")
    assert ufficio.indirizzo == "strade@comune.example.org" and "La buca è ancora lì" in ufficio.testo


def test_an_expired_or_forged_resolution_link_is_refused(client, alessandria, comunicazioni):
    s = _risolta(alessandria)
    comunicazioni["GIORNI_LINK_RISOLUZIONE"] = -1
    assert client.post(_percorso(collegamenti.risoluzione(s, True))).status_code == 404
    s.refresh_from_db()
    assert s.stato == Stato.RESOLVED
