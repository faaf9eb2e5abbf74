"""Fixtures of the portal's tests."""

from __future__ import annotations

import copy

import pytest

CONTESTO = "civico.portale.contesto.portale"


def registra_contesto(settings) -> None:
    """The portal's context processor, until settings list it (then this changes nothing)."""
    modelli = copy.deepcopy(settings.TEMPLATES)
    processori = modelli[0]["OPTIONS"]["context_processors"]
    if CONTESTO not in processori:
        processori.append(CONTESTO)
        settings.TEMPLATES = modelli


@pytest.fixture(autouse=True)
def _contesto_del_portale(settings):
    registra_contesto(settings)
