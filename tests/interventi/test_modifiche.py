"""Work orders after their creation: edited, cancelled with a reason, a report taken out, each
change in the order's history; citizens told (over real SMTP) when their report joins an order
and when its planned date moves; one message, not two, when an order closes a new report."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest

from civico.accounts.models import Ruolo
from civico.comunicazioni import iscrizioni
from civico.errors import Conflict, InvalidData
from civico.segnalazioni import eventi, interventi, workflow
from civico.segnalazioni.models import (
    Evento,
    EventoIntervento,
    Intervento,
    Segnalazione,
    StatoIntervento,
    TipoEvento,
    TipoEventoIntervento,
    Visibilita,
)
from civico.stati import Stato
from tests import factories

pytestmark = pytest.mark.django_db
ANNA = "anna@example.org"


@pytest.fixture
def consegnato(django_capture_on_commit_callbacks):
    def esegui(azione, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return azione(*args, **kwargs)
    return esegui


def _a_chi(smtp) -> Counter:
    return Counter(d for _m, destinatari in smtp.raccoglitore.buste for d in destinatari)


def _svuota(smtp) -> None:
    smtp.raccoglitore.messaggi.clear()
    smtp.raccoglitore.buste.clear()


def _storia(intervento) -> list[str]:
    return list(EventoIntervento.objects.filter(intervento=intervento).order_by("creato_il", "id")
                .values_list("tipo", flat=True))


# --- Editing, cancelling, taking out: through the service ------------------------------------------


def test_a_one_click_order_gets_a_crew_a_date_an_estimate_and_notes_each_change_recorded(alessandria):
    op = factories.operatore(alessandria)
    s = factories.segnalazione(alessandria)
    i = interventi.crea_intervento(alessandria, op, "Buche · Piazza della Libertà", [s])

    interventi.modifica_intervento(i, op, squadra_o_ditta="Squadra 2", data_prevista=date(2026, 6, 15),
                                   costo_stimato=Decimal("800"), note="Serve il camion grande")
    interventi.modifica_intervento(i, op, data_prevista=date(2026, 6, 20), squadra_o_ditta="Squadra 2")

    i.refresh_from_db()
    assert (i.squadra_o_ditta, i.data_prevista, i.costo_stimato, i.note) == (
        "Squadra 2", date(2026, 6, 20), Decimal("800"), "Serve il camion grande")
    assert _storia(i) == ["creato", "aggiunte", "modificato", "modificato"]
    ultimo = EventoIntervento.objects.filter(intervento=i).last()
    assert ultimo.dati["campi"] == {"data_prevista": ["2026-06-15", "2026-06-20"]}  # only what changed
    assert ultimo.attore == op.utente


def test_an_edit_that_changes_nothing_records_nothing(alessandria):
    op = factories.operatore(alessandria)
    i = interventi.crea_intervento(alessandria, op, "Prova", [factories.segnalazione(alessandria)],
                                   squadra_o_ditta="Squadra 1")
    prima = _storia(i)
    interventi.modifica_intervento(i, op, squadra_o_ditta="Squadra 1")
    assert _storia(i) == prima


@pytest.mark.parametrize("valori, campo", [
    ({"costo_stimato": Decimal("-1")}, "costo_stimato"),
    ({"costo_effettivo": Decimal("-0.01")}, "costo_effettivo"),
    ({"squadra_o_ditta": "x" * 201}, "squadra_o_ditta"),
    ({"titolo": "   "}, "titolo"),
    ({"note": "n" * 4001}, "note"),
])
def test_bad_edits_are_refused_with_the_field_and_nothing_changes(alessandria, valori, campo):
    op = factories.operatore(alessandria)
    i = interventi.crea_intervento(alessandria, op, "Prova", [factories.segnalazione(alessandria)])
    with pytest.raises(InvalidData) as errore:
        interventi.modifica_intervento(i, op, **valori)
    assert campo in errore.value.as_dict()
    assert _storia(i) == ["creato", "aggiunte"]


def test_a_closed_order_still_takes_its_actual_cost_and_notes_but_not_a_new_date(alessandria):
    op = factories.operatore(alessandria)
    i = interventi.crea_intervento(alessandria, op, "Prova", [factories.segnalazione(alessandria)])
    interventi.chiudi_intervento(i, op, "Fatto")
    interventi.modifica_intervento(i, op, costo_effettivo=Decimal("950"), note="Fattura n. 12")
    i.refresh_from_db()
    assert i.costo_effettivo == Decimal("950")
    with pytest.raises(Conflict):
        interventi.modifica_intervento(i, op, data_prevista=date(2026, 7, 1))


def test_cancelling_needs_a_reason_frees_the_reports_and_is_recorded(alessandria):
    op = factories.operatore(alessandria)
    s = factories.segnalazione(alessandria)
    i = interventi.crea_intervento(alessandria, op, "Prova", [s], data_prevista=date(2026, 6, 15))
    with pytest.raises(InvalidData):
        interventi.annulla_intervento(i, op, "  ")
    interventi.annulla_intervento(i, op, "La ditta ha rinunciato")

    i.refresh_from_db()
    assert i.stato == StatoIntervento.ANNULLATO
    e = EventoIntervento.objects.filter(intervento=i).last()
    assert (e.tipo, e.testo, e.dati["codici"]) == (TipoEventoIntervento.ANNULLATO, "La ditta ha rinunciato", [s.codice])
    assert Segnalazione.objects.get(pk=s.pk).stato == Stato.SUBMITTED  # still open
    assert not interventi.in_interventi_aperti([s.pk])  # free for another order
    altro = interventi.crea_intervento(alessandria, op, "Di nuovo", [s])
    assert altro.pk != i.pk
    for azione in (lambda: interventi.annulla_intervento(i, op, "ancora"),
                   lambda: interventi.aggiungi(i, op, [s]),
                   lambda: interventi.chiudi_intervento(i, op, "x"),
                   lambda: interventi.modifica_intervento(i, op, note="x")):
        with pytest.raises(Conflict):
            azione()


def test_a_report_is_taken_out_of_an_order_and_the_order_remembers(alessandria):
    op = factories.operatore(alessandria)
    resta, esce = factories.segnalazione(alessandria), factories.segnalazione(alessandria)
    i = interventi.crea_intervento(alessandria, op, "Prova", [resta, esce])
    interventi.rimuovi_segnalazione(i, op, esce, "Era un tombino, non una buca")

    assert set(i.segnalazioni.values_list("pk", flat=True)) == {resta.pk}
    e = EventoIntervento.objects.filter(intervento=i).last()
    assert (e.tipo, e.dati["codici"], e.testo) == ("rimossa", [esce.codice], "Era un tombino, non una buca")
    with pytest.raises(InvalidData):
        interventi.rimuovi_segnalazione(i, op, esce)  # not in it any more
    ultimo = Evento.objects.filter(segnalazione=esce, tipo=TipoEvento.WORK_ORDER).last()
    assert ultimo.visibilita == Visibilita.PUBBLICA and "Tolta dall'intervento" in eventi.descrizione(ultimo)


def test_the_order_history_refuses_edits_and_deletes(alessandria):
    op = factories.operatore(alessandria)
    i = interventi.crea_intervento(alessandria, op, "Prova", [factories.segnalazione(alessandria)])
    e = EventoIntervento.objects.filter(intervento=i).first()
    with pytest.raises(TypeError):
        e.save()
    with pytest.raises(TypeError):
        e.delete()


def test_staff_of_another_comune_cannot_edit_cancel_or_take_out(alessandria, casale):
    op = factories.operatore(alessandria)
    s = factories.segnalazione(alessandria)
    i = interventi.crea_intervento(alessandria, op, "Prova", [s])
    estraneo = factories.operatore(casale)
    from civico.errors import NotAllowed

    for azione in (lambda: interventi.modifica_intervento(i, estraneo, note="x"),
                   lambda: interventi.annulla_intervento(i, estraneo, "x"),
                   lambda: interventi.rimuovi_segnalazione(i, estraneo, s)):
        with pytest.raises(NotAllowed):
            azione()
    assert Intervento.objects.get(pk=i.pk).stato == StatoIntervento.APERTO and i.segnalazioni.count() == 1


# --- The order page ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("pagine")
def test_the_page_edits_cancels_takes_out_and_shows_the_history(client, accedi, alessandria):
    accedi(client, Ruolo.OPERATORE, alessandria)
    op = factories.operatore(alessandria)
    a, b = factories.segnalazione(alessandria), factories.segnalazione(alessandria)
    i = interventi.crea_intervento(alessandria, op, "Buche", [a, b])
    base = f"/backoffice/interventi/alessandria/{i.pk}"

    r = client.post(f"{base}/modifica/", {"squadra_o_ditta": "Ditta Rossi", "data_prevista": "2026-06-15",
                                          "costo_stimato": "1200", "note": "Chiamare prima"})
    assert r.status_code == 302
    r = client.post(f"{base}/modifica/", {"costo_stimato": "-5", "squadra_o_ditta": "Ditta Rossi"})
    assert r.status_code == 200 and Intervento.objects.get(pk=i.pk).costo_stimato == Decimal("1200")
    r = client.post(f"{base}/rimuovi/", {"codice": b.codice, "motivo": "Doppione"}, follow=True)
    assert f"Segnalazione {b.codice} tolta dall&#x27;intervento." in r.content.decode()
    r = client.post(f"{base}/rimuovi/", {"codice": "AL-1999-000001"}, follow=True)
    assert r.status_code == 200 and "non è in questo intervento" in r.content.decode()
    r = client.post(f"{base}/annulla/", {"motivo": ""})
    assert r.status_code == 200 and Intervento.objects.get(pk=i.pk).stato == StatoIntervento.APERTO
    r = client.post(f"{base}/annulla/", {"motivo": "Lavori rinviati al prossimo anno"}, follow=True)

    pagina = r.content.decode()
    assert Intervento.objects.get(pk=i.pk).stato == StatoIntervento.ANNULLATO
    storia = pagina.split('data-testid="storia"', 1)[1].split("</ol>", 1)[0]
    for atteso in ("Creato", "Modificato", "Ditta Rossi", "2026-06-15", "Segnalazione tolta", b.codice, "Doppione",
                   "Annullato", "Lavori rinviati al prossimo anno"):
        assert atteso in storia, atteso
    assert 'data-testid="annulla"' not in pagina and 'data-testid="modifica"' not in pagina


# --- Citizens: told when their report joins an order and when the date moves --------------------------


def test_citizens_hear_when_their_report_joins_an_order_and_when_its_date_moves(alessandria, smtp, consegnato):
    giulia = factories.UtenteFactory(username="giulia")
    s = consegnato(factories.segnalazione, alessandria, email=ANNA)
    iscrizioni.segui(s, giulia)
    op = factories.operatore(alessandria)
    _svuota(smtp)

    i = consegnato(interventi.crea_intervento, alessandria, op, "Buche", [s], data_prevista=date(2026, 6, 15))
    assert _a_chi(smtp) == {ANNA: 1, "giulia@example.org": 1}
    assert all("lavori programmati" in str(m["Subject"]) for m in smtp.messaggi)
    assert all("15/06/2026" in m.get_body(("plain",)).get_content() for m in smtp.messaggi)
    _svuota(smtp)

    consegnato(interventi.modifica_intervento, i, op, note="solo per noi", costo_stimato=Decimal("10"))
    assert _a_chi(smtp) == {}  # internal fields: nobody is told
    consegnato(interventi.modifica_intervento, i, op, data_prevista=date(2026, 6, 22))
    assert _a_chi(smtp) == {ANNA: 1, "giulia@example.org": 1}
    assert all("22/06/2026" in m.get_body(("plain",)).get_content() for m in smtp.messaggi)
    assert all("Ditta" not in m.get_body(("plain",)).get_content() for m in smtp.messaggi)


def test_closing_an_order_with_a_report_still_received_sends_one_message(alessandria, smtp, consegnato):
    giulia = factories.UtenteFactory(username="giulia")
    nuove = [consegnato(factories.segnalazione, alessandria, email=ANNA) for _ in range(2)]
    for s in nuove:
        iscrizioni.segui(s, giulia)
    op = factories.operatore(alessandria)
    gia_in_carico = workflow.transition(nuove[1], "take_in_charge", op)
    i = consegnato(interventi.crea_intervento, alessandria, op, "Buche", [nuove[0], gia_in_carico])
    _svuota(smtp)

    esito = consegnato(interventi.chiudi_intervento, i, op, "Buche chiuse con asfalto a caldo.")

    assert len(esito.risolte) == 2
    # One message per person and report: the resolution, no "Presa in carico" in the same second.
    assert _a_chi(smtp) == {ANNA: 2, "giulia@example.org": 2}
    assert not any("Presa in carico" in str(m["Subject"]) for m in smtp.messaggi)
    passi = Evento.objects.filter(segnalazione=nuove[0], transizione="take_in_charge").get()
    assert passi.visibilita == Visibilita.INTERNA  # recorded for staff, not sent
    assert Segnalazione.objects.get(pk=nuove[0].pk).stato == Stato.RESOLVED
