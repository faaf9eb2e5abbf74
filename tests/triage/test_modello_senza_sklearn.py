"""A process that only classifies never loads scikit-learn or SciPy (issue #8: ~90 MB of each
serving worker): the day-one model is trained once by a child process that writes its weights
under var/triage/, and the weights loaded classify exactly as the model trained in-process."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np

from civico.triage import modello

TESTI = ["lampione spento in via Roma", "buca profonda davanti a casa", "the bin is overflowing",
         "albero caduto sulla strada", "spnto il lampiome", "Aiuto", ""]


def test_weights_loaded_from_var_classify_as_the_model_trained_here(tmp_path):
    caricato = modello.ModelloGiornoUno(modello.pesi_giorno_uno(tmp_path))
    assert len(list(tmp_path.glob("giorno-uno-*.npz"))) == 1
    addestrato = modello.ModelloGiornoUno(modello.addestra_giorno_uno())
    for testo in TESTI:
        p1, sicuro1 = caricato.analizza(testo)
        p2, sicuro2 = addestrato.analizza(testo)
        assert np.array_equal(p1, p2) and sicuro1 == sicuro2, testo
    # A second process finds them: no training at all.
    assert modello.pesi_giorno_uno(tmp_path)["coef"].shape == addestrato._coef.shape


def test_a_serving_process_classifies_without_scikit_learn_or_scipy(tmp_path):
    codice = (
        "import sys, django; django.setup();"
        "from django.urls import get_resolver; get_resolver().url_patterns;"
        "from civico.triage.modello import modello_giorno_uno;"
        "p = modello_giorno_uno().probabilita('lampione spento');"
        "print(sorted(m for m in ('sklearn', 'scipy') if m in sys.modules), round(float(p.max()), 3))"
    )
    ambiente = {**os.environ, "DJANGO_SETTINGS_MODULE": "civico.settings", "CIVICO_VAR_DIR": str(tmp_path)}
    uscita = subprocess.run([sys.executable, "-c", codice], capture_output=True, text=True, env=ambiente,
                            check=True, timeout=600)
    caricati, _probabilita = uscita.stdout.strip().splitlines()[-1].rsplit(" ", 1)
    assert caricati == "[]"
    assert list((tmp_path / "triage").glob("giorno-uno-*.npz"))
