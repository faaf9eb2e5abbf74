"""`extensions=true` pinned: each report's public timeline, sentence by sentence, in both languages
and both formats, for lists read as plain values (issue #21). A change to how a list reads its
events (values, translations worked out once per list, the masking gate) must not show here."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from civico.accounts.permissions import Attore
from civico.segnalazioni import interazioni, workflow
from civico.segnalazioni.models import Evento, Segnalazione, TipoEvento, Visibilita
from tests import factories
from tests.open311.conftest import AL, V2, xml
from tests.open311.test_xml import _con_elementtree
from tests.segnalazioni import immagini

pytestmark = pytest.mark.django_db
ROMA = ZoneInfo("Europe/Rome")
OFFICE = "Lavori pubblici – strade"


@pytest.fixture
def storie(alessandria) -> dict[str, Segnalazione]:
    """Three reports with several public events each: a resolved one the reporter reopened
    (their answer carries a phone number), its duplicate (merged into it), and one with an old citizen row
    written before the write-time gate existed (unmasked in the database)."""
    op = factories.operatore(alessandria)
    lavorata = factories.segnalazione(alessandria)
    interazioni.aggiungi_allegato(lavorata, op, "buca.jpg", immagini.jpeg())
    workflow.transition(lavorata, "take_in_charge", op)
    workflow.transition(lavorata, "start_work", op)
    workflow.transition(lavorata, "resolve", op)
    interazioni.conferma_risoluzione(Segnalazione.objects.get(pk=lavorata.pk), Attore.del_segnalante(),
                                     risolto=False, testo="Ancora lì, chiamatemi al 333 1234567")
    interazioni.annota(lavorata, op, "Nota riservata: ditta Rossi")
    doppia = factories.segnalazione(alessandria)
    workflow.transition(doppia, "mark_duplicate", op, duplicato_di=lavorata)
    vecchia = factories.segnalazione(alessandria)
    Evento.objects.create(  # as an importer or a release before the gate wrote it
        segnalazione=vecchia, ente=alessandria, tipo=TipoEvento.STATE_CHANGED, visibilita=Visibilita.PUBBLICA,
        stato_da="submitted", stato_a="withdrawn", transizione="withdraw",
        testo="Risolto da me, scrivetemi a mario.rossi@example.org", dati={"attore": "segnalante"},
        creato_il=vecchia.creata_il)
    return {"lavorata": lavorata, "doppia": doppia, "vecchia": vecchia}


def _attese(storie, lingua: str) -> dict[str, list[tuple[str, str, str]]]:
    """(type, status, description) of each public event, oldest first."""
    it = lingua == "it"
    ricevuta = ("created", "open", "Segnalazione ricevuta." if it else "Report received.")
    assegnata = ("routed", "open", f"Assegnata all'ufficio {OFFICE}." if it else f"Assigned to office {OFFICE}.")
    return {
        "lavorata": [
            ricevuta, assegnata,
            ("media_added", "open", "Aggiunto un allegato." if it else "Attachment added."),
            ("state_changed", "open",
             "La segnalazione è stata presa in carico." if it else "The report has been taken in charge."),
            ("state_changed", "open", "I lavori sono stati avviati." if it else "Work has started."),
            ("state_changed", "closed", "Il problema è stato risolto." if it else "The problem has been resolved."),
            ("state_changed", "open", "Ancora lì, chiamatemi al […]"),  # the reporter's words, masked
            ("merged", "open", f"La segnalazione {storie['doppia'].codice} è stata unita a questa: chi la "
                               "seguiva ora segue questa."),  # written once, in the office's language
        ],
        "doppia": [
            ricevuta, assegnata,
            ("state_changed", "closed", (f"Duplicata di {storie['lavorata'].codice}." if it
                                         else f"Duplicate of {storie['lavorata'].codice}.")),
        ],
        "vecchia": [ricevuta, assegnata, ("state_changed", "closed", "Risolto da me, scrivetemi a […]")],
    }


def _leggi(client, fmt: str, lingua: str, codice: str | None = None):
    risorsa = f"requests/{codice}.{fmt}" if codice else f"requests.{fmt}"
    return client.get(f"{V2}/{risorsa}", {"jurisdiction_id": AL, "extensions": "true"},
                      headers={"Accept-Language": lingua})


def _note_xml(richiesta) -> list[dict[str, str]]:
    return [{c.tag: c.text for c in nota} for nota in richiesta.find("notes").findall("note")]


@pytest.mark.parametrize("lingua", ["it", "en"])
def test_every_report_of_a_list_carries_its_public_timeline_in_the_readers_language(client, storie, lingua):
    attese = _attese(storie, lingua)
    codici = {s.codice: nome for nome, s in storie.items()}

    elenco = _leggi(client, "json", lingua).json()
    radice = xml(_leggi(client, "xml", lingua))

    assert {r["service_request_id"] for r in elenco} == set(codici)
    richieste_xml = {r.findtext("service_request_id"): r for r in radice.findall("request")}
    for r in elenco:
        nome = codici[r["service_request_id"]]
        assert [(n["type"], n["status"], n["description"]) for n in r["notes"]] == attese[nome], nome
        eventi = Evento.objects.filter(segnalazione__codice=r["service_request_id"],
                                       visibilita=Visibilita.PUBBLICA).order_by("creato_il", "id")
        assert [n["datetime"] for n in r["notes"]] == [
            e.creato_il.astimezone(ROMA).replace(microsecond=0).isoformat() for e in eventi]
        # The XML says the same, element by element, in the spec's order.
        assert _note_xml(richieste_xml[r["service_request_id"]]) == r["notes"]
        assert "Nota riservata" not in str(r) and "1234567" not in str(r) and "mario.rossi" not in str(r)
    # Byte for byte what ElementTree writes for the same data (accents, «», the en dash included).
    assert _leggi(client, "xml", lingua).content == _con_elementtree("service_requests", elenco)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_one_request_and_the_list_write_the_same_bytes_for_it(client, storie, fmt):
    """requests/{id} reads the same timeline as the list: its answer is the list's entry, byte for byte."""
    codice = storie["lavorata"].codice
    uno = _leggi(client, fmt, "en", codice).content
    elenco = _leggi(client, fmt, "en").content

    if fmt == "json":
        voce = uno.removeprefix(b"[").removesuffix(b"]")
    else:
        voce = uno.split(b"<service_requests>")[1].split(b"</service_requests>")[0]
    assert voce in elenco and b"The problem has been resolved." in voce
