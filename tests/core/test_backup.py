"""`civico backup` / `civico restore`: a round trip of the database and the media files, on the
engine the suite runs on (SQLite or PostgreSQL), into a scratch database of our own."""

from __future__ import annotations

import tarfile
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connections
from django.db.utils import load_backend
from psycopg.conninfo import make_conninfo

from civico.core import backup
from civico.moderazione import servizi as moderazione
from civico.moderazione.models import SegnalazioneContenuto
from civico.segnalazioni.models import Allegato, Segnalazione
from tests import factories
from tests.conftest import attiva
from tests.segnalazioni.immagini import jpeg

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump only sees committed rows


def _conninfo(dbname: str) -> str:
    s = connections["default"].settings_dict
    return make_conninfo(dbname=dbname, host=s.get("HOST") or "", port=str(s.get("PORT") or ""),
                         user=s.get("USER") or "", password=s.get("PASSWORD") or "")


@pytest.fixture
def database_di_prova(tmp_path):
    """A scratch database with the default's engine, as the alias "ripristino"; dropped after."""
    predefinito = connections["default"].settings_dict
    if connections["default"].vendor == "sqlite":
        nome = str(tmp_path / "ripristino.sqlite3")
    else:
        nome = f"civico_ripristino_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(_conninfo("postgres"), autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{nome}"')
    # Set on the handler, not in its settings: Django's test case allows such dynamic connections.
    backend = load_backend(predefinito["ENGINE"])
    connections["ripristino"] = backend.DatabaseWrapper({**predefinito, "NAME": nome}, "ripristino")
    yield "ripristino"
    connections["ripristino"].close()
    del connections["ripristino"]
    if connections["default"].vendor == "postgresql":
        with psycopg.connect(_conninfo("postgres"), autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{nome}" WITH (FORCE)')


@pytest.fixture
def mondo_con_segnalazione(db):
    from civico.enti.models import Ente
    from tests.conftest import mondo

    if not Ente.objects.filter(codice_istat="006003").exists():
        mondo()  # a transactional test that ran before flushed the database
    ente = attiva("006003", "AL", completo=True)
    dati = factories.intake.NuovaSegnalazione(
        lat=factories.PIAZZA_LIBERTA[0], lon=factories.PIAZZA_LIBERTA[1], titolo="Buca con foto",
        descrizione="Chiamatemi al 333 1234567", categoria="buche", risposte={"dimensione": "grande"},
        ente=ente, email="mario@example.org",
    )
    s = factories.intake.submit(dati, [("buca.jpg", jpeg())]).segnalazione
    moderazione.segnala_contenuto(s, "spam", "", ip="198.51.100.7", utente=None)
    return s


def test_a_backup_restored_into_a_scratch_database_has_the_reports_media_and_moderation(
    mondo_con_segnalazione, database_di_prova, tmp_path, settings
):
    s = mondo_con_segnalazione
    foto = Allegato.objects.get(segnalazione=s)
    contenuto = foto.file.read()
    archivio = tmp_path / "civico.tar.gz"

    call_command("backup", str(archivio))

    with tarfile.open(archivio) as tar:
        nomi = tar.getnames()
    assert "manifest.json" in nomi and f"media/{foto.file.name}" in nomi
    manifest = backup.leggi_manifest(archivio)
    assert manifest["motore"] == connections["default"].vendor and manifest["file_media"] >= 1

    settings.MEDIA_ROOT = tmp_path / "media-ripristinati"  # a fresh server: no files yet
    call_command("restore", str(archivio), "--database", database_di_prova, "--noinput")

    copia = Segnalazione.objects.using(database_di_prova).get(codice=s.codice)
    assert copia.titolo == "Buca con foto" and copia.descrizione == "Chiamatemi al […]"
    assert copia.segnalante_email == "mario@example.org"
    assert SegnalazioneContenuto.objects.using(database_di_prova).filter(segnalazione_id=s.pk).count() == 1
    assert Segnalazione.objects.using(database_di_prova).count() == Segnalazione.objects.count()
    assert (Path(settings.MEDIA_ROOT) / foto.file.name).read_bytes() == contenuto
    assert default_storage.exists(foto.file.name)


def test_restore_over_the_live_database_brings_back_what_was_changed(mondo_con_segnalazione, tmp_path):
    s = mondo_con_segnalazione
    archivio = tmp_path / "prima.tar.gz"
    call_command("backup", str(archivio), "--senza-media")
    Segnalazione.objects.filter(pk=s.pk).update(titolo="Cambiato dopo il backup")

    call_command("restore", str(archivio), "--noinput", "--senza-media")

    connections["default"].close()
    assert Segnalazione.objects.get(codice=s.codice).titolo == "Buca con foto"


def test_a_damaged_or_foreign_archive_is_refused_before_touching_the_database(mondo_con_segnalazione, tmp_path):
    rotto = tmp_path / "rotto.tar.gz"
    rotto.write_bytes(b"non un archivio")
    with pytest.raises(CommandError, match="non è un backup di Civico"):
        call_command("restore", str(rotto), "--noinput")

    archivio = tmp_path / "ok.tar.gz"
    call_command("backup", str(archivio), "--senza-media")
    manomesso = tmp_path / "manomesso.tar.gz"
    altro = "postgresql" if connections["default"].vendor == "sqlite" else "sqlite"
    _riscrivi_manifest(archivio, manomesso, motore=altro)
    with pytest.raises(CommandError, match="stesso motore"):
        call_command("restore", str(manomesso), "--noinput")
    futuro = tmp_path / "futuro.tar.gz"
    _riscrivi_manifest(archivio, futuro, migrazioni={"segnalazioni": ["9999_dal_futuro"]})
    with pytest.raises(CommandError, match="9999_dal_futuro"):
        call_command("restore", str(futuro), "--noinput")
    assert Segnalazione.objects.filter(pk=mondo_con_segnalazione.pk).exists()


def _riscrivi_manifest(sorgente: Path, destinazione: Path, **cambi) -> None:
    import io
    import json

    with tarfile.open(sorgente) as tar, tarfile.open(destinazione, "w:gz") as nuovo:
        for m in tar.getmembers():
            dati = tar.extractfile(m).read()
            if m.name == "manifest.json":
                manifest = {**json.loads(dati), **cambi}
                if "migrazioni" in cambi:
                    manifest["migrazioni"] = {**json.loads(dati)["migrazioni"], **cambi["migrazioni"]}
                dati = json.dumps(manifest).encode()
                m.size = len(dati)
            nuovo.addfile(m, io.BytesIO(dati))


