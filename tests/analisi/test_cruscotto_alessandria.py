"""Quality bar: after importing Alessandria's real Municipium history (2023–2024), the public
dashboard's figures agree with a calculation made directly from the CSV, independently of Civico.

The independent side reads the file with the csv module and the rules of the export only:
`eliminata` rows are not public; an empty category is "Altro"; days to closing are the calendar
days between `Creato` and `Chiusa` of the rows closed (`chiusa`, `archiviata`).
"""

from __future__ import annotations

import csv
import gzip
import importlib.util
import statistics
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone

from civico.analisi import istantanee
from civico.analisi.filtri import Filtri

RADICE = Path(__file__).resolve().parents[2]
CANDIDATI = [
    Path("/work/shared/data/alessandria/segnalazioni-municipium-2023-2024.csv"),
    RADICE / "civico" / "data" / "alessandria" / "segnalazioni-municipium-2023-2024.csv.gz",
]
FILE = next((p for p in CANDIDATI if p.exists()), None)
IMPORTATORE = importlib.util.find_spec("civico.analisi.importazione.municipium") is not None

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not IMPORTATORE, reason="manca civico.analisi.importazione.municipium (l'importatore)"),
    pytest.mark.skipif(FILE is None, reason="manca il file Municipium di Alessandria"),
]


def _righe_csv() -> list[dict[str, str]]:
    apri = gzip.open if FILE.suffix == ".gz" else open
    with apri(FILE, "rt", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


def _calcolo_indipendente() -> tuple[Counter, dict[str, float]]:
    per_categoria: Counter = Counter()
    giorni: dict[str, list[int]] = defaultdict(list)
    for r in _righe_csv():
        if r["Stato"].strip().lower() == "eliminata":
            continue
        categoria = (r["Categoria"] or "").strip() or "Altro"
        per_categoria[categoria.casefold()] += 1
        if r["Stato"].strip().lower() in ("chiusa", "archiviata") and r["Chiusa"].strip():
            giorni[categoria.casefold()].append(
                (date.fromisoformat(r["Chiusa"].strip()) - date.fromisoformat(r["Creato"].strip())).days
            )
    return per_categoria, {c: statistics.median(v) for c, v in giorni.items()}


def test_dashboard_figures_match_the_csv(alessandria):
    from civico.analisi.importazione.municipium import importa_municipium

    riepilogo = importa_municipium(FILE, alessandria)
    assert not riepilogo.scartate, riepilogo.scartate[:5]

    dati = istantanee.figure(alessandria, Filtri(dal=date(2023, 1, 1), al=timezone.localdate()))

    attesi_conti, attese_mediane = _calcolo_indipendente()
    conti = {r["nome"].casefold(): r["ricevute"] for r in dati["per_categoria"]}
    assert conti == dict(attesi_conti)
    assert dati["totali"]["ricevute"] == sum(attesi_conti.values())

    mediane = {r["nome"].casefold(): r["mediana_giorni"] for r in dati["tempi_categoria"]}
    assert set(mediane) == set(attese_mediane)
    for categoria, attesa in attese_mediane.items():
        # Times are stored at noon local time: a daylight-saving change moves a span by an hour.
        assert mediane[categoria] == pytest.approx(attesa, abs=0.1), categoria
    # Imported without a position: every report counts, none is on the map.
    assert dati["mappa"]["celle"] == []
    assert dati["mappa"]["senza_posizione"] == dati["totali"]["ricevute"]
