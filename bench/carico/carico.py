"""Load and fault test: `civico serve --workers 2` on a private PostgreSQL, under load, while
a worker is killed, PostgreSQL restarts and the media disk fills up.

    .venv/bin/python bench/carico/carico.py [--durata-fase 12] [--client 8]   (or: make carico)

Everything runs on loopback in a temporary directory: its own PostgreSQL cluster on a free port
(never the shared one on 5432), its own media filesystem (a 16 MiB tmpfs, mounted when root may;
otherwise the disk phase is skipped and says so). The load generator is plain threads over real
sockets (http.client), each client sending reports through the JSON API with an Idempotency-Key
and retrying the same key after a 503 or a dropped connection, as a well-behaved app does.

It checks, and exits non-zero otherwise: every acknowledged tracking code (201/200) is in the
database afterwards; no report is stored twice; every 503 carries Retry-After; no other 5xx; the
service answers 201 again after each fault. Results: a table on stdout; JSON and the server and
PostgreSQL logs in var/carico/.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import cluster_pg

RADICE = Path(__file__).resolve().parents[2]
CIVICO = RADICE / ".venv" / "bin" / "civico"
PYTHON = RADICE / ".venv" / "bin" / "python"
URL = "/api/v1/segnalazioni"
CENTRO = (44.9125, 8.6153)  # Alessandria


def cache_redis() -> dict[str, str]:
    """Production's shared cache (docs/deploy.md) when the local Redis answers."""
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", 6379), timeout=1):
        return {"CIVICO_CACHE_URL": "redis://127.0.0.1:6379/13"}
    return {}


@dataclass
class EsitoRichiesta:
    fase: str
    stato: int  # 0: connection dropped or refused
    durata_s: float
    retry_after: str | None = None


@dataclass
class Registro:
    esiti: list[EsitoRichiesta] = field(default_factory=list)
    riconosciuti: dict[str, str] = field(default_factory=dict)  # idempotency key → tracking code
    fase: str = "riscaldamento"
    lock: threading.Lock = field(default_factory=threading.Lock)

    def aggiungi(self, esito: EsitoRichiesta, chiave: str | None = None, codice: str | None = None) -> None:
        with self.lock:
            self.esiti.append(esito)
            if chiave and codice:
                self.riconosciuti[chiave] = codice


def _jpeg() -> bytes:
    from io import BytesIO

    from PIL import Image

    buf = BytesIO()
    Image.new("RGB", (640, 480), (random.randrange(256), 90, 40)).save(buf, "JPEG", quality=90)
    return buf.getvalue()


FOTO = None


