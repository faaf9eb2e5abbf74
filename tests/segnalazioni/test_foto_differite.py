"""Photos re-encoded by the worker (issue #21): the request only checks them and stores them
privately; nobody sees the upload; the worker (or, if its task was lost, the sweeper) re-encodes
them once, upright and without EXIF, and deletes the upload."""

from __future__ import annotations

import io
import os
import re
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from PIL import Image

from civico.errors import InvalidData
from civico.segnalazioni import elaborazione, intake
from civico.segnalazioni.models import Allegato, Segnalazione
from civico.segnalazioni.tasks import elabora_foto
from tests import factories
from tests.segnalazioni import immagini

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker_separato(settings):
    """Tasks go to a queue nobody runs, as when the worker is down or killed before its turn."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    elabora_foto.get_backend().clear()
    yield elabora_foto.get_backend()


def _dati(**campi) -> intake.NuovaSegnalazione:
    base = {"lat": factories.PIAZZA_LIBERTA[0], "lon": factories.PIAZZA_LIBERTA[1],
            "titolo": "Buca profonda", "categoria": "buche", "risposte": {"dimensione": "media"}}
    return intake.NuovaSegnalazione(**(base | campi))


@pytest.fixture
def invia(django_capture_on_commit_callbacks):
    """Submit a report with one photo and commit it (its after-commit hooks run), as a request."""

    def invia(foto: bytes, nome: str = "IMG_0001.jpg") -> Allegato:
        with django_capture_on_commit_callbacks(execute=True):
            s = intake.submit(_dati(), allegati=[(nome, foto)]).segnalazione
        return s.allegati.get()

    return invia


def _file_salvati() -> set[str]:
    radice = django_settings.MEDIA_ROOT
    return {os.path.join(d, f) for d, _, files in os.walk(radice) for f in files}


def _immagine(nome: str) -> Image.Image:
    with default_storage.open(nome) as f:
        return Image.open(io.BytesIO(f.read()))


def test_the_request_stores_the_upload_privately_and_enqueues_its_processing(alessandria, worker_separato, invia):
    foto = immagini.jpeg(400, 200, orientamento=6, gps=True)
    with pytest.MonkeyPatch.context() as mp:
        chiamate = []
        mp.setattr("civico.segnalazioni.media._ricodifica", lambda *a: chiamate.append(a))
        a = invia(foto)
    assert chiamate == []  # no re-encoding in the request
    assert a.in_elaborazione and not a.file and not a.miniatura
    with default_storage.open(a.grezzo.name) as f:
        assert f.read() == foto  # the upload, kept as sent until processed
    assert (a.larghezza, a.altezza) == (200, 400)  # the size it will have once upright
    assert [list(r.args) for r in worker_separato.results if r.task.name == "elabora_foto"] == [[a.pk]]


def test_a_photo_being_processed_is_a_placeholder_everywhere_never_the_upload(
        alessandria, worker_separato, invia, client):
    foto = immagini.jpeg(gps=True)
    a = invia(foto)
    s = a.segnalazione
    pagina = client.get(f"/segnalazioni/{s.codice}/")
    assert pagina.status_code == 200
    for url in (f"/allegati/{a.pk}/", f"/allegati/{a.pk}/miniatura/",
                f"/allegati/{a.pk}/?v={a.sha256[:16]}"):
        risposta = client.get(url)
        assert risposta.status_code == 200, url
        assert risposta["Content-Type"] == "image/svg+xml" and risposta["Cache-Control"] == "no-store"
        assert foto not in b"".join(risposta) and b"Exif" not in risposta.content
    # Open311 names the photo by the same URL: the placeholder until processed.
    open311 = client.get(f"/open311/v2/requests/{s.codice}.json",
                         {"jurisdiction_id": s.ente.codice_istat}).json()[0]
    assert open311["media_url"].endswith(f"/allegati/{a.pk}/?v={a.sha256[:16]}")


def test_the_worker_reencodes_it_upright_without_exif_and_deletes_the_upload(
        alessandria, worker_separato, invia, client, django_capture_on_commit_callbacks):
    a = invia(immagini.jpeg(400, 200, orientamento=6, gps=True))
    grezzo = a.grezzo.name
    with django_capture_on_commit_callbacks(execute=True):  # the upload is deleted once committed
        assert elabora_foto.call(a.pk) is True

    a.refresh_from_db()
    assert not a.in_elaborazione and not default_storage.exists(grezzo)
    img = _immagine(a.file.name)
    assert not img.getexif() and "exif" not in img.info
    assert img.size == (200, 400) == (a.larghezza, a.altezza)
    # Rotated 90° clockwise: the red left half is now on top.
    r, g, b = img.convert("RGB").getpixel((100, 20))
    assert r > 200 and b < 60
    assert _immagine(a.miniatura.name).size[1] <= 400
    assert a.content_type == "image/jpeg" and a.sha256 != "" and a.dimensione == default_storage.size(a.file.name)
    risposta = client.get(f"/allegati/{a.pk}/?v={a.sha256[:16]}")
    assert risposta["Content-Type"] == "image/jpeg"
    assert b"".join(risposta.streaming_content) == default_storage.open(a.file.name).read()

    assert elabora_foto.call(a.pk) is False  # run twice: nothing more to do
    a2 = Allegato.objects.get(pk=a.pk)
    assert (a2.file.name, a2.sha256) == (a.file.name, a.sha256)


def test_worker_killed_before_processing_the_sweeper_processes_it_once(alessandria, worker_separato, invia):
    a = invia(immagini.jpeg(gps=True))
    assert elaborazione.in_sospeso() == 0  # within its task's grace: left to the task
    Allegato.objects.filter(pk=a.pk).update(creato_il=a.creato_il - timedelta(minutes=10))

    assert elaborazione.in_sospeso() == 1
    a.refresh_from_db()
    assert not a.in_elaborazione and default_storage.exists(a.file.name)
    assert elaborazione.in_sospeso() == 0  # once
    assert elabora_foto.call(a.pk) is False  # the lost task, if it comes back, does nothing


def test_a_photo_the_worker_cannot_decode_is_dropped_with_its_upload(alessandria, worker_separato, invia):
    a = invia(immagini.jpeg())
    grezzo = a.grezzo.name
    with default_storage.open(grezzo, "wb") as f:  # damaged in storage after the request's check
        f.write(b"\xff\xd8\xff\xe0" + b"\x00" * 100)
    assert elabora_foto.call(a.pk) is False
    assert not Allegato.objects.filter(pk=a.pk).exists()
    assert Segnalazione.objects.filter(pk=a.segnalazione_id).exists()


@pytest.mark.parametrize("nome,contenuto,parola", [
    ("foto.jpg", b"MZ\x90\x00" + b"\x00" * 2000, "non è un'immagine"),
    ("tagliata.jpg", immagini.rumore_jpeg()[:3000], "danneggiato"),
    ("bomba.png", immagini.png_dichiarato(10_000, 10_000), "troppi pixel"),
])
def test_what_is_not_a_good_image_is_refused_in_the_request_and_nothing_is_stored(
        alessandria, worker_separato, nome, contenuto, parola):
    prima = _file_salvati()
    with pytest.raises(InvalidData) as errore:
        intake.submit(_dati(), allegati=[(nome, contenuto)])
    assert parola in str(errore.value) and nome in str(errore.value)
    assert Segnalazione.objects.count() == 0 and Allegato.objects.count() == 0
    assert _file_salvati() == prima
    assert worker_separato.results == []  # nothing enqueued either


def test_refusals_in_the_request_are_in_english_too(alessandria, worker_separato):
    from django.utils import translation

    with translation.override("en"):
        with pytest.raises(InvalidData) as errore:
            intake.submit(_dati(), allegati=[("foto.jpg", b"MZ\x90\x00" + b"\x00" * 2000)])
        assert "is neither an image" in str(errore.value)


def test_gps_is_read_in_the_request_from_the_upload(worker_separato):
    from civico.segnalazioni import media

    p = media.prepara_allegato("a.jpg", immagini.jpeg(gps=True), differita=True)
    assert p.da_elaborare and p.gps == pytest.approx(immagini.ALESSANDRIA, abs=1e-6)


def test_the_request_refuses_a_cut_jpeg_from_its_markers_and_keeps_progressive_and_trailers():
    from PIL import Image as Img

    from civico.segnalazioni import media

    progressiva = immagini.salva(Img.new("RGB", (300, 200), (10, 200, 30)), "JPEG", progressive=True)
    con_coda = immagini.jpeg(gps=True) + b"SEFH" + b"\x00" * 500  # phones append data after the end marker
    for buona in (progressiva, con_coda, immagini.jpeg(orientamento=6, gps=True)):
        assert media.prepara_allegato("a.jpg", buona, differita=True).da_elaborare
        with pytest.raises(InvalidData) as errore:
            media.prepara_allegato("tagliata.jpg", buona[: len(buona) * 2 // 3], differita=True)
        assert "danneggiato" in str(errore.value)


def test_erasing_the_reporter_before_the_worker_came_leaves_no_upload_with_its_exif(
        alessandria, worker_separato, invia, django_capture_on_commit_callbacks):
    """The citizen asks to be forgotten while their photo still waits for the worker: the upload
    (EXIF with GPS and camera) must not outlive the erasure; the photo stays, re-encoded."""
    from civico.gdpr.cancellazione import Persona, cancella_segnalazione

    a = invia(immagini.jpeg(400, 200, gps=True))
    grezzo, caricata = a.grezzo.name, a.sha256_caricato
    persona = Persona()
    persona.aggiungi(nome="Giulia Rossi", email="giulia@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert cancella_segnalazione(a.segnalazione, persona, testo_rimosso="[rimosso]") is True

    a.refresh_from_db()
    assert caricata and a.sha256_caricato == ""  # not even the upload's fingerprint stays
    assert not a.in_elaborazione and not default_storage.exists(grezzo)
    img = _immagine(a.file.name)
    assert not img.getexif() and "exif" not in img.info


VARIANTI = [pytest.param("", id="foto"), pytest.param("miniatura/", id="miniatura")]


def _url_nella_pagina(client, a: Allegato, variante: str) -> str:
    html = client.get(f"/segnalazioni/{a.segnalazione.codice}/").content.decode()
    [url] = re.findall(rf'"(/allegati/{a.pk}/{variante}\?v=[0-9a-f]+)"', html)
    return url


@pytest.mark.parametrize("variante", VARIANTI)
def test_a_link_given_out_while_processing_leads_to_the_photo_once_processed(
        alessandria, worker_separato, invia, client, variante):
    """The receipt, the intake API's answer, a cached list: rendered while the photo was pending,
    they link the upload's version; once re-encoded the citizen must see the photo, not a 404."""
    a = invia(immagini.jpeg(400, 200, gps=True))
    vecchio = _url_nella_pagina(client, a, variante)
    assert vecchio.endswith(f"?v={a.sha256[:16]}")
    r = client.get(vecchio)
    assert r.status_code == 200 and r["Content-Type"] == "image/svg+xml"  # the placeholder meanwhile

    assert elabora_foto.call(a.pk) is True
    nuovo = _url_nella_pagina(client, a, variante)
    assert nuovo != vecchio
    r = client.get(vecchio)
    assert r.status_code == 302 and r["Location"] == nuovo and r["Cache-Control"] == "no-store"
    foto = client.get(r["Location"])
    assert foto.status_code == 200 and foto["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(b"".join(foto.streaming_content))).format == "JPEG"
    # Any other version is still unknown: 404, nothing kept.
    altra = client.get(f"/allegati/{a.pk}/{variante}?v={'0' * 16}")
    assert altra.status_code == 404 and altra["Cache-Control"] == "no-store"


@pytest.mark.parametrize("variante", VARIANTI)
def test_after_a_redaction_the_link_given_out_while_processing_is_gone(
        alessandria, worker_separato, invia, client, variante):
    """The old link must not lead to the redacted photo either: whoever holds it saw the photo
    before it was hidden in part, and a redaction makes every earlier URL answer 404."""
    from civico.accounts.models import Ruolo
    from civico.backoffice import redazione

    a = invia(immagini.jpeg(400, 200, gps=True))
    vecchio = _url_nella_pagina(client, a, variante)
    assert elabora_foto.call(a.pk) is True
    assert client.get(vecchio).status_code == 302

    operatore = factories.staff("al.operatore", Ruolo.OPERATORE, alessandria)
    redazione.oscura(Allegato.objects.get(pk=a.pk), [(0.0, 0.0, 0.5, 0.5)], operatore)
    r = client.get(vecchio)
    assert r.status_code == 404 and r["Cache-Control"] == "no-store"
    assert client.get(_url_nella_pagina(client, a, variante)).status_code == 200  # the redacted photo


def test_photos_pending_at_the_upgrade_remember_their_upload_too(alessandria, worker_separato, invia, client):
    """The migration that adds the field fills it for the photos still waiting for the worker."""
    import importlib

    from django.apps import apps

    migrazione = importlib.import_module("civico.segnalazioni.migrations.0013_allegato_sha256_caricato")
    a = invia(immagini.jpeg())
    Allegato.objects.filter(pk=a.pk).update(sha256_caricato="")  # as before the upgrade
    vecchio = _url_nella_pagina(client, a, "")
    migrazione.ricorda_caricati(apps, None)
    assert elabora_foto.call(a.pk) is True
    assert client.get(vecchio).status_code == 302


def test_metrics_show_the_photos_waiting_for_the_worker_and_the_oldest_age(client, alessandria, worker_separato,
                                                                            invia):
    def metrica(nome: str) -> float:
        testo = client.get("/metrics").content.decode()
        trovata = re.search(rf"^{re.escape(nome)} (\S+)$", testo, re.M)
        assert trovata, f"{nome} not in /metrics"
        return float(trovata.group(1))

    assert metrica("civico_photos_pending") == 0 and metrica("civico_photos_pending_oldest_age_seconds") == 0
    prima, seconda = invia(immagini.jpeg(400, 200, gps=True)), invia(immagini.jpeg(300, 300))
    Allegato.objects.filter(pk=prima.pk).update(creato_il=prima.creato_il - timedelta(minutes=5))

    assert metrica("civico_photos_pending") == 2
    assert 300 <= metrica("civico_photos_pending_oldest_age_seconds") < 400

    elaborazione.elabora(prima.pk)
    assert metrica("civico_photos_pending") == 1 and metrica("civico_photos_pending_oldest_age_seconds") < 100
    elaborazione.elabora(seconda.pk)
    assert metrica("civico_photos_pending") == 0
