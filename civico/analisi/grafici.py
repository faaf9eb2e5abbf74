"""Small server-side SVG charts: bars, grouped bars and an H3 hexagon map.

No JavaScript and no dependency: each function returns a self-contained, accessible `<svg>`
(role="img", a title and a summary) that the page shows beside a table holding the same
numbers, which is the accessible equivalent. Colours are Bootstrap Italia's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import h3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PRIMARIO = "#0066cc"
SECONDARIO = "#5c6f82"
SUCCESSO = "#008055"
PERICOLO = "#d9364f"
SCALA = ("#e6f0fa", "#b3d1f0", "#66a3e0", "#0066cc", "#004d99", "#003366")
CARATTERE = "font-family:'Titillium Web',Geneva,Tahoma,sans-serif;font-size:12px"


def _numero(v: float) -> str:
    """Italian digits: 1.234 and 1.234,5."""
    testo = f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"
    return testo.replace(",", "X").replace(".", ",").replace("X", ".")


def _svg(larghezza: int, altezza: int, titolo: str, descrizione: str, corpo: list[str]) -> SafeString:
    testo = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {larghezza} {altezza}" role="img" '
        f'class="grafico" preserveAspectRatio="xMinYMin meet" style="{CARATTERE};max-width:100%;height:auto">'
        f"<title>{escape(titolo)}</title><desc>{escape(descrizione)}</desc>{''.join(corpo)}</svg>"
    )
    return mark_safe(testo)  # every text inside went through escape()


def _passo(massimo: float) -> float:
    """A round tick step giving about four grid lines."""
    if massimo <= 0:
        return 1
    grezzo = massimo / 4
    potenza = 10 ** math.floor(math.log10(grezzo))
    for m in (1, 2, 2.5, 5, 10):
        if grezzo <= m * potenza:
            return m * potenza
    return 10 * potenza


def colonne(
    etichette: Sequence[str], serie: Sequence[tuple[str, str, Sequence[float]]], *, titolo: str, descrizione: str,
) -> SafeString:
    """Vertical grouped bars, one group per label; `serie` = (name, colour, values)."""
    larghezza, altezza, sinistra, basso, alto = 720, 260, 44, 46, 24
    area_l, area_a = larghezza - sinistra - 8, altezza - basso - alto
    massimo = max([max(v, default=0) for _, _, v in serie] + [0])
    passo = _passo(massimo)
    cima = max(passo * math.ceil(massimo / passo), passo)
    corpo: list[str] = []
    for i in range(int(round(cima / passo)) + 1):
        y = alto + area_a - area_a * (i * passo) / cima
        corpo.append(f'<line x1="{sinistra}" x2="{larghezza - 8}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d1d9e0"/>')
        corpo.append(
            f'<text x="{sinistra - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#3d4d5c">{_numero(i * passo)}</text>'
        )
    gruppo = area_l / max(len(etichette), 1)
    barra = gruppo * 0.8 / max(len(serie), 1)
    ogni = max(1, math.ceil(len(etichette) / 12))  # at most ~12 labels under the axis
    for g, etichetta in enumerate(etichette):
        x0 = sinistra + g * gruppo + gruppo * 0.1
        for s, (nome, colore, valori) in enumerate(serie):
            v = valori[g] if g < len(valori) else 0
            h = area_a * v / cima
            corpo.append(
                f'<rect x="{x0 + s * barra:.1f}" y="{alto + area_a - h:.1f}" width="{max(barra - 1, 1):.1f}" '
                f'height="{h:.1f}" fill="{colore}">'
                f"<title>{escape(etichetta)} · {escape(nome)}: {_numero(v)}</title></rect>"
            )
        if g % ogni == 0:
            corpo.append(
                f'<text x="{x0 + gruppo * 0.4:.1f}" y="{altezza - basso + 16}" text-anchor="middle" fill="#3d4d5c">'
                f"{escape(etichetta)}</text>"
            )
    x = sinistra
    for nome, colore, _valori in serie:  # legend
        corpo.append(f'<rect x="{x}" y="{altezza - 16}" width="12" height="12" fill="{colore}"/>')
        corpo.append(f'<text x="{x + 16}" y="{altezza - 6}" fill="#1a1a1a">{escape(nome)}</text>')
        x += 24 + 8 * len(nome)
    return _svg(larghezza, altezza, titolo, descrizione, corpo)


def barre(
    righe: Sequence[tuple[str, Sequence[float]]], nomi_serie: Sequence[str], *, titolo: str, descrizione: str,
    colori: Sequence[str] = (PRIMARIO, SECONDARIO), unita: str = "",
) -> SafeString:
    """Horizontal bars, one row per label, one bar per series (e.g. median and 90th percentile)."""
    righe = list(righe)[:25]
    spazio = 14 * len(nomi_serie) + 10
    larghezza, sinistra = 720, 230
    altezza = max(spazio * len(righe), 20) + 34
    area_l = larghezza - sinistra - 70
    massimo = max([max([v or 0 for v in valori], default=0) for _, valori in righe] + [0]) or 1
    corpo: list[str] = []
    for r, (etichetta, valori) in enumerate(righe):
        y0 = 6 + r * spazio
        testo = etichetta if len(etichetta) <= 34 else etichetta[:33] + "…"
        corpo.append(
            f'<text x="{sinistra - 8}" y="{y0 + spazio / 2:.1f}" text-anchor="end" fill="#1a1a1a">'
            f"{escape(testo)}</text>"
        )
        for s, v in enumerate(valori):
            cifra = ("—" if v is None else _numero(v)) + escape(unita)
            w = area_l * (v or 0) / massimo
            y = y0 + s * 14
            corpo.append(
                f'<rect x="{sinistra}" y="{y}" width="{w:.1f}" height="12" fill="{colori[s % len(colori)]}">'
                f"<title>{escape(etichetta)} · {escape(nomi_serie[s])}: {cifra}</title></rect>"
            )
            corpo.append(
                f'<text x="{sinistra + w + 4:.1f}" y="{y + 10}" fill="#3d4d5c">{cifra}</text>'
            )
    if len(nomi_serie) > 1:
        x, y = sinistra, altezza - 14
        for s, nome in enumerate(nomi_serie):
            corpo.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colori[s % len(colori)]}"/>')
            corpo.append(f'<text x="{x + 16}" y="{y}" fill="#1a1a1a">{escape(nome)}</text>')
            x += 30 + 8 * len(nome)
    return _svg(larghezza, altezza, titolo, descrizione, corpo)


def mappa_esagoni(celle: Sequence[tuple[str, int]], *, titolo: str, descrizione: str) -> SafeString:
    """The H3 hexagons, shaded by how many reports each holds (equirectangular, north up)."""
    larghezza, altezza, margine = 720, 480, 10
    poligoni: list[tuple[list[tuple[float, float]], int, str]] = []
    for cella, n in celle:
        try:
            poligoni.append((list(h3.cell_to_boundary(cella)), n, cella))
        except (ValueError, h3.H3BaseException):
            continue
    if not poligoni:
        return _svg(larghezza, 60, titolo, descrizione, [
            f'<text x="10" y="30" fill="#3d4d5c">{escape(descrizione)}</text>'
        ])
    lat = [p[0] for poli, _, _ in poligoni for p in poli]
    lon = [p[1] for poli, _, _ in poligoni for p in poli]
    coseno = math.cos(math.radians((min(lat) + max(lat)) / 2))
    dx, dy = max((max(lon) - min(lon)) * coseno, 1e-9), max(max(lat) - min(lat), 1e-9)
    scala = min((larghezza - 2 * margine) / dx, (altezza - 2 * margine) / dy)
    altezza = int(dy * scala + 2 * margine)
    massimo = max(n for _, n, _ in poligoni)
    ovest, nord = min(lon), max(lat)
    corpo = []
    for poli, n, cella in poligoni:
        punti = " ".join(
            f"{margine + (p[1] - ovest) * coseno * scala:.1f},{margine + (nord - p[0]) * scala:.1f}" for p in poli
        )
        livello = len(SCALA) // 2
        if massimo > 1:  # a log scale: a few very busy cells must not wash the others out
            livello = min(int(len(SCALA) * math.log1p(n) / math.log1p(massimo)), len(SCALA) - 1)
        corpo.append(
            f'<polygon points="{punti}" fill="{SCALA[livello]}" stroke="#ffffff" stroke-width="0.5">'
            f"<title>{escape(cella)}: {_numero(n)}</title></polygon>"
        )
    return _svg(larghezza, altezza, titolo, descrizione, corpo)
