"""A small SVG bar-chart writer for the benchmark results page (no plotting dependency).

Horizontal bars, one per figure, with the goal drawn as a dashed line; bars that miss the goal
are drawn in the warning colour. The SVG is plain text, readable in any browser and in the repo.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

LARGHEZZA = 980
ETICHETTE = 390
TESTO = 230  # room right of the longest bar for its value
ALTEZZA_BARRA = 26
MARGINE = 44


@dataclass(frozen=True)
class Barra:
    etichetta: str
    valore: float
    obiettivo: float | None = None
    piu_alto_meglio: bool = False  # throughput: higher is better; latency: lower is better
    nota: str = ""

    @property
    def ok(self) -> bool | None:
        if self.obiettivo is None:
            return None
        return self.valore >= self.obiettivo if self.piu_alto_meglio else self.valore < self.obiettivo


def barre(titolo: str, unita: str, voci: list[Barra], percorso: Path) -> Path:
    """Write one chart; the scale fits the largest value or goal."""
    # Bars beyond three times the goal are cut there (their label still gives the value).
    tetto = [min(v.valore, 3 * v.obiettivo) if v.obiettivo else v.valore for v in voci]
    massimo = max(tetto + [v.obiettivo or 0 for v in voci]) * 1.05 or 1.0
    area = LARGHEZZA - ETICHETTE - TESTO
    altezza = MARGINE + len(voci) * (ALTEZZA_BARRA + 10) + 30
    parti = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{LARGHEZZA}" height="{altezza}" '
        f'viewBox="0 0 {LARGHEZZA} {altezza}" font-family="Titillium Web, Helvetica, Arial, sans-serif" '
        f'font-size="13" role="img" aria-label="{escape(titolo)}">',
        f"<title>{escape(titolo)}</title>",
        f'<rect width="{LARGHEZZA}" height="{altezza}" fill="#fff"/>',
        f'<text x="10" y="24" font-size="16" font-weight="bold" fill="#17324d">{escape(titolo)}</text>',
    ]
    for i, v in enumerate(voci):
        y = MARGINE + i * (ALTEZZA_BARRA + 10)
        w = max(1.0, area * min(v.valore, massimo) / massimo)
        colore = {True: "#008055", False: "#d9364f", None: "#0066cc"}[v.ok]
        parti.append(f'<text x="{ETICHETTE - 8}" y="{y + 17}" text-anchor="end" fill="#17324d">'
                     f"{escape(_corta(v.etichetta))}</text>")
        parti.append(f'<rect x="{ETICHETTE}" y="{y}" width="{w:.1f}" height="{ALTEZZA_BARRA}" fill="{colore}"/>')
        testo = f"{_numero(v.valore)} {unita}" + (f" — {v.nota}" if v.nota else "")
        parti.append(f'<text x="{ETICHETTE + w + 6:.1f}" y="{y + 17}" fill="#17324d">{escape(testo)}</text>')
        if v.obiettivo is not None:
            x = ETICHETTE + area * v.obiettivo / massimo
            parti.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y - 3}" y2="{y + ALTEZZA_BARRA + 3}" '
                         f'stroke="#17324d" stroke-width="2" stroke-dasharray="4 3"/>')
    y = altezza - 12
    parti.append(f'<text x="10" y="{y}" fill="#5c6f82">Dashed line: the goal. Green: met; red: missed.</text>')
    parti.append("</svg>")
    percorso.parent.mkdir(parents=True, exist_ok=True)
    percorso.write_text("\n".join(parti) + "\n", encoding="utf-8")
    return percorso


def _corta(testo: str, massimo: int = 58) -> str:
    return testo if len(testo) <= massimo else testo[: massimo - 1] + "…"


def _numero(x: float) -> str:
    if x >= 100:
        return f"{x:,.0f}"
    return f"{x:.1f}" if x >= 10 else f"{x:.2f}"
