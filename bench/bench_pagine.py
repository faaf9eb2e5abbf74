"""Benchmark of the portal as a citizen's phone sees it: Lighthouse on every page a citizen meets,
the comune's home on throttled networks, and the clustered map over 100,000 reports.

By default (issue #21) it runs Lighthouse (installed with npm under var/bench/ the first time;
it says so when npm is missing) in Debian's Chromium, mobile preset with simulated throttling as
AgID's validator, on the comune home, a public report page and each step of the reporting flow,
served as `make run` serves them (the demo, DEBUG on, compiled static files, `civico serve`).
Printed per page (the run with the median score): performance score, FCP, LCP, TBT, CLS and the
kB transferred by kind; saved to bench/results/pagine-lighthouse.json, charted in
docs/bench/pagine-lighthouse.svg.

    .venv/bin/python bench/bench_pagine.py [--ripetizioni 3]

With --mappa it prepares its own database (the demo, plus synthetic reports across Alessandria), serves Civico
with uvicorn in production mode (hashed, pre-compressed static files, as whitenoise serves them
in production), and opens the comune's home in Chromium with the network throttled through CDP
(`Network.emulateNetworkConditions`) and the CPU slowed like a mid-range phone. Each run starts
with an empty cache. Printed per network profile (median of the runs):

- bytes transferred (compressed, with headers) by kind, excluding map tiles (refused: they come
  from another site) and report photos (/allegati/);
- first contentful paint, DOMContentLoaded, load;
- time to interactive: when the page is usable, i.e. the map is drawn (mappa.js marks it) and
  the main thread has had no long task (>50 ms) since; later than DOMContentLoaded.

Then the map's JSON endpoint is timed at several zoom levels over all reports in view.

    .venv/bin/python bench/bench_pagine.py --mappa [--segnalazioni 100000] [--ripetizioni 3]
        [--database-url postgresql://postgres@127.0.0.1:5432/bench_pagine] [--indici] [--url http://…]

With --url it measures a server already running (and skips the database and the map timings).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

RADICE = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(RADICE), str(RADICE / "bench")]
CHROMIUM = os.environ.get("CIVICO_CHROMIUM", "/usr/bin/chromium")
CARTELLA = RADICE / "var" / "bench"

# name, download kbit/s, upload kbit/s, round trip ms, CPU slowdown
PROFILI = [
    ("4G", 9000, 1500, 85, 2),
    ("4G lento", 1600, 750, 150, 4),
    ("3G lento", 400, 400, 400, 4),
]
ZOOM_MAPPA = [11, 13, 15, 17]
BBOX_ALESSANDRIA = "8.45,44.80,8.80,45.00"  # the whole territory (the view at zoom 11)


def _ambiente(database_url: str | None) -> dict[str, str]:
    ambiente = {
        **os.environ,
        "CIVICO_VAR_DIR": str(CARTELLA),
        "CIVICO_ENV": "production",
        "CIVICO_DEBUG": "0",
        "SECRET_KEY": "bench-non-segreta-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_ROOT": str(CARTELLA / "static"),
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "civico.settings",
    }
    if database_url:
        ambiente["DATABASE_URL"] = database_url
    return ambiente


def _civico(ambiente: dict[str, str], *argomenti: str) -> None:
    subprocess.run([sys.executable, "-m", "civico.cli", *argomenti], cwd=RADICE, env=ambiente, check=True)


def prepara(ambiente: dict[str, str], quante: int, con_indici: bool) -> None:
    """Migrate, load the demo (idempotent), add `quante` synthetic reports, collect static files."""
    CARTELLA.mkdir(parents=True, exist_ok=True)
    print("database: migrate + demo…", flush=True)
    _civico(ambiente, "migrate", "--noinput", "-v", "0")
    _civico(ambiente, "demo")
    print(f"segnalazioni sintetiche: {quante}…", flush=True)
    codice = (
        f"import sys; sys.path.insert(0, {str(RADICE)!r})\n"
        "import django; django.setup()\n"
        f"from bench.bench_pagine import sintetiche; sintetiche({quante})\n"
    )
    subprocess.run([sys.executable, "-c", codice], cwd=RADICE, env=ambiente, check=True)
    codice = (
        f"import sys; sys.path.insert(0, {str(RADICE)!r})\n"
        "import django; django.setup()\n"
        f"from bench.bench_pagine import indici; indici({bool(con_indici)})\n"
    )
    subprocess.run([sys.executable, "-c", codice], cwd=RADICE, env=ambiente, check=True)
    print("file statici (compressi)…", flush=True)
    _civico(ambiente, "collectstatic", "--noinput", "-v", "0")


def sintetiche(quante: int) -> None:
    """Reports at Alessandria's house numbers (with some scatter), over two years, bulk-inserted.
    Marked by their code (AL-B-…), replaced when the number asked changes."""
    from datetime import timedelta

    import h3
    from django.utils import timezone

    from civico.catalogo.models import Categoria
    from civico.enti.models import Ente
    from civico.segnalazioni.models import Segnalazione
    from civico.stati import Stato
    from civico.territorio.models import NumeroCivico

    ente = Ente.objects.get(slug="alessandria")
    esistenti = Segnalazione.objects.filter(ente=ente, codice__startswith="AL-B-")
    if esistenti.count() == quante:
        return
    esistenti.delete()
    rng = random.Random(2026)
    civici = list(NumeroCivico.objects.filter(ente=ente).values_list("lat", "lon"))
    categorie = list(Categoria.objects.filter(ente=ente, pubblica=True))
    stati = [Stato.SUBMITTED, Stato.ACCEPTED, Stato.IN_PROGRESS, Stato.RESOLVED, Stato.CLOSED]
    adesso = timezone.now()
    righe = []
    for i in range(quante):
        lat, lon = rng.choice(civici)
        lat, lon = lat + rng.gauss(0, 0.0004), lon + rng.gauss(0, 0.0004)
        quando = adesso - timedelta(days=rng.uniform(0, 730))
        righe.append(Segnalazione(
            ente=ente, codice=f"AL-B-{i:07d}", anno=1999, numero=i + 1, token=f"bench-{i}",
            categoria=rng.choice(categorie), stato=rng.choices(stati, weights=[20, 10, 10, 30, 30])[0],
            titolo=f"Segnalazione di prova {i}", lat=lat, lon=lon, cella_h3=h3.latlng_to_cell(lat, lon, 10),
            canale="web", creata_il=quando, aggiornata_il=quando,
        ))
    Segnalazione.objects.bulk_create(righe, batch_size=5000)


# Indexes the portal's reads would use, proposed for civico.segnalazioni (not in its migrations):
# the newest reports of an ente, and the map's grouped query read from the index alone.
INDICI_PROPOSTI = {
    "bench_segn_ente_creata": "(ente_id, creata_il)",
    "bench_segn_ente_celle": "(ente_id, cella_h3, lat, lon, pubblica)",
}


def indici(attivi: bool) -> None:
    """Create (or drop) the proposed indexes in the benchmark's database, to compare."""
    from django.db import connection

    with connection.cursor() as cursore:
        for nome, colonne in INDICI_PROPOSTI.items():
            if attivi:
                cursore.execute(f"CREATE INDEX IF NOT EXISTS {nome} ON segnalazioni_segnalazione {colonne}")
            else:
                cursore.execute(f"DROP INDEX IF EXISTS {nome}")
        cursore.execute("ANALYZE")


