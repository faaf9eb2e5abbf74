"""Benchmark of Open311 GET requests.json returning 1,000 requests, against the bare SQL query.

Seeds N plausible public reports for one active ente (Alessandria) with bulk_create, each with its
timeline (about 4.4 public events: received, routed, state changes, some citizen messages and
photos; internal notes too), then times `GET /open311/v2/requests.json?jurisdiction_id=006003`
(the spec's first 1,000 of the last 90 days) and the same with `extensions=true` (timelines and
extended attributes) through Django's test client in-process, each next to the bare SQL of the
queries it rests on. Writes bench/results/open311.json. Run on demand, never in the tests:

    createdb -h 127.0.0.1 -U postgres civico_bench
    .venv/bin/python bench/bench_open311.py --database-url postgresql://postgres@127.0.0.1:5432/civico_bench \
        --reports 1000000

Without --database-url it uses its own SQLite file (var/bench_open311.sqlite3). Seeding tops up:
a second run with the same N seeds nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import secrets
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

RADICE = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(RADICE), str(RADICE / "bench")]

ISTAT = "006003"
CENTRO = (44.9133, 8.6151)
VIE = ["Piazza della Libertà", "Corso Roma", "Via Milano", "Via Dante", "Corso Cento Cannoni", "Via Marsala",
       "Spalto Gamondio", "Via Cavour", "Corso Crimea", "Via San Giovanni Bosco", "Via Pontida", "Viale Medaglie d'Oro"]
STATI = [("submitted", 14), ("accepted", 8), ("in_progress", 6), ("resolved", 20), ("closed", 45),
         ("rejected", 4), ("withdrawn", 2), ("duplicate", 1)]
CANALI = [("web", 45), ("app", 30), ("open311", 10), ("email", 8), ("phone", 7)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000, help="reports to have for the ente (default 100000)")
    parser.add_argument("--database-url", default="", help="e.g. postgresql://postgres@127.0.0.1:5432/civico_bench")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--page-size", type=int, default=0, help="add page_size=… (max 500); 0: the default 1,000")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", default=str(RADICE / "bench" / "results" / "open311.json"))
    parser.add_argument("--profile", metavar="LABEL", default="",
                        help="also profile 20 extensions=true requests with cProfile: "
                             "bench/results/profilo-open311-LABEL.pstats and .txt (top functions)")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{RADICE / 'var' / 'bench_open311.sqlite3'}"
    os.environ["CIVICO_DEBUG"] = "0"  # DEBUG would log every query and skew the timings
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civico.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})", flush=True)
    call_command("migrate", verbosity=0)
    ente = prepara_ente()
    seed(ente, args.reports, random.Random(args.seed))
    seed_eventi(ente, random.Random(args.seed + 1))
    carico = [round(x, 2) for x in os.getloadavg()]
    print(f"load average: {carico} (other processes on the machine skew wall-clock times)", flush=True)
    risultati = misura(ente, args.runs, args.page_size)
    if args.profile:
        profila(args.profile, args.page_size)
    risultati.update(
        reports=conta(ente), database=connection.vendor, runs=args.runs,
        machine={"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                 "load_average_before": carico, "load_average_after": [round(x, 2) for x in os.getloadavg()]},
        quando=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(risultati, indent=2) + "\n")
    print(json.dumps(risultati, indent=2))
    print(f"written to {args.out}")


def prepara_ente():
    from civico.demo.loader import crea_catalogo
    from civico.enti.confini import carica_comuni
    from civico.enti.models import Ente

    if not Ente.objects.filter(codice_istat=ISTAT).exists():
        print("loading the comuni of Italy…", flush=True)
        carica_comuni()
    ente = Ente.objects.defer("confine").get(codice_istat=ISTAT)
    if not ente.attivo or ente.sigla != "AL" or not ente.email:
        ente.attivo, ente.sigla, ente.email = True, "AL", ente.email or "urp@comune.alessandria.it"
        ente.save(update_fields=["attivo", "sigla", "email"])
    crea_catalogo(ente, completo=True)
    return ente


def conta(ente) -> int:
    from civico.segnalazioni.models import Segnalazione

    return Segnalazione.objects.filter(ente=ente).count()


def seed(ente, quante: int, rng: random.Random) -> None:
    """Top the ente up to `quante` reports over the last 365 days (bulk_create, batches of 5,000)."""
    import h3
    from django.db import connection, transaction
    from django.db.models import Max

    from civico.catalogo.models import Categoria
    from civico.demo import catalogo_demo as C
    from civico.segnalazioni.models import Allegato, Segnalazione

    mancanti = quante - conta(ente)
    if mancanti <= 0:
        print(f"{conta(ente)} reports already there: nothing to seed", flush=True)
        return
    categorie = list(Categoria.objects.filter(ente=ente, attiva=True))
    titoli = {c[0]: c[8] for c in C.CATEGORIE}
    stati, pesi_stati = zip(*STATI, strict=True)
    canali, pesi_canali = zip(*CANALI, strict=True)
    esistenti = Segnalazione.objects.filter(ente=ente).values("anno").annotate(m=Max("numero"))
    numeri = dict(esistenti.values_list("anno", "m"))
    adesso = datetime.now(UTC)
    lotto, inizio, fatte = 5000, time.perf_counter(), 0
    print(f"seeding {mancanti} reports…", flush=True)
    while fatte < mancanti:
        righe, foto = [], []
        for _ in range(min(lotto, mancanti - fatte)):
            creata = adesso - timedelta(seconds=rng.uniform(60, 365 * 86400))
            anno = creata.year
            numeri[anno] = numeri.get(anno, 0) + 1
            categoria = rng.choice(categorie)
            stato = rng.choices(stati, pesi_stati)[0]
            lat = CENTRO[0] + rng.gauss(0, 0.012)
            lon = CENTRO[1] + rng.gauss(0, 0.016)
            titolo = rng.choice(titoli.get(categoria.codice, ["Segnalazione"]))
            chiuso = stato in ("resolved", "closed", "rejected", "withdrawn", "duplicate")
            righe.append(Segnalazione(
                ente=ente, codice=f"AL-{anno}-{numeri[anno]:06d}", uuid=uuid.uuid4(),
                anno=anno, numero=numeri[anno], token=secrets.token_urlsafe(32), categoria=categoria,
                ufficio_id=categoria.ufficio_predefinito_id, stato=stato, titolo=titolo,
                descrizione=f"{titolo}. Segnalazione generata per il benchmark.", lat=lat, lon=lon,
                indirizzo=f"{rng.choice(VIE)} {rng.randint(1, 120)}", cap="15121",
                cella_h3=h3.latlng_to_cell(lat, lon, 10), canale=rng.choices(canali, pesi_canali)[0],
                segnalante_nome="Persona di prova", segnalante_email="prova@example.org",
                nota_pubblica="Intervento eseguito." if chiuso else "", pubblica=True,
                creata_il=creata, aggiornata_il=creata + timedelta(days=rng.uniform(0, 20) if chiuso else 0),
                scadenza=(creata + timedelta(days=categoria.giorni_risposta)).date(),
            ))
        with transaction.atomic():
            create = Segnalazione.objects.bulk_create(righe, batch_size=lotto)
            for s in create:
                if rng.random() < 0.2:  # one report in five has a public photo (rows only, no files)
                    foto.append(Allegato(segnalazione=s, tipo="foto", file=f"bench/{s.pk}.jpg",
                                         miniatura=f"bench/min-{s.pk}.jpg", content_type="image/jpeg",
                                         dimensione=123456, larghezza=1280, altezza=960, sha256="0" * 64))
            Allegato.objects.bulk_create(foto, batch_size=lotto)
        fatte += len(righe)
        passati = time.perf_counter() - inizio
        print(f"  {fatte}/{mancanti} ({fatte / passati:,.0f} reports/s)", flush=True)
    from civico.segnalazioni.models import ContatoreCodici

    for anno, ultimo in numeri.items():  # so real intakes keep numbering after the seeded rows
        ContatoreCodici.objects.update_or_create(ente=ente, anno=anno, defaults={"ultimo": ultimo})
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("ANALYZE segnalazioni_segnalazione; ANALYZE segnalazioni_allegato;")


def seed_eventi(ente, rng: random.Random) -> None:
    """Give every seeded report without events its timeline, as the workflow would have written it:
    received and routed (system), photo added, the state changes to its state (staff, some with a
    note of their own), one citizen message in four (one in ten with a phone number the gate hides
    when read), internal notes (never public). About 4.4 public events a report."""
    from django.db import connection, transaction

    from civico.segnalazioni.models import Allegato, Evento, Segnalazione

    percorsi = {  # state → the transitions that led there from submitted
        "submitted": [], "accepted": ["take_in_charge"], "in_progress": ["take_in_charge", "start_work"],
        "resolved": ["take_in_charge", "start_work", "resolve"],
        "closed": ["take_in_charge", "start_work", "resolve", "close"],
        "rejected": ["reject"], "withdrawn": ["withdraw"], "duplicate": ["mark_duplicate"],
    }
    arrivi = {"take_in_charge": "accepted", "start_work": "in_progress", "resolve": "resolved", "close": "closed",
              "reject": "rejected", "withdraw": "withdrawn", "mark_duplicate": "duplicate"}
    senza = (Segnalazione.objects.filter(ente=ente).exclude(eventi__isnull=False)
             .select_related("ufficio").order_by("id"))
    mancanti = senza.count()
    if not mancanti:
        print("every report has its events already", flush=True)
        return
    con_foto = set(Allegato.objects.filter(segnalazione__ente=ente).values_list("segnalazione_id", flat=True))
    print(f"seeding the events of {mancanti} reports…", flush=True)
    inizio, fatte, ultimo = time.perf_counter(), 0, 0
    while True:
        lotto = list(senza.filter(id__gt=ultimo)[:2000])
        if not lotto:
            break
        eventi = []
        for s in lotto:
            quando = s.creata_il
            ufficio = s.ufficio.nome if s.ufficio else ente.nome

            def evento(tipo, *, s=s, attore="sistema", pubblico="", **campi):
                nonlocal quando
                quando = quando + timedelta(minutes=rng.uniform(1, 600))
                dati = {"attore": attore, **campi.pop("dati", {})}
                return Evento(segnalazione=s, ente=ente, tipo=tipo, dati=dati, creato_il=quando,
                              attore_pubblico=pubblico, **campi)

            eventi.append(evento("created"))
            eventi.append(evento("routed", dati={"ufficio": ufficio}))
            if s.pk in con_foto:
                eventi.append(evento("media_added", attore="segnalante"))
            if rng.random() < 0.25:
                testo = "Chiamatemi al 333 1234567 per i dettagli." if rng.random() < 0.4 else (
                    "È ancora lì, peggiora con la pioggia.")
                eventi.append(evento("comment", attore="segnalante", testo=testo))
            if rng.random() < 0.5:
                eventi.append(evento("internal_note", attore="staff", pubblico=ufficio, visibilita="interna",
                                     testo="Ditta incaricata: Rossi S.r.l."))
            prima = "submitted"
            for t in percorsi.get(s.stato, []):
                testo = "Intervento eseguito." if t == "resolve" and rng.random() < 0.5 else (
                    "Non è di competenza comunale." if t == "reject" else "")
                dati = {"duplicato_di": s.codice} if t == "mark_duplicate" else {}
                attore = "segnalante" if t == "withdraw" else "staff"
                eventi.append(evento("state_changed", attore=attore, pubblico="" if attore == "segnalante" else ufficio,
                                     stato_da=prima, stato_a=arrivi[t], transizione=t, testo=testo, dati=dati))
                prima = arrivi[t]
        with transaction.atomic():
            Evento.objects.bulk_create(eventi, batch_size=5000)
        fatte += len(lotto)
        ultimo = lotto[-1].pk
        print(f"  {fatte}/{mancanti} ({fatte / (time.perf_counter() - inizio):,.0f} reports/s)", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("ANALYZE segnalazioni_evento;")


def misura(ente, runs: int, page_size: int) -> dict:
    from django.http import QueryDict
    from django.utils import timezone

    from civico.open311 import parametri

    url = f"/open311/v2/requests.json?jurisdiction_id={ISTAT}" + (f"&page_size={page_size}" if page_size else "")
    attese = page_size or parametri.LIMITE_PREDEFINITO
    risultato = {"requests": misura_url(url, runs, attese)}
    risultato["extensions"] = misura_url(url + "&extensions=true", runs, attese)
    filtri = parametri.filtri_richieste(QueryDict(url.split("?", 1)[1] + "&extensions=true"), timezone.now())
    risultato["breakdown_median_ms"] = scomposizione(ente, filtri, runs=max(5, runs // 5))
    e = risultato["extensions"]
    risultato["goal_met"] = e["p95_ms"] < 150 and e["ratio_p95"] <= 3  # issue #21
    for nome, r in (("requests.json", risultato["requests"]), ("requests.json?extensions=true", e)):
        print(f"{nome}: p95 {r['p95_ms']} ms (median {r['median_ms']}), bare SQL p95 {r['sql_p95_ms']} ms "
              f"({r['queries']} queries), ratio p95 {r['ratio_p95']}, median {r['ratio_median']}", flush=True)
    return risultato


def misura_url(url: str, runs: int, attese: int) -> dict:
    """The endpoint's times through the test client, and the bare SQL of the queries it runs."""
    from bench_tutto import query_della_richiesta
    from django.db import connection
    from django.test import Client

    client = Client()
    for _ in range(3):  # warm up: URL resolver, caches, the database's buffers
        r = client.get(url)
        assert r.status_code == 200, r.content[:500]
    n = len(r.json())
    print(f"GET {url} → {n} requests ({len(r.content):,} bytes)", flush=True)
    if n != attese:
        print(f"WARNING: {n} requests instead of {attese}: seed more reports", flush=True)

    tempi, cpu = [], []
    for i in range(runs):
        t, c = time.perf_counter(), time.process_time()
        r = client.get(url)
        tempi.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)  # this process only: less swayed by other load on the machine
        assert r.status_code == 200
        if (i + 1) % 10 == 0:
            print(f"  endpoint run {i + 1}/{runs}", flush=True)

    query = query_della_richiesta(client, url)  # every SELECT the request runs, re-executed alone
    tempi_sql = []
    with connection.cursor() as c:
        for _ in range(runs + 3):
            t = time.perf_counter()
            for sql, params in query:
                c.execute(sql, params)
                c.fetchall()
            tempi_sql.append(time.perf_counter() - t)
    tempi_sql = tempi_sql[3:]

    def ms(x: float) -> float:
        return round(x * 1000, 2)

    risultato = {
        "url": url, "requests_returned": n, "bytes": len(r.content), "queries": len(query),
        "median_ms": ms(statistics.median(tempi)), "p95_ms": ms(p95(tempi)),
        "cpu_median_ms": ms(statistics.median(cpu)),
        "sql_median_ms": ms(statistics.median(tempi_sql)), "sql_p95_ms": ms(p95(tempi_sql)),
        "sql": [sql[:600] for sql, _p in query],
    }
    risultato["ratio_median"] = round(risultato["median_ms"] / risultato["sql_median_ms"], 2)
    risultato["ratio_p95"] = round(risultato["p95_ms"] / risultato["sql_p95_ms"], 2)
    return risultato


