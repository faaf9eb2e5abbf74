"""Following a report live on the production path: uvicorn serving the ASGI application in its own
process, staff working the report from another process, the citizen's page in Chromium. Then the
server goes away and comes back, and the page catches up on what it missed (Last-Event-ID)."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import TELEFONO
from tests.conftest import attiva, mondo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RADICE = Path(__file__).resolve().parents[2]


def _porta_libera() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _url_database(cartella: Path) -> str:
    """The test database as another process reaches it. PostgreSQL: the same test database.
    SQLite in memory: a file copy of it (taken after the test has built its world)."""
    impostazioni = connection.settings_dict
    if connection.vendor == "postgresql":
        utente = impostazioni["USER"] + (f":{impostazioni['PASSWORD']}" if impostazioni["PASSWORD"] else "")
        return (f"postgresql://{utente}@{impostazioni['HOST'] or '127.0.0.1'}:{impostazioni['PORT'] or 5432}/"
                f"{impostazioni['NAME']}")
    file = cartella / "civico.sqlite3"
    connection.ensure_connection()
    destinazione = sqlite3.connect(file)
    connection.connection.backup(destinazione)
    destinazione.close()
    return f"sqlite:///{file}"


def _ambiente(url_database: str) -> dict[str, str]:
    ambiente = {**os.environ, "DATABASE_URL": url_database, "DJANGO_SETTINGS_MODULE": "civico.settings"}
    # The real server must not be let off Django's async-safety checks, as the test process is.
    ambiente.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return ambiente


class Uvicorn:
    def __init__(self, porta: int, ambiente: dict[str, str]) -> None:
        self.porta, self.ambiente, self.processo = porta, ambiente, None
        self.url = f"http://127.0.0.1:{porta}"

    def avvia(self) -> None:
        self.processo = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "civico.asgi:application", "--host", "127.0.0.1",
             "--port", str(self.porta), "--lifespan", "off", "--log-level", "warning"],
            cwd=RADICE, env=self.ambiente,
        )
        limite = time.monotonic() + 60
        while time.monotonic() < limite:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("uvicorn non è partito")

    def ferma(self) -> None:
        if self.processo and self.processo.poll() is None:
            self.processo.terminate()
            try:
                self.processo.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.processo.kill()
                self.processo.wait()


def _lo_staff_lavora(ambiente: dict[str, str], codice: str, transizione: str, testo: str = "") -> None:
    """An operator moves the report on, from a process of its own (as the backoffice would)."""
    programma = (
        "import django; django.setup()\n"
        "from civico.accounts.models import Utente\n"
        "from civico.accounts.permissions import Attore\n"
        "from civico.segnalazioni import workflow\n"
        "from civico.segnalazioni.models import Segnalazione\n"
        f"s = Segnalazione.objects.get(codice={codice!r})\n"
        "op = Attore.staff(Utente.objects.get(username='op-AL'))\n"
        f"workflow.transition(s, {transizione!r}, op, testo={testo!r})\n"
    )
    subprocess.run([sys.executable, "-c", programma], cwd=RADICE, env=ambiente, check=True, timeout=120)


@pytest.fixture
def server_asgi(transactional_db, tmp_path):
    """Start with `server_asgi(ambiente)` once the world is built; stopped before the database is
    flushed."""
    server: list[Uvicorn] = []

    def avvia(ambiente: dict[str, str]) -> Uvicorn:
        server.append(Uvicorn(_porta_libera(), ambiente))
        server[0].avvia()
        return server[0]

    yield avvia
    for s in server:
        s.ferma()


def test_the_report_page_follows_the_report_live_under_uvicorn_and_resumes_after_a_drop(apri, server_asgi,
                                                                                         tmp_path):
    mondo()
    ente = attiva("006003", "AL", completo=True)
    factories.operatore(ente)
    s = factories.segnalazione(ente)
    ambiente = _ambiente(_url_database(tmp_path))
    server = server_asgi(ambiente)
    page = apri(TELEFONO)
    flussi: list[str] = []
    page.on("request", lambda r: flussi.append(r.url) if "/eventi/" in r.url else None)
    page.goto(f"{server.url}/segnalazioni/{s.codice}/")
    page.evaluate("window.nonRicaricata = true")
    stato, voci = page.get_by_test_id("stato"), page.get_by_test_id("cronologia").locator("li")
    expect(page.locator("#diretta")).to_have_text("La pagina si aggiorna da sola quando la segnalazione avanza.")
    expect(voci).to_have_count(2)

    _lo_staff_lavora(ambiente, s.codice, "take_in_charge")

    expect(stato).to_have_text("Presa in carico", timeout=10_000)
    expect(voci).to_have_count(3)
    assert len(flussi) == 1, flussi  # one long-lived stream carried it, not a reconnection

    # The connection drops (the server restarts); meanwhile the report moves on.
    server.ferma()
    _lo_staff_lavora(ambiente, s.codice, "start_work", "Squadra in arrivo domattina.")
    server.avvia()

    expect(stato).to_have_text("In lavorazione", timeout=20_000)
    expect(voci).to_have_count(4)
    expect(voci.last).to_contain_text("Squadra in arrivo domattina.")
    assert page.evaluate("window.nonRicaricata") is True
    assert page.evaluate("document.querySelectorAll('[data-testid=cronologia] li[data-id]').length") == 4
