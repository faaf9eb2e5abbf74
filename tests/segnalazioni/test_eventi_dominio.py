"""The reports' domain-event dispatcher: handlers run in registration order with the event's
arguments, their results come back in order, and a name outside the list is an error."""

from __future__ import annotations

import pytest

from civico.comunicazioni import gestori
from civico.segnalazioni import eventi_dominio


@pytest.fixture
def senza_gestori(monkeypatch):
    """The event with no handler, for this test only (comunicazioni's come back afterwards)."""
    monkeypatch.setitem(eventi_dominio._gestori, eventi_dominio.DUPLICATO_UNITO, [])


def test_handlers_run_in_registration_order_and_return_their_results(senza_gestori):
    chiamate = []

    def primo(*, duplicata, principale):
        chiamate.append(("primo", duplicata, principale))
        return 2

    def secondo(*, duplicata, principale):
        chiamate.append(("secondo", duplicata, principale))
        return 3

    eventi_dominio.gestisci(eventi_dominio.DUPLICATO_UNITO, primo)
    eventi_dominio.gestisci(eventi_dominio.DUPLICATO_UNITO, secondo)
    eventi_dominio.gestisci(eventi_dominio.DUPLICATO_UNITO, primo)  # once only

    esiti = eventi_dominio.emetti(eventi_dominio.DUPLICATO_UNITO, duplicata="A", principale="B")

    assert esiti == [2, 3]
    assert chiamate == [("primo", "A", "B"), ("secondo", "A", "B")]


def test_an_event_without_handlers_returns_nothing(senza_gestori):
    assert eventi_dominio.emetti(eventi_dominio.DUPLICATO_UNITO, duplicata="A", principale="B") == []


def test_an_unknown_event_name_is_an_error():
    with pytest.raises(KeyError, match="duplicato_unit"):
        eventi_dominio.emetti("duplicato_unit", duplicata="A", principale="B")
    with pytest.raises(KeyError):
        eventi_dominio.gestisci("segnalazione_inoltrat", lambda **_: None)


def test_comunicazioni_handles_every_event_once_started():
    assert eventi_dominio._gestori == {
        eventi_dominio.DUPLICATO_UNITO: [gestori.duplicato_unito],
        eventi_dominio.SEGNALAZIONE_INOLTRATA: [gestori.segnalazione_inoltrata],
        eventi_dominio.RITARDI_SOLLECITATI: [gestori.ritardi_sollecitati],
    }