def _richiesta(porta: int, api_key: str, chiave: str, con_foto: bool) -> tuple[int, dict, bytes]:
    # The same report for the same key: a retry must send the same data, or it is a 409.
    caso = random.Random(chiave)
    lat = CENTRO[0] + caso.uniform(-0.004, 0.004)
    lon = CENTRO[1] + caso.uniform(-0.004, 0.004)
    campi = {"lat": str(lat), "lon": str(lon), "titolo": "Buca in carreggiata (prova di carico)",
             "categoria": "buche", "risposte": json.dumps({"dimensione": "grande"})}
    intestazioni = {"X-Api-Key": api_key, "Idempotency-Key": chiave}
    if con_foto:
        confine = uuid.uuid4().hex
        parti = [f'--{confine}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                 for k, v in campi.items()]
        parti.append(f'--{confine}\r\nContent-Disposition: form-data; name="allegati"; filename="buca.jpg"\r\n'
                     f"Content-Type: image/jpeg\r\n\r\n".encode() + FOTO + b"\r\n")
        corpo = b"".join(parti) + f"--{confine}--\r\n".encode()
        intestazioni["Content-Type"] = f"multipart/form-data; boundary={confine}"
    else:
        dati = {**campi, "lat": lat, "lon": lon, "risposte": {"dimensione": "grande"}}
        corpo = json.dumps(dati).encode()
        intestazioni["Content-Type"] = "application/json"
    conn = http.client.HTTPConnection("127.0.0.1", porta, timeout=30)
    try:
        conn.request("POST", URL, body=corpo, headers=intestazioni)
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def cliente(porta: int, api_key: str, registro: Registro, ferma: threading.Event, quota_foto: float) -> None:
    while not ferma.is_set():
        chiave, con_foto = uuid.uuid4().hex, random.random() < quota_foto
        while not ferma.is_set():  # the same report until it is acknowledged (or the test ends)
            fase, inizio = registro.fase, time.perf_counter()
            try:
                stato, intestazioni, corpo = _richiesta(porta, api_key, chiave, con_foto)
            except (OSError, http.client.HTTPException):
                registro.aggiungi(EsitoRichiesta(fase, 0, time.perf_counter() - inizio))
                time.sleep(0.2)
                continue
            durata = time.perf_counter() - inizio
            if stato in (200, 201):
                registro.aggiungi(EsitoRichiesta(fase, stato, durata), chiave, json.loads(corpo)["codice"])
                break
            registro.aggiungi(EsitoRichiesta(fase, stato, durata, intestazioni.get("retry-after")))
            if stato in (429, 503):  # wait as told (capped: the test is bounded), same key again
                time.sleep(min(float(intestazioni.get("retry-after") or 1), 2.0))
                continue
            elif stato >= 400:
                sys.stderr.write(f"  ! {stato}: {corpo[:300]!r}\n")
                time.sleep(0.5)
                break


class Servizi:
    """The private cluster, media filesystem, web server and worker of one run."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.cluster = cluster_pg.nuovo_primario(tmp)
        self.cluster.sql("CREATE DATABASE civico_carico")
        self.media = tmp / "media"
        self.media.mkdir()
        self.tmpfs = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(self.media)],
                                    capture_output=True).returncode == 0
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CIVICO_", "PROMETHEUS"))},
            "DATABASE_URL": self.cluster.url("civico_carico"), "CIVICO_VAR_DIR": str(tmp / "var"),
            "MEDIA_ROOT": str(self.media), "CIVICO_DEBUG": "0", "CIVICO_LOG_FORMAT": "json",
            "CIVICO_RETRY_AFTER": "2", "CIVICO_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "CIVICO_DB_POOL": "8",  # as docs/deploy.md advises for civico serve
            **cache_redis(),
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend", "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "impostazioni_carico", "PYTHONPATH": str(Path(__file__).parent),
        }
        self.porta = cluster_pg.porta_libera()
        self.server: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.ultimo_corpo = b""

    def prepara(self) -> str:
        r = subprocess.run([str(PYTHON), str(Path(__file__).with_name("prepara.py"))], env=self.env, cwd=RADICE,
                           capture_output=True, text=True, check=False)
        if r.returncode != 0:
            raise SystemExit(f"preparazione fallita:\n{r.stderr[-3000:]}")
        return r.stdout.strip().splitlines()[-1]

    def avvia(self) -> None:
        log = (self.tmp / "serve.log").open("wb")
        self.server = subprocess.Popen([str(CIVICO), "serve", "--port", str(self.porta), "--workers", "2"],
                                       env=self.env, cwd=RADICE, stdout=log, stderr=subprocess.STDOUT)
        self.worker = subprocess.Popen([str(CIVICO), "worker", "--verbosity", "0"], env=self.env, cwd=RADICE,
                                       stdout=log, stderr=subprocess.STDOUT)
        if not cluster_pg.attendi(lambda: self.stato("/readyz") == 200, 180, 0.5):
            raise SystemExit(f"il server non è pronto: {self.ultimo_corpo}\n"
                             f"{(self.tmp / 'serve.log').read_text()[-2000:]}")

    def stato(self, percorso: str) -> int:
        conn = http.client.HTTPConnection("127.0.0.1", self.porta, timeout=5)
        try:
            conn.request("GET", percorso)
            r = conn.getresponse()
            self.ultimo_corpo = r.read()[:2000]
            return r.status
        except OSError:
            return 0
        finally:
            conn.close()

    def worker_web(self) -> list[int]:
        """The uvicorn worker processes (children of `civico serve`, not multiprocessing's helpers)."""
        figli = subprocess.run(["pgrep", "-P", str(self.server.pid)], capture_output=True, text=True).stdout.split()
        pid = []
        for f in figli:
            try:
                riga = Path(f"/proc/{f}/cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            if b"resource_tracker" not in riga:
                pid.append(int(f))
        return pid

    def riempi_media(self) -> Path:
        riempitivo = self.media / "riempitivo"
        with riempitivo.open("wb") as f:
            try:
                while True:
                    f.write(b"\0" * 65536)
                    f.flush()
            except OSError:
                pass
        return riempitivo

    def codici_nel_database(self) -> list[str]:
        return self.cluster.sql("SELECT codice FROM segnalazioni_segnalazione", "civico_carico").split()

    def chiudi(self) -> None:
        for p in (self.server, self.worker):
            if p is not None and p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    p.kill()
        if self.tmpfs:
            subprocess.run(["umount", str(self.media)], check=False)
        destinazione = RADICE / "var" / "carico"
        destinazione.mkdir(parents=True, exist_ok=True)
        for log in ("serve.log", "primario.log"):
            if (self.tmp / log).exists():
                shutil.copy(self.tmp / log, destinazione / log)
        cluster_pg.smonta(self.tmp, self.cluster)


def percentile(valori: list[float], p: float) -> float:
    if not valori:
        return float("nan")
    ordinati = sorted(valori)
    return ordinati[min(len(ordinati) - 1, int(round(p / 100 * (len(ordinati) - 1))))]


def main() -> int:
    global FOTO
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--durata-fase", type=float, default=15.0, help="seconds of each phase")
    parser.add_argument("--client", type=int, default=6, help="concurrent clients")
    parser.add_argument("--quota-foto", type=float, default=0.25, help="share of reports with a photo")
    args = parser.parse_args()
    motivo = cluster_pg.motivo_assenza()
    if motivo:
        print(f"SKIPPED: {motivo}")
        return 0
    FOTO = _jpeg()
    tmp = cluster_pg.radice_temporanea()
    inizio_totale = time.monotonic()
    servizi = Servizi(tmp)
    eventi: dict[str, float] = {}
    registro = Registro()
    ferma = threading.Event()
    try:
        print(f"cluster privato su 127.0.0.1:{servizi.cluster.porta}; media su "
              f"{'tmpfs 16 MiB' if servizi.tmpfs else 'disco (tmpfs non montabile: fase disco SALTATA)'}")
        api_key = servizi.prepara()
        servizi.avvia()
        print(f"civico serve --workers 2 su 127.0.0.1:{servizi.porta}, worker avviato; carico con {args.client} client")
        clienti = [threading.Thread(target=cliente, args=(servizi.porta, api_key, registro, ferma, args.quota_foto))
                   for _ in range(args.client)]
        eventi["riscaldamento"] = time.monotonic()
        for c in clienti:
            c.start()
        d = args.durata_fase
        # Each worker loads the boundary index on its first report: not part of any phase.
        if not cluster_pg.attendi(lambda: len(registro.riconosciuti) >= 2 * args.client, 180, 0.5):
            print("ATTENZIONE: riscaldamento incompleto dopo 180 s")

        def fase(nome: str, secondi: float) -> None:
            registro.fase = nome
            eventi[nome] = time.monotonic()
            time.sleep(secondi)

        fase("base", d)
        prima = servizi.worker_web()
        fase("worker ucciso", 0)
        os.kill(prima[0], signal.SIGKILL)
        riavviato = cluster_pg.attendi(lambda: len(set(servizi.worker_web()) - set(prima)) >= 1, 60, 0.2)
        eventi["worker riavviato dopo s"] = time.monotonic() - eventi["worker ucciso"] if riavviato else -1
        time.sleep(max(0.0, d - (time.monotonic() - eventi["worker ucciso"])))
        fase("postgres giù", 0)
        servizi.cluster.ferma("fast")
        time.sleep(d / 2)
        servizi.cluster.avvia()
        fase("postgres riavviato", d)
        if servizi.tmpfs:
            riempitivo = servizi.riempi_media()
            fase("disco pieno", d)
            riempitivo.unlink()
        fase("ripresa", d)
        eventi["fine"] = time.monotonic()
        ferma.set()
        for c in clienti:
            c.join(timeout=60)
        time.sleep(1)
        nel_database = servizi.codici_nel_database()
        worker_dopo = servizi.worker_web()
    finally:
        ferma.set()
        servizi.chiudi()
    return riassumi(registro, nel_database, eventi, worker_dopo, time.monotonic() - inizio_totale, servizi.tmpfs)


def riassumi(registro: Registro, nel_database: list[str], eventi: dict, worker_dopo: list[int], durata: float,
             tmpfs: bool) -> int:
    ordine = ["riscaldamento", "base", "worker ucciso", "postgres giù", "postgres riavviato", "disco pieno", "ripresa"]
    fasi = [f for f in ordine if any(e.fase == f for e in registro.esiti)]
    righe = []
    print(f"\n{'fase':<20}{'201/200':>9}{'503':>7}{'5xx altri':>11}{'conn. perse':>13}{'4xx':>6}"
          f"{'ok/s':>8}{'p50 ms':>9}{'p95 ms':>9}")
    for f in fasi:
        es = [e for e in registro.esiti if e.fase == f]
        ok = [e for e in es if e.stato in (200, 201)]
        inizio = eventi[f]
        fine = min([eventi[g] for g in fasi if eventi[g] > inizio] or [eventi["fine"]])
        durata_fase = max(0.001, fine - inizio)
        riga = {
            "fase": f, "ok": len(ok), "503": sum(e.stato == 503 for e in es),
            "altri_5xx": sum(e.stato >= 500 and e.stato != 503 for e in es),
            "connessioni_perse": sum(e.stato == 0 for e in es), "4xx": sum(400 <= e.stato < 500 for e in es),
            "p50_ms": round(statistics.median([e.durata_s for e in ok]) * 1000, 1) if ok else None,
            "p95_ms": round(percentile([e.durata_s for e in ok], 95) * 1000, 1) if ok else None,
        }
        riga["ok_al_s"] = round(len(ok) / durata_fase, 1)
        righe.append(riga)
        print(f"{f:<20}{riga['ok']:>9}{riga['503']:>7}{riga['altri_5xx']:>11}{riga['connessioni_perse']:>13}"
              f"{riga['4xx']:>6}{riga['ok_al_s'] or '-':>8}{riga['p50_ms'] or '-':>9}{riga['p95_ms'] or '-':>9}")
    riconosciuti = set(registro.riconosciuti.values())
    db = set(nel_database)
    persi = sorted(riconosciuti - db)
    doppi = len(nel_database) - len(db)
    senza_retry = sum(1 for e in registro.esiti if e.stato == 503 and not e.retry_after)
    altri_5xx = sum(r["altri_5xx"] for r in righe)
    ripresa_ok = bool(righe) and righe[-1]["ok"] > 0
    print(f"\nsegnalazioni riconosciute al client: {len(riconosciuti)}; nel database: {len(db)}; "
          f"perse: {len(persi)}; doppie: {doppi}; non riconosciute ma salvate: {len(db - riconosciuti)}")
    print(f"503 senza Retry-After: {senza_retry}; altri 5xx: {altri_5xx}; "
          f"worker riavviato da uvicorn dopo {eventi.get('worker riavviato dopo s', -1):.1f} s "
          f"(worker ora: {len(worker_dopo)}); durata totale {durata:.0f} s")
    if not tmpfs:
        print("ATTENZIONE: fase 'disco pieno' SALTATA: tmpfs non montabile (serve root)")
    esito = {"fasi": righe, "riconosciute": len(riconosciuti), "nel_database": len(db), "perse": persi,
             "doppie": doppi, "retry_after_mancanti": senza_retry, "altri_5xx": altri_5xx,
             "worker_riavviato_dopo_s": round(eventi.get("worker riavviato dopo s", -1), 1),
             "durata_s": round(durata, 1),
             "disco_pieno": "tmpfs 16 MiB" if tmpfs else "saltato", "nproc": os.cpu_count(),
             "load_avg": os.getloadavg()}
    cartella = RADICE / "var" / "carico"
    cartella.mkdir(parents=True, exist_ok=True)
    (cartella / "risultati.json").write_text(json.dumps(esito, indent=2, ensure_ascii=False))
    fallito = bool(persi) or doppi > 0 or senza_retry > 0 or altri_5xx > 0 or not ripresa_ok
    print("ESITO:", "FALLITO" if fallito else "OK", f"(JSON in {cartella / 'risultati.json'})")
    return 1 if fallito else 0


if __name__ == "__main__":
    sys.exit(main())
