"""`civico backup` / `civico restore`: the database and the media files in one .tar.gz.

The database is copied with each engine's own tool (docs/decisions/0010-backup.md):
- SQLite: the online backup API of sqlite3 (a consistent copy while the server runs);
- PostgreSQL: `pg_dump --format=custom`, restored with `pg_restore --clean --if-exists`.
Media files are read and written through Django's default storage (local folder or S3).

The archive holds `manifest.json` (format, engine, time, the last migration of every app, the
number of media files and the SHA-256 of the database file), `database.sqlite3` or
`database.pgdump`, and `media/…`. Restore refuses an archive of another engine or one whose
migrations this code does not have, before touching anything.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMATO = 1


class ErroreBackup(Exception):
    """A backup or restore that cannot go on, with a message for the operator."""


@dataclass(frozen=True)
class EsitoBackup:
    percorso: Path
    motore: str
    file_media: int
    byte: int


def _motore(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise ErroreBackup(f"Database {vendor} non supportato: solo SQLite e PostgreSQL.")
    return vendor


def _migrazioni(alias: str) -> dict[str, list[str]]:
    applicate = MigrationRecorder(connections[alias]).applied_migrations()
    per_app: dict[str, list[str]] = {}
    for app, nome in sorted(applicate):
        per_app.setdefault(app, []).append(nome)
    return per_app


def _sha256(percorso: Path) -> str:
    h = hashlib.sha256()
    with percorso.open("rb") as f:
        for blocco in iter(lambda: f.read(1 << 20), b""):
            h.update(blocco)
    return h.hexdigest()


def _pg_env(alias: str) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore, the password in the environment only."""
    s = connections[alias].settings_dict
    args = ["--dbname", s["NAME"]]
    if s.get("HOST"):
        args += ["--host", s["HOST"]]
    if s.get("PORT"):
        args += ["--port", str(s["PORT"])]
    if s.get("USER"):
        args += ["--username", s["USER"]]
    env = {**os.environ}
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]
    return args, env


def _esegui(comando: list[str], env: dict[str, str]) -> None:
    if shutil.which(comando[0]) is None:
        raise ErroreBackup(f"{comando[0]} non trovato: installa il client PostgreSQL della stessa versione del server.")
    esito = subprocess.run(comando, env=env, capture_output=True, text=True)
    if esito.returncode != 0:
        raise ErroreBackup(f"{comando[0]} non riuscito: {esito.stderr.strip()[-2000:]}")


def _copia_database(alias: str, motore: str, destinazione: Path) -> None:
    if motore == "sqlite":
        connessione = connections[alias]
        connessione.ensure_connection()
        with sqlite3.connect(destinazione) as copia:
            connessione.connection.backup(copia)
        copia.close()
    else:
        args, env = _pg_env(alias)
        _esegui(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(destinazione), *args],
                env)


def _file_media(cartella: str = "") -> list[str]:
    """Every file in the default storage, recursively (posix paths)."""
    try:
        cartelle, files = default_storage.listdir(cartella)
    except FileNotFoundError:
        return []
    trovati = [str(PurePosixPath(cartella) / f) if cartella else f for f in files]
    for c in cartelle:
        trovati += _file_media(str(PurePosixPath(cartella) / c) if cartella else c)
    return sorted(trovati)


def backup(destinazione: Path, *, alias: str = "default", con_media: bool = True) -> EsitoBackup:
    motore = _motore(alias)
    destinazione = Path(destinazione)
    destinazione.parent.mkdir(parents=True, exist_ok=True)
    nome_db = "database.sqlite3" if motore == "sqlite" else "database.pgdump"
    with tempfile.TemporaryDirectory(prefix="civico-backup-") as tmp:
        file_db = Path(tmp) / nome_db
        _copia_database(alias, motore, file_db)
        media = _file_media() if con_media else []
        manifest = {
            "formato": FORMATO, "motore": motore, "creato_il": timezone.now().isoformat(),
            "migrazioni": _migrazioni(alias), "database": nome_db, "sha256": _sha256(file_db),
            "file_media": len(media),
        }
        parziale = destinazione.with_name(destinazione.name + ".parziale")
        with tarfile.open(parziale, "w:gz") as tar:
            dati = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime = len(dati), int(timezone.now().timestamp())
            tar.addfile(info, io.BytesIO(dati))
            tar.add(file_db, arcname=nome_db)
            for nome in media:
                with default_storage.open(nome, "rb") as f:
                    info = tarfile.TarInfo(f"media/{nome}")
                    info.size = default_storage.size(nome)
                    tar.addfile(info, f)
        parziale.replace(destinazione)  # never a half-written archive under the final name
    return EsitoBackup(destinazione, motore, len(media), destinazione.stat().st_size)


