"""Work orders: grouping reports, telling citizens the repair is planned, closing them in one go."""

from datetime import date
from decimal import Decimal

import pytest

from civico.accounts.models import Ruolo
from civico.accounts.permissions import Attore
from civico.errors import Conflict, InvalidData, NotAllowed
from civico.segnalazioni import eventi, interventi, workflow
from civico.segnalazioni.models import Intervento, StatoIntervento, TipoEvento
from civico.stati import Stato
from tests import factories

pytestmark = pytest.mark.django_db
MESSAGGIO = "Asfaltatura completata in tutta la via."


def tre_segnalazioni(ente):
    """One just received, one taken in charge, one being worked on."""
    operatore = factories.operatore(ente)
    ricevuta, presa, avviata = (factories.segnalazione(ente) for _ in range(3))
    workflow.transition(presa, "take_in_charge", operatore)
    workflow.transition(avviata, "take_in_charge", operatore)
    workflow.transition(avviata, "start_work", operatore)
    return [ricevuta, presa, avviata]


def test_closing_a_work_order_resolves_every_report_with_one_public_message(alessandria):
    operatore = factories.operatore(alessandria)
    segnalazioni = tre_segnalazioni(alessandria)
    intervento = interventi.crea_intervento(
        alessandria, operatore, "Asfalti via Milano", segnalazioni, squadra_o_ditta="Squadra strade 2",
        data_prevista=date(2026, 6, 15), costo_stimato=Decimal("4800.00"),
    )

    esito = interventi.chiudi_intervento(intervento, operatore, MESSAGGIO, costo_effettivo=Decimal("5120.50"))

    assert len(esito.risolte) == 3 and esito.non_risolte == [] and esito.gia_risolte == []
    for s in segnalazioni:
        s.refresh_from_db()
        assert s.stato == Stato.RESOLVED
        assert s.nota_pubblica == MESSAGGIO
        assert eventi.cronologia_pubblica(s)[-1].testo == MESSAGGIO
    intervento.refresh_from_db()
    assert intervento.stato == StatoIntervento.CHIUSO
    assert intervento.costo_effettivo == Decimal("5120.50") and intervento.chiuso_il is not None


def test_a_citizen_sees_that_the_repair_is_planned_but_not_the_contractor_or_cost(alessandria):
    s = factories.segnalazione(alessandria)
    intervento = interventi.crea_intervento(
        alessandria, factories.operatore(alessandria), "Lotto 3 – ditta Rossi srl", [s],
        squadra_o_ditta="Rossi srl", data_prevista=date(2026, 6, 15), costo_stimato=Decimal("900"),
    )

    pubblico = [e for e in eventi.cronologia_pubblica(s) if e.tipo == TipoEvento.WORK_ORDER]
    assert len(pubblico) == 1
    assert pubblico[0].dati["data_prevista"] == "2026-06-15"
    assert pubblico[0].dati["intervento_id"] == intervento.pk
    assert "Rossi" not in str(pubblico[0].dati) and "900" not in str(pubblico[0].dati)
    # The planned date is public (it was stored but never shown before).
    assert eventi.descrizione(pubblico[0]) == "Inserita in un intervento: lavori previsti per il 15/06/2026."


def test_reports_that_cannot_be_resolved_are_reported_back_with_the_reason(alessandria):
    operatore = factories.operatore(alessandria)
    buona, respinta, gia = (factories.segnalazione(alessandria) for _ in range(3))
    intervento = interventi.crea_intervento(alessandria, operatore, "Buche del centro", [buona, respinta, gia])
    workflow.transition(respinta, "reject", operatore, testo="È una strada privata.")
    workflow.transition(gia, "take_in_charge", operatore)
    workflow.transition(gia, "resolve", operatore)

    esito = interventi.chiudi_intervento(intervento, operatore, MESSAGGIO)

    assert [s.pk for s in esito.risolte] == [buona.pk]
    assert [s.pk for s in esito.gia_risolte] == [gia.pk]
    assert [s.pk for s, _motivo in esito.non_risolte] == [respinta.pk]
    assert "Respinta" in esito.non_risolte[0][1]
    respinta.refresh_from_db()
    assert respinta.stato == Stato.REJECTED


