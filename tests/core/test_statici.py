"""`make run` serves static files as production does: hashed names a browser may cache for a year,
pre-compressed, even though the demo runs with DEBUG on."""

from __future__ import annotations

import gzip

from django.core.files.storage import FileSystemStorage
from django.test import override_settings

from civico.core.statici import StaticiCompilati

CSS = "body{color:#1a1a1a}\n" * 200 + ".a{background:url('img/x.png')}\n"


def _compila(tmp_path) -> StaticiCompilati:
    sorgente = tmp_path / "sorgente"
    (sorgente / "css").mkdir(parents=True)
    (sorgente / "css" / "sito.css").write_text(CSS)
    (sorgente / "css" / "img").mkdir()
    (sorgente / "css" / "img" / "x.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    storage = StaticiCompilati(location=str(tmp_path / "static"), base_url="/static/")
    origine = FileSystemStorage(location=str(sorgente))
    percorsi = {p: (origine, p) for p in ("css/sito.css", "css/img/x.png")}
    for p in percorsi:
        with origine.open(p) as f:
            storage.save(p, f)
    list(storage.post_process(percorsi))
    return storage


@override_settings(DEBUG=True)
def test_pages_link_the_hashed_name_even_with_debug_on(tmp_path):
    storage = _compila(tmp_path)
    url = storage.url("css/sito.css")
    assert url.startswith("/static/css/sito.") and url.endswith(".css") and url != "/static/css/sito.css"
    # The hashed file exists, with a gzip copy holding the same stylesheet (served to phones).
    nome = url.removeprefix("/static/")
    assert storage.exists(nome)
    with storage.open(nome + ".gz") as f:
        assert gzip.decompress(f.read()).decode().startswith("body{color:#1a1a1a}")


@override_settings(DEBUG=False)
def test_references_inside_stylesheets_point_to_hashed_files(tmp_path):
    storage = _compila(tmp_path)
    with storage.open(storage.url("css/sito.css").removeprefix("/static/")) as f:
        testo = f.read().decode()
    immagine = storage.url("css/img/x.png").rsplit("/", 1)[1]
    assert f'url("img/{immagine}")' in testo and immagine != "x.png"
