"""A plain progress bar for the terminal (stderr), without a dependency."""

from __future__ import annotations

import sys
from typing import TextIO


class Barra:
    """`Barra()(fatte, totale)` redraws `[#######-------]  45%  1543/3428` in place on a terminal;
    elsewhere (a log, a pipe) it writes a line every quarter, so logs stay short."""

    def __init__(self, flusso: TextIO | None = None, larghezza: int = 30, etichetta: str = ""):
        self.flusso = flusso or sys.stderr
        self.larghezza = larghezza
        self.etichetta = etichetta
        self._ultimo = -1
        self._terminale = hasattr(self.flusso, "isatty") and self.flusso.isatty()

    def __call__(self, fatte: int, totale: int) -> None:
        percento = 100 if totale <= 0 else min(100, fatte * 100 // totale)
        passo = percento if self._terminale else percento // 25 * 25
        if passo == self._ultimo:
            return
        self._ultimo = passo
        pieni = self.larghezza * percento // 100
        barra = f"{self.etichetta}[{'#' * pieni}{'-' * (self.larghezza - pieni)}] {percento:3d}%  {fatte}/{totale}"
        if self._terminale:
            self.flusso.write("\r" + barra + ("\n" if percento == 100 else ""))
        else:
            self.flusso.write(barra + "\n")
        self.flusso.flush()
