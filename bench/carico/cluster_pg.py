"""A throwaway PostgreSQL cluster (and optionally its streaming replica) on loopback.

Used by the replica test (tests/deploy) and the fault tests (bench/carico): each gets its OWN
cluster in a temporary directory, on a free port, so it may stop and restart it freely. The
shared cluster on 5432 is never touched. The server runs as the `postgres` OS user (PostgreSQL
refuses root); tests run as root and switch with runuser. Standard library only.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BIN = Path(os.environ.get("CIVICO_PG_BIN", "/usr/lib/postgresql/15/bin"))
UTENTE_OS = "postgres"


def motivo_assenza() -> str | None:
    """Why a private cluster cannot be made here, or None if it can."""
    for programma in ("initdb", "pg_ctl", "pg_basebackup", "postgres"):
        if not (BIN / programma).exists():
            return f"PostgreSQL binaries not found: {BIN / programma} (set CIVICO_PG_BIN)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without `runuser` to start PostgreSQL as the postgres user"
    try:
        import pwd

        pwd.getpwnam(UTENTE_OS)
    except KeyError:
        return f"no `{UTENTE_OS}` OS user to run PostgreSQL"
    return None


def porta_libera() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _come_postgres(argv: list[str], **kw) -> subprocess.CompletedProcess:
    prefisso = ["runuser", "-u", UTENTE_OS, "--"] if os.geteuid() == 0 else []
    return subprocess.run(prefisso + argv, check=True, capture_output=True, text=True, **kw)


@dataclass
class Cluster:
    cartella: Path
    porta: int
    log: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log = self.cartella.parent / f"{self.cartella.name}.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.porta}/{database}"

    def avvia(self, attesa_s: float = 30) -> None:
        opzioni = f"-p {self.porta} -c listen_addresses=127.0.0.1 -k {self.cartella.parent}"
        _come_postgres([str(BIN / "pg_ctl"), "-D", str(self.cartella), "-l", str(self.log), "-o", opzioni,
                        "-w", "-t", str(int(attesa_s)), "start"])

    def ferma(self, modo: str = "fast") -> None:
        _come_postgres([str(BIN / "pg_ctl"), "-D", str(self.cartella), "-m", modo, "-w", "stop"])

    def attivo(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.porta), timeout=0.5):
                return True
        except OSError:
            return False

    def sql(self, comando: str, database: str = "postgres") -> str:
        r = _come_postgres([str(BIN / "psql"), "-h", "127.0.0.1", "-p", str(self.porta), "-U", "postgres",
                            "-d", database, "-At", "-c", comando])
        return r.stdout.strip()


def nuovo_primario(radice: Path) -> Cluster:
    """initdb (trust on loopback, replication allowed) and start on a free port."""
    cartella = radice / "primario"
    _come_postgres([str(BIN / "initdb"), "-D", str(cartella), "-U", "postgres", "--auth=trust",
                    "-E", "UTF8", "--locale=C.UTF-8"])
    with (cartella / "postgresql.conf").open("a") as conf:
        conf.write("\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                   "max_connections = 200\nshared_buffers = 64MB\nwal_level = replica\n")
    cluster = Cluster(cartella, porta_libera())
    cluster.avvia()
    return cluster


def nuova_replica(primario: Cluster, radice: Path) -> Cluster:
    """pg_basebackup -R from the primary: a hot standby streaming from it, on another free port."""
    cartella = radice / "replica"
    _come_postgres([str(BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primario.porta), "-U", "postgres",
                    "-D", str(cartella), "-R", "-X", "stream", "-c", "fast"])
    cluster = Cluster(cartella, porta_libera())
    cluster.avvia()
    return cluster


def radice_temporanea() -> Path:
    """A temporary directory the postgres user may write (tests run as root)."""
    radice = Path(tempfile.mkdtemp(prefix="civico-pg-"))
    if os.geteuid() == 0:
        shutil.chown(radice, UTENTE_OS, UTENTE_OS)
    radice.chmod(0o755)
    return radice


def smonta(radice: Path, *cluster: Cluster) -> None:
    for c in cluster:
        if c.attivo():
            with contextlib.suppress(subprocess.CalledProcessError):
                c.ferma("immediate")
    shutil.rmtree(radice, ignore_errors=True)


def attendi(condizione, timeout_s: float, passo_s: float = 0.1) -> bool:
    fine = time.monotonic() + timeout_s
    while time.monotonic() < fine:
        try:
            if condizione():
                return True
        except (subprocess.CalledProcessError, OSError):
            pass
        time.sleep(passo_s)
    return False
