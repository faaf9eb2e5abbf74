"""The fonts a page downloads (issue #21): Latin subsets of the kit's files, complete for the
Latin range they declare, swapped in without hiding text, the kit's whole file kept for the rest."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from django.contrib.staticfiles import finders

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "sottoinsiemi_font.py"


def _script():
    spec = importlib.util.spec_from_file_location("sottoinsiemi_font", SCRIPT)
    modulo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(modulo)
    return modulo


def _facce() -> list[str]:
    return re.findall(r"@font-face\s*{([^}]*)}", Path(finders.find("civico/civico.css")).read_text(encoding="utf-8"))


def test_every_face_swaps_in_and_its_file_is_served():
    facce = _facce()
    assert len(facce) == 18
    for faccia in facce:
        assert "font-display: swap" in faccia
        percorso = re.search(r'url\("([^"]+)"\)', faccia).group(1)
        assert finders.find(str(Path("civico", percorso)).replace("civico/../", "")), percorso


def test_each_latin_subset_has_every_latin_glyph_of_the_kits_file_and_is_smaller():
    from fontTools.ttLib import TTFont

    script = _script()
    latino = script.intervalli(script.LATINO)
    for origine, nome in script.FACCE:
        kit, sottoinsieme = script.KIT / origine, Path(finders.find(f"civico/fonts/{nome}"))
        atteso = set(TTFont(kit).getBestCmap()) & latino
        assert set(TTFont(sottoinsieme).getBestCmap()) == atteso, nome
        assert {ord(c) for c in "àèéìòùÀÈÉÌÒÙ€«»’“”–…"} <= atteso
        assert sottoinsieme.stat().st_size < 0.8 * kit.stat().st_size


def test_the_latin_subset_is_the_face_tried_first_where_the_ranges_overlap():
    facce = _facce()
    for esteso, latino in zip(facce[::2], facce[1::2], strict=True):
        assert "latin-ext" in esteso and "-latin.woff2" in latino  # the last declared is tried first
