"""The worker's periodic threads share one loop (core/estensioni.avvia_periodico): a failed pass
is logged and the next one runs; the thread stops when told."""

from __future__ import annotations

import logging
import threading

from civico.core.estensioni import avvia_periodico


def test_a_failed_pass_is_logged_and_the_next_one_runs_then_the_thread_stops(caplog):
    passi: list[int] = []
    ripreso = threading.Event()

    def passo() -> None:
        passi.append(1)
        if len(passi) == 1:
            raise ConnectionError("database down")
        ripreso.set()

    ferma = threading.Event()
    with caplog.at_level(logging.WARNING, logger="civico.core.estensioni"):
        filo = avvia_periodico(ferma, "civico-prova", passo, 0.01, subito=True, descrizione="Prova")
        assert ripreso.wait(5), "the pass after the failure never ran"
        ferma.set()
        filo.join(5)
    assert not filo.is_alive() and filo.name == "civico-prova"
    assert "Prova: passaggio non riuscito" in caplog.text and "database down" in caplog.text


def test_without_subito_the_first_pass_waits_for_the_interval():
    passi: list[int] = []
    ferma = threading.Event()
    filo = avvia_periodico(ferma, "civico-prova", lambda: passi.append(1), 60)
    ferma.set()
    filo.join(5)
    assert passi == [] and not filo.is_alive()
