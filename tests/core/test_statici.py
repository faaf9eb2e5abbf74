"""`make run` serves static files as production does: hashed names a browser may cache for a year,
pre-compressed, even though the demo runs with DEBUG on."""

from __future__ import annotations

import gzip
from pathlib import Path

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


def test_under_compiled_statics_the_pages_stylesheet_is_served_gzipped_and_cached_for_a_year(tmp_path, settings):
    """What `make run` and production serve: the cut kit stylesheet, hashed, pre-compressed, with a
    far-future immutable cache (and the unhashed name, which may change, only for a minute)."""
    from django.contrib.staticfiles import finders
    from django.test import RequestFactory
    from whitenoise.middleware import WhiteNoiseMiddleware

    from civico.core import css_usato

    settings.STATIC_ROOT = str(tmp_path / "static")
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "civico.core.statici.StaticiCompilati"}}
    settings.WHITENOISE_USE_FINDERS = settings.WHITENOISE_AUTOREFRESH = False
    settings.WHITENOISE_MAX_AGE = 60
    from django.contrib.staticfiles.storage import staticfiles_storage

    origine = FileSystemStorage(location=str(Path(finders.find(css_usato.NOME)).parent.parent))
    with origine.open(css_usato.NOME) as f:
        staticfiles_storage.save(css_usato.NOME, f)
    list(staticfiles_storage.post_process({css_usato.NOME: (origine, css_usato.NOME)}))
    url = staticfiles_storage.url(css_usato.NOME)
    assert url != "/static/" + css_usato.NOME

    middleware = WhiteNoiseMiddleware(lambda request: None)
    r = middleware(RequestFactory().get(url, HTTP_ACCEPT_ENCODING="gzip, deflate"))  # (br too, if brotli is installed)
    assert r.status_code == 200
    assert r["Content-Encoding"] == "gzip" and "Accept-Encoding" in r["Vary"]
    assert "max-age=315360000" in r["Cache-Control"] and "immutable" in r["Cache-Control"]
    corpo = gzip.decompress(b"".join(r.streaming_content))
    assert b".it-header-wrapper" in corpo and len(corpo) < 150_000
    r = middleware(RequestFactory().get("/static/" + css_usato.NOME))
    assert r["Cache-Control"] == "max-age=60, public"
