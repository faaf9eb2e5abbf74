"""Open311 test helpers: a client application with its key, and readers of both formats."""

from __future__ import annotations

from typing import Any

import pytest
from defusedxml import ElementTree as DET

from civico.accounts.chiavi import crea_applicazione
from tests import factories

V2 = "/open311/v2"
AL = "006003"


@pytest.fixture
def app_chiave(db):
    """A client application without limits of ente, and its key."""
    return crea_applicazione("Test app")


@pytest.fixture
def chiave(app_chiave) -> str:
    return app_chiave[1]


def get(client, risorsa: str, **parametri: Any):
    parametri.setdefault("jurisdiction_id", AL)
    return client.get(f"{V2}/{risorsa}", {k: v for k, v in parametri.items() if v is not None})


def post(client, fmt: str = "json", headers: dict | None = None, **campi: Any):
    campi.setdefault("jurisdiction_id", AL)
    return client.post(f"{V2}/requests.{fmt}", campi, headers=headers or {})


def xml(risposta):
    """The XML root, parsed safely (it must be well-formed and declare UTF-8)."""
    assert risposta["Content-Type"] == "text/xml; charset=utf-8"
    assert risposta.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return DET.fromstring(risposta.content)


def errori_json(risposta) -> list[str]:
    assert risposta["Content-Type"] == "application/json; charset=utf-8"
    corpo = risposta.json()
    assert isinstance(corpo, list) and corpo
    for e in corpo:
        assert set(e) == {"code", "description"} and e["code"] == risposta.status_code
    return [e["description"] for e in corpo]


def errori_xml(risposta) -> list[str]:
    radice = xml(risposta)
    assert radice.tag == "errors"
    errori = radice.findall("error")
    assert errori
    for e in errori:
        assert [c.tag for c in e] == ["code", "description"] and e.findtext("code") == str(risposta.status_code)
    return [e.findtext("description") for e in errori]


def segnalazione(ente, *, quando=None, punto=None, **campi):
    """`factories.segnalazione`, optionally backdated (intake's `quando`)."""
    return factories.segnalazione(ente, quando=quando, punto=punto or factories.PIAZZA_LIBERTA, **campi)


@pytest.fixture(autouse=True)
def _limiti_azzerati():
    """Rate-limit counters live in the cache: no test inherits another's (ids repeat on SQLite)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