def _porta_libera() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


UVICORN = [sys.executable, "-m", "uvicorn", "civico.asgi:application", "--lifespan", "off", "--log-level", "warning",
           "--host", "127.0.0.1", "--port"]


def avvia_server(ambiente: dict[str, str], comando: list[str] = UVICORN) -> tuple[subprocess.Popen, str]:
    """The server `comando` (ending in --port) on a free loopback port, once it answers."""
    porta = _porta_libera()
    processo = subprocess.Popen([*comando, str(porta)], cwd=RADICE, env=ambiente)
    url = f"http://127.0.0.1:{porta}"
    limite = time.monotonic() + 60
    while time.monotonic() < limite:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2):
                return processo, url
        except OSError:
            time.sleep(0.3)
    processo.kill()
    raise SystemExit("uvicorn non è partito")


# --- The page under throttling ------------------------------------------------------------------

OSSERVATORE = """
window.__lunghi = [];
new PerformanceObserver(l => l.getEntries().forEach(e => window.__lunghi.push(e.startTime + e.duration)))
  .observe({type: "longtask", buffered: true});
new MutationObserver((m, o) => {
  const el = document.getElementById("mappa");
  if (el && el.hasAttribute("data-pronta")) { window.__pronta = performance.now(); o.disconnect(); }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ["data-pronta"]});
"""


