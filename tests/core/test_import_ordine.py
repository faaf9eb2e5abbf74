"""Any module can be imported first: none works only because another module happened to be
imported before it.

intake imports sla; sla used to import `valida_testo` from intake, so importing intake before sla
raised ImportError, and the site started only because `SegnalazioniConfig.ready` reached sla
first. Each case runs in a fresh interpreter, where an app placed before all the others imports the
module in its `ready()`, as early as any code that uses models can.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

RADICE = Path(__file__).resolve().parents[2]

PRIMA_APP = '''
import importlib
import os
import sys

from django.apps import AppConfig


class PrimoImport(AppConfig):
    name = "primo_import"

    def ready(self) -> None:
        modulo = os.environ["MODULO_DA_IMPORTARE"]
        assert modulo not in sys.modules, f"{modulo} was imported while loading the models: not first"
        importlib.import_module(modulo)
        print("importato", modulo)
'''

IMPOSTAZIONI = '''
from civico.settings import *  # noqa: F403

INSTALLED_APPS = ["primo_import.PrimoImport", *INSTALLED_APPS]  # noqa: F405
'''


@pytest.mark.parametrize("modulo", ["civico.segnalazioni.intake", "civico.segnalazioni.sla", "civico.testo"])
def test_each_module_can_be_imported_before_any_other(modulo: str, tmp_path: Path):
    (tmp_path / "primo_import.py").write_text(textwrap.dedent(PRIMA_APP))
    (tmp_path / "impostazioni_primo.py").write_text(textwrap.dedent(IMPOSTAZIONI))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "impostazioni_primo",
        "MODULO_DA_IMPORTARE": modulo,
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(RADICE), os.environ.get("PYTHONPATH", "")]),
    }

    esito = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env, cwd=RADICE,
                           capture_output=True, text=True, timeout=120)

    assert esito.returncode == 0, esito.stderr
    assert f"importato {modulo}" in esito.stdout


def test_text_checks_need_no_django_setup():
    """civico.testo sits below every app: it imports without settings or an app registry."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    codice = "import civico.testo as t; e = {}; t.valida_testo('ciao', 'titolo', 10, e); assert e == {}"

    esito = subprocess.run([sys.executable, "-c", codice], env=env, cwd=RADICE, capture_output=True, text=True,
                           timeout=60)

    assert esito.returncode == 0, esito.stderr