def scomposizione(ente, filtri, runs: int) -> dict[str, float]:
    """Where the time goes, step by step, outside the request cycle (wall-clock medians)."""
    from civico.open311 import rappresentazione, ricerca, risposte
    from civico.segnalazioni.consultazione import Schede

    base = "http://testserver/"
    righe = ricerca.richieste(ente, filtri)
    cronologie = ricerca.cronologie(righe)
    dati = list(rappresentazione.richieste(righe, ente, base, cronologie))
    schede = Schede(base)
    passi = {
        "fetch (SQL + plain rows + photo ids)": lambda: ricerca.richieste(ente, filtri),
        "fetch timelines (SQL + plain rows)": lambda: ricerca.cronologie(righe),
        "scheda_pubblica x rows": lambda: [schede.scheda(r) for r in righe],
        "open311 fields x rows (with scheda)": lambda: list(rappresentazione.richieste(righe, ente, base)),
        "open311 fields + extensions x rows": lambda: list(rappresentazione.richieste(righe, ente, base, cronologie)),
        "JSON (extensions)": lambda: risposte.json_compatto(dati),
        "xml (extensions)": lambda: risposte.xml("service_requests", dati),
    }
    risultato = {}
    for nome, passo in passi.items():
        tempi = []
        for _ in range(runs):
            t = time.perf_counter()
            passo()
            tempi.append(time.perf_counter() - t)
        risultato[nome] = round(statistics.median(tempi) * 1000, 2)
    return risultato


