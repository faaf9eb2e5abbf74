"""A report's page followed live: the Server-Sent Events stream, driven in-process through Django's
ASGI test client (the browser test drives it through uvicorn). The poller reads the database from
its own thread, so these tests commit their data (transactional)."""

from __future__ import annotations

import asyncio
import json
import re

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.test import AsyncClient
from django.utils import timezone

from civico.enti import geo
from civico.enti.confini import carica_provincia_alessandria
from civico.portale import live
from civico.segnalazioni import eventi, workflow
from civico.segnalazioni.models import TipoEvento
from tests import factories
from tests.conftest import attiva

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def alessandria_reale(transactional_db):
    """Alessandria active, committed. The session's world is flushed after the first
    transactional test, so reload what these tests need: the province (fast), not all Italy."""
    carica_provincia_alessandria()
    geo.invalida()
    return attiva("006003", "AL", completo=True)


@pytest.fixture(autouse=True)
def _veloce(monkeypatch):
    monkeypatch.setattr(live, "INTERVALLO_S", 0.05)


def messaggi(testo: str) -> list[dict]:
    """The `evento` messages of an SSE body, as (id, data) pairs."""
    trovati = []
    for blocco in testo.split("\n\n"):
        righe = dict(r.split(": ", 1) for r in blocco.splitlines() if ": " in r and not r.startswith(":"))
        if righe.get("event") == "evento":
            trovati.append({"id": int(righe["id"]), **json.loads(righe["data"])})
    return trovati


async def leggi(risposta, finche, secondi: float = 10.0) -> str:
    """Read the stream until `finche(text so far)` holds; then hang up like a closed tab."""
    corpo = ""
    flusso = risposta.streaming_content
    try:
        async with asyncio.timeout(secondi):
            async for pezzo in flusso:
                corpo += pezzo.decode()
                if finche(corpo):
                    break
    finally:
        await flusso.aclose()
    return corpo


def _apri(codice: str, *, ultimo: int | None = None, dopo: int | None = None, lingua: str = "it"):
    intestazioni = {"Accept-Language": lingua}
    if ultimo is not None:
        intestazioni["Last-Event-ID"] = str(ultimo)
    url = f"/segnalazioni/{codice}/eventi/" + (f"?dopo={dopo}" if dopo is not None else "")
    return AsyncClient().get(url, headers=intestazioni)


def test_the_stream_resumes_after_the_last_event_seen_then_pushes_new_ones(alessandria_reale):
    s = factories.segnalazione(alessandria_reale)
    op = factories.operatore(alessandria_reale)
    creata, instradata = list(s.eventi.order_by("id"))

    async def scenario():
        risposta = await _apri(s.codice, ultimo=creata.id)
        assert risposta["Content-Type"].startswith("text/event-stream")
        assert risposta["Cache-Control"].startswith("no-cache")

        async def lavora():
            await asyncio.sleep(0.3)
            await sync_to_async(workflow.transition)(s, "take_in_charge", op)

        compito = asyncio.create_task(lavora())
        corpo = await leggi(risposta, lambda t: len(messaggi(t)) >= 2)
        await compito
        return corpo

    corpo = async_to_sync(scenario)()

    assert corpo.startswith("retry: 3000\n\n")
    arretrato, nuovo = messaggi(corpo)
    assert arretrato["id"] == instradata.id and "Assegnata all" in arretrato["html"]
    assert nuovo["id"] > instradata.id
    assert (nuovo["stato"], nuovo["stato_etichetta"]) == ("accepted", "Presa in carico")
    assert "La segnalazione è stata presa in carico." in nuovo["html"]
    assert nuovo["html"].startswith("<li ") and f'data-id="{nuovo["id"]}"' in nuovo["html"]


