"""The sets of states live in the workflow module; everything else derives from them.

These tests fail when a new state is added to `Stato` and not placed in the sets, or when a
page, stylesheet, importer or open-data description keeps a list of its own that drifts."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from civico.accounts.models import Ruolo
from civico.accounts.permissions import (
    RUOLI_OPERATIVI,
    SEGNALANTE,
    SISTEMA,
    puo_lavorare,
    puo_vedere_contatti,
)
from civico.analisi import dati_aperti
from civico.analisi.importazione import mappatura, scrittura
from civico.backoffice import casella
from civico.demo.sintetico import storie
from civico.portale import esplora
from civico.segnalazioni import workflow
from civico.segnalazioni.models import Segnalazione
from civico.stati import Stato
from tests import factories

TUTTI = frozenset(Stato)


def test_every_state_is_in_exactly_one_group():
    gruppi = [workflow.DA_PRENDERE, workflow.IN_CARICO, workflow.RISOLTI, workflow.SCARTATI]
    for stato in Stato:
        assert sum(stato in g for g in gruppi) == 1, stato
    assert workflow.APERTI | workflow.CHIUSI == TUTTI
    assert not workflow.APERTI & workflow.CHIUSI


def test_resolved_means_fixed_or_closed_and_is_closed():
    assert {Stato.RESOLVED, Stato.CLOSED} == workflow.RISOLTI
    assert workflow.RISOLTI <= workflow.CHIUSI
    assert workflow.DOPPI_O_ANNULLATI <= workflow.SCARTATI
    assert Stato.REJECTED not in workflow.DOPPI_O_ANNULLATI  # a rejected report still marks a place


def test_open311_says_open_exactly_for_the_open_states():
    assert {s for s in Stato if workflow.stato_open311(s) == "open"} == workflow.APERTI
    assert {s for s in Stato if workflow.stato_open311(s) == "closed"} == workflow.CHIUSI


def test_the_machine_speaks_in_the_same_sets():
    t = workflow.TRANSIZIONI
    assert t["take_in_charge"].da == workflow.DA_PRENDERE
    assert t["reject"].da == t["mark_duplicate"].da == workflow.APERTI
    assert t["reopen"].da == workflow.RISOLTI
    # Every open state can be left, every closed one is left only by reopening.
    assert {da for x in t.values() for da in x.da} - workflow.RISOLTI == workflow.APERTI


def test_one_set_of_working_roles():
    assert not hasattr(workflow, "LAVORO")
    assert RUOLI_OPERATIVI - {Ruolo.OPERATORE} == workflow.RESPONSABILI
    for x in workflow.TRANSIZIONI.values():
        assert x.chi - {SISTEMA, SEGNALANTE} <= RUOLI_OPERATIVI, x.nome


@pytest.mark.django_db
@pytest.mark.parametrize("ruolo", [r.value for r in Ruolo])
def test_contacts_are_seen_by_exactly_who_works_the_report(alessandria, ruolo):
    s = factories.segnalazione(alessandria)
    utente = factories.staff(f"u-{ruolo}", ruolo, alessandria)
    assert puo_vedere_contatti(utente, s) == puo_lavorare(utente, s) == (ruolo in RUOLI_OPERATIVI)


# --- Copies outside Python: each checked against the sets, so none can be forgotten. ----------

def _css(nome: str) -> str:
    return Path(finders.find(nome)).read_text(encoding="utf-8")


def _stati_con_regola(css: str, prefisso: str) -> set[str]:
    return set(re.findall(re.escape(prefisso) + r"stato-([a-z_]+)", css))


def test_every_state_has_its_badge_colour():
    css = re.sub(r"/\*.*?\*/", "", _css("civico/civico.css"), flags=re.S)
    colorati = set()
    for selettori, corpo in re.findall(r"([^{}]+)\{([^}]*)\}", css):
        if "background" in corpo:
            for selettore in selettori.split(","):
                if m := re.fullmatch(r"\.stato-([a-z_]+)", selettore.strip()):
                    colorati.add(m.group(1))
    assert colorati == set(Stato.values)


def test_map_dots_are_green_exactly_for_the_resolved():
    assert _stati_con_regola(_css("civico/civico.css"), ".mappa-punto.") == set(workflow.RISOLTI)


def test_nearby_reports_in_charge_are_amber_while_reporting():
    assert _stati_con_regola(_css("civico/flusso.css"), ".flusso-vicina.") == set(workflow.IN_CARICO)


def test_the_open_data_description_lists_every_state():
    descrizione = str(next(d for nome, _, d in dati_aperti.COLONNE if nome == "stato"))
    elencati = re.findall(r"[a-z_]+", descrizione.split(":", 1)[1])
    assert elencati == list(Stato.values)


# --- Python places that derive their own sets. ------------------------------------------------

def test_the_public_filters_group_the_states_as_the_workflow():
    assert set(esplora.GRUPPI_STATO["aperte"][1]) == workflow.APERTI
    assert set(esplora.GRUPPI_STATO["risolte"][1]) == workflow.RISOLTI


@pytest.mark.django_db
def test_the_inbox_tabs_hold_the_open_reports_by_state(alessandria):
    for stato in Stato:
        s = factories.segnalazione(alessandria)
        Segnalazione.objects.filter(pk=s.pk).update(stato=stato)
    oggi = date.today()

    def stati(scheda: str) -> set[str]:
        return set(Segnalazione.objects.filter(casella.q_scheda(scheda, oggi)).values_list("stato", flat=True))

    assert stati("da_prendere") == {Stato.SUBMITTED, Stato.REOPENED}
    assert stati("in_lavorazione") == {Stato.ACCEPTED, Stato.IN_PROGRESS}
    assert stati("da_prendere") | stati("in_lavorazione") == workflow.APERTI


def test_the_importer_takes_every_state_a_csv_row_can_carry():
    # In the enum's order: the error message lists them so.
    assert mappatura.STATI_IMPORTABILI == (
        Stato.SUBMITTED, Stato.ACCEPTED, Stato.IN_PROGRESS, Stato.RESOLVED, Stato.CLOSED,
        Stato.REJECTED, Stato.WITHDRAWN,
    )


def test_imported_changes_use_only_sentences_true_of_an_import():
    assert scrittura.TRANSIZIONE_PER_STATO == {
        Stato.ACCEPTED: "take_in_charge", Stato.IN_PROGRESS: "start_work",
        Stato.RESOLVED: "resolve", Stato.CLOSED: "close",
    }
    for stato, nome in scrittura.TRANSIZIONE_PER_STATO.items():
        assert workflow.TRANSIZIONI[nome].a == stato


def test_the_demo_histories_follow_the_machine():
    assert {s.value for s in workflow.APERTI} == storie.APERTI
    for nome, (da, a) in storie.TRANSIZIONI.items():
        assert da in workflow.TRANSIZIONI[nome].da and a == workflow.TRANSIZIONI[nome].a, nome