def test_a_report_of_another_office_stays_open_and_is_listed(alessandria):
    strade = alessandria.uffici.get(nome="Lavori pubblici – strade")
    del_verde = factories.segnalazione(alessandria, categoria="verde-pubblico", risposte={"problema": ["rami"]})
    buca = factories.segnalazione(alessandria)
    intervento = interventi.crea_intervento(alessandria, factories.operatore(alessandria), "Misto", [buca, del_verde])
    caposquadra = Attore.staff(factories.staff("capo-strade", Ruolo.OPERATORE, alessandria, strade))

    esito = interventi.chiudi_intervento(intervento, caposquadra, MESSAGGIO)

    assert [s.pk for s in esito.risolte] == [buca.pk]
    assert [s.pk for s, _m in esito.non_risolte] == [del_verde.pk]
    del_verde.refresh_from_db()
    assert del_verde.stato == Stato.SUBMITTED and del_verde.eventi.filter(tipo=TipoEvento.STATE_CHANGED).count() == 0


def test_only_open_reports_of_the_same_comune_join_a_work_order(alessandria, casale):
    operatore = factories.operatore(alessandria)
    intervento = interventi.crea_intervento(alessandria, operatore, "Vuoto per ora")
    di_casale = factories.segnalazione(casale, punto=factories.CASALE, categoria="buche")
    chiusa = factories.segnalazione(alessandria)
    workflow.transition(chiusa, "reject", operatore, testo="Doppia.")

    for estranea in (di_casale, chiusa):
        with pytest.raises(InvalidData):
            interventi.aggiungi(intervento, operatore, [estranea])
    assert intervento.segnalazioni.count() == 0


def test_only_staff_working_in_the_comune_create_or_fill_work_orders(alessandria, casale):
    s = factories.segnalazione(alessandria)
    with pytest.raises(NotAllowed):
        interventi.crea_intervento(alessandria, factories.operatore(casale), "Intruso", [s])
    osservatore = Attore.staff(factories.staff("oss", Ruolo.OSSERVATORE, alessandria))
    with pytest.raises(NotAllowed):
        interventi.crea_intervento(alessandria, osservatore, "Solo lettura", [s])
    verde = alessandria.uffici.get(nome="Verde pubblico")
    del_verde = Attore.staff(factories.staff("op-verde", Ruolo.OPERATORE, alessandria, verde))
    with pytest.raises(NotAllowed):  # a role in the ente, but not on this report's office
        interventi.crea_intervento(alessandria, del_verde, "Non mia", [s])
    assert not Intervento.objects.exists()


def test_a_closed_work_order_is_final(alessandria):
    operatore = factories.operatore(alessandria)
    intervento = interventi.crea_intervento(alessandria, operatore, "Finito", [factories.segnalazione(alessandria)])
    interventi.chiudi_intervento(intervento, operatore, MESSAGGIO)

    with pytest.raises(Conflict):
        interventi.chiudi_intervento(intervento, operatore, MESSAGGIO)
    with pytest.raises(Conflict):
        interventi.aggiungi(intervento, operatore, [factories.segnalazione(alessandria)])


def test_closing_needs_a_public_message_and_a_sensible_cost(alessandria):
    operatore = factories.operatore(alessandria)
    s = factories.segnalazione(alessandria)
    intervento = interventi.crea_intervento(alessandria, operatore, "Da chiudere", [s])

    with pytest.raises(InvalidData):
        interventi.chiudi_intervento(intervento, operatore, "   ")
    with pytest.raises(InvalidData):
        interventi.chiudi_intervento(intervento, operatore, MESSAGGIO, costo_effettivo=Decimal("-1"))

    s.refresh_from_db()
    intervento.refresh_from_db()
    assert s.stato == Stato.SUBMITTED and intervento.stato == StatoIntervento.APERTO