def leggi_manifest(archivio: Path) -> dict:
    try:
        with tarfile.open(archivio, "r:gz") as tar:
            f = tar.extractfile("manifest.json")
            if f is None:
                raise KeyError
            return json.loads(f.read())
    except (OSError, tarfile.TarError, KeyError, ValueError) as exc:
        raise ErroreBackup(f"{archivio} non è un backup di Civico leggibile ({exc.__class__.__name__}).") from exc


def _controlla(manifest: dict, alias: str, motore: str) -> None:
    if manifest.get("formato") != FORMATO:
        raise ErroreBackup(f"Formato di backup {manifest.get('formato')} non supportato (atteso {FORMATO}).")
    if manifest.get("motore") != motore:
        raise ErroreBackup(
            f"Il backup è di un database {manifest.get('motore')}, questo è {motore}: il ripristino va fatto "
            "sullo stesso motore (vedi docs/decisions/0010-backup.md)."
        )
    from django.db.migrations.loader import MigrationLoader

    conosciute = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    mancanti = [f"{app}.{nome}" for app, nomi in manifest.get("migrazioni", {}).items() for nome in nomi
                if (app, nome) not in conosciute]
    if mancanti:
        raise ErroreBackup(
            "Il backup viene da una versione più recente di Civico (migrazioni sconosciute: "
            + ", ".join(mancanti[:5]) + "): aggiorna il codice prima di ripristinare."
        )


def _membro_sicuro(nome: str) -> bool:
    p = PurePosixPath(nome)
    return not p.is_absolute() and ".." not in p.parts


def restore(archivio: Path, *, alias: str = "default", con_media: bool = True) -> dict:
    """Replace the database (and add back the media files) from an archive made by `backup`."""
    motore = _motore(alias)
    manifest = leggi_manifest(Path(archivio))
    _controlla(manifest, alias, motore)
    with tempfile.TemporaryDirectory(prefix="civico-restore-") as tmp, tarfile.open(archivio, "r:gz") as tar:
        nome_db = manifest["database"]
        membro = tar.getmember(nome_db)
        file_db = Path(tmp) / "database"
        with tar.extractfile(membro) as sorgente, file_db.open("wb") as f:  # type: ignore[union-attr]
            shutil.copyfileobj(sorgente, f)
        if _sha256(file_db) != manifest["sha256"]:
            raise ErroreBackup("Il database nell'archivio è danneggiato (SHA-256 diverso): ripristino annullato.")
        _ripristina_database(alias, motore, file_db)
        ripristinati = 0
        if con_media:
            for m in tar.getmembers():
                if not m.isfile() or not m.name.startswith("media/") or not _membro_sicuro(m.name):
                    continue
                nome = m.name[len("media/"):]
                if default_storage.exists(nome):
                    default_storage.delete(nome)
                with tar.extractfile(m) as f:  # type: ignore[union-attr]
                    salvato = default_storage.save(nome, File(f, name=nome))
                if salvato != nome:
                    raise ErroreBackup(f"Il file {nome} è stato salvato come {salvato}: controlla lo storage.")
                ripristinati += 1
    return {**manifest, "file_media_ripristinati": ripristinati}


def _ripristina_database(alias: str, motore: str, file_db: Path) -> None:
    connessione = connections[alias]
    if motore == "sqlite":
        connessione.ensure_connection()
        with sqlite3.connect(file_db) as sorgente:
            sorgente.backup(connessione.connection)
        sorgente.close()
    else:
        connessione.close()  # pg_restore drops and recreates the tables this connection may hold
        args, env = _pg_env(alias)
        _esegui(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
                 "--single-transaction", "--exit-on-error", *args, str(file_db)], env)
