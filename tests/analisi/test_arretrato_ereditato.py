"""Imported history: open reports older than the age the comune chose are its inherited backlog.
They stay visible and filterable, but out of the overdue counts, the escalation and the dashboard's
open figure, unless the comune says to count them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from civico.accounts.models import Ruolo
from civico.analisi import cruscotto
from civico.analisi import filtri as F
from civico.analisi.importazione.municipium import importa_municipium
from civico.backoffice import casella
from civico.segnalazioni import sla, solleciti
from civico.segnalazioni.models import Segnalazione
from tests import factories
from tests.backoffice.conftest import entra_verificato

pytestmark = pytest.mark.django_db
INTESTAZIONE = "Id;Stato;Anno;Creato;Chiusa;DescrizioneBreve;Categoria\n"


def _giorno(giorni_fa: int) -> str:
    return (timezone.localdate() - timedelta(days=giorni_fa)).isoformat()


def _export(tmp_path: Path) -> Path:
    """Two old open reports (one taken in charge), a recent open one, an old closed one."""
    righe = [
        f"9001;aperta;2023;{_giorno(600)};;App Municipium;Buche",
        f"9002;in carico;2023;{_giorno(400)};;App Municipium;Buche",
        f"9003;aperta;2024;{_giorno(60)};;App Municipium;Buche",
        f"9004;chiusa;2023;{_giorno(500)};{_giorno(480)};App Municipium;Buche",
    ]
    percorso = tmp_path / "municipium.csv"
    percorso.write_text(INTESTAZIONE + "\n".join(righe) + "\n", encoding="utf-8")
    return percorso


def _pregresse(ente) -> set[str]:
    return set(Segnalazione.objects.filter(ente=ente, pregressa=True).values_list("id_origine", flat=True))


def test_the_importer_marks_old_open_reports_as_inherited_backlog(alessandria, tmp_path):
    assert alessandria.pregresso_giorni == 180  # the default

    r = importa_municipium(_export(tmp_path), alessandria)

    assert _pregresse(alessandria) == {"9001", "9002"}
    assert r.pregresse == 2 and "arretrato ereditato" in r.testo()
    r = importa_municipium(_export(tmp_path), alessandria)  # re-importing marks nothing new
    assert r.pregresse == 0 and _pregresse(alessandria) == {"9001", "9002"}


@pytest.mark.parametrize("giorni, attese", [(10, {"9001", "9002", "9003"}), (450, {"9001"}), (3650, set())])
def test_the_age_is_the_comune_s_choice(alessandria, tmp_path, giorni, attese):
    alessandria.pregresso_giorni = giorni
    alessandria.save()

    importa_municipium(_export(tmp_path), alessandria)

    assert _pregresse(alessandria) == attese


def test_a_dry_run_marks_nothing(alessandria, tmp_path):
    r = importa_municipium(_export(tmp_path), alessandria, prova=True)
    assert r.pregresse == 2 and not Segnalazione.objects.filter(pregressa=True).exists()


def test_the_command_marks_data_imported_before_and_a_second_run_changes_nothing(alessandria, tmp_path):
    alessandria.pregresso_giorni = 3650
    alessandria.save()
    importa_municipium(_export(tmp_path), alessandria)
    nuova = factories.segnalazione(alessandria)  # born on Civico: never inherited, however old
    Segnalazione.objects.filter(pk=nuova.pk).update(creata_il=timezone.now() - timedelta(days=900))
    alessandria.pregresso_giorni = 180
    alessandria.save()

    call_command("segna_pregresso", "AL")
    call_command("segna_pregresso")

    assert _pregresse(alessandria) == {"9001", "9002"}


def test_the_command_names_an_unknown_comune():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="XX"):
        call_command("segna_pregresso", "XX")


def _mondo_in_ritardo(alessandria, tmp_path) -> Segnalazione:
    importa_municipium(_export(tmp_path), alessandria)
    # The imported deadlines are long past; one report born on Civico is late as well.
    propria = factories.segnalazione(alessandria)
    Segnalazione.objects.filter(pk=propria.pk).update(scadenza=timezone.localdate() - timedelta(days=3))
    return propria


def test_the_inbox_counts_the_backlog_apart_and_filters_it(client, alessandria, tmp_path):
    propria = _mondo_in_ritardo(alessandria, tmp_path)
    operatore = factories.staff("al.op", Ruolo.OPERATORE, alessandria)
    entra_verificato(client, operatore)

    pagina = client.get("/backoffice/?scheda=in_ritardo")
    assert pagina.context["c"].conteggi["in_ritardo"] == 2  # its own, and the recent import
    assert propria.codice in pagina.content.decode()
    assert 'data-testid="pregressa"' not in pagina.content.decode()

    solo = client.get("/backoffice/?scheda=tutte&pregresso=solo")
    codici = {s.id_origine for s in solo.context["c"].pagina}
    assert codici == {"9001", "9002"} and 'data-testid="pregressa"' in solo.content.decode()
    senza = client.get("/backoffice/?scheda=tutte&pregresso=escluso")
    assert {s.id_origine for s in senza.context["c"].pagina} == {"9003", "9004", ""}
    assert client.get("/backoffice/?pregresso=%3Cx%3E").status_code == 200  # junk is ignored


def test_the_escalation_skips_the_backlog_unless_the_comune_counts_it(alessandria, tmp_path):
    _mondo_in_ritardo(alessandria, tmp_path)
    oggi = timezone.localdate()

    esito = solleciti.sollecita_ritardi(oggi)
    assert esito.sollecitate == 2
    assert not Segnalazione.objects.filter(pregressa=True, sollecitata_il__isnull=False).exists()

    alessandria.pregresso_nei_ritardi = True
    alessandria.save()
    assert solleciti.sollecita_ritardi(oggi).sollecitate == 2
    assert sla.in_ritardo(Segnalazione.objects.filter(ente=alessandria), oggi).count() == 4


def test_the_dashboard_shows_the_backlog_apart_from_the_open_reports(client, alessandria, tmp_path):
    _mondo_in_ritardo(alessandria, tmp_path)

    totali = cruscotto.calcola(alessandria, F.predefiniti())["totali"]
    assert (totali["aperte"], totali["pregresse"]) == (2, 2)
    assert sum(f["n"] for f in cruscotto.calcola(alessandria, F.predefiniti())["arretrato"]) == 2

    alessandria.pregresso_nei_ritardi = True
    alessandria.save()
    totali = cruscotto.calcola(alessandria, F.predefiniti())["totali"]
    assert (totali["aperte"], totali["pregresse"]) == (4, 0)


def test_the_inbox_s_office_load_leaves_the_backlog_out_of_the_overdue(alessandria, tmp_path):
    from civico.analisi.approfondimenti import carico_uffici

    _mondo_in_ritardo(alessandria, tmp_path)
    righe = carico_uffici(casella.base(factories.staff("al.admin", Ruolo.ENTE_ADMIN, alessandria), alessandria))
    assert sum(r["in_ritardo"] for r in righe) == 2


def test_the_administrator_sets_the_age_and_marks_what_was_imported_before(client, alessandria, tmp_path):
    alessandria.pregresso_giorni = 3650
    alessandria.save()
    importa_municipium(_export(tmp_path), alessandria)
    assert not _pregresse(alessandria)
    entra_verificato(client, factories.staff("al.admin", Ruolo.ENTE_ADMIN, alessandria))

    risposta = client.post("/backoffice/configurazione/alessandria/", {
        "pregresso_giorni": "300", "segna_pregresso": "on"}, follow=True)

    assert "Segnalazioni segnate come arretrato ereditato: 2." in risposta.content.decode()
    alessandria.refresh_from_db()
    assert alessandria.pregresso_giorni == 300 and not alessandria.pregresso_nei_ritardi
    assert _pregresse(alessandria) == {"9001", "9002"}
    client.post("/backoffice/configurazione/alessandria/", {"pregresso_giorni": "300", "pregresso_nei_ritardi": "on"})
    alessandria.refresh_from_db()
    assert alessandria.pregresso_nei_ritardi


@pytest.mark.parametrize("giorni", ["0", "-5", "99999", "abc"])
def test_an_impossible_age_is_refused_and_nothing_is_marked(client, alessandria, tmp_path, giorni):
    alessandria.pregresso_giorni = 3650
    alessandria.save()
    importa_municipium(_export(tmp_path), alessandria)
    entra_verificato(client, factories.staff("al.admin", Ruolo.ENTE_ADMIN, alessandria))

    risposta = client.post("/backoffice/configurazione/alessandria/", {
        "pregresso_giorni": giorni, "segna_pregresso": "on"})

    assert risposta.status_code == 200  # the form again, with its error; not saved
    alessandria.refresh_from_db()
    assert alessandria.pregresso_giorni == 3650 and not _pregresse(alessandria)
