"""Reading a CSV export: the checks on the whole file, before a single row is looked at.

Whatever makes the whole file unusable (unreadable, not text, another separator, missing
columns) raises `ErroreFile` here, so nothing is written. Problems of single rows (a row with
the wrong number of fields, a line in another encoding) are kept with their line number for
the summary, and the other rows go on.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from civico.errors import DomainError

SEPARATORI = (";", ",", "\t", "|")
MAX_BYTE = 200 * 1024 * 1024
NOMI_SEPARATORI = {";": "«;»", ",": "«,»", "\t": "«tab»", "|": "«|»"}


class ErroreFile(DomainError):
    """The file cannot be imported at all: nothing has been written."""

    code = "file_non_valido"


@dataclass
class RigaLetta:
    numero: int  # line of the file where the row starts (the header is line 1)
    valori: dict[str, str]  # column (trimmed, lowercase) → value


@dataclass
class FileLetto:
    colonne: list[str]
    righe: list[RigaLetta]
    codifica: str
    separatore: str
    # (line, reason): rows that could not be split into the header's columns
    illeggibili: list[tuple[int, str]] = field(default_factory=list)
    # lines read as cp1252 in a file otherwise UTF-8 (reported as warnings)
    altra_codifica: list[int] = field(default_factory=list)


def nome_separatore(separatore: str) -> str:
    return NOMI_SEPARATORI.get(separatore, f"«{separatore}»")


def leggi(percorso: str | Path, *, separatore: str, codifica: str, richieste: Iterable[str]) -> FileLetto:
    """The rows of the CSV at `percorso` (plain or .gz), checked against the `richieste` columns."""
    dati = _byte(Path(percorso))
    testo, codifica_usata, altra = _decodifica(dati, codifica)
    if not testo.strip():
        raise ErroreFile(_("Il file è vuoto."))
    prima_riga = testo.splitlines()[0]
    colonne = _intestazione(prima_riga, separatore)
    _verifica_colonne(colonne, prima_riga, separatore, list(richieste))
    letto = FileLetto(colonne=colonne, righe=[], codifica=codifica_usata, separatore=separatore,
                      altra_codifica=altra)
    lettore = csv.reader(io.StringIO(testo, newline=""), delimiter=separatore)
    try:
        next(lettore)
        fine_precedente = lettore.line_num
        for valori in lettore:
            inizio, fine_precedente = fine_precedente + 1, lettore.line_num
            if not valori or all(not v.strip() for v in valori):
                continue  # blank lines are not rows
            if len(valori) != len(colonne) or _righe_inghiottite(valori, len(colonne), separatore):
                letto.illeggibili.append((inizio, _motivo_campi(valori, colonne, separatore, inizio, fine_precedente)))
                continue
            letto.righe.append(RigaLetta(inizio, {c.lower(): v.strip() for c, v in zip(colonne, valori, strict=True)}))
    except csv.Error as errore:
        raise ErroreFile(
            _("Il file non è un CSV leggibile alla riga %(riga)d: %(errore)s.")
            % {"riga": lettore.line_num, "errore": errore}
        ) from errore
    return letto


def _byte(percorso: Path) -> bytes:
    try:
        if percorso.stat().st_size > MAX_BYTE:
            raise ErroreFile(_("Il file è troppo grande (più di 200 MB)."))
        if percorso.suffix == ".gz":
            with gzip.open(percorso, "rb") as f:
                dati = f.read(MAX_BYTE + 1)
        else:
            dati = percorso.read_bytes()
    except FileNotFoundError as errore:
        raise ErroreFile(_("Il file «%(file)s» non esiste.") % {"file": percorso}) from errore
    except IsADirectoryError as errore:
        raise ErroreFile(_("«%(file)s» è una cartella, non un file.") % {"file": percorso}) from errore
    except (OSError, EOFError, gzip.BadGzipFile) as errore:
        raise ErroreFile(_("Il file «%(file)s» non si può leggere: %(errore)s.")
                         % {"file": percorso, "errore": errore}) from errore
    if len(dati) > MAX_BYTE:
        raise ErroreFile(_("Il file è troppo grande (più di 200 MB)."))
    return dati


def _decodifica(dati: bytes, codifica: str) -> tuple[str, str, list[int]]:
    """The text, the encoding used, and the lines read in cp1252 inside a UTF-8 file.

    "auto" reads UTF-8 (with or without BOM, or UTF-16 with BOM); a file that is not UTF-8 is read
    as cp1252 (Excel's Italian default, a superset of latin-1); a UTF-8 file with a few lines
    saved in cp1252 keeps its UTF-8 lines and reports the others."""
    if codifica.lower() != "auto":
        try:
            return dati.decode(codifica), codifica, []
        except LookupError as errore:
            raise ErroreFile(_("Codifica sconosciuta: «%(c)s».") % {"c": codifica}) from errore
        except UnicodeDecodeError as errore:
            raise ErroreFile(
                _("Il file non è in codifica %(c)s (byte non valido in posizione %(pos)d): "
                  "prova con la codifica automatica.")
                % {"c": codifica, "pos": errore.start}
            ) from errore
    if dati.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return dati.decode("utf-16"), "utf-16", []
        except UnicodeDecodeError as errore:
            raise ErroreFile(_("Il file non è un testo UTF-16 valido.")) from errore
    if b"\x00" in dati:
        raise ErroreFile(_("Il file non è un file di testo CSV (contiene byte nulli)."))
    if dati.startswith(codecs.BOM_UTF8):
        dati, nome = dati[len(codecs.BOM_UTF8):], "utf-8-sig"
    else:
        nome = "utf-8"
    try:
        return dati.decode("utf-8"), nome, []
    except UnicodeDecodeError:
        pass
    linee, altre, utf8_non_ascii = [], [], 0
    for numero, linea in enumerate(dati.split(b"\n"), start=1):
        try:
            linee.append(linea.decode("utf-8"))
            utf8_non_ascii += not linea.isascii()
        except UnicodeDecodeError:
            linee.append(_cp1252(linea))
            altre.append(numero)
    if utf8_non_ascii == 0:
        return "\n".join(linee), "cp1252", []
    return "\n".join(linee), nome, altre


def _cp1252(linea: bytes) -> str:
    try:
        return linea.decode("cp1252")
    except UnicodeDecodeError:  # five bytes cp1252 leaves undefined: latin-1 reads every byte
        return linea.decode("latin-1")


def _intestazione(riga: str, separatore: str) -> list[str]:
    try:
        valori = next(csv.reader([riga], delimiter=separatore))
    except (csv.Error, StopIteration) as errore:
        raise ErroreFile(_("L'intestazione del file non è leggibile.")) from errore
    return [v.replace("\ufeff", "").strip() for v in valori]


def _verifica_colonne(colonne: list[str], riga: str, separatore: str, richieste: list[str]) -> None:
    presenti = {c.lower() for c in colonne}
    mancanti = [c for c in richieste if c.lower() not in presenti]
    if not mancanti:
        minuscole = [c.lower() for c in colonne]
        doppie = sorted({c for c in minuscole if minuscole.count(c) > 1})
        if doppie:
            raise ErroreFile(_("Colonne ripetute nell'intestazione: %(c)s.") % {"c": ", ".join(doppie)})
        return
    for altro in SEPARATORI:
        if altro != separatore:
            con_altro = {c.lower() for c in _intestazione(riga, altro)}
            if all(c.lower() in con_altro for c in richieste):
                raise ErroreFile(
                    _("Il file usa %(altro)s come separatore, non %(atteso)s: nulla è stato importato. "
                      "Indica il separatore giusto (opzione --separatore) o correggi il file.")
                    % {"altro": nome_separatore(altro), "atteso": nome_separatore(separatore)}
                )
    raise ErroreFile(
        _("Mancano le colonne %(mancanti)s: nulla è stato importato. Colonne trovate: %(trovate)s.")
        % {"mancanti": ", ".join(f"«{c}»" for c in mancanti),
           "trovate": ", ".join(f"«{c}»" for c in colonne[:20]) or "—"}
    )


def _righe_inghiottite(valori: list[str], colonne: int, separatore: str) -> bool:
    """A quote left open swallows the next rows into one field: a line inside a field that looks
    like a whole row of the file gives it away (a description on several lines does not)."""
    return any(
        linea.count(separatore) >= colonne - 1
        for v in valori if "\n" in v for linea in v.splitlines()[1:]
    )


def _motivo_campi(valori: list[str], colonne: list[str], separatore: str, inizio: int, fine: int) -> str:
    if fine > inizio and any("\n" in v for v in valori):
        return _("virgolette non chiuse: le righe da %(da)d a %(a)d non sono leggibili") % {"da": inizio, "a": fine}
    if len(valori) == 1 and any(s in valori[0] for s in SEPARATORI if s != separatore):
        return _("la riga usa un separatore diverso da %(sep)s") % {"sep": nome_separatore(separatore)}
    return _("la riga ha %(n)d campi invece di %(attesi)d") % {"n": len(valori), "attesi": len(colonne)}
