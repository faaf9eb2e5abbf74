"""The data subject's rights from the personal area: a copy of my data (art. 15/20) and the
erasure of my account (art. 17), with its receipt on screen and by e-mail (real SMTP)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.cache import cache
from PIL import Image

from civico.accounts.models import RicevutaCancellazione, Ruolo, Utente
from civico.accounts.permissions import Attore
from civico.portale.models import IndirizzoConfermato
from civico.segnalazioni import intake, interazioni, workflow
from civico.segnalazioni.models import Evento, Segnalazione, TipoEvento
from civico.stati import Stato
from tests import factories
from tests.portale.test_flusso_area import smtp  # noqa: F401 — the real SMTP fixture

pytestmark = pytest.mark.django_db


def jpeg(colore=(200, 30, 30), lato=64) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (lato, lato), colore).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def giulia(alessandria):
    cache.clear()
    utente = factories.UtenteFactory(username="giulia@example.org", first_name="Giulia", last_name="Ferrari",
                                     codice_fiscale="FRRGLI85M41A182Z")
    IndirizzoConfermato.objects.create(utente=utente, email="giulia@example.org")
    dati = intake.NuovaSegnalazione(
        lat=factories.PIAZZA_LIBERTA[0], lon=factories.PIAZZA_LIBERTA[1], titolo="Buca in piazza",
        categoria="buche", risposte={"dimensione": "grande"}, ente=alessandria,
        nome="Giulia Ferrari", email="giulia@example.org", telefono="+39 333 1112223",
    )
    s = intake.submit(dati, [("buca.jpg", jpeg())], attore=Attore.del_segnalante(utente)).segnalazione
    interazioni.commenta(s, Attore.del_segnalante(utente), "Abito al civico 3, citofono Ferrari")
    workflow.transition(s, "take_in_charge", factories.operatore(alessandria))
    # Sent before she had an account, with the same (now confirmed) address.
    vecchia = factories.segnalazione(alessandria, titolo="Tombino rotto", categoria="tombini",
                                     nome="Giulia F.", email="Giulia@Example.org")
    altrui = factories.segnalazione(alessandria, titolo="Di un altro", nome="Bruno Neri", email="bruno@example.org")
    return utente, s, vecchia, altrui


def test_the_personal_area_links_the_privacy_section(client, giulia):
    client.force_login(giulia[0])
    assert 'href="/area-personale/privacy/"' in client.get("/area-personale/").content.decode()
    pagina = client.get("/area-personale/privacy/").content.decode()
    assert "Scarica i miei dati" in pagina and "Cancella il mio account" in pagina


def test_the_privacy_section_needs_sign_in(client, db):
    r = client.get("/area-personale/privacy/")
    assert r.status_code == 302 and r["Location"].startswith("/area-personale/?next=")
    assert client.get("/area-personale/privacy/i-miei-dati.zip").status_code == 302


def test_download_my_data_is_a_zip_with_json_and_my_photos(client, giulia):
    utente, s, vecchia, altrui = giulia
    client.force_login(utente)
    r = client.get("/area-personale/privacy/i-miei-dati.zip")
    assert r.status_code == 200 and r["Content-Type"] == "application/zip"
    assert "attachment" in r["Content-Disposition"] and "no-store" in r["Cache-Control"]
    archivio = zipfile.ZipFile(io.BytesIO(r.content))
    dati = json.loads(archivio.read("dati.json"))
    assert dati["account"]["codice_fiscale"] == "FRRGLI85M41A182Z" and dati["account"]["nome"] == "Giulia"
    codici = {x["codice"] for x in dati["segnalazioni"]}
    assert codici == {s.codice, vecchia.codice}  # hers, by account and by confirmed address; not Bruno's
    mia = next(x for x in dati["segnalazioni"] if x["codice"] == s.codice)
    assert mia["segnalante_telefono"] == "+39 333 1112223"
    assert any("citofono Ferrari" in e["testo"] for e in mia["cronologia"])
    foto = [n for n in archivio.namelist() if n.startswith(f"allegati/{s.codice}/")]
    assert len(foto) == 1 and archivio.read(foto[0])[:2] == b"\xff\xd8"  # a JPEG
    assert "portale.indirizzoconfermato" in dati["altri_dati"]
    assert "password" not in json.dumps(dati["account"]) and "bruno@example.org" not in r.content.decode("latin-1")


def test_deleting_my_account_needs_the_confirmation_word(client, giulia):
    client.force_login(giulia[0])
    r = client.post("/area-personale/privacy/cancella/", {"conferma": "sì"})
    assert r.status_code == 400 and "CANCELLA" in r.content.decode()
    assert Utente.objects.filter(pk=giulia[0].pk).exists()


def test_deleting_my_account_erases_me_keeps_the_reports_anonymous_and_gives_a_receipt(
    client, giulia, smtp, django_capture_on_commit_callbacks  # noqa: F811
):
    utente, s, vecchia, altrui = giulia
    client.force_login(utente)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/area-personale/privacy/cancella/", {"conferma": "cancella"})
    assert r.status_code == 302 and r["Location"] == "/area-personale/privacy/cancellato/"
    pagina = client.get(r["Location"]).content.decode()
    ricevuta = RicevutaCancellazione.objects.get()
    assert ricevuta.numero in pagina and "2 segnalazioni" in pagina
    assert not Utente.objects.filter(pk=utente.pk).exists() and not IndirizzoConfermato.objects.exists()
    assert "_auth_user_id" not in client.session
    for report in (s, vecchia):
        report.refresh_from_db()
        assert report.segnalante_id is None
        assert (report.segnalante_nome, report.segnalante_email, report.segnalante_telefono) == ("", "", "")
        assert report.stato in (Stato.ACCEPTED, Stato.SUBMITTED)  # the comune's record stays
    commento = Evento.objects.get(segnalazione=s, tipo=TipoEvento.COMMENT)
    assert "citofono" not in commento.testo and commento.attore_id is None and commento.attore_pubblico == ""
    assert Evento.objects.filter(segnalazione=s, tipo=TipoEvento.INTERNAL_NOTE, testo__contains="art. 17").exists()
    altrui.refresh_from_db()
    assert altrui.segnalante_email == "bruno@example.org"  # someone else's data untouched
    destinatari, messaggio = smtp.attendi()
    assert destinatari == ["giulia@example.org"] and ricevuta.numero in messaggio.get_body(("plain",)).get_content()
    assert "giulia" not in json.dumps(ricevuta.riepilogo).lower()


def test_a_staff_account_cannot_erase_itself_from_the_area(client, alessandria):
    staff = factories.staff("al.op", Ruolo.OPERATORE, alessandria)
    client.force_login(staff)
    r = client.post("/area-personale/privacy/cancella/", {"conferma": "CANCELLA"})
    assert r.status_code == 403 and Utente.objects.filter(pk=staff.pk).exists()


def test_the_anonymised_report_still_shows_publicly(client, giulia):
    utente, s, *_ = giulia
    client.force_login(utente)
    client.post("/area-personale/privacy/cancella/", {"conferma": "CANCELLA"})
    assert "Buca in piazza" in client.get(f"/segnalazioni/{s.codice}/").content.decode()
    assert Segnalazione.objects.filter(pk=s.pk, pubblica=True).exists()