def _tipo(url: str, tipo: str) -> str:
    if "/allegati/" in url:
        return "foto"
    return {"Document": "html", "Stylesheet": "css", "Script": "js", "Font": "font", "Image": "img",
            "Fetch": "json", "XHR": "json"}.get(tipo, "altro")


def misura(browser, url: str, profilo: tuple) -> dict:
    nome, giu, su, rtt, cpu = profilo
    parti = urlsplit(url)
    origine = f"{parti.scheme}://{parti.netloc}/"
    contesto = browser.new_context(viewport={"width": 390, "height": 844}, locale="it-IT",
                                   device_scale_factor=2, is_mobile=True, has_touch=True)
    pagina = contesto.new_page()
    # Only this site: map tiles (another site) are refused, so they are neither waited for nor counted.
    pagina.route("**/*", lambda r: r.continue_() if r.request.url.startswith(origine) else r.abort())
    cdp = contesto.new_cdp_session(pagina)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": rtt,
        "downloadThroughput": giu * 1000 / 8, "uploadThroughput": su * 1000 / 8,
    })
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu})
    richieste: dict[str, tuple[str, str]] = {}
    byte: dict[str, int] = {}
    cdp.on("Network.responseReceived",
           lambda e: richieste.__setitem__(e["requestId"], (e["response"]["url"], e.get("type", ""))))

    def finita(e: dict) -> None:
        url_risorsa, tipo = richieste.get(e["requestId"], ("", ""))
        if url_risorsa.startswith(origine):  # photos are put aside below
            chiave = _tipo(url_risorsa, tipo)
            byte[chiave] = byte.get(chiave, 0) + int(e["encodedDataLength"])

    cdp.on("Network.loadingFinished", finita)
    pagina.add_init_script(OSSERVATORE)
    pagina.goto(url, wait_until="load", timeout=180_000)
    pagina.wait_for_function("window.__pronta !== undefined", timeout=180_000)
    pagina.wait_for_timeout(1000)  # let late long tasks show up
    tempi = pagina.evaluate("""() => {
        const n = performance.getEntriesByType("navigation")[0];
        const fcp = performance.getEntriesByName("first-contentful-paint")[0];
        const ultimo = Math.max(0, ...window.__lunghi.filter(t => t <= window.__pronta + 5000));
        return {fcp: fcp ? fcp.startTime : null, dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd,
                tti: Math.max(n.domContentLoadedEventEnd, window.__pronta, ultimo)};
    }""")
    contesto.close()
    byte.pop("foto", None)
    return {"byte": byte, **tempi}


