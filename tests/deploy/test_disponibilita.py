"""Storage full and database errors become 503 + Retry-After with a clear message, nothing half-written.

The full disk is a real 1 MiB tmpfs filled to the brim when this process may mount one (root);
otherwise a storage that fails like a full disk (ENOSPC): the test's name in the output says which.
"""

from __future__ import annotations

import errno
import subprocess
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import OperationalError
from django.test import RequestFactory

from civico.core import disponibilita
from civico.segnalazioni.models import Segnalazione
from tests.deploy.aiuti import invia_con_foto


class DiscoPienoSimulato(FileSystemStorage):
    def _save(self, name, content):
        raise OSError(errno.ENOSPC, "No space left on device")


def _monta_tmpfs_pieno(cartella: Path) -> bool:
    cartella.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(cartella)], capture_output=True)
    if r.returncode != 0:
        return False
    with (cartella / "riempitivo").open("wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    return True


@pytest.fixture(params=["tmpfs-vero", "enospc-simulato"])
def disco_pieno(request, settings, tmp_path):
    cartella = tmp_path / "media-piena"
    if request.param == "tmpfs-vero":
        if not _monta_tmpfs_pieno(cartella):
            pytest.skip("SKIPPED: cannot mount a tmpfs here (not root?): the simulated full disk runs instead")
        settings.MEDIA_ROOT = cartella
        yield request.param
        subprocess.run(["umount", str(cartella)], check=False)
    else:
        settings.STORAGES = {**settings.STORAGES, "default": {
            "BACKEND": "tests.deploy.test_disponibilita.DiscoPienoSimulato"}}
        yield request.param


@pytest.mark.django_db
def test_a_report_whose_photo_cannot_be_stored_gets_503_and_is_not_half_saved(client, alessandria, disco_pieno):
    r = invia_con_foto(client)

    assert r.status_code == 503, r.content
    assert r["Retry-After"] == "15"
    errore = r.json()["errore"]
    assert errore["codice"] == "servizio_non_disponibile" and r.json()["causa"] == "storage"
    assert "Non è possibile salvare i file" in errore["messaggio"]
    assert not Segnalazione.objects.exists()  # no code was acknowledged, none is in the database


def test_a_database_error_outside_a_view_becomes_the_same_503_page():
    request = RequestFactory().get("/segnalazioni/")
    try:
        raise OperationalError("could not connect to server: Connection refused")
    except OperationalError:
        r = disponibilita.errore_server(request)  # Django calls handler500 inside its except block

    assert r.status_code == 503 and r["Retry-After"] == "15"
    assert "Servizio momentaneamente non disponibile" in r.content.decode()


def test_a_bug_is_still_a_500():
    request = RequestFactory().get("/")
    try:
        raise ValueError("a bug")
    except ValueError:
        r = disponibilita.errore_server(request)

    assert r.status_code == 500 and "Retry-After" not in r  # not "come back later": a bug to fix
    assert "Qualcosa non ha funzionato" in r.content.decode()
    assert "Servizio momentaneamente non disponibile" not in r.content.decode()


def test_with_the_shared_cache_down_clients_get_503_with_retry_after_not_a_500(settings, alessandria):
    from django.test import Client

    from civico.core import ambiente
    from tests.deploy.conftest import porta_libera

    chiusa = f"redis://127.0.0.1:{porta_libera()}/0"  # nothing listens there
    settings.CACHES = {"default": ambiente.cache_condivisa({"CIVICO_CACHE_URL": chiusa})}
    client = Client(raise_request_exception=False)

    api = client.post("/api/v1/segnalazioni", {"lat": 44.91, "lon": 8.61, "titolo": "Buca", "categoria": "buche"},
                      content_type="application/json")
    pagina = client.get("/alessandria/")

    assert api.status_code == 503 and api["Retry-After"] == "15"
    assert api.json()["errore"]["codice"] == "servizio_non_disponibile"
    assert pagina.status_code == 200  # a page that needs no cache is still served
    assert not Segnalazione.objects.exists()
