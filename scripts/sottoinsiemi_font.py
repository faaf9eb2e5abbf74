"""Regenerate the Latin subsets of the kit's fonts that civico.css serves first (issue #21).

Bootstrap Italia ships Titillium Web, Lora and Roboto Mono as Latin + Latin Extended woff2 files
(≈18 kB each). Italian text needs only the Latin range, so civico.css declares each face twice:
this script's Latin subset (≈12 kB), and the kit's whole file for the Latin Extended range, which
the browser downloads only when a page shows such a letter (a Slovene place name, a Romanian
surname). The ranges are Google Fonts' "latin" and "latin-ext".

Committed output (civico/portale/static/civico/fonts/), so `make run` needs no font tool; run this
after upgrading design-django-theme (fontTools is a dev dependency):

    .venv/bin/python scripts/sottoinsiemi_font.py
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

RADICE = Path(__file__).resolve().parent.parent
KIT = Path(importlib.util.find_spec("bootstrap_italia_template").origin).parent / "static" / "fonts"
DESTINAZIONE = RADICE / "civico" / "portale" / "static" / "civico" / "fonts"

LATINO = ("U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+0304,U+0308,U+0329,"
          "U+2000-206F,U+2074,U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD")

# (kit file, subset name): the faces civico.css declares.
FACCE = [
    ("Titillium_Web/titillium-web-v10-latin-ext_latin-300.woff2", "titillium-web-300-latin.woff2"),
    ("Titillium_Web/titillium-web-v10-latin-ext_latin-regular.woff2", "titillium-web-400-latin.woff2"),
    ("Titillium_Web/titillium-web-v10-latin-ext_latin-italic.woff2", "titillium-web-400italic-latin.woff2"),
    ("Titillium_Web/titillium-web-v10-latin-ext_latin-600.woff2", "titillium-web-600-latin.woff2"),
    ("Titillium_Web/titillium-web-v10-latin-ext_latin-700.woff2", "titillium-web-700-latin.woff2"),
    ("Lora/lora-v20-latin-ext_latin-regular.woff2", "lora-400-latin.woff2"),
    ("Lora/lora-v20-latin-ext_latin-700.woff2", "lora-700-latin.woff2"),
    ("Roboto_Mono/roboto-mono-v13-latin-ext_latin-regular.woff2", "roboto-mono-400-latin.woff2"),
    ("Roboto_Mono/roboto-mono-v13-latin-ext_latin-700.woff2", "roboto-mono-700-latin.woff2"),
]
LICENZE = ["Titillium_Web/OFL.txt", "Lora/OFL.txt", "Roboto_Mono/LICENSE.txt"]


def intervalli(testo: str) -> set[int]:
    """The code points of a CSS unicode-range list."""
    punti: set[int] = set()
    for parte in testo.split(","):
        inizio, _, fine = parte.strip().removeprefix("U+").partition("-")
        punti.update(range(int(inizio, 16), int(fine or inizio, 16) + 1))
    return punti


def sottoinsieme(origine: Path, destinazione: Path) -> None:
    from fontTools import subset

    opzioni = subset.Options()
    opzioni.flavor = "woff2"
    opzioni.layout_features = ["*"]  # kerning and ligatures as in the original
    opzioni.name_IDs = ["*"]  # keep the copyright and licence names (OFL)
    font = subset.load_font(str(origine), opzioni)
    sub = subset.Subsetter(opzioni)
    sub.populate(unicodes=intervalli(LATINO))
    sub.subset(font)
    subset.save_font(font, str(destinazione), opzioni)


def main() -> None:
    DESTINAZIONE.mkdir(parents=True, exist_ok=True)
    for origine, nome in FACCE:
        sottoinsieme(KIT / origine, DESTINAZIONE / nome)
        print(f"{nome:<40}{(KIT / origine).stat().st_size:>8} → {(DESTINAZIONE / nome).stat().st_size:>6} byte")
    for licenza in LICENZE:
        shutil.copyfile(KIT / licenza, DESTINAZIONE / licenza.replace("/", "-"))


if __name__ == "__main__":
    main()