def tabella_pagina(url: str, ripetizioni: int) -> None:
    from playwright.sync_api import sync_playwright

    print(f"\nHome del comune {url} — telefono 390×844, cache vuota, mediana di {ripetizioni} prove")
    print("(byte trasferiti compressi, intestazioni comprese; esclusi riquadri della mappa e foto)\n")
    tipi = ["html", "css", "js", "font", "json", "img", "altro"]
    intestazione = (f"{'rete':<10}{'giù/su kbit/s':>15}{'RTT':>6}{'CPU':>5} │ "
                    + "".join(f"{t + ' kB':>9}" for t in tipi) + f"{'totale kB':>11} │"
                    + f"{'FCP s':>7}{'DCL s':>7}{'load s':>8}{'interattiva s':>15}")
    print(intestazione)
    print("─" * len(intestazione))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for profilo in PROFILI:
            prove = [misura(browser, url, profilo) for _ in range(ripetizioni)]
            mediana = {t: statistics.median(pr["byte"].get(t, 0) for pr in prove) for t in tipi}
            totale = statistics.median(sum(pr["byte"].values()) for pr in prove)
            sec = {k: statistics.median(pr[k] for pr in prove) / 1000 for k in ("fcp", "dcl", "load", "tti")}
            nome, giu, su, rtt, cpu = profilo
            print(f"{nome:<10}{f'{giu}/{su}':>15}{rtt:>6}{f'{cpu}×':>5} │ "
                  + "".join(f"{mediana[t] / 1024:>9.1f}" for t in tipi) + f"{totale / 1024:>11.1f} │"
                  + f"{sec['fcp']:>7.2f}{sec['dcl']:>7.2f}{sec['load']:>8.2f}{sec['tti']:>15.2f}")
        browser.close()


# --- The map's JSON ------------------------------------------------------------------------------


def tabella_mappa(url: str, volte: int = 7) -> None:
    print(f"\nmappa.json su tutto il territorio di Alessandria ({BBOX_ALESSANDRIA}), {volte} richieste per riga")
    print(f"{'zoom':>5}{'tipo':>8}{'segnalazioni':>14}{'elementi':>10}{'kB':>8}{'mediana ms':>12}{'max ms':>9}")
    for zoom in ZOOM_MAPPA:
        bbox = BBOX_ALESSANDRIA if zoom < 17 else "8.6140,44.9120,8.6180,44.9150"
        indirizzo = f"{url}/alessandria/segnalazioni/mappa.json?bbox={bbox}&zoom={zoom}"
        durate, corpo = [], b""
        for _ in range(volte):
            inizio = time.perf_counter()
            with urllib.request.urlopen(indirizzo, timeout=60) as r:
                corpo = r.read()
            durate.append((time.perf_counter() - inizio) * 1000)
        dati = json.loads(corpo)
        elementi = len(dati.get("gruppi") or dati.get("punti") or [])
        print(f"{zoom:>5}{dati['tipo']:>8}{dati['totale']:>14}{elementi:>10}{len(corpo) / 1024:>8.1f}"
              f"{statistics.median(durate):>12.1f}{max(durate):>9.1f}")
    for nome, percorso in (("elenco (pagina 1)", "/alessandria/segnalazioni/"),
                           ("home del comune", "/alessandria/")):
        durate = []
        for _ in range(volte):
            inizio = time.perf_counter()
            with urllib.request.urlopen(url + percorso, timeout=60) as r:
                r.read()
            durate.append((time.perf_counter() - inizio) * 1000)
        print(f"{nome:<20} mediana {statistics.median(durate):.1f} ms, max {max(durate):.1f} ms")


# --- Lighthouse: every page a citizen meets, on a phone, under a `make run`-like server -----------

LIGHTHOUSE_VERSIONE = "12.8.2"
LIGHTHOUSE_DIR = Path(os.environ.get("CIVICO_LIGHTHOUSE_DIR", RADICE / "var" / "bench" / "lighthouse-npm"))
CARTELLA_LH = RADICE / "var" / "bench" / "make-run"
RISULTATI_LH = RADICE / "bench" / "results" / "pagine-lighthouse.json"
GRAFICO_LH = RADICE / "docs" / "bench" / "pagine-lighthouse.svg"
OBIETTIVO_PUNTEGGIO = 95
TIPI_LH = {"Document": "html", "Stylesheet": "css", "Script": "js", "Font": "font", "Image": "img",
           "Fetch": "json", "XHR": "json"}


