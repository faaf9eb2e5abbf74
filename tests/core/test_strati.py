"""The import layers (docs/architettura.md): the contracts in pyproject.toml hold, and the check
really fails when an app imports one it must not (so `make test` can go red)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

RADICE = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(*argomenti: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", *argomenti],
        cwd=RADICE, capture_output=True, text=True, timeout=300,
    )


def test_i_contratti_del_progetto_sono_rispettati() -> None:
    esito = _lint()
    assert esito.returncode == 0, esito.stdout + esito.stderr
    assert "Contracts: 2 kept, 0 broken." in esito.stdout


def test_un_import_verso_l_alto_o_tra_interfacce_fa_fallire_il_controllo(tmp_path: Path) -> None:
    # Real imports turned into violations: segnalazioni imports enti (placed here above it),
    # and the portal imports segnalazioni (declared independent of it).
    config = tmp_path / "rotto.toml"
    config.write_text(
        '[tool.importlinter]\nroot_package = "civico"\n\n'
        '[[tool.importlinter.contracts]]\nname = "enti sopra segnalazioni"\ntype = "layers"\n'
        'layers = ["civico.enti", "civico.segnalazioni"]\n\n'
        '[[tool.importlinter.contracts]]\nname = "portale e segnalazioni indipendenti"\n'
        'type = "independence"\nmodules = ["civico.portale", "civico.segnalazioni"]\n',
        encoding="utf-8",
    )
    esito = _lint(str(config))
    assert esito.returncode != 0
    assert "Contracts: 0 kept, 2 broken." in esito.stdout
    assert "civico.segnalazioni is not allowed to import civico.enti" in esito.stdout
