"""Bad input: a row-level problem is reported with its line and the rest goes on; a file-level
problem stops everything with a clear message and writes nothing."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from civico.analisi.importazione.municipium import importa_municipium
from civico.catalogo.models import Categoria
from civico.formati.tabella_csv import ErroreFile
from civico.segnalazioni.models import Segnalazione

pytestmark = pytest.mark.django_db
INTESTAZIONE = "Id;Stato;Anno;Creato;Chiusa;DescrizioneBreve;Categoria"


def _scrivi(tmp_path: Path, testo: str, *, codifica: str = "utf-8", nome: str = "export.csv") -> Path:
    percorso = tmp_path / nome
    percorso.write_bytes(testo.encode(codifica))
    return percorso


def _motivi(r) -> dict[int, str]:
    return {p.riga: p.motivo for p in r.scartate}


def test_row_problems_are_reported_by_line_and_the_other_rows_are_imported(alessandria, tmp_path):
    percorso = _scrivi(tmp_path, "\n".join([
        INTESTAZIONE,
        "1;chiusa;2024;2024-01-10;2024-01-12;App Municipium;Buche",
        "2;smarrita;2024;2024-01-10;;App Municipium;Buche",  # unknown state
        "3;aperta;2024;2024-02-30;;App Municipium;Buche",  # a date that does not exist
        "4;chiusa;2024;2024-01-10;2024-01-02;App Municipium;Buche",  # closed before it was created
        "5;aperta;2024;10 gennaio;;App Municipium;Buche",  # not a date
        ";aperta;2024;2024-01-10;;App Municipium;Buche",  # no id
        "1;aperta;2024;2024-01-10;;App Municipium;Buche",  # the same id twice
        "8;aperta;2024;2024-01-10;;App Municipium",  # a field missing
        "9,aperta,2024,2024-01-10,,App Municipium,Buche",  # another separator on one row
        "10;aperta;2024;2099-01-10;;App Municipium;Buche",  # in the future
        "11;aperta;2024;2024-01-10;2024-01-11;App Municipium;Buche",  # closing date on an open report
        "12;in carico;2024;10/01/2024;;App Municipium;Buche",  # Italian date: accepted
    ]) + "\n")

    r = importa_municipium(percorso, alessandria)

    motivi = _motivi(r)
    assert sorted(motivi) == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert "stato sconosciuto «smarrita»" in motivi[3]
    assert "data di creazione non valida «2024-02-30»" in motivi[4]
    assert "precedente a quella di creazione" in motivi[5]
    assert "data di creazione non valida «10 gennaio»" in motivi[6]
    assert "manca l'identificativo" in motivi[7]
    assert "già presente alla riga 2" in motivi[8]
    assert "7 campi invece di 7" not in motivi[9] and "6 campi invece di 7" in motivi[9]
    assert "separatore diverso" in motivi[10]
    assert "nel futuro" in motivi[11]
    assert [(p.riga, "data di chiusura ignorata" in p.motivo) for p in r.avvisi] == [(12, True)]
    assert (r.righe, r.importate) == (12, 3)
    assert set(Segnalazione.objects.filter(origine="municipium").values_list("id_origine", flat=True)) == {
        "1", "11", "12"}


def test_a_file_with_another_separator_stops_and_writes_nothing(alessandria, tmp_path):
    percorso = _scrivi(tmp_path, INTESTAZIONE.replace(";", ",") + "\n1,aperta,2024,2024-01-10,,App,Nuova cat\n")

    with pytest.raises(ErroreFile, match="Il file usa «,» come separatore, non «;»: nulla è stato importato"):
        importa_municipium(percorso, alessandria)

    assert not Segnalazione.objects.filter(origine="municipium").exists()
    assert not Categoria.objects.filter(nome="Nuova cat").exists()


def test_the_separator_can_be_given_for_such_a_file(alessandria, tmp_path):
    percorso = _scrivi(tmp_path, INTESTAZIONE.replace(";", ",") + "\n1,aperta,2024,2024-01-10,,App,Buche\n")

    r = importa_municipium(percorso, alessandria, separatore=",")

    assert r.importate == 1 and r.separatore == ","


def test_missing_columns_stop_with_their_names(alessandria, tmp_path):
    percorso = _scrivi(tmp_path, "Id;Stato;Anno;Creato\n1;aperta;2024;2024-01-10\n")

    with pytest.raises(ErroreFile) as errore:
        importa_municipium(percorso, alessandria)

    assert "Mancano le colonne «chiusa», «categoria», «descrizionebreve»" in str(errore.value)
    assert not Segnalazione.objects.exists()


@pytest.mark.parametrize("contenuto, messaggio", [
    (None, "non esiste"),
    (b"", "Il file è vuoto"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "non è un file di testo CSV"),
])
def test_an_unreadable_file_stops_with_a_clear_message(alessandria, tmp_path, contenuto, messaggio):
    percorso = tmp_path / "export.csv"
    if contenuto is not None:
        percorso.write_bytes(contenuto)

    with pytest.raises(ErroreFile, match=messaggio):
        importa_municipium(percorso, alessandria)


def test_a_broken_gzip_stops_with_a_clear_message(alessandria, tmp_path):
    percorso = tmp_path / "export.csv.gz"
    percorso.write_bytes(gzip.compress((INTESTAZIONE + "\n1;aperta;2024;2024-01-10;;App;Buche\n").encode())[:30])

    with pytest.raises(ErroreFile, match="non si può leggere"):
        importa_municipium(percorso, alessandria)


@pytest.mark.parametrize("codifica", ["cp1252", "latin-1", "utf-8-sig", "utf-16"])
def test_other_encodings_are_read_with_their_accents(alessandria, tmp_path, codifica):
    percorso = _scrivi(tmp_path, INTESTAZIONE + "\r\n1;aperta;2024;2024-01-10;;App Municipium;"
                       "Accessibilità ed inclusione delle persone con disabilità\r\n", codifica=codifica)

    r = importa_municipium(percorso, alessandria)

    assert r.importate == 1 and r.scartate == [] and r.avvisi == []
    s = Segnalazione.objects.get(origine="municipium")
    assert s.categoria.codice == "accessibilita"  # matched to the existing one, accents and all


def test_lines_saved_in_cp1252_inside_a_utf8_file_are_read_and_reported(alessandria, tmp_path):
    percorso = tmp_path / "misto.csv"
    percorso.write_bytes(
        (INTESTAZIONE + "\n1;aperta;2024;2024-01-10;;App;Accessibilità ed inclusione delle persone con disabilità\n")
        .encode("utf-8")
        + "2;aperta;2024;2024-01-11;;App;Accessibilità ed inclusione delle persone con disabilità\n".encode("cp1252")
    )

    r = importa_municipium(percorso, alessandria)

    assert r.importate == 2 and {s.categoria.codice for s in Segnalazione.objects.all()} == {"accessibilita"}
    assert [(p.riga, "cp1252" in p.motivo) for p in r.avvisi] == [(3, True)]


def test_an_unclosed_quote_is_reported_with_the_lines_it_swallowed(alessandria, tmp_path):
    percorso = _scrivi(tmp_path, "\n".join([
        INTESTAZIONE,
        "1;aperta;2024;2024-01-10;;App;Buche",
        '2;aperta;2024;2024-01-10;;App;"Buche',
        "3;aperta;2024;2024-01-10;;App;Buche",
    ]) + "\n")

    r = importa_municipium(percorso, alessandria)

    assert r.importate == 1
    assert _motivi(r) == {3: "virgolette non chiuse: le righe da 3 a 4 non sono leggibili"}


def test_the_command_turns_a_file_problem_into_a_clear_error(alessandria, tmp_path):
    percorso = _scrivi(tmp_path, INTESTAZIONE.replace(";", "\t") + "\n")

    with pytest.raises(CommandError, match="Il file usa «tab» come separatore"):
        call_command("import", "municipium", str(percorso), "--ente", "006003", stdout=io.StringIO(),
                     stderr=io.StringIO())
    with pytest.raises(CommandError, match="Nessun comune"):
        call_command("import", "municipium", str(percorso), "--ente", "999999", stdout=io.StringIO())
