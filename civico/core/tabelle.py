"""The one writer of every CSV and XLSX file the product makes (exports, open data, registers).

A spreadsheet runs a cell as a formula when its text begins with `=`, `+`, `-` or `@` (and some
read a leading tab or carriage return the same way): a citizen's title `=HYPERLINK("http://…")`
would become a live link in an officer's Excel (CSV injection). Following OWASP's guidance, every
text cell whose first visible character is a trigger — also the full-width and small forms
(`＝＋－＠`, `﹦﹢﹣﹫`) and the minus sign, which spreadsheets fold into the ASCII ones, and also
after leading blanks or invisible characters, which spreadsheets skip — gets a leading `'`.
Numbers, dates and empty cells are not text: a negative longitude stays a number.

Callers hand rows of Python values; nobody else imports `csv.writer` or openpyxl to write.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse

CONTENT_TYPE_CSV = "text/csv; charset=utf-8"
CONTENT_TYPE_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"

# What makes a spreadsheet evaluate a cell, in every width it folds into ASCII.
INNESCHI = frozenset("=+-@" "\uff1d\uff0b\uff0d\uff20" "\ufe66\ufe62\ufe63\ufe6b" "\u2212")
# What a spreadsheet may skip before it looks for the trigger: blanks and line breaks (isspace),
# control characters (Cc) and invisible format characters (Cf: zero-width space and joiners,
# word joiner, BOM, soft hyphen, direction marks).
_INVISIBILI = frozenset({"Cc", "Cf"})
# A cell that merely starts with a tab or a carriage return is itself read as a formula by some.
_INIZI_DA_SOLI = ("\t", "\r", "\n")
RIGHE_PER_BLOCCO = 200


def testo_sicuro(valore: str) -> str:
    """The text as a spreadsheet will show it, never run it: `'` in front of a formula trigger."""
    if valore.startswith(_INIZI_DA_SOLI) or _primo_visibile(valore) in INNESCHI:
        return "'" + valore
    return valore


def _primo_visibile(valore: str) -> str:
    for carattere in valore:
        if not (carattere.isspace() or unicodedata.category(carattere) in _INVISIBILI):
            return carattere
    return ""


def cella(valore: Any) -> Any:
    """One value as a cell: text made safe, numbers and dates kept as they are, None empty."""
    if valore is None:
        return ""
    if isinstance(valore, bool):
        return valore
    if isinstance(valore, int | float | Decimal | date):
        return valore
    return testo_sicuro(str(valore))


# --- CSV -------------------------------------------------------------------------------------------


class _Eco:
    """A file that gives back what is written: `csv.writer` then returns each line."""

    def write(self, valore: str) -> str:
        return valore


def _cella_csv(valore: Any) -> Any:
    valore = cella(valore)
    if isinstance(valore, datetime):
        return valore.isoformat(sep=" ")
    if isinstance(valore, date):
        return valore.isoformat()
    return valore


def csv_righe(
    intestazione: Sequence[str], righe: Iterable[Sequence[Any]], *, separatore: str = ",", bom: bool = False,
) -> Iterator[str]:
    """The CSV text in blocks of lines, for a streaming response (constant memory). `bom` puts a
    UTF-8 BOM first, so Excel reads the accents right; lines end with CRLF (RFC 4180)."""
    scrittore = csv.writer(_Eco(), delimiter=separatore, lineterminator="\r\n")
    blocco = [(BOM if bom else "") + scrittore.writerow([testo_sicuro(str(c)) for c in intestazione])]
    for riga in righe:
        blocco.append(scrittore.writerow([_cella_csv(v) for v in riga]))
        if len(blocco) >= RIGHE_PER_BLOCCO:
            yield "".join(blocco)
            blocco = []
    yield "".join(blocco)


def csv_testo(intestazione: Sequence[str], righe: Iterable[Sequence[Any]], **opzioni: Any) -> str:
    """The whole CSV as one string (a file inside an archive, an attachment to a message)."""
    return "".join(csv_righe(intestazione, righe, **opzioni))


def risposta_csv(
    intestazione: Sequence[str], righe: Iterable[Sequence[Any]], nome_file: str, *,
    separatore: str = ",", bom: bool = False,
) -> StreamingHttpResponse:
    risposta = StreamingHttpResponse(
        csv_righe(intestazione, righe, separatore=separatore, bom=bom), content_type=CONTENT_TYPE_CSV
    )
    risposta["Content-Disposition"] = f'attachment; filename="{nome_file}"'
    return risposta


# --- XLSX ------------------------------------------------------------------------------------------


def xlsx(intestazione: Sequence[str], righe: Iterable[Sequence[Any]], *, foglio: str = "Dati") -> bytes:
    """A one-sheet workbook. Text cells are stored as text (never as a formula) and made safe
    like the CSV's, so a copy pasted or saved as CSV stays inert too."""
    from openpyxl import Workbook  # only the exports need it
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    libro = Workbook(write_only=True)
    scheda = libro.create_sheet(foglio[:31])  # Excel's limit on sheet names
    scheda.append([testo_sicuro(str(c)) for c in intestazione])
    for riga in righe:
        celle = []
        for valore in riga:
            if isinstance(valore, str):
                # Control characters XML cannot hold would fail the whole file: dropped first, so
                # what they hid is checked for a formula like the rest.
                valore = ILLEGAL_CHARACTERS_RE.sub("", valore)
            valore = cella(valore)
            c = WriteOnlyCell(scheda, value=valore)
            if isinstance(valore, str):
                c.data_type = "s"  # text stays text, even "'=SUM(…)"
            elif isinstance(valore, datetime):
                c.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(valore, date):
                c.number_format = "yyyy-mm-dd"
            celle.append(c)
        scheda.append(celle)
    uscita = io.BytesIO()
    libro.save(uscita)
    return uscita.getvalue()


def risposta_xlsx(
    intestazione: Sequence[str], righe: Iterable[Sequence[Any]], nome_file: str, *, foglio: str = "Dati",
) -> HttpResponse:
    risposta = HttpResponse(xlsx(intestazione, righe, foglio=foglio), content_type=CONTENT_TYPE_XLSX)
    risposta["Content-Disposition"] = f'attachment; filename="{nome_file}"'
    return risposta