def test_on_postgresql_a_committed_change_reaches_the_page_without_waiting_for_the_poll(
    alessandria_reale, monkeypatch
):
    """LISTEN/NOTIFY: with the poll interval set to a minute, the news still arrives at once."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's; elsewhere the interval alone delivers")
    monkeypatch.setattr(live, "INTERVALLO_S", 60.0)
    s = factories.segnalazione(alessandria_reale)
    op = factories.operatore(alessandria_reale)
    ultimo = s.eventi.order_by("id").last().id

    async def scenario():
        risposta = await _apri(s.codice, dopo=ultimo)

        async def lavora():
            await asyncio.sleep(1.0)  # the poller has read once and now waits up to a minute
            await sync_to_async(workflow.transition)(s, "take_in_charge", op)

        compito = asyncio.create_task(lavora())
        corpo = await leggi(risposta, lambda t: len(messaggi(t)) >= 1, secondi=15)
        await compito
        return corpo

    (nuovo,) = messaggi(async_to_sync(scenario)())
    assert nuovo["stato"] == "accepted" and "presa in carico" in nuovo["html"]


def test_internal_notes_never_reach_the_stream(alessandria_reale):
    s = factories.segnalazione(alessandria_reale)
    op = factories.operatore(alessandria_reale)
    ultimo = s.eventi.order_by("id").last().id

    def scrivi():
        eventi.registra(s, TipoEvento.INTERNAL_NOTE, op, quando=timezone.now(), visibilita="internal",
                        testo="Nota riservata: ditta Rossi")
        eventi.registra(s, TipoEvento.PUBLIC_ANSWER, op, quando=timezone.now(), testo="Interverremo lunedì.")

    async def scenario():
        risposta = await _apri(s.codice, dopo=ultimo)

        async def lavora():
            await asyncio.sleep(0.3)
            await sync_to_async(scrivi)()

        compito = asyncio.create_task(lavora())
        corpo = await leggi(risposta, lambda t: "Interverremo" in t)
        await compito
        return corpo

    corpo = async_to_sync(scenario)()
    assert "Interverremo lunedì." in corpo and "Nota riservata" not in corpo
    assert len(messaggi(corpo)) == 1


def test_two_pages_on_the_same_report_share_one_reader_and_both_get_the_news(alessandria_reale):
    s = factories.segnalazione(alessandria_reale)
    op = factories.operatore(alessandria_reale)
    ultimo = s.eventi.order_by("id").last().id

    async def scenario():
        prima, seconda = await _apri(s.codice, dopo=ultimo), await _apri(s.codice, dopo=ultimo)
        osservatore = live.poller()

        async def lavora():
            await asyncio.sleep(0.3)
            assert len(osservatore.code[s.pk]) == 2
            await sync_to_async(workflow.transition)(s, "take_in_charge", op)

        compito = asyncio.create_task(lavora())
        corpi = await asyncio.gather(*(leggi(r, lambda t: "presa in carico" in t) for r in (prima, seconda)))
        await compito
        await asyncio.sleep(live.INTERVALLO_S * 3)
        return corpi, osservatore

    corpi, osservatore = async_to_sync(scenario)()
    assert all(len(messaggi(c)) == 1 for c in corpi)
    assert osservatore.code == {} and osservatore._compito is None  # nobody watches: it stopped


def test_the_stream_beats_while_quiet_and_ends_after_its_time(alessandria_reale, monkeypatch):
    monkeypatch.setattr(live, "BATTITO_S", 0.2)
    monkeypatch.setattr(live, "DURATA_S", 0.9)
    s = factories.segnalazione(alessandria_reale)
    ultimo = s.eventi.order_by("id").last().id

    async def scenario():
        risposta = await _apri(s.codice, dopo=ultimo)
        return await leggi(risposta, lambda t: False, secondi=5)  # until the server closes it

    corpo = async_to_sync(scenario)()
    assert corpo.count(": battito\n\n") >= 2 and messaggi(corpo) == []


def test_the_stream_speaks_the_readers_language(alessandria_reale):
    s = factories.segnalazione(alessandria_reale)

    async def scenario():
        return await leggi(await _apri(s.codice, dopo=0, lingua="en"), lambda t: len(messaggi(t)) >= 2)

    creata, _instradata = messaggi(async_to_sync(scenario)())
    assert "Report received." in creata["html"] and creata["stato_etichetta"] == "Received"


def test_unknown_and_non_public_reports_have_no_stream(client, alessandria_reale):
    from civico.catalogo.models import Categoria

    ignota = client.get("/segnalazioni/AL-2026-999999/eventi/")
    assert ignota.status_code == 404 and ignota["Content-Type"] != "text/event-stream"
    Categoria.objects.filter(ente=alessandria_reale, codice="buche").update(pubblica=False)
    s = factories.segnalazione(alessandria_reale)
    privata = client.get(f"/segnalazioni/{s.codice}/eventi/")
    assert privata.status_code == 404 and privata["Content-Type"] != "text/event-stream"
    assert not privata.streaming and s.titolo not in privata.content.decode()


def test_behind_wsgi_the_answer_is_immediate_and_the_browser_comes_back(client, alessandria_reale):
    s = factories.segnalazione(alessandria_reale)
    creata = s.eventi.order_by("id").first()

    r = client.get(f"/segnalazioni/{s.codice}/eventi/", {"dopo": creata.id})

    assert r.status_code == 200 and r["Content-Type"].startswith("text/event-stream")
    corpo = r.content.decode()
    assert corpo.startswith("retry: 2000\n\n")
    assert [m["id"] for m in messaggi(corpo)] == [e.id for e in s.eventi.filter(id__gt=creata.id)]


def test_the_page_tells_its_script_where_to_listen_and_from_which_entry(client, alessandria_reale):
    s = factories.segnalazione(alessandria_reale)
    html = client.get(f"/segnalazioni/{s.codice}/").content.decode()
    ultimo = s.eventi.order_by("id").last().id
    assert f'data-url="/segnalazioni/{s.codice}/eventi/" data-ultimo="{ultimo}"' in html
    assert "civico/live.js" in html
    assert re.search(rf'<li class="evento[^"]*" data-id="{ultimo}">', html)


@pytest.mark.parametrize(("ultimo_visto", "dopo", "atteso"), [
    (None, None, 0), ("12", None, 12), (None, "7", 7), ("12", "7", 12), ("x", "-3", 0), ("9" * 30, "4", 4),
])
def test_the_reader_resumes_from_the_later_of_last_event_id_and_the_page(ultimo_visto, dopo, atteso):
    assert live.posizione(ultimo_visto, dopo) == atteso
