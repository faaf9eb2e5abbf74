"""The public page of a report: what anyone sees, and what nobody but staff sees."""

import pytest

from civico.catalogo.models import Categoria
from civico.segnalazioni import eventi, workflow
from civico.segnalazioni.models import TipoEvento
from tests import factories
from tests.segnalazioni import immagini

pytestmark = pytest.mark.django_db

PRIVATO = {"nome": "Giulia Ferrari", "email": "giulia.ferrari@example.org", "telefono": "+39 333 7654321"}


def _segnalazione_lavorata(ente):
    s = factories.segnalazione(ente, **PRIVATO)
    op = factories.operatore(ente)
    workflow.transition(s, "take_in_charge", op)
    workflow.transition(s, "resolve", op, testo="Buca chiusa con asfalto a freddo.")
    from django.utils import timezone

    eventi.registra(s, TipoEvento.INTERNAL_NOTE, op, quando=timezone.now(), visibilita="internal",
                    testo="Nota riservata: ditta Rossi")
    return s


def test_the_public_page_shows_the_report_and_its_timeline(client, alessandria):
    s = _segnalazione_lavorata(alessandria)

    r = client.get(f"/segnalazioni/{s.codice}/")

    html = r.content.decode()
    assert r.status_code == 200
    for atteso in (s.titolo, "Buche", "Lavori pubblici – strade", "Risolta", "Piazza della Libertà",
                   "Segnalazione ricevuta.", "La segnalazione è stata presa in carico.",
                   "Buca chiusa con asfalto a freddo."):
        assert atteso in html, atteso


def test_the_public_page_never_shows_personal_data_or_internal_notes(client, alessandria):
    s = _segnalazione_lavorata(alessandria)
    html = client.get(f"/segnalazioni/{s.codice}/").content.decode()
    for segreto in (*PRIVATO.values(), "Giulia", "Nota riservata", s.token):
        assert segreto not in html


def test_a_report_of_a_private_category_is_not_public_but_the_private_link_works(client, alessandria):
    Categoria.objects.filter(ente=alessandria, codice="buche").update(pubblica=False)
    s = factories.segnalazione(alessandria)
    assert client.get(f"/segnalazioni/{s.codice}/").status_code == 404
    r = client.get(f"/seguimi/{s.token}/")
    assert r.status_code == 200 and s.codice in r.content.decode()
    assert r["Referrer-Policy"] == "same-origin"


def test_unknown_code_and_token_are_404(client, alessandria):
    for url in ("/segnalazioni/AL-2026-999999/", "/seguimi/" + "x" * 43 + "/"):
        r = client.get(url)
        assert r.status_code == 404 and "Pagina non trovata" in r.content.decode()
        assert "Torna alla pagina iniziale" in r.content.decode()


def test_public_photos_are_served_and_documents_never(client, alessandria):
    from civico.segnalazioni import intake

    dati = intake.NuovaSegnalazione(lat=factories.PIAZZA_LIBERTA[0], lon=factories.PIAZZA_LIBERTA[1],
                                    titolo="Con foto e documento", categoria="buche",
                                    risposte={"dimensione": "media"})
    s = intake.submit(dati, allegati=[("foto.jpg", immagini.jpeg()), ("verbale.pdf", immagini.pdf())]).segnalazione
    foto = s.allegati.get(tipo="foto")
    documento = s.allegati.get(tipo="documento")

    html = client.get(f"/segnalazioni/{s.codice}/").content.decode()
    assert f"/allegati/{foto.pk}/miniatura/" in html
    assert f"/allegati/{documento.pk}/" not in html
    r = client.get(f"/allegati/{foto.pk}/miniatura/")
    assert r.status_code == 200 and r["Content-Type"] == "image/jpeg"
    assert client.get(f"/allegati/{documento.pk}/").status_code == 404


def test_the_page_speaks_english_when_asked(client, alessandria):
    s = factories.segnalazione(alessandria)
    html = client.get(f"/segnalazioni/{s.codice}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Timeline" in html and "Report received." in html and "Received" in html


def test_healthz_reports_the_database(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    corpo = r.json()
    assert corpo["status"] == "ok" and corpo["database"]["status"] == "ok"
    assert corpo["database"]["vendor"] in ("sqlite", "postgresql")


def test_the_private_page_shows_the_reporters_messages_and_their_actions(client, alessandria):
    from civico.accounts.permissions import Attore
    from civico.segnalazioni import interazioni

    s = factories.segnalazione(alessandria)
    interazioni.commenta(s, Attore.del_segnalante(), "La buca si è allargata")

    privata = client.get(f"/seguimi/{s.token}/").content.decode()
    pubblica = client.get(f"/segnalazioni/{s.codice}/").content.decode()

    assert "La buca si è allargata" in privata and "La buca si è allargata" not in pubblica
    assert f"/seguimi/{s.token}/commenta/" in privata
    assert 'rel="manifest"' in pubblica