def lighthouse() -> Path:
    """The lighthouse CLI, installed with npm under var/ the first time (bench only: never needed
    by `make run` or `make test`)."""
    eseguibile = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
    if eseguibile.exists():
        return eseguibile
    if shutil.which("npm") is None or shutil.which("node") is None:
        raise SystemExit(
            "\n*** Lighthouse serve node e npm (apt install nodejs npm), che qui mancano. ***\n"
            "*** Il resto di Civico non ne ha bisogno; questo benchmark sì.             ***\n"
        )
    print(f"installo lighthouse@{LIGHTHOUSE_VERSIONE} con npm in {LIGHTHOUSE_DIR}…", flush=True)
    LIGHTHOUSE_DIR.mkdir(parents=True, exist_ok=True)
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(LIGHTHOUSE_DIR),
                    f"lighthouse@{LIGHTHOUSE_VERSIONE}"], check=True)
    return eseguibile


def ambiente_make_run() -> dict[str, str]:
    """As `make run` sets it up: DEBUG on, SQLite, the demo, compiled static files."""
    return {
        **os.environ,
        "CIVICO_VAR_DIR": str(CARTELLA_LH),
        "CIVICO_STATICI_COMPILATI": "1",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "civico.settings",
    }


def bozza_completa() -> dict[str, str]:
    """A draft of the demo comune with every step done (so every step can be opened), and the
    public page of one of its reports."""
    from civico.enti.models import Ente
    from civico.errors import InvalidData
    from civico.portale import flusso, flusso_luogo
    from civico.segnalazioni.models import Segnalazione
    from civico.territorio.models import NumeroCivico

    ente = Ente.objects.get(slug="alessandria")
    bozza = flusso.nuova(sessione="", ente=ente)
    flusso.salva_privacy(bozza)
    lat, lon = NumeroCivico.objects.filter(ente=ente).values_list("lat", "lon").first()
    flusso.salva_luogo(bozza, flusso_luogo.risolvi(ente, "", lat, lon, "punto"))
    for categoria in flusso.categorie(ente):
        try:
            flusso.salva_disservizio(bozza, categoria=categoria.codice, titolo="Buca in via di prova",
                                     descrizione="Una buca profonda davanti al civico.", risposte={})
            break
        except InvalidData:
            continue
    flusso.salva_autore(bozza, anonimo=True, nome="", email="", telefono="")
    pubblica = Segnalazione.objects.filter(ente=ente, pubblica=True).order_by("creata_il").first()
    return {"bozza": str(bozza.uuid), "segnalazione": pubblica.codice, "ente": ente.slug}


def pagine_da_misurare(url: str, dati: dict[str, str]) -> list[tuple[str, str]]:
    bozza = f"{url}/segnala/{dati['bozza']}"
    return [
        ("home del comune", f"{url}/{dati['ente']}/"),
        ("pagina di una segnalazione", f"{url}/segnalazioni/{dati['segnalazione']}/"),
        ("flusso 1: privacy", f"{url}/segnala/?ente={dati['ente']}"),
        ("flusso 2: luogo", f"{bozza}/luogo/"),
        ("flusso 3: disservizio", f"{bozza}/disservizio/"),
        ("flusso 4: autore", f"{bozza}/autore/"),
        ("flusso 5: riepilogo", f"{bozza}/riepilogo/"),
    ]


