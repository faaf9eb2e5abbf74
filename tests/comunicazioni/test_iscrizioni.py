"""Following a report."""

import pytest

from civico.comunicazioni import iscrizioni
from tests import factories

pytestmark = pytest.mark.django_db


def test_follow_once_and_unfollow(alessandria):
    s = factories.segnalazione(alessandria)
    utente = factories.UtenteFactory(username="mario")

    assert iscrizioni.segui(s, utente) is True
    assert iscrizioni.segui(s, utente) is False
    assert iscrizioni.segue(s, utente) and iscrizioni.seguaci(s) == 1
    assert iscrizioni.smetti_di_seguire(s, utente) is True
    assert not iscrizioni.segue(s, utente)
    assert iscrizioni.smetti_di_seguire(s, utente) is False
