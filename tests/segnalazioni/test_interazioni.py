"""Messages, answers, notes, attachments, assignment and the reporter's verdict."""

import pytest

from civico.accounts.models import Ruolo
from civico.accounts.permissions import Attore
from civico.errors import InvalidData, NotAllowed
from civico.segnalazioni import eventi, interazioni, workflow
from civico.segnalazioni.models import TipoEvento
from civico.stati import Stato
from tests import factories
from tests.segnalazioni import immagini

pytestmark = pytest.mark.django_db


def test_the_reporter_writes_to_the_office_privately(alessandria):
    s = factories.segnalazione(alessandria)
    interazioni.commenta(s, Attore.del_segnalante(), "La buca si è allargata stamattina")

    assert "allargata" in [eventi.descrizione(e) for e in eventi.cronologia_del_segnalante(s)][-1]
    assert all(e.tipo != TipoEvento.COMMENT for e in eventi.cronologia_pubblica(s))


def test_staff_cannot_pretend_to_be_the_reporter_and_strangers_cannot_comment(alessandria):
    s = factories.segnalazione(alessandria)
    with pytest.raises(NotAllowed):
        interazioni.commenta(s, factories.operatore(alessandria), "ciao")


def test_a_public_answer_becomes_the_public_note_and_an_internal_note_stays_internal(alessandria):
    s = factories.segnalazione(alessandria)
    op = factories.operatore(alessandria)
    interazioni.rispondi(s, op, "Interverremo entro venerdì")
    interazioni.annota(s, op, "Chiamare la ditta Bianchi")
    s.refresh_from_db()

    assert s.nota_pubblica == "Interverremo entro venerdì"
    pubblici = [eventi.descrizione(e) for e in eventi.cronologia_pubblica(s)]
    assert "Interverremo entro venerdì" in pubblici and "Chiamare la ditta Bianchi" not in pubblici
    assert "Chiamare la ditta Bianchi" not in [eventi.descrizione(e) for e in eventi.cronologia_del_segnalante(s)]


def test_an_answer_only_to_the_reporter_is_not_public(alessandria):
    s = factories.segnalazione(alessandria)
    interazioni.rispondi(s, factories.operatore(alessandria), "Ci può mandare una foto?", solo_al_segnalante=True)
    s.refresh_from_db()
    assert s.nota_pubblica == ""
    assert "Ci può mandare una foto?" in [e.testo for e in eventi.cronologia_del_segnalante(s)]


def test_empty_or_html_texts_are_refused(alessandria):
    s = factories.segnalazione(alessandria)
    op = factories.operatore(alessandria)
    for testo in ("", "   ", "<b>ciao</b>", "x" * 4001):
        with pytest.raises(InvalidData):
            interazioni.rispondi(s, op, testo)


def test_an_observer_cannot_answer_or_note(alessandria):
    s = factories.segnalazione(alessandria)
    osservatore = Attore.staff(factories.staff("oss", Ruolo.OSSERVATORE, alessandria))
    with pytest.raises(NotAllowed):
        interazioni.rispondi(s, osservatore, "ciao")
    with pytest.raises(NotAllowed):
        interazioni.annota(s, osservatore, "ciao")


def test_assignment_only_to_people_working_on_that_office(alessandria):
    s = factories.segnalazione(alessandria)
    op = factories.operatore(alessandria)
    collega = factories.staff("collega", Ruolo.OPERATORE, alessandria, s.ufficio)
    osservatore = factories.staff("oss", Ruolo.OSSERVATORE, alessandria)

    assert interazioni.assegna(s, op, collega).assegnatario == collega
    with pytest.raises(InvalidData):
        interazioni.assegna(s, op, osservatore)
    assert s.eventi.filter(tipo=TipoEvento.ASSIGNED, visibilita="internal").count() == 1


def test_the_reporter_adds_a_photo_later(alessandria):
    s = factories.segnalazione(alessandria)
    a = interazioni.aggiungi_allegato(s, Attore.del_segnalante(), "dopo.jpg", immagini.jpeg())
    assert a.pubblico and a.tipo == "foto"
    assert s.eventi.filter(tipo=TipoEvento.MEDIA_ADDED).exists()


def test_an_added_fake_image_is_refused_and_a_stranger_cannot_add(alessandria, casale):
    s = factories.segnalazione(alessandria)
    with pytest.raises(InvalidData):
        interazioni.aggiungi_allegato(s, Attore.del_segnalante(), "x.jpg", b"MZ" + b"\0" * 100)
    with pytest.raises(NotAllowed):
        interazioni.aggiungi_allegato(s, factories.operatore(casale), "a.jpg", immagini.jpeg())
    assert s.allegati.count() == 0


def _risolta(ente):
    s = factories.segnalazione(ente)
    op = factories.operatore(ente)
    workflow.transition(s, "take_in_charge", op)
    return workflow.transition(s, "resolve", op)


def test_the_reporter_confirms_resolution_and_it_closes(alessandria):
    s = interazioni.conferma_risoluzione(_risolta(alessandria), Attore.del_segnalante(), risolto=True)
    assert s.stato == Stato.CLOSED


def test_the_reporter_says_not_resolved_and_it_reopens_with_their_words(alessandria):
    s = interazioni.conferma_risoluzione(
        _risolta(alessandria), Attore.del_segnalante(), risolto=False, testo="La buca è ancora lì"
    )
    assert s.stato == Stato.REOPENED
    assert s.eventi.order_by("-id").first().testo == "La buca è ancora lì"


def test_confirmation_is_only_for_resolved_reports(alessandria):
    with pytest.raises(InvalidData):
        interazioni.conferma_risoluzione(factories.segnalazione(alessandria), Attore.del_segnalante(), risolto=True)
