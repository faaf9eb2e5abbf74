"""One check of what a message brought (e-mail, SMS, chat): intake's own rules, said back by name."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from civico.segnalazioni.media import vaglia_allegati


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (10, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.mark.parametrize(("allegati", "posti", "tenuti", "motivi"), [
    ([("a.jpg", "jpeg"), ("b.jpg", "jpeg")], 5, ["a.jpg", "b.jpg"], []),
    ([("a.jpg", "jpeg"), ("b.jpg", "jpeg"), ("c.jpg", "jpeg")], 2, ["a.jpg", "b.jpg"], ["c.jpg: troppi allegati"]),
    ([("a.jpg", "jpeg")], 0, [], ["a.jpg: troppi allegati"]),
    ([("rotto.jpg", None), ("a.jpg", "jpeg")], 1, ["a.jpg"], ["rotto.jpg: illeggibile"]),
    ([("virus.exe", b"MZ\x90\x00"), ("a.jpg", "jpeg")], 1, ["a.jpg"], ["virus.exe: "]),
    ([("finta.jpg", b"not a jpeg at all"), ("a.jpg", "jpeg")], 5, ["a.jpg"], ["finta.jpg: "]),
])
def test_good_files_are_kept_up_to_the_free_places_and_each_refused_one_is_named(allegati, posti, tenuti, motivi):
    buoni, scartati = vaglia_allegati(
        [(nome, _jpeg() if contenuto == "jpeg" else contenuto) for nome, contenuto in allegati], posti=posti)

    assert [nome for nome, _c in buoni] == tenuti
    assert len(scartati) == len(motivi)
    for riga, atteso in zip(scartati, motivi, strict=True):
        assert riga.startswith(atteso) and len(riga) > len("x: ")