def una_prova(eseguibile: Path, url: str, uscita: Path) -> dict:
    """One Lighthouse run: the default mobile form factor with simulated throttling (as AgID's
    validator), performance only, in Debian's Chromium."""
    comando = [str(eseguibile), url, "--only-categories=performance", "--output=json", f"--output-path={uscita}",
               "--quiet", "--chrome-flags=--headless=new --no-sandbox --disable-gpu"]
    for tentativo in range(3):  # on a loaded machine Lighthouse now and then loses the trace (NO_NAVSTART)
        if subprocess.run(comando, env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=300).returncode == 0:
            break
        print(f"lighthouse non riuscito su {url}, riprovo ({tentativo + 1})", flush=True)
    else:
        raise SystemExit(f"lighthouse non riesce a misurare {url}")
    rapporto = json.loads(uscita.read_text(encoding="utf-8"))
    audit = rapporto["audits"]
    byte: dict[str, int] = {}
    for r in audit["network-requests"]["details"]["items"]:
        chiave = TIPI_LH.get(r.get("resourceType", ""), "altro")
        byte[chiave] = byte.get(chiave, 0) + int(r.get("transferSize") or 0)
    bloccanti = [i["url"] for i in (audit.get("render-blocking-resources", {}).get("details") or {}).get("items", [])]
    return {
        "lcp_elemento": _elemento_lcp(audit),
        "punteggio": round(100 * (rapporto["categories"]["performance"]["score"] or 0)),
        "fcp_ms": audit["first-contentful-paint"]["numericValue"],
        "lcp_ms": audit["largest-contentful-paint"]["numericValue"],
        "tbt_ms": audit["total-blocking-time"]["numericValue"],
        "cls": audit["cumulative-layout-shift"]["numericValue"],
        "byte": byte,
        "bloccanti": bloccanti,
    }


def _elemento_lcp(audit: dict) -> str:
    """The snippet of the largest contentful paint's element, as Lighthouse names it."""
    def cerca(dati: object) -> str:
        if isinstance(dati, dict):
            if "snippet" in dati:
                return str(dati["snippet"])[:120]
            return next((t for v in dati.values() if (t := cerca(v))), "")
        if isinstance(dati, list):
            return next((t for v in dati if (t := cerca(v))), "")
        return ""
    return cerca(audit.get("largest-contentful-paint-element", {}).get("details"))


