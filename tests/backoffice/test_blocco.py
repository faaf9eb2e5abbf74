"""Bulk actions from the inbox: each report through the same door, each refusal with its reason."""

from __future__ import annotations

import pytest

from civico.accounts.permissions import Attore
from civico.backoffice.models import LavoroInBlocco
from civico.segnalazioni import interazioni, workflow
from civico.segnalazioni.models import Evento, Segnalazione, TipoEvento
from civico.stati import Stato
from tests import factories

pytestmark = pytest.mark.django_db


def blocco(client, codici, azione, **campi):
    """Post the bulk form; when it is accepted, the job's page (the tests' queue runs it at once)."""
    risposta = client.post("/backoffice/blocco/", {"codici": codici, "azione": azione, "ritorno": "scheda=tutte",
                                                   **campi})
    if risposta.status_code == 302 and risposta["Location"].startswith("/backoffice/blocco/"):
        return client.get(risposta["Location"])
    return risposta


def test_fifty_reports_are_rerouted_at_once(come, persone, alessandria, verde):
    codici = [factories.segnalazione(alessandria).codice for _ in range(50)]
    risposta = blocco(come(persone.operatore), codici, "sposta", ufficio=verde.pk, testo="Sono aiuole")
    assert risposta.status_code == 200
    assert "50 segnalazioni aggiornate" in risposta.content.decode()
    assert Segnalazione.objects.filter(codice__in=codici, ufficio=verde).count() == 50
    assert Evento.objects.filter(segnalazione__codice__in=codici, tipo=TipoEvento.REROUTED).count() == 50


def test_refusals_are_reported_one_by_one_with_their_reason(come, persone, alessandria, casale):
    nuove = [factories.segnalazione(alessandria).codice for _ in range(3)]
    gia_presa = factories.segnalazione(alessandria)
    workflow.transition(gia_presa, "take_in_charge", Attore.staff(persone.operatore))
    di_casale = factories.segnalazione(casale, punto=factories.CASALE)

    risposta = blocco(come(persone.operatore), [*nuove, gia_presa.codice, di_casale.codice], "take_in_charge")
    html = risposta.content.decode()
    assert "3 segnalazioni aggiornate, 2 rifiutate" in html
    esito = risposta.context["a"]
    assert esito.aggiornate == nuove
    motivi = dict(esito.rifiutate)
    assert "nello stato «Presa in carico»" in motivi[gia_presa.codice]
    assert "non trovata" in motivi[di_casale.codice]
    assert Segnalazione.objects.get(pk=di_casale.pk).stato == Stato.SUBMITTED


def test_a_missing_reason_stops_before_touching_anything(come, persone, alessandria):
    codici = [factories.segnalazione(alessandria).codice for _ in range(3)]
    risposta = blocco(come(persone.operatore), codici, "reject", testo="")
    assert risposta.status_code == 302 and risposta["Location"] == "/backoffice/?scheda=tutte"
    assert not Segnalazione.objects.filter(stato=Stato.REJECTED).exists()
    pagina = come(persone.operatore).get(risposta["Location"])
    assert "Per «Respingi» scrivi il messaggio o il motivo." in pagina.content.decode()


def test_bulk_change_of_state_with_one_message(come, persone, alessandria):
    codici = [factories.segnalazione(alessandria).codice for _ in range(4)]
    blocco(come(persone.operatore), codici, "reject", testo="Area privata: non di competenza")
    for s in Segnalazione.objects.filter(codice__in=codici):
        assert s.stato == Stato.REJECTED and s.nota_pubblica == "Area privata: non di competenza"


def test_bulk_assignment(come, persone, alessandria):
    codici = [factories.segnalazione(alessandria).codice for _ in range(3)]
    blocco(come(persone.amministratore), codici, "assegna", assegnatario=persone.operatore.pk)
    assert Segnalazione.objects.filter(codice__in=codici, assegnatario=persone.operatore).count() == 3


def test_bulk_assignment_without_a_person_is_refused_unless_nobody_is_chosen(come, persone, alessandria):
    s = factories.segnalazione(alessandria)
    interazioni.assegna(s, Attore.staff(persone.operatore), persone.operatore)
    client = come(persone.operatore)
    assert blocco(client, [s.codice], "assegna", assegnatario="").status_code == 302  # forgot to choose
    assert Segnalazione.objects.get(pk=s.pk).assegnatario == persone.operatore
    blocco(client, [s.codice], "assegna", assegnatario="nessuno")
    assert Segnalazione.objects.get(pk=s.pk).assegnatario is None


def test_an_operation_must_be_chosen(come, persone, alessandria):
    s = factories.segnalazione(alessandria)
    client = come(persone.operatore)
    risposta = blocco(client, [s.codice], "")
    assert risposta.status_code == 302 and risposta["Location"] == "/backoffice/?scheda=tutte"
    assert "Scegli un&#x27;operazione." in client.get(risposta["Location"]).content.decode()
    assert Segnalazione.objects.get(pk=s.pk).stato == Stato.SUBMITTED and not LavoroInBlocco.objects.exists()


def test_read_only_roles_are_refused_for_every_report(come, persone, alessandria):
    codici = [factories.segnalazione(alessandria).codice for _ in range(2)]
    risposta = blocco(come(persone.osservatore), codici, "take_in_charge")
    assert len(risposta.context["a"].rifiutate) == 2
    assert "Non hai i permessi" in risposta.content.decode()


def test_nothing_selected_is_a_clear_message(come, persone, alessandria):
    client = come(persone.operatore)
    risposta = blocco(client, [], "take_in_charge")
    assert risposta.status_code == 302 and risposta["Location"] == "/backoffice/?scheda=tutte"
    assert "Seleziona almeno una segnalazione." in client.get(risposta["Location"]).content.decode()
    assert not LavoroInBlocco.objects.exists()


def test_bulk_add_to_a_work_order_refuses_closed_reports_one_by_one(come, persone, alessandria):
    from civico.segnalazioni import interventi

    aperte = [factories.segnalazione(alessandria) for _ in range(3)]
    chiusa = factories.segnalazione(alessandria)
    workflow.transition(chiusa, "reject", factories.operatore(alessandria), testo="No")
    lavoro = interventi.crea_intervento(alessandria, Attore.staff(persone.operatore), "Via Roma: buche")
    client = come(persone.operatore)
    assert "Aggiungi a un intervento" in client.get("/backoffice/?ente=AL&scheda=tutte").content.decode()

    risposta = blocco(client, [s.codice for s in aperte] + [chiusa.codice], "intervento", intervento=lavoro.pk)
    esito = risposta.context["a"]
    assert sorted(esito.aggiornate) == sorted(s.codice for s in aperte)
    assert [c for c, _ in esito.rifiutate] == [chiusa.codice]
    assert set(lavoro.segnalazioni.values_list("codice", flat=True)) == {s.codice for s in aperte}


def test_bulk_refuses_actions_that_need_a_look_at_each_report(come, persone, alessandria):
    s = factories.segnalazione(alessandria)
    risposta = blocco(come(persone.operatore), [s.codice], "protocollo", numero_protocollo="1")
    assert risposta.status_code == 302
    assert Segnalazione.objects.get(pk=s.pk).numero_protocollo == ""
