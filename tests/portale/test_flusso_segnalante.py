"""The reporter's actions from the private page, and the receipt PDF."""

from __future__ import annotations

import base64
import re
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import RequestFactory

from civico.segnalazioni import workflow
from civico.segnalazioni.models import TipoEvento
from civico.stati import Stato
from tests import factories
from tests.portale.test_flusso_passi import limiti_azzerati
from tests.segnalazioni import immagini

pytestmark = pytest.mark.django_db
__all__ = ["limiti_azzerati"]  # the autouse fixture, imported


def leggi_pdf(pdf: bytes) -> str:
    """The text drawn in a PDF made by reportlab (page streams: ASCII85, then zlib)."""
    testi = []
    for flusso in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            testi.append(zlib.decompress(base64.a85decode(flusso.strip(), adobe=True)).decode("latin-1"))
        except (ValueError, zlib.error):  # not a page's text (fonts, images)
            continue
    return "".join(re.findall(r"\((.*?)\) Tj", "\n".join(testi)))


def risolta(ente, **campi):
    s = factories.segnalazione(ente, **campi)
    op = factories.operatore(ente)
    workflow.transition(s, "take_in_charge", op)
    return workflow.transition(s, "resolve", op)


def test_the_reporter_writes_to_the_office_and_comes_back_with_a_message(client, alessandria):
    s = factories.segnalazione(alessandria)

    r = client.post(f"/seguimi/{s.token}/commenta/", {"testo": "La buca si è allargata."})

    assert r.status_code == 302 and r["Location"] == f"/seguimi/{s.token}/#azioni-segnalante"
    evento = s.eventi.get(tipo=TipoEvento.COMMENT)
    assert evento.testo == "La buca si è allargata." and evento.visibilita == "reporter"
    assert "Messaggio inviato all&#x27;ufficio." in client.get(r["Location"]).content.decode()


def test_an_empty_message_is_refused_next_to_its_form(client, alessandria):
    s = factories.segnalazione(alessandria)
    client.post(f"/seguimi/{s.token}/commenta/", {"testo": "  "})
    html = client.get(f"/seguimi/{s.token}/").content.decode()
    assert not s.eventi.filter(tipo=TipoEvento.COMMENT).exists()
    assert "Questo campo è obbligatorio." in html


def test_the_reporter_adds_a_photo_and_a_fake_one_is_refused(client, alessandria):
    s = factories.segnalazione(alessandria)
    client.post(f"/seguimi/{s.token}/foto/", {"file": SimpleUploadedFile("dopo.jpg", immagini.jpeg(), "image/jpeg")})
    assert s.allegati.count() == 1

    r = client.post(f"/seguimi/{s.token}/foto/", {"file": SimpleUploadedFile("finta.jpg", b"testo", "image/jpeg")},
                    follow=True)
    assert s.allegati.count() == 1 and "non è un&#x27;immagine" in r.content.decode()


@pytest.mark.parametrize("risposta,stato", [("si", Stato.CLOSED), ("no", Stato.REOPENED)])
def test_the_reporter_says_whether_it_is_solved(client, alessandria, risposta, stato):
    s = risolta(alessandria)
    client.post(f"/seguimi/{s.token}/risolto/", {"risolto": risposta, "testo": "Grazie"})
    s.refresh_from_db()
    assert s.stato == stato


def test_a_report_not_yet_resolved_cannot_be_confirmed(client, alessandria):
    s = factories.segnalazione(alessandria)
    r = client.post(f"/seguimi/{s.token}/risolto/", {"risolto": "si"}, follow=True)
    s.refresh_from_db()
    assert s.stato == Stato.SUBMITTED and "Si può confermare solo una segnalazione risolta." in r.content.decode()


def test_unknown_tokens_are_404(client, alessandria):
    s = factories.segnalazione(alessandria)
    eventi = s.eventi.count()
    for azione in ("commenta", "foto", "risolto"):
        r = client.post(f"/seguimi/{'x' * 43}/{azione}/", {"testo": "Ciao", "risolto": "si"})
        assert r.status_code == 404 and "Pagina non trovata" in r.content.decode()
    ricevuta = client.get(f"/seguimi/{'x' * 43}/ricevuta.pdf")
    assert ricevuta.status_code == 404 and ricevuta["Content-Type"] != "application/pdf"
    assert s.eventi.count() == eventi  # no token guessed its way into any report


def test_the_include_shows_the_forms_and_the_solved_question_only_when_resolved(alessandria):
    richiesta = RequestFactory().get("/")
    from django.contrib.messages.storage.fallback import FallbackStorage

    richiesta.session = {}
    richiesta._messages = FallbackStorage(richiesta)
    aperta = factories.segnalazione(alessandria)
    html = render_to_string("portale/flusso/_azioni_segnalante.html", {"s": aperta}, richiesta)
    assert f'action="/seguimi/{aperta.token}/commenta/"' in html and f'action="/seguimi/{aperta.token}/foto/"' in html
    assert "Il problema è stato risolto?" not in html
    chiusa = risolta(alessandria, titolo="Altra buca")
    html = render_to_string("portale/flusso/_azioni_segnalante.html", {"s": chiusa}, richiesta)
    assert f'action="/seguimi/{chiusa.token}/risolto/"' in html


def test_the_receipt_is_a_pdf_with_code_deadline_and_what_the_citizen_typed(client, alessandria):
    s = factories.segnalazione(alessandria, nome="Giulia Ferrari", email="giulia@example.org")

    r = client.get(f"/seguimi/{s.token}/ricevuta.pdf")

    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"] == f'attachment; filename="ricevuta-{s.codice.lower()}.pdf"'
    assert r["Cache-Control"] == "private, no-store"
    pdf = r.content
    assert pdf.startswith(b"%PDF-")
    testo = leggi_pdf(pdf)
    for atteso in (s.codice, "Buche", s.titolo, "Piazza della Libert", "Giulia Ferrari", "giulia@example.org",
                   s.scadenza.strftime("%Y"), f"/seguimi/{s.token}/"):
        assert atteso in testo, atteso


def test_the_receipt_holds_no_personal_data_the_citizen_did_not_type(client, alessandria):
    s = factories.segnalazione(alessandria)
    op = factories.operatore(alessandria)
    workflow.transition(s, "take_in_charge", op)
    testo = leggi_pdf(client.get(f"/seguimi/{s.token}/ricevuta.pdf").content)
    assert "Dati del segnalante" not in testo and op.utente.username not in testo
