"""`civico run` as real processes: SIGTERM stops the server and the worker and then itself; a
SIGKILL of the parent takes the children along; in development the mail goes to the catcher it
starts and is listed at /dev/posta/ (a sign-in link asked over HTTP, sent by the real worker)."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.deploy.conftest import RADICE, ambiente, porta_libera

CIVICO = str(RADICE / ".venv" / "bin" / "civico")


@pytest.fixture(scope="module")
def var_migrata(tmp_path_factory) -> Path:
    """A migrated SQLite database of its own (the test database may be in memory)."""
    var = tmp_path_factory.mktemp("run") / "var"
    subprocess.run([CIVICO, "migrate", "--noinput", "-v", "0"], env=_env(var), check=True, cwd=RADICE, timeout=300)
    return var


def _env(var: Path, **extra: str) -> dict[str, str]:
    return ambiente(CIVICO_VAR_DIR=str(var), CIVICO_TASKS_BACKEND="django_tasks_db.DatabaseBackend",
                    CIVICO_ENV="development", LOG_LEVEL="WARNING", **extra)


class Run:
    def __init__(self, var: Path) -> None:
        self.porta, self.posta = porta_libera(), porta_libera()
        self.log = (var.parent / f"run-{self.porta}.log").open("wb")
        self.processo = subprocess.Popen([CIVICO, "run"], env=_env(var, PORT=str(self.porta), HOST="127.0.0.1",
                                         EMAIL_PORT=str(self.posta)), cwd=RADICE,
                                         stdout=self.log, stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{self.porta}"

    def attendi(self) -> list[int]:
        """Until the site answers; the children's pids."""
        fine = time.monotonic() + 90
        while time.monotonic() < fine:
            assert self.processo.poll() is None, Path(self.log.name).read_text()
            try:
                urllib.request.urlopen(f"{self.base}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        figli = _figli(self.processo.pid)
        assert len(figli) == 2, figli
        return figli

    def chiudi(self) -> None:
        if self.processo.poll() is None:
            self.processo.kill()
            self.processo.wait()
        self.log.close()


def _figli(pid: int) -> list[int]:
    testo = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(p) for p in testo.split()]


def _vivo(pid: int) -> bool:
    try:
        stato = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return stato != "Z"


def _attendi_morti(pids: list[int], secondi: float) -> list[int]:
    fine = time.monotonic() + secondi
    while time.monotonic() < fine and any(_vivo(p) for p in pids):
        time.sleep(0.1)
    return [p for p in pids if _vivo(p)]


@pytest.mark.parametrize("segnale", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_stops_the_server_the_worker_and_then_run_itself(var_migrata, segnale):
    run = Run(var_migrata)
    try:
        figli = run.attendi()
        run.processo.send_signal(segnale)
        assert run.processo.wait(timeout=45) == 0
        assert _attendi_morti(figli, 5) == []
    finally:
        run.chiudi()


def test_when_run_is_killed_its_children_go_too(var_migrata):
    run, figli = Run(var_migrata), []
    try:
        figli = run.attendi()
        run.processo.send_signal(signal.SIGKILL)
        run.processo.wait()
        assert _attendi_morti(figli, 30) == [], "children left running after their parent was killed"
    finally:
        for p in figli:
            if _vivo(p):
                os.kill(p, signal.SIGKILL)
        run.chiudi()


def test_in_development_a_sign_in_link_lands_in_the_catcher_and_is_listed_at_dev_posta(var_migrata):
    run = Run(var_migrata)
    try:
        run.attendi()
        apri = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        pagina = apri.open(f"{run.base}/area-personale/", timeout=10).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', pagina).group(1)
        dati = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "email": "giulia@example.org"}).encode()
        richiesta = urllib.request.Request(f"{run.base}/area-personale/accedi/", data=dati,
                                           headers={"Referer": f"{run.base}/area-personale/"})
        assert apri.open(richiesta, timeout=10).status == 200

        fine, elenco = time.monotonic() + 30, ""
        while time.monotonic() < fine and "Il tuo link per accedere a Civico" not in elenco:
            time.sleep(0.5)
            elenco = urllib.request.urlopen(f"{run.base}/dev/posta/", timeout=10).read().decode()
        assert "Il tuo link per accedere a Civico" in elenco and "giulia@example.org" in elenco
        assert "/area-personale/accedi/" in elenco
        assert list((var_migrata / "posta").glob("*.eml"))
    finally:
        run.processo.send_signal(signal.SIGTERM)
        run.processo.wait(timeout=45)
        run.chiudi()


@pytest.mark.django_db
def test_the_mail_list_is_for_debug_or_staff_and_never_in_production(client, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    (tmp_path / "posta").mkdir()
    (tmp_path / "posta" / "1-a.eml").write_bytes(
        b"Subject: Segnalazione ricevuta\r\nTo: mario@example.org\r\nFrom: civico@localhost\r\n\r\nCiao\r\n")
    settings.DEBUG = False
    assert client.get("/dev/posta/").status_code == 404
    from tests import factories

    client.force_login(factories.staff("admin", "platform_admin", None))
    r = client.get("/dev/posta/")
    assert r.status_code == 200 and "Segnalazione ricevuta" in r.content.decode()
    settings.PRODUCTION = True
    assert client.get("/dev/posta/").status_code == 404
