"""Photos and documents in the flow: checked at upload, kept with the draft, sent with the report."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from civico.catalogo.models import Categoria
from civico.portale.models import FileBozza
from civico.segnalazioni.models import Segnalazione
from tests import factories
from tests.portale.test_flusso_passi import LAT, LON, compila, inizia, invia, limiti_azzerati, url
from tests.segnalazioni import immagini

pytestmark = pytest.mark.django_db
__all__ = ["limiti_azzerati"]  # the autouse fixture, imported
JSON = {"HTTP_ACCEPT": "application/json"}


def al_disservizio(client, ente):
    b = inizia(client, ente)
    client.post(url(b, "luogo"), {"lat": LAT, "lon": LON})
    return b


def carica(client, b, nome, contenuto, tipo="image/jpeg"):
    return client.post(f"/segnala/{b.uuid}/allegati/", {"file": SimpleUploadedFile(nome, contenuto, tipo)}, **JSON)


def test_a_photo_is_checked_stored_clean_and_previewed(client, alessandria):
    b = al_disservizio(client, alessandria)

    r = carica(client, b, "buca.jpg", immagini.jpeg(gps=True))

    assert r.status_code == 200 and r.json()["errori"] == []
    f = FileBozza.objects.get(bozza=b)
    assert f.file.name.startswith(f"bozze/{b.uuid}/") and f.nome_originale == "buca.jpg"
    assert "Anteprima di buca.jpg" in r.json()["file"][0]
    with f.file.open("rb") as fh:
        assert not Image.open(io.BytesIO(fh.read())).getexif()  # no GPS waits in the drafts folder
    anteprima = client.get(f"/segnala/{b.uuid}/allegati/{f.pk}/anteprima/")
    assert anteprima.status_code == 200 and anteprima["Content-Type"] == "image/jpeg"
    html = client.get(url(b, "disservizio")).content.decode()
    assert 'accept="image/*" multiple' in html  # no capture: Android offers the gallery too
    assert "buca.jpg" in html
    assert "ciascuno al massimo di 10 MB" in html


def test_a_30_mb_photo_is_refused_next_to_the_field(client, alessandria):
    b = al_disservizio(client, alessandria)
    enorme = immagini.jpeg() + b"\0" * (30 * 1024 * 1024)

    r = client.post(url(b, "disservizio"), {
        "categoria": "tombini", "titolo": "Tombino", "foto": SimpleUploadedFile("enorme.jpg", enorme, "image/jpeg"),
    })

    assert r.status_code == 400
    campo = re.search(r'<div id="campo-foto-errore".*?</div>', r.content.decode(), re.S).group(0)
    assert "enorme.jpg" in campo and "è troppo grande" in campo and "il massimo è 10 MB" in campo
    assert not FileBozza.objects.exists()
    assert carica(client, b, "enorme.jpg", enorme).status_code == 400


def test_a_fake_image_is_refused_with_a_clear_message(client, alessandria):
    b = al_disservizio(client, alessandria)

    r = carica(client, b, "foto.jpg", b"questo non e' un'immagine, solo testo")

    assert r.status_code == 400
    assert "non è un'immagine (JPEG, PNG o WebP) né un PDF" in r.json()["errori"][0]
    assert not FileBozza.objects.exists()


def test_a_pdf_document_is_accepted_without_preview(client, alessandria):
    b = al_disservizio(client, alessandria)
    r = carica(client, b, "verbale.pdf", immagini.pdf(), "application/pdf")
    assert r.status_code == 200
    f = FileBozza.objects.get()
    assert f.tipo == "documento" and not f.miniatura
    assert client.get(f"/segnala/{b.uuid}/allegati/{f.pk}/anteprima/").status_code == 404


def test_no_more_files_than_a_report_may_carry(client, alessandria, settings):
    settings.CIVICO = {**settings.CIVICO, "MAX_FILES_PER_REPORT": 2}
    b = al_disservizio(client, alessandria)
    carica(client, b, "1.jpg", immagini.jpeg())
    carica(client, b, "2.jpg", immagini.jpeg(300, 300))
    r = carica(client, b, "3.jpg", immagini.jpeg(200, 300))
    assert r.status_code == 400 and "al massimo 2 file" in r.json()["errori"][0]


def test_a_photo_can_be_removed(client, alessandria):
    b = al_disservizio(client, alessandria)
    carica(client, b, "buca.jpg", immagini.jpeg())
    f = FileBozza.objects.get()
    r = client.post(f"/segnala/{b.uuid}/allegati/{f.pk}/rimuovi/", **JSON)
    assert r.json() == {"rimosso": True} and not FileBozza.objects.exists()


def test_without_javascript_files_come_with_the_step_form(client, alessandria):
    b = al_disservizio(client, alessandria)
    r = client.post(url(b, "disservizio"), {
        "categoria": "tombini", "titolo": "Tombino", "azione": "carica",
        "foto": SimpleUploadedFile("a.jpg", immagini.jpeg(), "image/jpeg"),
        "documenti": SimpleUploadedFile("b.pdf", immagini.pdf(), "application/pdf"),
    })
    assert r.status_code == 200 and FileBozza.objects.count() == 2  # "carica" stays on the step


def test_the_photo_gps_proposes_the_place_and_can_become_it(client, alessandria):
    b = inizia(client, alessandria)
    client.post(url(b, "luogo"), {"indirizzo": "via milano 1", "ente": "alessandria"})
    r = carica(client, b, "scattata.jpg", immagini.jpeg(gps=True))
    assert "Usa la posizione della foto" in r.json()["proposta"]
    f = FileBozza.objects.get()

    client.post(f"/segnala/{b.uuid}/allegati/{f.pk}/usa-luogo/")

    b.refresh_from_db()
    assert (b.dati["luogo"]["lat"], b.dati["luogo"]["lon"]) == (round(f.lat, 7), round(f.lon, 7))
    assert 'data-testid="proposta-luogo"' not in client.get(url(b, "disservizio")).content.decode()


def test_files_go_with_the_report_and_leave_the_drafts_folder(client, alessandria, django_capture_on_commit_callbacks):
    b = al_disservizio(client, alessandria)
    carica(client, b, "buca.jpg", immagini.jpeg())
    carica(client, b, "verbale.pdf", immagini.pdf(), "application/pdf")
    nomi = [n for f in FileBozza.objects.all() for n in (f.file.name, f.miniatura.name) if n]
    b = compila_da_disservizio(client, b)

    with django_capture_on_commit_callbacks(execute=True):
        invia(client, b)

    s = Segnalazione.objects.get()
    assert sorted(s.allegati.values_list("tipo", flat=True)) == ["documento", "foto"]
    assert not FileBozza.objects.exists()
    assert not any(default_storage.exists(n) for n in nomi)


def test_a_category_that_needs_a_photo_asks_for_it(client, alessandria):
    Categoria.objects.filter(ente=alessandria, codice="tombini").update(foto_obbligatoria=True)
    b = al_disservizio(client, alessandria)
    r = client.post(url(b, "disservizio"), {"categoria": "tombini", "titolo": "Tombino"})
    assert r.status_code == 400 and "serve almeno una foto" in r.content.decode()
    carica(client, b, "tombino.jpg", immagini.jpeg())
    assert client.post(url(b, "disservizio"), {"categoria": "tombini", "titolo": "Tombino"}).status_code == 302


def compila_da_disservizio(client, b):
    client.post(url(b, "disservizio"), {"categoria": "tombini", "titolo": "Tombino intasato"})
    client.post(url(b, "autore"), {"anonimo": "si"})
    b.refresh_from_db()
    return b


def test_other_drafts_files_are_not_reachable(client, alessandria):
    b = al_disservizio(client, alessandria)
    carica(client, b, "buca.jpg", immagini.jpeg())
    f = FileBozza.objects.get()
    altra = compila(client, alessandria)
    for bozza in (altra.uuid, factories.PIAZZA_LIBERTA):
        r = client.get(f"/segnala/{bozza}/allegati/{f.pk}/anteprima/")
        assert r.status_code == 404 and not r["Content-Type"].startswith("image/")
    propria = client.get(f"/segnala/{b.uuid}/allegati/{f.pk}/anteprima/")
    assert propria.status_code == 200 and propria["Content-Type"].startswith("image/")
