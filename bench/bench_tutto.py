"""`make bench`: every figure of issue #8 on 1,000,000 reports over 187 enti, in PostgreSQL.

Seeds the dedicated database once (`civico bench seed`, reused afterwards and said so), starts
`civico serve` with uvicorn workers on a loopback port and measures, each figure beside the bare
database query or operation it rests on (the ratio shows our code's overhead):

  intake over the JSON API (16 clients, photos off/on) · Open311 GET (1,000 rows, and with
  extensions=true: each report's public timeline) · the public map
  at city and street zoom · the public report page · the staff inbox (bench/bench_inbox.py) · the
  dashboard (bench/bench_cruscotto.py, if present) · point → ente over all 7,899 comuni · live
  updates at 1,000 open SSE connections · the resident memory of one worker.

Prints a table, writes bench/results/make-bench.json and the charts docs/bench/*.svg. Run:
    .venv/bin/python bench/bench_tutto.py [--url postgresql://postgres@127.0.0.1:5432/civico_bench]
        [--reports 1000000] [--enti 187] [--workers 2] [--durata 20] [--sse 1000] [--giri 30]
        [--solo live,letture]   (only some parts; written to bench/results/make-bench-<parts>.json)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import os
import platform
import random
import resource
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

RADICE = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(RADICE), str(RADICE / "bench")]
URL_PREDEFINITO = "postgresql://postgres@127.0.0.1:5432/civico_bench"
BIN = Path(sys.executable).parent
RISULTATI = RADICE / "bench" / "results" / "make-bench.json"
GRAFICI = RADICE / "docs" / "bench"
HOST = "127.0.0.1"
OBIETTIVO_LETTURA_MS = 200.0
ESTENSIONI = "Open311 GET requests.json, extensions (1,000 rows)"
PARTI = ("geo", "memoria", "intake", "letture", "live", "casella", "cruscotto")


def log(riga: str) -> None:
    print(riga, file=sys.stderr, flush=True)


# --- Statistics ---------------------------------------------------------------------------------


def p95(valori: list[float]) -> float:
    ordinati = sorted(valori)
    return ordinati[min(len(ordinati) - 1, round(0.95 * (len(ordinati) - 1)))] if ordinati else float("nan")


def mediana(valori: list[float]) -> float:
    return statistics.median(valori) if valori else float("nan")


def riga(nome: str, valore: float, unita: str, base_nome: str, base: float | None, *, obiettivo: str,
         ok: bool | None, **extra) -> dict:
    rapporto = round(valore / base, 1) if base else None
    return {"figura": nome, "valore": round(valore, 2), "unita": unita, "base": base_nome,
            "base_valore": round(base, 3) if base is not None else None, "rapporto": rapporto,
            "obiettivo": obiettivo, "raggiunto": ok, **extra}


# --- Setup: database, Django, seed ------------------------------------------------------------


def prepara_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["CIVICO_DEBUG"] = "0"  # as in production: no query log, no template debug
    os.environ.setdefault("CIVICO_VAR_DIR", str(RADICE / "var" / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civico.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def macchina(url: str) -> dict:
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SHOW server_version")
        pg = c.fetchone()[0]
    cpu = next((r.split(":", 1)[1].strip() for r in Path("/proc/cpuinfo").read_text().splitlines()
                if r.startswith("model name")), platform.processor())
    ram = int(next(r.split()[1] for r in Path("/proc/meminfo").read_text().splitlines()
                   if r.startswith("MemTotal"))) / 2**20
    return {"nproc": os.cpu_count(), "ram_gib": round(ram, 1), "cpu": cpu, "postgresql": pg,
            "python": platform.python_version(), "sistema": platform.platform(),
            "carico_medio": [round(x, 2) for x in os.getloadavg()]}


# --- Bare database timings: the queries a request ran, re-executed alone ----------------------


def query_della_richiesta(client, url: str) -> list[tuple[str, object]]:
    """The SELECTs one in-process request runs (sessions and writes left out)."""
    from django.db import connection

    registrate: list[tuple[str, object]] = []

    def registra(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("SELECT") and not many:
            registrate.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(registra):
        risposta = client.get(url)
    assert risposta.status_code == 200, (url, risposta.status_code)
    return registrate


def tempo_query(query: list[tuple[str, object]], giri: int = 15) -> float:
    """Median ms to run these queries back to back on one connection, rows fetched."""
    from django.db import connection

    tempi = []
    with connection.cursor() as c:
        for _ in range(giri + 2):
            t = time.perf_counter()
            for sql, params in query:
                c.execute(sql, params)
                if c.description:
                    c.fetchall()
            tempi.append((time.perf_counter() - t) * 1000)
    return mediana(tempi[2:])


# --- Point → ente, in-process ------------------------------------------------------------------


def misura_geo(punti: int) -> dict:
    import numpy as np
    import shapely

    from civico.enti import geo

    t = time.perf_counter()
    geo.invalida()
    indice = geo.indice()
    costruzione = time.perf_counter() - t
    rng = np.random.default_rng(2026)
    lats = rng.uniform(35.49, 47.09, punti).tolist()
    lons = rng.uniform(6.63, 18.52, punti).tolist()
    trova, query, tol = indice.trova, indice.albero.query, geo.TOLLERANZA_GRADI
    for a, o in zip(lats[:2000], lons[:2000], strict=True):  # GEOS prepares geometries lazily
        trova(a, o)
    # CPU time of this process, not wall time: on a shared machine the wall clock also counts
    # the time other processes held the cores. Wall-clock rates are kept in the JSON.
    t, c = time.perf_counter(), time.process_time()
    for a, o in zip(lats, lons, strict=True):
        trova(a, o)
    al_secondo, parete = punti / (time.process_time() - c), punti / (time.perf_counter() - t)
    c = time.process_time()
    for a, o in zip(lats, lons, strict=True):
        query(shapely.box(o - tol, a - tol, o + tol, a + tol))
    nudo = punti / (time.process_time() - c)
    c = time.process_time()
    indice.trova_molti(np.array(lats), np.array(lons))
    vettoriale = punti / (time.process_time() - c)
    log(f"geo: {len(indice):,} comuni, {al_secondo:,.0f} ricerche per secondo di CPU "
        f"({parete:,.0f}/s di orologio; {vettoriale:,.0f}/s vettoriali)")
    return {"comuni": len(indice), "al_secondo": al_secondo, "al_secondo_orologio": parete, "nudo_al_secondo": nudo,
            "vettoriale_al_secondo": vettoriale, "costruzione_s": costruzione}


def rss_nudo() -> float:
    """MB resident in a bare process holding Django and the boundary index, no server."""
    codice = (
        "import django, resource; django.setup(); from civico.enti import geo; geo.indice();"
        "from pathlib import Path; p=int(Path('/proc/self/statm').read_text().split()[1]);"
        "print(p * resource.getpagesize() / 2**20)"
    )
    uscita = subprocess.run([sys.executable, "-c", codice], capture_output=True, text=True, check=True)
    return float(uscita.stdout.strip().splitlines()[-1])


# --- The server --------------------------------------------------------------------------------


def porta_libera() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def cache_redis() -> dict[str, str]:
    """Production's shared cache (docs/deploy.md) when the local Redis answers; else each worker's own."""
    with contextlib.suppress(OSError), socket.create_connection((HOST, 6379), timeout=1):
        return {"CIVICO_CACHE_URL": f"redis://{HOST}:6379/14"}
    log("Redis non risponde su 6379: ogni worker usa la propria cache in memoria")
    return {}


def avvia_server(porta: int, workers: int) -> subprocess.Popen:
    ambiente = {**os.environ, **cache_redis(), "LOG_LEVEL": "warning", "CIVICO_DB_POOL": "8", "CIVICO_DEBUG": "0",
                "DJANGO_SETTINGS_MODULE": "impostazioni_bench",  # bench/impostazioni_bench.py: no rate limits
                "PYTHONPATH": os.pathsep.join(filter(None, [str(RADICE / "bench"), os.environ.get("PYTHONPATH")]))}
    registro = open(Path(os.environ["CIVICO_VAR_DIR"]) / "serve.log", "ab")  # noqa: SIM115 — the server's lifetime
    processo = subprocess.Popen(
        [str(BIN / "civico"), "serve", "--host", HOST, "--port", str(porta), "--workers", str(workers)],
        env=ambiente, stdout=registro, stderr=subprocess.STDOUT, start_new_session=True,
    )
    limite = time.monotonic() + 180
    while time.monotonic() < limite:
        if processo.poll() is not None:
            raise SystemExit(f"civico serve è terminato (codice {processo.returncode}): vedi {registro.name}")
        try:
            with socket.create_connection((HOST, porta), timeout=1) as s:
                s.sendall(f"GET /healthz HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode())
                if b" 200 " in s.recv(200):
                    return processo
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("civico serve non risponde su /healthz dopo 180 s")


def ferma_server(processo: subprocess.Popen) -> None:
    # Our own process group (start_new_session): the uvicorn master and its workers, nothing else.
    try:
        os.killpg(processo.pid, signal.SIGINT)
        processo.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(processo.pid, signal.SIGKILL)


def discendenti(pid: int) -> list[int]:
    figli: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            figli.setdefault(ppid, []).append(int(d.name))
    tutti, coda = [], [pid]
    while coda:
        p = coda.pop()
        tutti.append(p)
        coda += figli.get(p, [])
    return tutti


def rss_mb(pid: int) -> float:
    for r in Path(f"/proc/{pid}/status").read_text().splitlines():
        if r.startswith("VmRSS:"):
            return int(r.split()[1]) / 1024
    return 0.0


def rss_workers(processo: subprocess.Popen) -> list[float]:
    """Resident MB of each uvicorn worker (the processes running the app, not the supervisor)."""
    # uvicorn's supervisor spawns its workers through multiprocessing; its resource tracker is
    # a spawned process too, but holds no app.
    pids = [p for p in discendenti(processo.pid) if p != processo.pid]
    lavoratori = [p for p in pids if "resource_tracker" not in _cmdline(p)] or [processo.pid]
    return [rss_mb(p) for p in lavoratori]


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


# --- Intake ------------------------------------------------------------------------------------


def chiave_api() -> str:
    from civico.accounts import chiavi
    from civico.accounts.models import ApplicazioneClient

    app = ApplicazioneClient.objects.filter(nome="make bench").first()
    chiave = chiavi.nuovo_segreto("cv")
    if app is None:
        app, chiave = chiavi.crea_applicazione("make bench", chiave=chiave, contatto="bench@example.org",
                                               limite_al_minuto=10**9)
    else:
        chiavi.imposta_chiave(app, chiave)
    return chiave


def campioni_intake(n: int) -> list[dict]:
    """Real positions, categories and answers of seeded reports, to send as new ones."""
    from civico.segnalazioni.models import Segnalazione

    righe = list(
        Segnalazione.objects.filter(origine="bench").order_by("?")
        .values("lat", "lon", "titolo", "categoria__codice", "risposte")[:n]
    )
    return [{"lat": r["lat"], "lon": r["lon"], "titolo": r["titolo"], "categoria": r["categoria__codice"],
             "risposte": r["risposte"], "descrizione": "Inviata dal benchmark di make bench.",
             "email": "bench@example.org"} for r in righe]


def foto_jpeg() -> bytes:
    """A 1600×1200 photo-like JPEG (~500 kB of noise: a pessimistic photo)."""
    from PIL import Image, ImageFilter

    rumore = Image.effect_noise((1600, 1200), 60)
    canali = [rumore, rumore.rotate(90), rumore.transpose(Image.Transpose.FLIP_LEFT_RIGHT)]
    img = Image.merge("RGB", canali)
    img = img.filter(ImageFilter.GaussianBlur(1))
    dati = io.BytesIO()
    img.save(dati, "JPEG", quality=85)
    return dati.getvalue()


async def carico_intake(porta: int, clienti: int, durata: float, campioni: list[dict], chiave: str,
                        foto: bytes | None) -> dict:
    from clienthttp import Connessione, multipart

    latenze: list[float] = []
    errori: dict[int, int] = {}
    esempio_errore: list[bytes] = []
    fine = time.perf_counter() + durata

    async def cliente(i: int) -> None:
        c = Connessione(HOST, porta)
        k = i
        while time.perf_counter() < fine:
            dati = campioni[k % len(campioni)]
            k += clienti
            intestazioni = {"X-Api-Key": chiave, "Accept": "application/json"}
            if foto is None:
                corpo = json.dumps(dati).encode()
                intestazioni["Content-Type"] = "application/json"
            else:
                campi = {k2: (json.dumps(v) if k2 == "risposte" else str(v)) for k2, v in dati.items()}
                corpo, tipo = multipart(campi, [("allegati", "foto.jpg", foto, "image/jpeg")])
                intestazioni["Content-Type"] = tipo
            t = time.perf_counter()
            stato, _t, risposta = await c.richiesta("POST", "/api/v1/segnalazioni", corpo, intestazioni)
            if stato in (200, 201):
                latenze.append((time.perf_counter() - t) * 1000)
            else:
                errori[stato] = errori.get(stato, 0) + 1
                if not esempio_errore:
                    esempio_errore.append(risposta[:300])
        await c.chiudi()

    inizio = time.perf_counter()
    await asyncio.gather(*(cliente(i) for i in range(clienti)))
    trascorso = time.perf_counter() - inizio
    if esempio_errore:
        log(f"intake: risposte non 2xx {errori}, per esempio {esempio_errore[0]!r}")
    return {"accettate": len(latenze), "al_secondo": len(latenze) / trascorso, "mediana_ms": mediana(latenze),
            "p95_ms": p95(latenze), "errori": errori, "secondi": trascorso}


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of one process so far (0 if it has gone)."""
    try:
        campi = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(campi[11]) + int(campi[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_postgresql() -> float:
    """CPU seconds of every PostgreSQL process, counting the backends that have exited (their
    time is added to the postmaster's children's time, fields cutime/cstime)."""
    totale = 0.0
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            nome = (d / "comm").read_text().strip()
            campi = (d / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if nome.startswith("postgres"):
            totale += sum(int(x) for x in campi[11:15]) / os.sysconf("SC_CLK_TCK")
    return totale


def cpu_per_parte(server: subprocess.Popen) -> dict[str, float]:
    """CPU seconds so far of the app server's processes, of PostgreSQL and of this client."""
    return {"app": sum(_cpu_s(p) for p in discendenti(server.pid)), "pg": _cpu_postgresql(),
            "client": time.process_time()}


def cpu_per_segnalazione(prima: dict[str, float], dopo: dict[str, float], n: int) -> dict[str, float]:
    """Milliseconds of CPU per accepted report, by part: where the two cores went."""
    return {f"cpu_{k}_ms": round(1000 * (dopo[k] - prima[k]) / max(n, 1), 1) for k in ("app", "pg", "client")}


def intake_nudo(giri: int, foto: bytes | None) -> float:
    """Median ms of the bare writes one intake rests on: the code counter, the report row and its
    two first events, in one transaction (rolled back), plus writing the photo's bytes to disk."""
    from django.db import connection, transaction
    from django.utils import timezone

    from civico.demo.sintetico import luoghi, scrittura, storie
    from civico.demo.sintetico.modello import modello
    from civico.enti.models import Ente
    from civico.segnalazioni.models import ContatoreCodici, Evento, Segnalazione

    ente = Ente.objects.get(codice_istat="006003")
    m = modello()
    ctx = storie.contesto(ente, m, {}, luoghi.geometria(ente.confine).area)
    lotto = storie.genera(ctx, giri + 3, m, "nudo", timezone.now())
    cartella = Path(os.environ["CIVICO_VAR_DIR"]) / "nudo"
    cartella.mkdir(parents=True, exist_ok=True)

    def inserisci(c, modello_, valori: dict) -> int:
        t = scrittura._tabella(modello_)
        completa = {**t.predefiniti, **valori}
        for a in t.json:
            if a in valori:
                completa[a] = json.dumps(valori[a])
        colonne = t.attnames[1:]
        c.execute(f'INSERT INTO "{t.nome}" ({t.colonne.split(", ", 1)[1]}) VALUES '  # noqa: S608
                  f"({', '.join(['%s'] * len(colonne))}) RETURNING id", [completa[a] for a in colonne])
        return c.fetchone()[0]

    tempi = []
    for i, s in enumerate(lotto.segnalazioni):
        s["codice"] = f"NUDO-{i}-{time.time_ns()}"
        s["token"] = f"nudo{time.time_ns()}{i}"
        s["uuid"] = __import__("uuid").uuid4()
        s["numero"] = 10**8 + i
        t = time.perf_counter()
        with transaction.atomic():
            with connection.cursor() as c:
                c.execute(f'UPDATE "{ContatoreCodici._meta.db_table}" SET ultimo = ultimo '  # noqa: S608
                          "WHERE ente_id = %s", [ente.pk])
                pk = inserisci(c, Segnalazione, s)
                for e in lotto.eventi[i][:2]:
                    inserisci(c, Evento, {**e, "segnalazione_id": pk})
            if foto is not None:
                (cartella / f"{i}.jpg").write_bytes(foto)
            transaction.set_rollback(True)
        tempi.append((time.perf_counter() - t) * 1000)
    return mediana(tempi[3:])


# --- Reads over HTTP -----------------------------------------------------------------------------


async def letture(porta: int, percorsi: list[str], giri: int) -> list[float]:
    from clienthttp import Connessione

    c = Connessione(HOST, porta)
    for p in percorsi[:3]:
        await c.richiesta("GET", p)
    tempi = []
    for i in range(giri):
        p = percorsi[i % len(percorsi)]
        t = time.perf_counter()
        stato, _t, _corpo = await c.richiesta("GET", p)
        tempi.append((time.perf_counter() - t) * 1000)
        if stato != 200:
            raise SystemExit(f"GET {p}: HTTP {stato}")
    await c.chiudi()
    return tempi


def casi_lettura() -> tuple[dict[str, list[str]], dict]:
    """The read endpoints, on Alessandria (the ente with the most reports)."""
    from django.db.models import Count

    from civico.enti.models import Ente
    from civico.segnalazioni.models import Segnalazione

    ente = Ente.objects.defer("confine").get(codice_istat="006003")
    punti = Segnalazione.objects.filter(ente=ente, origine="bench")
    lat = sorted(punti.values_list("lat", flat=True)[:20000])
    lon = sorted(punti.values_list("lon", flat=True)[:20000])
    sud, nord = lat[len(lat) // 50], lat[-len(lat) // 50]
    ovest, est = lon[len(lon) // 50], lon[-len(lon) // 50]
    clat, clon = lat[len(lat) // 2], lon[len(lon) // 2]
    codici = list(
        Segnalazione.objects.filter(ente=ente, pubblica=True).annotate(n=Count("eventi")).filter(n__gte=4)
        .order_by("?").values_list("codice", flat=True)[:40]
    )
    mappa = f"/{ente.slug}/segnalazioni/mappa.json"
    return {
        "Open311 GET requests.json (1,000 rows)": [f"/open311/v2/requests.json?jurisdiction_id={ente.codice_istat}"],
        ESTENSIONI: [f"/open311/v2/requests.json?jurisdiction_id={ente.codice_istat}&extensions=true"],
        "public map, city zoom (13)": [f"{mappa}?bbox={ovest},{sud},{est},{nord}&zoom=13"],
        "public map, street zoom (16)": [
            f"{mappa}?bbox={clon - 0.006},{clat - 0.004},{clon + 0.006},{clat + 0.004}&zoom=16"],
        "public report page": [f"/segnalazioni/{c}/" for c in codici],
    }, {"ente": ente.nome, "segnalazioni_ente": punti.count()}


def misura_letture(porta: int, giri: int) -> list[dict]:
    from django.test import Client

    casi, info = casi_lettura()
    log(f"letture su {info['ente']} ({info['segnalazioni_ente']:,} segnalazioni)")
    client = Client()
    righe = []
    for nome, percorsi in casi.items():
        tempi = asyncio.run(letture(porta, percorsi, giri))
        nude = [tempo_query(query_della_richiesta(client, p), giri=5) for p in percorsi[:5]]
        nudo = mediana(nude)
        q = len(query_della_richiesta(client, percorsi[0]))
        if nome == ESTENSIONI:  # issue #21: its own, tighter goal
            obiettivo, ok = "p95 < 150 ms, ≤ 3× SQL", p95(tempi) < 150 and p95(tempi) <= 3 * nudo
        else:
            obiettivo, ok = "p95 < 200 ms", p95(tempi) < OBIETTIVO_LETTURA_MS
        righe.append(riga(nome, p95(tempi), "ms p95", f"{q} SQL queries, ms", nudo,
                          obiettivo=obiettivo, ok=ok, mediana_ms=round(mediana(tempi), 1), giri=giri))
        log(f"  {nome}: mediana {mediana(tempi):.0f} ms, p95 {p95(tempi):.0f} ms, SQL {nudo:.1f} ms")
    return righe


def misura_casella(giri: int) -> dict | None:
    """The staff inbox, through bench/bench_inbox.py's own setup and timing (helper "backoffice")."""
    try:
        import bench_inbox
    except ImportError:
        return None
    ente, utente = bench_inbox.mondo(1, False)  # 1: never seeds, uses what is there
    client = bench_inbox.cliente_verificato(utente)
    tempi, query, _peso = bench_inbox.misura(client, "/backoffice/", giri)
    nudo = tempo_query(query_della_richiesta(client, "/backoffice/"))
    log(f"  casella: mediana {mediana(tempi):.0f} ms, p95 {p95(tempi):.0f} ms, SQL {nudo:.1f} ms")
    return riga("staff inbox (backoffice, test client)", p95(tempi), "ms p95", f"{query} SQL queries, ms",
                nudo, obiettivo="p95 < 200 ms", ok=p95(tempi) < OBIETTIVO_LETTURA_MS,
                mediana_ms=round(mediana(tempi), 1), giri=giri)


def misura_cruscotto(url: str, giri: int) -> list[dict]:
    """The dashboards, through helper "dashboard"'s bench/bench_cruscotto.py (if present): its JSON."""
    script = RADICE / "bench" / "bench_cruscotto.py"
    if not script.exists():
        return []
    uscita = RADICE / "bench" / "results" / "make-bench-cruscotto.json"
    esito = subprocess.run(
        [sys.executable, str(script), "--database-url", url, "--runs", str(giri), "--out", str(uscita)],
        capture_output=True, text=True, timeout=900,
    )
    if esito.returncode != 0 or not uscita.exists():
        log(f"cruscotto: bench_cruscotto.py non riuscito ({esito.returncode}): {esito.stderr[-500:]}")
        return []
    righe = []
    for nome, r in json.loads(uscita.read_text())["risultati"].items():
        sql = r.get("sql_median_ms")
        obiettivo = r.get("obiettivo_ms", OBIETTIVO_LETTURA_MS)  # random filters: issue #21's own targets
        righe.append(riga(f"dashboard: {nome} (test client)", r["p95_ms"], "ms p95", "bare SQL, median ms", sql,
                          obiettivo=f"p95 < {obiettivo} ms", ok=r["p95_ms"] < obiettivo,
                          mediana_ms=r["median_ms"]))
        if sql:
            righe[-1]["rapporto"] = round(r["median_ms"] / sql, 1)
    return righe


# --- Live updates -------------------------------------------------------------------------------


def aperte_da_osservare(n: int) -> list[tuple[int, str]]:
    from civico.segnalazioni.models import Segnalazione

    return list(
        Segnalazione.objects.filter(stato="submitted", pubblica=True, ente__attivo=True)
        .order_by("-creata_il").values_list("pk", "codice")[:n]
    )


def cambia_stato(pk: int) -> float:
    """Take a report in charge (the system actor); the time the change was committed."""
    from django.db import connections

    from civico.accounts.permissions import Attore
    from civico.segnalazioni import workflow
    from civico.segnalazioni.models import Segnalazione

    try:
        workflow.transition(Segnalazione.objects.get(pk=pk), "take_in_charge", Attore.di_sistema())
        return time.perf_counter()
    finally:
        connections.close_all()


async def misura_live(porta: int, osservate: list[tuple[int, str]], cambi: int) -> dict:
    from clienthttp import flusso_sse

    arrivi: dict[str, list[float]] = {c: [] for _pk, c in osservate}
    pronti = {c: asyncio.Event() for _pk, c in osservate}
    falliti: list[str] = []
    limite = asyncio.Semaphore(100)  # connect in waves: the kernel's accept queue is finite

    async def lettore(codice: str) -> None:
        try:
            async with limite:
                flusso = flusso_sse(HOST, porta, f"/segnalazioni/{codice}/eventi/", pronti[codice])
                primo = await flusso.__anext__()
            del primo
            async for quando, messaggio in flusso:
                if "event: evento" in messaggio:
                    arrivi[codice].append(quando)
        except (OSError, RuntimeError, StopAsyncIteration, asyncio.IncompleteReadError) as exc:
            falliti.append(f"{codice}: {exc!r}")

    compiti = [asyncio.create_task(lettore(c)) for _pk, c in osservate]
    t = time.perf_counter()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.gather(*(e.wait() for e in pronti.values())), timeout=240)
    aperte = sum(e.is_set() for e in pronti.values())
    apertura = time.perf_counter() - t
    log(f"live: {aperte} connessioni SSE aperte in {apertura:.1f} s")
    await asyncio.sleep(3)  # catch-up sent, the pollers know every report
    latenze = []
    scelte = osservate[:: max(1, len(osservate) // cambi)][:cambi]
    for pk, codice in scelte:
        prima = len(arrivi[codice])
        t0 = await asyncio.to_thread(cambia_stato, pk)
        scadenza = time.perf_counter() + 10
        while len(arrivi[codice]) <= prima and time.perf_counter() < scadenza:
            await asyncio.sleep(0.01)
        if len(arrivi[codice]) > prima:
            latenze.append((arrivi[codice][prima] - t0) * 1000)
        await asyncio.sleep(random.uniform(0.05, 0.3))  # changes fall anywhere in the poll cycle
    for c in compiti:
        c.cancel()
    await asyncio.gather(*compiti, return_exceptions=True)
    return {"connessioni": aperte, "apertura_s": apertura, "cambi": len(scelte), "ricevuti": len(latenze),
            "mediana_ms": mediana(latenze), "p95_ms": p95(latenze), "falliti": falliti[:5]}


def live_nudo(osservate: list[tuple[int, str]]) -> float:
    """Median ms of the poller's one query for every watched report (civico.portale.live)."""
    from civico.portale import live

    cursori = {pk: 0 for pk, _c in osservate}
    tempi = []
    for _ in range(12):
        t = time.perf_counter()
        massimo, _novita = live._leggi(cursori, None)
        tempi.append((time.perf_counter() - t) * 1000)
        cursori = dict.fromkeys(cursori, massimo - 100)
    return mediana(tempi[2:])


# --- Output -------------------------------------------------------------------------------------


def stampa(righe: list[dict]) -> None:
    print()
    print(f"{'figura':<52} {'valore':>16} {'operazione nuda':>30} {'rapporto':>9}  {'obiettivo':<22} esito")
    for r in righe:
        if "valore" not in r:
            continue
        valore = f"{r['valore']:,.1f} {r['unita']}"
        base = f"{r['base']}: {r['base_valore']:,.2f}" if r["base_valore"] is not None else r["base"]
        rapporto = f"×{r['rapporto']}" if r["rapporto"] is not None else "—"
        esito = {True: "raggiunto", False: "MANCATO", None: "—"}[r["raggiunto"]]
        print(f"{r['figura'][:52]:<52} {valore:>16} {base[:30]:>30} {rapporto:>9}  {r['obiettivo']:<22} {esito}")
    print()


def markdown(righe: list[dict], info: dict, seme: str) -> str:
    """The results table for docs/benchmarks.md."""
    testa = [
        f"Machine: {info['nproc']} CPUs ({info['cpu']}), {info['ram_gib']} GiB RAM, PostgreSQL {info['postgresql']}, "
        f"Python {info['python']}; load average at the start {info['carico_medio']}. Data: {seme}.",
        "",
        "| figure | value | bare operation it rests on | bare | ratio | goal | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in righe:
        base = f"{r['base_valore']:,.2f}" if r["base_valore"] is not None else "—"
        rapporto = f"×{r['rapporto']}" if r["rapporto"] is not None else "—"
        extra = f" (median {r['mediana_ms']:,.0f} ms)" if "mediana_ms" in r and r["unita"] != "reports/s" else ""
        if r["unita"] == "reports/s":
            extra = f" (median {r['mediana_ms']:,.0f} ms, p95 {r['p95_ms']:,.0f} ms)"
        esito = {True: "yes", False: "**no**", None: "—"}[r["raggiunto"]]
        testa.append(f"| {r['figura']} | {r['valore']:,.1f} {r['unita']}{extra} | {r['base']} | {base} | "
                     f"{rapporto} | {r['obiettivo']} | {esito} |")
    return "\n".join(testa) + "\n"


def grafici(righe: list[dict]) -> list[Path]:
    from grafici import Barra, barre

    letture = [r for r in righe if r.get("unita") == "ms p95"]
    fatti = [barre("Reads: p95 latency (ms)", "ms",
                   [Barra(r["figura"], r["valore"], OBIETTIVO_LETTURA_MS, nota=f"SQL ×{r['rapporto']}")
                    for r in letture], GRAFICI / "letture-p95.svg")]
    quota = []
    for r in righe:
        obiettivo = r.get("obiettivo_numerico")
        if obiettivo:
            alto = r.get("piu_alto_meglio", False)
            quota.append(Barra(r["figura"], 100 * (r["valore"] / obiettivo if alto else obiettivo / r["valore"]),
                               100.0, piu_alto_meglio=True, nota=f"{r['valore']:,.0f} {r['unita']}"))
    fatti.append(barre("Capacity goals: % of the goal reached (100 = met)", "%", quota,
                       GRAFICI / "obiettivi.svg"))
    return fatti


# --- Main ---------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("CIVICO_BENCH_DATABASE_URL", URL_PREDEFINITO))
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--enti", type=int, default=187)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers of civico serve")
    parser.add_argument("--clienti", type=int, default=16)
    parser.add_argument("--durata", type=float, default=20.0, help="seconds of each intake run")
    parser.add_argument("--sse", type=int, default=1000, help="open SSE connections")
    parser.add_argument("--cambi", type=int, default=30, help="state changes timed over SSE")
    parser.add_argument("--giri", type=int, default=30, help="runs of each read")
    parser.add_argument("--giri-cruscotto", type=int, default=5,
                        help="runs of each dashboard page (its live mode takes seconds per page)")
    parser.add_argument("--punti", type=int, default=200_000, help="random points for point → ente")
    parser.add_argument("--solo", default=",".join(PARTI),
                        help=f"only these parts, comma-separated, of: {','.join(PARTI)} (default: all)")
    args = parser.parse_args()
    parti = set(args.solo.split(","))
    if not parti <= set(PARTI):
        parser.error(f"--solo: parti sconosciute {sorted(parti - set(PARTI))}; scegli tra {','.join(PARTI)}")

    inizio = time.perf_counter()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, args.sse * 2 + 512)), hard))
    from bench_inbox import crea_database  # one copy of the "dedicated database" guard

    crea_database(args.url)
    prepara_django(args.url)
    from civico.demo.sintetico import semina

    esito = semina.semina(args.reports, args.enti, progress=lambda r: log(f"  · {r}"))
    if esito.riusato:
        seme = f"riusate le {esito.esistenti:,} segnalazioni sintetiche già nel database ({esito.enti} enti)"
    else:
        seme = (f"create {esito.create:,} segnalazioni e {esito.eventi:,} eventi su {esito.enti} enti "
                f"in {esito.secondi:.0f} s")
    print(f"Dati: {seme}", flush=True)
    info = macchina(args.url)
    print(f"Macchina: {info['nproc']} CPU ({info['cpu']}), {info['ram_gib']} GiB, PostgreSQL {info['postgresql']}, "
          f"carico medio {info['carico_medio']} (condivisa: cifre pessimistiche)", flush=True)

    righe: list[dict] = []
    if "geo" in parti:
        g = misura_geo(args.punti)
        righe.append(riga(f"point → ente, {g['comuni']:,} comuni (in-process)", g["al_secondo"], "lookups/CPU-s",
                      "STRtree queries/CPU-s", g["nudo_al_secondo"], obiettivo="≥ 50.000/s",
                      ok=g["al_secondo"] >= 50_000, obiettivo_numerico=50_000, piu_alto_meglio=True,
                      vettoriale_al_secondo=round(g["vettoriale_al_secondo"]),
                      al_secondo_orologio=round(g["al_secondo_orologio"])))
        righe[-1]["rapporto"] = round(g["nudo_al_secondo"] / g["al_secondo"], 1)  # time ratio, not rate ratio

    chiave = chiave_api()
    campioni = campioni_intake(2000)
    foto = foto_jpeg()
    osservate = aperte_da_osservare(args.sse) if "live" in parti else []
    nudo_live = live_nudo(osservate) if "live" in parti else None
    nudo_intake = intake_nudo(60, None) if "intake" in parti else None
    nudo_foto = intake_nudo(60, foto) if "intake" in parti else None
    rss_base = rss_nudo() if "memoria" in parti else None

    porta = porta_libera()
    log(f"avvio civico serve su {HOST}:{porta} con {args.workers} worker…")
    server = avvia_server(porta, args.workers)
    try:
        asyncio.run(carico_intake(porta, args.clienti, 4, campioni, chiave, None))  # warm-up: every worker
        if "memoria" in parti:
            rss = rss_workers(server)
            righe.append(riga("memory of one worker, every boundary loaded", max(rss), "MB",
                              "Django + index, no server (MB)", rss_base, obiettivo="< 300 MB",
                              ok=max(rss) < 300, obiettivo_numerico=300, worker_mb=[round(x, 1) for x in rss]))
        for nome, f, nudo in (("intake, JSON API, no photo", None, nudo_intake),
                              ("intake, multipart API, one photo", foto, nudo_foto)) if "intake" in parti else ():
            prima = cpu_per_parte(server)
            r = asyncio.run(carico_intake(porta, args.clienti, args.durata, campioni, chiave, f))
            r.update(cpu_per_segnalazione(prima, cpu_per_parte(server), r["accettate"]))
            log(f"  {nome}: {r['al_secondo']:.1f}/s, mediana {r['mediana_ms']:.0f} ms, p95 {r['p95_ms']:.0f} ms; "
                f"CPU per segnalazione: app {r['cpu_app_ms']:.1f} ms, PostgreSQL {r['cpu_pg_ms']:.1f} ms, "
                f"client {r['cpu_client_ms']:.1f} ms")
            righe.append(riga(f"{nome}, {args.clienti} clients", r["al_secondo"], "reports/s",
                              "bare INSERTs, median ms", nudo, obiettivo="≥ 200/s", ok=r["al_secondo"] >= 200,
                              obiettivo_numerico=200, piu_alto_meglio=True, **{k: (round(v, 1) if isinstance(
                                  v, float) else v) for k, v in r.items()}))
            righe[-1]["rapporto"] = round(r["mediana_ms"] / nudo, 1) if nudo else None
        if "letture" in parti:
            righe += misura_letture(porta, args.giri)
        if "live" in parti:
            lv = asyncio.run(misura_live(porta, osservate, args.cambi))
            righe.append(riga(f"live: state change → SSE event, {lv['connessioni']} connections", lv["p95_ms"],
                              "ms p95 (live)", "the poller's query, ms", nudo_live, obiettivo="p95 < 1 s",
                              ok=lv["p95_ms"] < 1000 and lv["connessioni"] >= args.sse, obiettivo_numerico=1000,
                              **{k: (round(v, 1) if isinstance(v, float) else v) for k, v in lv.items()}))
    finally:
        ferma_server(server)
    fine_live = [righe.pop()] if "live" in parti else []
    casella = misura_casella(args.giri) if "casella" in parti else None
    if casella:
        righe.append(casella)
    cruscotto = misura_cruscotto(args.url, args.giri_cruscotto) if "cruscotto" in parti else []
    righe += cruscotto + fine_live

    stampa(righe)
    if not cruscotto and "cruscotto" in parti:
        print("Cruscotto: bench/bench_cruscotto.py assente o non riuscito: figura non misurata.")
    durata = time.perf_counter() - inizio
    tutte = parti == set(PARTI)
    # A partial run (--solo) writes beside the full results and leaves the charts alone.
    risultati = RISULTATI if tutte else RISULTATI.with_name(f"make-bench-{'-'.join(sorted(parti))}.json")
    risultati.parent.mkdir(parents=True, exist_ok=True)
    risultati.write_text(json.dumps({
        "quando": datetime.now(UTC).isoformat(timespec="seconds"), "macchina": info,
        "macchina_dopo": {"carico_medio": [round(x, 2) for x in os.getloadavg()]},
        "dati": seme, "riusati": esito.riusato, "segnalazioni": args.reports, "enti": args.enti,
        "workers": args.workers, "figure": righe, "secondi": round(durata),
    }, indent=2, ensure_ascii=False) + "\n")
    risultati.with_suffix(".md").write_text(markdown(righe, info, seme))
    for p in grafici(righe) if tutte else ():
        print(f"grafico: {p.relative_to(RADICE)}")
    print(f"risultati: {risultati.relative_to(RADICE)} — make bench in {durata / 60:.1f} minuti")


if __name__ == "__main__":
    main()
