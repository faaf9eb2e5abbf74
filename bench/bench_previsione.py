"""Back-test of the weekly forecast on Alessandria's real history (Municipium export 2023–2024).

Imports the export through the Municipium importer (as the demo does) into a fresh comune of a
SQLite database in a temporary folder, builds the weekly history the staff page uses (from the
first report, complete weeks up to the last report), and prints each method's one-week-ahead
mean absolute error over the last 26 weeks, for all categories and for the busiest ones, with the
method the page would choose. Writes bench/results/previsione.json. Run on demand:

    .venv/bin/python bench/bench_previsione.py

Loading the comuni of Italy into the new database takes about a minute (not part of the figures).
"""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

RADICE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RADICE))
sys.path.insert(0, str(RADICE / "bench"))
FILE = RADICE / "civico" / "data" / "alessandria" / "segnalazioni-municipium-2023-2024.csv.gz"


def main() -> None:
    cartella = Path(tempfile.mkdtemp(prefix="bench-previsione-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{cartella / 'previsione.sqlite3'}"
    os.environ["CIVICO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civico.settings")
    import django

    django.setup()
    from bench_import import _comuni, _ente_nuovo
    from django.core.management import call_command
    from django.db.models import Count, Max
    from django.utils import timezone

    from civico.analisi import approfondimenti as A
    from civico.analisi import previsione as P
    from civico.analisi.importazione.municipium import importa_municipium
    from civico.segnalazioni.models import Segnalazione

    call_command("migrate", verbosity=0)
    _comuni()
    ente = _ente_nuovo()
    esito = importa_municipium(FILE, ente)
    print(f"imported {esito.importate} of {esito.righe} rows", flush=True)
    visibili = Segnalazione.objects.filter(ente=ente)
    ultima = timezone.localtime(visibili.aggregate(u=Max("creata_il"))["u"]).date()
    oggi = ultima - timedelta(days=ultima.weekday())  # the last report's week is the incomplete one
    serie = [(None, "tutte le categorie")] + [
        (r["categoria_id"], r["categoria__nome"])
        for r in visibili.order_by().values("categoria_id", "categoria__nome")
        .annotate(n=Count("pk")).order_by("-n")[:5]
    ]
    risultati: dict = {"file": FILE.name, "rows": esito.righe, "until": oggi.isoformat(), "series": []}
    print(f"{'series':32} {'weeks':>5} " + " ".join(f"{m:>14}" for m in P.METODI) + "  chosen (MAE vs baseline)")
    for categoria_id, nome in serie:
        storia = A.settimanale(visibili, categoria_id, oggi=oggi)
        stima = A.previsione(storia)
        media = round(sum(n for _, n in storia) / len(storia), 2)
        riga = {"series": nome, "weeks": len(storia), "mean_per_week": media,
                "mae": {m: v["mae"] for m, v in stima["verifica"].items()},
                "weeks_tested": {m: v["settimane"] for m, v in stima["verifica"].items()},
                "chosen": stima["metodo"], "chosen_mae": stima["errore"],
                "baseline_mae_same_weeks": stima["errore_base"]}
        risultati["series"].append(riga)
        celle = " ".join(
            f"{('—' if v['mae'] is None else format(v['mae'], '.2f')) + ' (' + str(v['settimane']) + ')':>14}"
            for v in stima["verifica"].values()
        )
        scelta = f"{stima['metodo']} ({stima['errore']} vs {stima['errore_base']})"
        print(f"{nome[:32]:32} {len(storia):>5} {celle}  {scelta}")
    risultati["machine"] = {"cpus": os.cpu_count(), "platform": platform.platform(),
                            "python": platform.python_version(), "load_average": [round(x, 2) for x in os.getloadavg()]}
    risultati["quando"] = datetime.now(UTC).isoformat(timespec="seconds")
    uscita = RADICE / "bench" / "results" / "previsione.json"
    uscita.parent.mkdir(parents=True, exist_ok=True)
    uscita.write_text(json.dumps(risultati, indent=2, ensure_ascii=False) + "\n")
    print(f"written to {uscita}")


if __name__ == "__main__":
    main()
