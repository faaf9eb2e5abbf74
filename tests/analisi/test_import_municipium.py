"""Importing Alessandria's real Municipium export, and a newer export of the same reports."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from civico.analisi.importazione.municipium import importa_municipium
from civico.catalogo.models import Categoria
from civico.segnalazioni import workflow
from civico.segnalazioni.models import Canale, Evento, Segnalazione, TipoEvento
from civico.stati import Stato
from tests import factories

pytestmark = pytest.mark.django_db
REALE = Path("/work/shared/data/alessandria/segnalazioni-municipium-2023-2024.csv")
SPEDITO = Path(__file__).parents[2] / "civico/data/alessandria/segnalazioni-municipium-2023-2024.csv.gz"
ROMA = ZoneInfo("Europe/Rome")
INTESTAZIONE = "Id;Stato;Anno;Creato;Chiusa;DescrizioneBreve;Categoria\n"


def _file(tmp_path: Path, righe: str, nome: str = "export.csv") -> Path:
    percorso = tmp_path / nome
    percorso.write_text(INTESTAZIONE + righe, encoding="utf-8")
    return percorso


def _righe_reali() -> list[dict]:
    import gzip

    with gzip.open(SPEDITO, "rt", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter=";"))


def _mezzogiorno(giorno: str) -> datetime:
    return datetime.combine(date.fromisoformat(giorno), time(12), tzinfo=ROMA)


def test_the_real_export_imports_every_row_with_its_state_category_and_dates(alessandria):
    righe = _righe_reali()
    avanzamento: list[tuple[int, int]] = []

    r = importa_municipium(SPEDITO, alessandria, progresso=lambda n, tot: avanzamento.append((n, tot)))

    assert (r.righe, r.importate, r.aggiornate, r.scartate) == (3428, 3428, 0, [])
    assert r.senza_posizione == 3428 and avanzamento[-1] == (3428, 3428)
    importate = Segnalazione.objects.filter(ente=alessandria, origine="municipium")
    assert importate.count() == 3428
    # The documented state table, counted against the file itself.
    tabella = {"aperta": Stato.SUBMITTED, "in carico": Stato.ACCEPTED, "chiusa": Stato.CLOSED,
               "archiviata": Stato.CLOSED, "annullata": Stato.WITHDRAWN, "eliminata": Stato.REJECTED}
    attesi = Counter(tabella[r["Stato"]] for r in righe)
    assert Counter(importate.values_list("stato", flat=True)) == attesi
    # Categories matched by name to the ente's own (the demo catalogue has them all), "" → Altro.
    per_categoria = Counter(importate.values_list("categoria__nome", flat=True))
    assert per_categoria == Counter(r["Categoria"] or "Altro" for r in righe)
    assert r.categorie_create == [] and not Categoria.objects.filter(ente=alessandria, attiva=False).exists()
    # "Eliminata" reports are kept for the figures but never public.
    assert set(importate.filter(pubblica=False).values_list("id_origine", flat=True)) == {
        r["Id"] for r in righe if r["Stato"] == "eliminata"
    }
    assert set(importate.values_list("canale", flat=True)) == {Canale.APP}


def test_each_imported_report_keeps_its_original_id_dates_and_history(alessandria):
    righe = {r["Id"]: r for r in _righe_reali()}
    importa_municipium(SPEDITO, alessandria)

    chiusa = Segnalazione.objects.get(ente=alessandria, origine="municipium", id_origine="655788")
    assert righe["655788"]["Creato"] == "2023-05-08" and righe["655788"]["Chiusa"] == "2023-05-25"
    assert chiusa.creata_il == _mezzogiorno("2023-05-08")
    assert chiusa.chiusa_il == chiusa.aggiornata_il == _mezzogiorno("2023-05-25")
    assert chiusa.codice.startswith("AL-2023-") and chiusa.anno == 2023
    assert chiusa.lat is None and chiusa.lon is None and chiusa.cella_h3 == ""
    assert chiusa.ufficio is not None and chiusa.scadenza == date(2023, 6, 7)
    storia = list(chiusa.eventi.order_by("creato_il", "id"))
    assert [(e.tipo, e.stato_a, e.creato_il) for e in storia] == [
        (TipoEvento.CREATED, "", _mezzogiorno("2023-05-08")),
        (TipoEvento.STATE_CHANGED, Stato.CLOSED, _mezzogiorno("2023-05-25")),
    ]
    # The closing of a report without a closing date is unknown: no invented date.
    annullata = Segnalazione.objects.filter(ente=alessandria, origine="municipium", stato=Stato.WITHDRAWN).first()
    assert annullata.chiusa_il is None
    assert annullata.eventi.get(tipo=TipoEvento.STATE_CHANGED).dati["data_stimata"] is True
    # Codes follow the order of creation within each year.
    anno_2023 = list(Segnalazione.objects.filter(ente=alessandria, anno=2023).order_by("numero")
                     .values_list("creata_il", flat=True))
    assert anno_2023 == sorted(anno_2023) and len(anno_2023) == sum(1 for r in righe.values() if r["Anno"] == "2023")


def test_importing_history_notifies_nobody(alessandria, tmp_path, mailoutbox):
    from civico.comunicazioni.models import Notifica

    importa_municipium(_file(tmp_path, "1;chiusa;2024;2024-03-01;2024-03-05;App Municipium;Buche\n"), alessandria)

    assert Notifica.objects.count() == 0 and mailoutbox == []


def test_importing_the_same_file_again_changes_nothing(alessandria):
    importa_municipium(SPEDITO, alessandria)
    prima = (Segnalazione.objects.count(), Evento.objects.count(),
             list(Segnalazione.objects.order_by("pk").values_list("pk", "codice", "stato", "versione")))

    r = importa_municipium(SPEDITO, alessandria)

    assert (r.importate, r.aggiornate, r.invariate, r.scartate) == (0, 0, 3428, [])
    assert (Segnalazione.objects.count(), Evento.objects.count(),
            list(Segnalazione.objects.order_by("pk").values_list("pk", "codice", "stato", "versione"))) == prima


def test_a_newer_export_updates_what_changed_with_an_event_and_never_duplicates(alessandria, tmp_path):
    importa_municipium(_file(tmp_path, "10;aperta;2024;2024-03-01;;App Municipium;Buche\n"
                                       "11;aperta;2024;2024-03-02;;App Municipium;Buche\n"), alessandria)
    s10 = Segnalazione.objects.get(id_origine="10")

    r = importa_municipium(_file(tmp_path, "10;chiusa;2024;2024-03-01;2024-03-09;App Municipium;Buche\n"
                                           "11;aperta;2024;2024-03-02;;App Municipium;Verde pubblico\n"
                                           "12;aperta;2024;2024-03-03;;App Municipium;Tombini\n", "nuovo.csv"),
                             alessandria)

    assert (r.importate, r.aggiornate, r.invariate) == (1, 2, 0)
    s10.refresh_from_db()
    assert s10.stato == Stato.CLOSED and s10.chiusa_il == _mezzogiorno("2024-03-09")
    ultimo = s10.eventi.order_by("-id").first()
    assert (ultimo.tipo, ultimo.stato_da, ultimo.stato_a) == (TipoEvento.STATE_CHANGED, Stato.SUBMITTED, Stato.CLOSED)
    assert ultimo.creato_il == _mezzogiorno("2024-03-09")
    s11 = Segnalazione.objects.get(id_origine="11")
    assert s11.categoria.nome == "Verde pubblico"
    assert s11.eventi.filter(tipo=TipoEvento.RECLASSIFIED).exists()
    assert Segnalazione.objects.filter(origine="municipium").count() == 3


def test_a_report_worked_on_in_civico_is_not_overwritten_by_an_old_export(alessandria, tmp_path):
    importa_municipium(_file(tmp_path, "20;aperta;2024;2024-03-01;;App Municipium;Buche\n"), alessandria)
    s = Segnalazione.objects.get(id_origine="20")
    workflow.transition(s, "take_in_charge", factories.operatore(alessandria))

    r = importa_municipium(_file(tmp_path, "20;annullata;2024;2024-03-01;;App Municipium;Buche\n", "b.csv"),
                           alessandria)

    s.refresh_from_db()
    assert s.stato == Stato.ACCEPTED
    assert r.aggiornate == 0 and len(r.scartate) == 1
    assert r.scartate[0].riga == 2 and "modificata in Civico" in r.scartate[0].motivo


def test_the_same_ids_in_another_comune_are_other_reports(alessandria, casale, tmp_path):
    percorso = _file(tmp_path, "30;aperta;2024;2024-03-01;;App Municipium;Buche\n")
    importa_municipium(percorso, alessandria)
    importa_municipium(percorso, casale)

    assert Segnalazione.objects.filter(origine="municipium", id_origine="30").count() == 2


def test_a_missing_category_is_created_inactive_and_reported(alessandria, tmp_path):
    r = importa_municipium(_file(tmp_path, "40;aperta;2024;2024-03-01;;App Municipium;Panchine rotte\n"), alessandria)

    nuova = Categoria.objects.get(ente=alessandria, nome="Panchine rotte")
    assert nuova.attiva is False and nuova.codice == "panchine-rotte"
    assert r.categorie_create == ["Panchine rotte"]
    assert Segnalazione.objects.get(id_origine="40").categoria == nuova


def test_the_command_draws_a_progress_bar_and_prints_the_summary(alessandria, tmp_path):
    percorso = _file(tmp_path, "50;aperta;2024;2024-03-01;;App Municipium;Buche\n"
                               "51;sospesa;2024;2024-03-01;;App Municipium;Buche\n")
    out, err = io.StringIO(), io.StringIO()

    call_command("import", "municipium", str(percorso), "--ente", "006003", stdout=out, stderr=err)

    assert "[##############################] 100%  1/1" in err.getvalue()
    riepilogo = out.getvalue()
    assert "Importate: 1 · aggiornate: 0 · invariate: 0 · scartate: 1." in riepilogo
    assert "riga 3: stato sconosciuto «sospesa»" in riepilogo
    assert "1 segnalazione senza posizione" in riepilogo


def test_a_trial_run_counts_everything_and_writes_nothing(alessandria, tmp_path):
    out = io.StringIO()
    percorso = _file(tmp_path, "60;aperta;2024;2024-03-01;;App Municipium;Categoria nuova\n")

    call_command("import", "municipium", str(percorso), "--ente", "alessandria", "--prova", stdout=out,
                 stderr=io.StringIO())

    assert "Prova: nulla è stato scritto." in out.getvalue() and "Importate: 1" in out.getvalue()
    assert not Segnalazione.objects.filter(origine="municipium").exists()
    assert not Categoria.objects.filter(nome="Categoria nuova").exists()


def test_the_shipped_file_is_the_published_one():
    """The demo's copy is the open-data file, gzipped and otherwise unmodified (CREDITS.md)."""
    if not REALE.exists():
        pytest.skip("the shared data folder is not on this machine")
    import gzip

    assert gzip.decompress(SPEDITO.read_bytes()) == REALE.read_bytes()


def test_an_import_drops_the_stored_dashboards_it_made_stale(
    alessandria, casale, tmp_path, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from civico.analisi.models import Istantanea

    for chiave in (f"v1|ente:{alessandria.pk}|x", "v1|piattaforma|x", f"v1|ente:{casale.pk}|x"):
        Istantanea.objects.create(chiave=chiave, dati={}, calcolata_il=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        importa_municipium(_file(tmp_path, "9001;aperta;2024;2024-03-01;;Buca in via Roma;Strade\n"), alessandria)
    assert list(Istantanea.objects.values_list("chiave", flat=True)) == [f"v1|ente:{casale.pk}|x"]
