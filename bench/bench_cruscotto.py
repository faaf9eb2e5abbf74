"""Benchmark of the public dashboards: the largest ente's and the platform's, as HTML and JSON.

Runs in-process against the database in DATABASE_URL (or --database-url) through Django's test
client and prints, per page, the median and 95th percentile in three situations:

- live: nothing precomputed or cached; every request counts from the reports table;
- precomputed: the default view's snapshot is stored (civico.analisi.istantanee), the process
  cache is empty: one indexed row read, then rendering;
- cached: the process cache holds the figures (repeat visits within five minutes);
- random filters (issue #21): `--runs` seeded random combinations of period (1 day to 3 years) and
  category (or none), JSON API, nothing cached: every request computes from the aggregates
  (civico.analisi.aggregati); beside it the bare SQL of each combination, replayed. Targets:
  p95 < 300 ms for a comune, < 1 s for the platform.

Beside each live figure it prints the bare SQL time (the same statements the computation ran,
captured and replayed through the DB cursor) and the ratio page/SQL: what Django, Python and
rendering add on top of the database.

    .venv/bin/civico bench seed --reports 1000000 --enti 187      # with DATABASE_URL set
    .venv/bin/civico aggiorna_cruscotti --ricostruisci-aggregati   # the seeder's bulk load bypasses the triggers
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/civico_bench .venv/bin/python bench/bench_cruscotto.py

Options: --runs (default 20), --seed-reports N --seed-enti M to seed first with `civico bench seed`,
--category CODE to time a filtered view too. Writes bench/results/cruscotto.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

RADICE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RADICE))


def p95(valori: list[float]) -> float:
    ordinati = sorted(valori)
    return ordinati[min(len(ordinati) - 1, max(0, round(0.95 * len(ordinati)) - 1))]


def ms(x: float) -> float:
    return round(x * 1000, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed-reports", type=int, default=0, help="seed first: `civico bench seed --reports N`")
    parser.add_argument("--seed-enti", type=int, default=187)
    parser.add_argument("--category", default="", help="also time the dashboards filtered by this category code")
    parser.add_argument("--seed", type=int, default=21, help="seed of the random filter combinations")
    parser.add_argument("--out", default=str(RADICE / "bench" / "results" / "cruscotto.json"))
    args = parser.parse_args()

    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ["CIVICO_DEBUG"] = "0"  # DEBUG would log every query and skew the timings
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civico.settings")
    if args.seed_reports:
        subprocess.run([sys.executable, "-m", "civico.cli", "bench", "seed", "--reports", str(args.seed_reports),
                        "--enti", str(args.seed_enti)], cwd=RADICE, check=True)

    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Count, Max, Min
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from civico.analisi import cruscotto
    from civico.analisi.filtri import Filtri, leggi, predefiniti
    from civico.analisi.models import Istantanea
    from civico.catalogo.models import Categoria
    from civico.enti.models import Ente
    from civico.segnalazioni.models import Segnalazione

    settings.ALLOWED_HOSTS = ["*"]
    totale = Segnalazione.objects.count()
    riga = (
        Segnalazione.objects.filter(pubblica=True).values("ente_id").annotate(n=Count("pk")).order_by("-n").first()
    )
    if not riga:
        sys.exit("Nessuna segnalazione nel database: semina prima (--seed-reports).")
    from civico.analisi.models import RicevuteGiorno

    if not RicevuteGiorno.objects.exists():  # e.g. seeded with triggers off: every figure would read 0
        sys.exit("Aggregati dei cruscotti vuoti: `civico aggiorna_cruscotti --ricostruisci-aggregati` prima.")
    ente = Ente.objects.defer("confine").get(pk=riga["ente_id"])
    enti = Segnalazione.objects.values("ente_id").distinct().count()
    print(f"database: {connection.vendor}, {totale:,} segnalazioni su {enti} enti; "
          f"il più grande: {ente.nome} con {riga['n']:,} pubbliche", flush=True)

    client = Client()
    parametri = {"categoria": args.category} if args.category else {}
    pagine = {
        "ente HTML": f"/{ente.slug}/cruscotto/",
        "ente JSON": f"/api/v1/enti/{ente.codice_istat}/statistiche/cruscotto",
        "piattaforma HTML": "/cruscotto/",
        "piattaforma JSON": "/api/v1/statistiche/cruscotto",
    }

    def una(url: str, prima=None) -> float:
        if prima:
            prima()
        inizio = time.perf_counter()
        risposta = client.get(url, parametri)
        if risposta.status_code != 200:
            raise SystemExit(f"{url}: HTTP {risposta.status_code}")
        if hasattr(risposta, "streaming_content"):
            b"".join(risposta.streaming_content)
        return time.perf_counter() - inizio

    def tempi(url: str, prima=None) -> list[float]:
        una(url, prima)  # warm-up: imports, template loading, connection
        return [una(url, prima) for _ in range(args.runs)]

    def da_zero() -> None:  # nothing stored, nothing cached: every request counts from the reports
        Istantanea.objects.all().delete()
        cache.clear()

    def solo_cache_vuota() -> None:
        cache.clear()

    def sql_nudo(chi, filtri=None) -> list[float]:
        """The statements `calcola` runs, replayed bare: the database's share of the work."""
        filtri = filtri or (leggi(parametri) if parametri else predefiniti())
        with CaptureQueriesContext(connection) as catturate:
            cruscotto.calcola(chi, filtri)
        istruzioni = [q["sql"] for q in catturate.captured_queries]
        misure = []
        for _ in range(max(3, args.runs // 2)):
            inizio = time.perf_counter()
            with connection.cursor() as c:
                for sql in istruzioni:
                    c.execute(sql)
                    c.fetchall()
            misure.append(time.perf_counter() - inizio)
        return misure

    risultati: dict[str, dict] = {}
    nudo = {"ente": sql_nudo(ente), "piattaforma": sql_nudo(None)}
    print(f"\n{'pagina':<18} {'modo':<12} {'mediana':>9} {'p95':>9} {'SQL nudo':>9} {'rapporto':>9}")
    for nome, url in pagine.items():
        chi = nome.split()[0]
        sql_mediana = statistics.median(nudo[chi])
        for modo, prima in (("dal vivo", da_zero), ("precalcolato", solo_cache_vuota), ("in cache", None)):
            if modo == "precalcolato" and parametri:
                continue  # only the default view is precomputed
            valori = tempi(url, prima)
            r = {"median_ms": ms(statistics.median(valori)), "p95_ms": ms(p95(valori))}
            if modo == "dal vivo":
                r.update(sql_median_ms=ms(sql_mediana), ratio=round(statistics.median(valori) / sql_mediana, 2))
            risultati[f"{nome} · {modo}"] = r
            extra = f"{r['sql_median_ms']:>8.1f}  {r['ratio']:>8.2f}" if "ratio" in r else ""
            print(f"{nome:<18} {modo:<12} {r['median_ms']:>8.1f}  {r['p95_ms']:>8.1f} {extra}", flush=True)

    # Issue #21: any period and category, nothing precomputed nor cached.
    import random

    rng = random.Random(args.seed)
    # From the reports, not the aggregates: the same combinations can time the code before them.
    estremi = {k: timezone.localdate(v) for k, v in Segnalazione.objects.aggregate(
        primo=Min("creata_il"), ultimo=Max("creata_il")).items()}
    codici = sorted(set(Categoria.objects.filter(ente=ente).values_list("codice", flat=True)))

    def filtri_a_caso() -> Filtri:
        giorni = (estremi["ultimo"] - estremi["primo"]).days
        dal = estremi["primo"] + timedelta(days=rng.randint(0, giorni))
        al = min(dal + timedelta(days=rng.choice([0, 6, 30, 90, 364, 729, 1094])), estremi["ultimo"])
        return Filtri(dal=dal, al=al, categoria=rng.choice(["", "", *codici]))

    obiettivi = {"ente": 300, "piattaforma": 1000}
    print(f"\nfiltri a caso ({args.runs} combinazioni, seme {args.seed}), JSON, niente cache né istantanee")
    for chi, url in (("ente", pagine["ente JSON"]), ("piattaforma", pagine["piattaforma JSON"])):
        valori, nudi = [], []
        for _ in range(args.runs):
            filtri = filtri_a_caso()
            richiesta = {"dal": filtri.dal.isoformat(), "al": filtri.al.isoformat(), "categoria": filtri.categoria}
            cache.clear()
            inizio = time.perf_counter()
            risposta = client.get(url, {k: v for k, v in richiesta.items() if v})
            valori.append(time.perf_counter() - inizio)
            assert risposta.status_code == 200, (url, richiesta, risposta.status_code)
            nudi.append(statistics.median(sql_nudo(ente if chi == "ente" else None, filtri)))
        r = {"median_ms": ms(statistics.median(valori)), "p95_ms": ms(p95(valori)),
             "sql_median_ms": ms(statistics.median(nudi)), "sql_p95_ms": ms(p95(nudi)),
             "ratio": round(statistics.median(valori) / statistics.median(nudi), 2),
             "obiettivo_ms": obiettivi[chi]}
        risultati[f"{chi} JSON · filtri a caso"] = r
        print(f"{chi + ' JSON':<18} {'filtri a caso':<12} {r['median_ms']:>8.1f}  {r['p95_ms']:>8.1f} "
              f"{r['sql_median_ms']:>8.1f}  {r['ratio']:>8.2f}   (SQL p95 {r['sql_p95_ms']:.1f}; "
              f"obiettivo p95 < {r['obiettivo_ms']} ms)", flush=True)

    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({
        "database": connection.vendor, "segnalazioni": totale, "enti": enti,
        "ente_piu_grande": {"nome": ente.nome, "segnalazioni_pubbliche": riga["n"]},
        "runs": args.runs, "filtri": parametri, "machine": platform.platform(),
        "load_average": os.getloadavg(), "risultati": risultati,
    }, indent=2, ensure_ascii=False))
    print(f"\nscritto {args.out}; carico della macchina: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
