"""What a phone notices before anything else (issue #21): the first paint waits for two small
stylesheets only — no script in <head> blocks it, the kit's CSS is the cut one — and the text
font is asked for at once, with the page's HTML."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from civico.portale import flusso
from tests import factories

pytestmark = pytest.mark.django_db


class _Testa(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.in_testa = False
        self.script: list[dict] = []
        self.link: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "head":
            self.in_testa = True
        elif self.in_testa and tag in ("script", "link"):
            getattr(self, tag).append({k: (v if v is not None else "") for k, v in attrs})

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.in_testa = False


def _testa(client, url: str) -> _Testa:
    r = client.get(url)
    assert r.status_code == 200, url
    testa = _Testa()
    testa.feed(r.content.decode())
    return testa


@pytest.fixture
def pagine(alessandria) -> list[str]:
    s = factories.segnalazione(alessandria)
    bozza = flusso.nuova(sessione="", ente=alessandria)
    flusso.salva_privacy(bozza)
    return [f"/{alessandria.slug}/", f"/segnalazioni/{s.codice}/", f"/segnala/?ente={alessandria.slug}",
            f"/segnala/{bozza.uuid}/luogo/", "/faq/"]


def test_no_script_in_the_head_blocks_the_first_paint(client, pagine):
    for url in pagine:
        for script in _testa(client, url).script:
            assert "defer" in script or "async" in script or script.get("type") == "module", (url, script)


def test_pages_link_the_cut_kit_stylesheet_not_the_612_kb_one(client, pagine):
    for url in pagine:
        fogli = [link["href"] for link in _testa(client, url).link if link.get("rel") == "stylesheet"]
        assert "bootstrap-italia-usato" in fogli[0], url
        assert not any("bootstrap-italia.min" in f for f in fogli), url


def test_the_text_font_is_preloaded_for_the_cross_origin_fetch_fonts_use(client, pagine):
    for url in pagine:
        precarichi = [link for link in _testa(client, url).link if link.get("rel") == "preload"]
        font = [p for p in precarichi if p.get("as") == "font"]
        assert font and all(p.get("type") == "font/woff2" and "crossorigin" in p for p in font), url
        for peso in ("400", "600", "700"):  # text, headings, brand
            assert any(f"titillium-web-{peso}-latin" in p["href"] for p in font), url


def test_map_pages_give_leaflet_its_pin_at_the_static_urls_before_the_maps_scripts(client, pagine):
    """With hashed names Leaflet cannot guess its images' folder from leaflet.css: the pin's
    retina image and shadow were fetched from the page's own path (404s on the place step)."""
    from django.templatetags.static import static

    for url in [u for u in pagine if u.endswith(("/luogo/", "/alessandria/")) or "/segnalazioni/" in u]:
        html = client.get(url).content.decode()
        leaflet, icone = html.index(static("leaflet/leaflet.js")), html.index(static("core/leaflet-icone.js"))
        assert leaflet < icone, url
        for dato, immagine in (("icona", "marker-icon.png"), ("icona-retina", "marker-icon-2x.png"),
                               ("ombra", "marker-shadow.png")):
            assert f'data-{dato}="{static("leaflet/images/" + immagine)}"' in html, url
        mappe = [html.find(static(js)) for js in ("civico/mappa.js", "civico/flusso-mappa.js")]
        assert all(m < 0 or m > icone for m in mappe), url