def tabella_lighthouse(eseguibile: Path, pagine: list[tuple[str, str]], ripetizioni: int) -> list[dict]:
    print(f"\nLighthouse {LIGHTHOUSE_VERSIONE}, telefono (preimpostazione mobile, rete e CPU simulate), "
          f"mediana di {ripetizioni} prove; carico {os.getloadavg()[0]:.2f}")
    print("(kB trasferiti, compressi, intestazioni comprese)\n")
    tipi = ["html", "css", "js", "font", "img", "json", "altro"]
    testa = (f"{'pagina':<28}{'punti':>6}{'FCP s':>7}{'LCP s':>7}{'TBT ms':>8}{'CLS':>7} │"
             + "".join(f"{t:>7}" for t in tipi) + f"{'totale':>8}")
    print(testa)
    print("─" * len(testa))
    righe = []
    rapporti = CARTELLA_LH / "rapporti"  # Lighthouse's own reports, to read what the table sums up
    rapporti.mkdir(parents=True, exist_ok=True)
    for n, (nome, indirizzo) in enumerate(pagine):
        prove = [una_prova(eseguibile, indirizzo, rapporti / f"{n}-{i}.json") for i in range(ripetizioni)]
        prove.sort(key=lambda p: p["punteggio"])
        mediana = prove[len(prove) // 2]  # the run with the median score, whole
        riga = {"pagina": nome, "url": indirizzo, **mediana,
                "punteggi": [p["punteggio"] for p in prove]}
        righe.append(riga)
        b = mediana["byte"]
        print(f"{nome:<28}{mediana['punteggio']:>6}{mediana['fcp_ms'] / 1000:>7.2f}{mediana['lcp_ms'] / 1000:>7.2f}"
              f"{mediana['tbt_ms']:>8.0f}{mediana['cls']:>7.3f} │"
              + "".join(f"{b.get(t, 0) / 1024:>7.1f}" for t in tipi) + f"{sum(b.values()) / 1024:>8.1f}",
              flush=True)
        print(f"{'':<28}LCP: {mediana['lcp_elemento']}")
        if mediana["bloccanti"]:
            print(f"{'':<28}bloccano il rendering: {', '.join(mediana['bloccanti'])}")
    return righe


def grafico(righe: list[dict]) -> None:
    from grafici import Barra, barre

    barre("Lighthouse mobile performance score per page (make run)", "points",
          [Barra(r["pagina"], r["punteggio"], OBIETTIVO_PUNTEGGIO, piu_alto_meglio=True,
                 nota=f"FCP {r['fcp_ms'] / 1000:.1f} s, LCP {r['lcp_ms'] / 1000:.1f} s, "
                      f"{sum(r['byte'].values()) / 1024:.0f} kB") for r in righe], GRAFICO_LH)


def misura_lighthouse(ripetizioni: int, solo: str = "") -> None:
    if not os.path.exists(CHROMIUM):
        raise SystemExit(f"Chromium non trovato in {CHROMIUM} (CIVICO_CHROMIUM)")
    eseguibile = lighthouse()
    ambiente = ambiente_make_run()
    CARTELLA_LH.mkdir(parents=True, exist_ok=True)
    print("come `make run`: migrate + demo + collectstatic…", flush=True)
    _civico(ambiente, "migrate", "--noinput", "-v", "0")
    _civico(ambiente, "demo")
    _civico(ambiente, "collectstatic", "--noinput", "-v", "0")
    codice = (
        f"import sys, json; sys.path.insert(0, {str(RADICE)!r})\n"
        "import django; django.setup()\n"
        "from bench.bench_pagine import bozza_completa; print(json.dumps(bozza_completa()))\n"
    )
    dati = json.loads(subprocess.run([sys.executable, "-c", codice], cwd=RADICE, env=ambiente, check=True,
                                     capture_output=True, text=True).stdout.strip().splitlines()[-1])
    processo, url = avvia_server(ambiente, comando=[sys.executable, "-m", "civico.cli", "serve", "--host",
                                                    "127.0.0.1", "--port"])
    try:
        pagine = [(n, u) for n, u in pagine_da_misurare(url, dati) if solo in n]
        righe = tabella_lighthouse(eseguibile, pagine, ripetizioni)
    finally:
        processo.terminate()
        processo.wait(timeout=10)
    if solo:  # a partial run does not replace the full one's results and chart
        print("(--solo: risultati e grafico non scritti)")
        return
    RISULTATI_LH.parent.mkdir(parents=True, exist_ok=True)
    RISULTATI_LH.write_text(json.dumps({
        "lighthouse": LIGHTHOUSE_VERSIONE, "quando": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "carico": os.getloadavg(), "ripetizioni": ripetizioni, "pagine": righe,
    }, indent=2), encoding="utf-8")
    grafico(righe)
    print(f"\nrisultati: {RISULTATI_LH.relative_to(RADICE)}, grafico: {GRAFICO_LH.relative_to(RADICE)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mappa", action="store_true",
                        help="the comune home on throttled networks and the map's JSON over many reports")
    parser.add_argument("--solo", default="", help="Lighthouse: only the pages whose name contains this")
    parser.add_argument("--segnalazioni", type=int, default=100_000, help="synthetic reports to add (--mappa)")
    parser.add_argument("--ripetizioni", type=int, default=3)
    parser.add_argument("--database-url", default=None, help="default: SQLite under var/bench/")
    parser.add_argument("--url", default=None, help="measure this running server's comune home instead")
    parser.add_argument("--indici", action="store_true", help="add the indexes proposed for segnalazioni first")
    args = parser.parse_args()
    if not (args.mappa or args.url):
        misura_lighthouse(args.ripetizioni, args.solo)
        return
    if not os.path.exists(CHROMIUM):
        raise SystemExit(f"Chromium non trovato in {CHROMIUM} (CIVICO_CHROMIUM)")
    if args.url:
        tabella_pagina(args.url, args.ripetizioni)
        return
    ambiente = _ambiente(args.database_url)
    prepara(ambiente, args.segnalazioni, args.indici)
    print("indici proposti: " + ("sì " + ", ".join(INDICI_PROPOSTI.values()) if args.indici else "no"))
    processo, url = avvia_server(ambiente)
    try:
        tabella_pagina(url + "/alessandria/", args.ripetizioni)
        tabella_mappa(url)
    finally:
        processo.terminate()
        processo.wait(timeout=10)


if __name__ == "__main__":
    main()
