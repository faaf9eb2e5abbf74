"""The state machine: every allowed transition, forbidden ones, roles, texts, versions."""

import pytest

from civico.accounts.models import Ruolo
from civico.accounts.permissions import Attore
from civico.errors import Conflict, InvalidData, NotAllowed
from civico.segnalazioni import workflow
from civico.segnalazioni.models import Evento, Segnalazione
from civico.stati import Stato
from tests import factories

pytestmark = pytest.mark.django_db

CASI_AMMESSI = [
    (t.nome, da) for t in workflow.TRANSIZIONI.values() for da in sorted(t.da)
]
CASI_VIETATI = [
    (t.nome, da) for t in workflow.TRANSIZIONI.values() for da in Stato.values if da not in t.da
]


def _nello_stato(ente, stato: str) -> Segnalazione:
    s = factories.segnalazione(ente)
    Segnalazione.objects.filter(pk=s.pk).update(stato=stato)  # factory shortcut, not a transition
    s.refresh_from_db()
    return s


def _attore_per(nome: str, ente) -> Attore:
    return Attore.del_segnalante() if nome == "withdraw" else factories.operatore(ente)


def _argomenti(nome: str, ente) -> dict:
    argomenti = {"testo": "Motivo scritto dall'operatore"}
    if nome == "mark_duplicate":
        argomenti["duplicato_di"] = factories.segnalazione(ente, titolo="La prima segnalazione")
    return argomenti


@pytest.mark.parametrize(("nome", "da"), CASI_AMMESSI)
def test_every_allowed_transition_changes_state_and_appends_a_public_event(alessandria, nome, da):
    s = _nello_stato(alessandria, da)
    prima = s.eventi.count()

    dopo = workflow.transition(s, nome, _attore_per(nome, alessandria), **_argomenti(nome, alessandria))

    t = workflow.TRANSIZIONI[nome]
    assert dopo.stato == t.a
    assert Segnalazione.objects.get(pk=s.pk).stato == t.a
    ultimo = s.eventi.order_by("-id").first()
    assert s.eventi.count() == prima + 1
    assert (ultimo.stato_da, ultimo.stato_a, ultimo.transizione, ultimo.visibilita) == (da, t.a, nome, "public")


@pytest.mark.parametrize(("nome", "da"), CASI_VIETATI[::3])
def test_forbidden_transitions_are_refused_and_change_nothing(alessandria, nome, da):
    s = _nello_stato(alessandria, da)
    attore, argomenti = _attore_per(nome, alessandria), _argomenti(nome, alessandria)
    eventi_prima = Evento.objects.count()

    with pytest.raises(Conflict) as errore:
        workflow.transition(s, nome, attore, **argomenti)

    assert errore.value.code == "illegal_transition"
    assert Segnalazione.objects.get(pk=s.pk).stato == da
    assert Evento.objects.count() == eventi_prima


def test_reject_needs_a_reason(alessandria):
    s = factories.segnalazione(alessandria)
    with pytest.raises(InvalidData) as errore:
        workflow.transition(s, "reject", factories.operatore(alessandria), testo="  ")
    assert "motivazione" in str(errore.value)
    assert Segnalazione.objects.get(pk=s.pk).stato == Stato.SUBMITTED


def test_duplicate_needs_another_report_of_the_same_comune(alessandria):
    s = factories.segnalazione(alessandria)
    with pytest.raises(InvalidData):
        workflow.transition(s, "mark_duplicate", factories.operatore(alessandria))
    with pytest.raises(InvalidData):
        workflow.transition(s, "mark_duplicate", factories.operatore(alessandria), duplicato_di=s)


def test_unknown_operation_is_a_clear_error(alessandria):
    s = factories.segnalazione(alessandria)
    with pytest.raises(InvalidData) as errore:
        workflow.transition(s, "teleport", factories.operatore(alessandria))
    assert "teleport" in str(errore.value)


def test_observer_and_mayor_office_cannot_change_state(alessandria):
    s = factories.segnalazione(alessandria)
    for ruolo in (Ruolo.OSSERVATORE, Ruolo.SINDACO):
        utente = factories.staff(f"u-{ruolo}", ruolo, alessandria)
        with pytest.raises(NotAllowed):
            workflow.transition(s, "take_in_charge", Attore.staff(utente))
    assert Segnalazione.objects.get(pk=s.pk).stato == Stato.SUBMITTED


def test_staff_of_another_comune_cannot_touch_the_report(alessandria, casale):
    s = factories.segnalazione(alessandria)
    with pytest.raises(NotAllowed):
        workflow.transition(s, "take_in_charge", factories.operatore(casale))


def test_office_staff_act_only_on_their_office(alessandria):
    s = factories.segnalazione(alessandria)  # a pothole: roads office
    verde = alessandria.uffici.get(nome__startswith="Verde pubblico", nome__endswith="pubblico")
    del_verde = factories.staff("verde", Ruolo.OPERATORE, alessandria, verde)
    with pytest.raises(NotAllowed):
        workflow.transition(s, "take_in_charge", Attore.staff(del_verde))
    della_strada = factories.staff("strade", Ruolo.OPERATORE, alessandria, s.ufficio)
    assert workflow.transition(s, "take_in_charge", Attore.staff(della_strada)).stato == Stato.ACCEPTED


def test_only_the_reporter_or_a_manager_withdraws(alessandria):
    s = factories.segnalazione(alessandria)
    with pytest.raises(NotAllowed):
        workflow.transition(s, "withdraw", factories.operatore(alessandria))
    assert workflow.transition(s, "withdraw", Attore.del_segnalante()).stato == Stato.WITHDRAWN


def test_a_stale_version_gets_reload_instead_of_overwriting(alessandria):
    s = factories.segnalazione(alessandria)
    visto = s.versione
    workflow.transition(s, "take_in_charge", factories.operatore(alessandria), versione=visto)
    with pytest.raises(Conflict) as errore:
        workflow.transition(s, "reject", factories.operatore(alessandria), testo="No", versione=visto)
    assert errore.value.code == "stale"
    assert "ricarica" in str(errore.value)


def test_buttons_offered_match_state_and_role(alessandria):
    s = factories.segnalazione(alessandria)
    nomi = {t.nome for t in workflow.transizioni_possibili(s, factories.operatore(alessandria))}
    assert nomi == {"take_in_charge", "start_work", "resolve", "reject", "mark_duplicate"} - {"start_work", "resolve"}
    assert {t.nome for t in workflow.transizioni_possibili(s, Attore.del_segnalante())} == {"withdraw"}


@pytest.mark.parametrize("stato", Stato.values)
def test_open311_status_is_open_only_for_working_states(stato):
    atteso = "open" if stato in {"submitted", "accepted", "in_progress", "reopened"} else "closed"
    assert workflow.stato_open311(stato) == atteso


def test_events_cannot_be_edited_or_deleted(alessandria):
    s = factories.segnalazione(alessandria)
    evento = s.eventi.first()
    evento.testo = "riscritto"
    with pytest.raises(TypeError):
        evento.save()
    with pytest.raises(TypeError):
        evento.delete()
    with pytest.raises(TypeError):
        s.eventi.update(testo="riscritto")
