"""The counter receipt carries the reporter's private link: only for the operator who just took the
report, never for the rest of the office; and acting through a private link while signed in as
staff is recorded as that staff member (or refused), never as the citizen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.utils import timezone

from civico.accounts.models import Ruolo
from civico.catalogo.models import Categoria
from civico.segnalazioni import workflow
from civico.segnalazioni.models import Canale, Evento, Segnalazione, TipoEvento
from tests import factories
from tests.api.conftest import V1, bearer, post_json
from tests.backoffice.test_sportello import modulo
from tests.segnalazioni import immagini

pytestmark = pytest.mark.django_db

CANALI_UFFICIO = [Canale.PHONE, Canale.POST, Canale.COUNTER, Canale.EMAIL]


def _registra(client, alessandria, canale=Canale.COUNTER) -> Segnalazione:
    buche = Categoria.objects.get(ente=alessandria, codice="buche")
    lat, lon = factories.PIAZZA_LIBERTA
    risposta = client.post("/backoffice/nuova/", modulo(buche, lat=lat, lon=lon, canale=canale))
    assert risposta.status_code == 302, risposta.content[:500]
    return Segnalazione.objects.latest("pk")


def _ricevuta(client, s):
    return client.get(f"/backoffice/nuova/{s.codice}/ricevuta/")


def _indietro(s: Segnalazione, minuti: int) -> None:
    """The intake happened `minuti` ago. Events refuse updates through the ORM: this test moves
    history on purpose, like diritti.anonimizza_segnalazione does."""
    models.QuerySet.update(Evento.objects.filter(segnalazione=s, tipo=TipoEvento.CREATED),
                           creato_il=timezone.now() - timedelta(minutes=minuti))


@pytest.mark.parametrize("canale", CANALI_UFFICIO)
def test_the_operator_who_took_the_report_prints_the_receipt(come, persone, alessandria, canale):
    client = come(persone.operatore)
    s = _registra(client, alessandria, canale)
    r = _ricevuta(client, s)
    assert r.status_code == 200 and f"/seguimi/{s.token}/" in r.content.decode()
    assert r["Cache-Control"] == "no-store" and r["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize("chi", ["collega", "responsabile", "amministratore", "piattaforma"])
def test_the_rest_of_the_office_cannot_take_the_private_link(client, come, persone, alessandria, chi):
    s = _registra(come(persone.operatore), alessandria)
    client.logout()
    altro = factories.staff("al.collega", Ruolo.OPERATORE, alessandria) if chi == "collega" else getattr(persone, chi)
    r = _ricevuta(come(altro), s)
    html = r.content.decode()
    assert r.status_code == 403 and s.token not in html
    assert "Solo chi ha registrato la segnalazione" in html


@pytest.mark.parametrize("chi", ["altro_comune", "sindaco", "osservatore"])
def test_who_does_not_work_on_the_report_does_not_learn_it_exists(client, come, persone, alessandria, chi):
    s = _registra(come(persone.operatore), alessandria)
    client.logout()
    r = _ricevuta(come(getattr(persone, chi)), s)
    assert r.status_code == 404 and s.token not in r.content.decode()


@pytest.mark.parametrize("minuti,attesa", [(29, 200), (31, 403), (60 * 24, 403)])
def test_the_receipt_is_printable_only_shortly_after(come, persone, alessandria, minuti, attesa):
    client = come(persone.operatore)
    s = _registra(client, alessandria)
    _indietro(s, minuti)
    r = _ricevuta(client, s)
    assert r.status_code == attesa
    if attesa == 403:
        assert s.token not in r.content.decode() and "30 minuti" in r.content.decode()


def test_the_window_is_a_setting(come, persone, alessandria, settings):
    settings.CIVICO = {**settings.CIVICO, "RICEVUTA_SPORTELLO_MINUTI": 120}
    client = come(persone.operatore)
    s = _registra(client, alessandria)
    _indietro(s, 90)
    r = _ricevuta(client, s)
    assert r.status_code == 200 and f"/seguimi/{s.token}/" in r.content.decode()
    _indietro(s, 121)
    scaduta = _ricevuta(client, s)
    assert scaduta.status_code == 403 and s.token not in scaduta.content.decode()
    assert "120 minuti" in scaduta.content.decode()


def test_the_receipt_in_english_explains_the_refusal(come, persone, alessandria):
    client = come(persone.operatore)
    s = _registra(client, alessandria)
    _indietro(s, 31)
    r = client.get(f"/backoffice/nuova/{s.codice}/ricevuta/", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 403 and "30 minutes" in r.content.decode()


@pytest.mark.parametrize("canale", [Canale.WEB, Canale.API, Canale.OPEN311, Canale.APP])
def test_reports_the_citizen_sent_themselves_have_no_counter_receipt(come, persone, alessandria, canale):
    s = factories.segnalazione(alessandria, canale=canale)
    r = _ricevuta(come(persone.operatore), s)
    assert r.status_code == 403 and s.token not in r.content.decode()
    assert "registrate dall&#x27;ufficio" in r.content.decode()


def test_the_private_token_appears_nowhere_else_in_the_backoffice(client, come, persone, alessandria):
    s = _registra(come(persone.operatore), alessandria)
    staff = come(persone.operatore)
    pagine = [
        staff.get(f"/backoffice/segnalazioni/{s.codice}/"),
        staff.get("/backoffice/?scheda=tutte"),
        staff.get("/backoffice/esporta.csv?scheda=tutte"),
        staff.get("/backoffice/esporta.xlsx?scheda=tutte"),
    ]
    client.logout()
    intestazioni = bearer(persone.amministratore)
    pagine += [client.get(f"{V1}/gestione/segnalazioni/{s.codice}", headers=intestazioni),
               client.get(f"{V1}/gestione/segnalazioni", headers=intestazioni)]
    for r in pagine:
        assert r.status_code == 200, r.request["PATH_INFO"]
        corpo = b"".join(r.streaming_content) if r.streaming else r.content
        assert s.token.encode() not in corpo, r.request["PATH_INFO"]


# --- Acting through the private link while signed in as staff ---------------------------------


def _risolta(alessandria) -> Segnalazione:
    s = factories.segnalazione(alessandria, nome="Rosa Bianchi", email="rosa@example.org")
    op = factories.operatore(alessandria)
    workflow.transition(s, "take_in_charge", op)
    return workflow.transition(s, "resolve", op, testo="Riparata")


def _come_segnalante(s: Segnalazione) -> list[Evento]:
    return list(Evento.objects.filter(segnalazione=s, dati__attore="segnalante").exclude(tipo=TipoEvento.CREATED))


@pytest.mark.parametrize("chi", ["operatore", "amministratore", "altro_comune", "sindaco"])
def test_staff_signed_in_never_act_as_the_citizen_through_the_private_link(come, persone, alessandria, chi):
    s = _risolta(alessandria)
    client = come(getattr(persone, chi))
    client.post(f"/seguimi/{s.token}/commenta/", {"testo": "Scrivo io per il cittadino"})
    client.post(f"/seguimi/{s.token}/foto/", {"file": SimpleUploadedFile("buca.jpg", immagini.jpeg(), "image/jpeg")})
    client.post(f"/seguimi/{s.token}/risolto/", {"risolto": "si"})
    assert _come_segnalante(s) == []
    assert not Evento.objects.filter(segnalazione=s, tipo=TipoEvento.COMMENT).exists()
    s.refresh_from_db()
    dopo = Evento.objects.filter(segnalazione=s, tipo__in=[TipoEvento.MEDIA_ADDED, TipoEvento.STATE_CHANGED],
                                 creato_il__gte=timezone.now() - timedelta(seconds=30)).exclude(
        dati__transizione="resolve")
    # What staff may do anyway (add a photo, close) is recorded as them; nothing else happened.
    for e in dopo:
        if e.tipo == TipoEvento.MEDIA_ADDED or e.dati.get("transizione") == "close":
            assert e.attore == getattr(persone, chi) and e.dati["attore"] == "staff"
    if chi in ("altro_comune", "sindaco"):  # no working role here: refused outright
        assert s.stato == "resolved" and not s.allegati.exists()


def test_the_citizen_still_acts_through_the_link(client, alessandria):
    s = _risolta(alessandria)
    client.post(f"/seguimi/{s.token}/commenta/", {"testo": "Grazie!"})
    commento = Evento.objects.get(segnalazione=s, tipo=TipoEvento.COMMENT)
    assert commento.dati["attore"] == "segnalante" and commento.attore is None


def test_a_staff_member_who_reported_as_a_citizen_acts_as_the_reporter(come, persone, alessandria):
    s = _risolta(alessandria)
    Segnalazione.objects.filter(pk=s.pk).update(segnalante=persone.operatore)
    come(persone.operatore).post(f"/seguimi/{s.token}/commenta/", {"testo": "La mia segnalazione"})
    commento = Evento.objects.get(segnalazione=s, tipo=TipoEvento.COMMENT)
    assert commento.dati["attore"] == "segnalante" and commento.attore == persone.operatore


def test_the_api_with_the_token_and_a_staff_session_acts_as_staff(client, come, persone, alessandria):
    s = _risolta(alessandria)
    staff = come(persone.operatore)
    r = post_json(staff, f"{V1}/segnalante/segnalazioni/{s.codice}/commenti", {"testo": "Per conto del cittadino"},
                  **{"X-Civico-Token": s.token})
    assert r.status_code == 403
    assert not Evento.objects.filter(segnalazione=s, tipo=TipoEvento.COMMENT).exists()
    staff.logout()
    r = post_json(client, f"{V1}/segnalante/segnalazioni/{s.codice}/commenti", {"testo": "Sono io"},
                  **{"X-Civico-Token": s.token})
    assert r.status_code == 201
    assert Evento.objects.get(segnalazione=s, tipo=TipoEvento.COMMENT).dati["attore"] == "segnalante"