def profila(etichetta: str, page_size: int, richieste: int = 20) -> None:
    """cProfile of `richieste` extensions=true requests through the test client (CPU, in-process):
    the raw profile and the top functions by own and by cumulative time, in ms per request."""
    import cProfile
    import io
    import pstats

    from django.test import Client

    url = f"/open311/v2/requests.json?jurisdiction_id={ISTAT}&extensions=true" + (
        f"&page_size={page_size}" if page_size else "")
    client = Client()
    client.get(url)
    profilo = cProfile.Profile(time.process_time)
    profilo.enable()
    for _ in range(richieste):
        client.get(url)
    profilo.disable()
    cartella = RADICE / "bench" / "results"
    profilo.dump_stats(cartella / f"profilo-open311-{etichetta}.pstats")
    testo = io.StringIO()
    testo.write(f"{richieste} x GET {url}, CPU seconds for all of them (divide by {richieste} for one); "
                f"load average {[round(x, 2) for x in os.getloadavg()]}\n")
    for ordine in ("cumulative", "tottime"):
        pstats.Stats(profilo, stream=testo).strip_dirs().sort_stats(ordine).print_stats(30)
    (cartella / f"profilo-open311-{etichetta}.txt").write_text(testo.getvalue())
    print(f"profile written to {cartella}/profilo-open311-{etichetta}.pstats and .txt", flush=True)


def p95(valori: list[float]) -> float:
    ordinati = sorted(valori)
    return ordinati[min(len(ordinati) - 1, round(0.95 * (len(ordinati) - 1)))]


if __name__ == "__main__":
    main()
