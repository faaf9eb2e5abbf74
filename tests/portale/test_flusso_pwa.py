"""The installable app: manifest, icons, the service worker at the root, the offline page."""

from __future__ import annotations

import io

import pytest
from django.contrib.staticfiles import finders
from PIL import Image

pytestmark = pytest.mark.django_db


def test_the_manifest_names_the_app_its_icons_and_colour(client):
    r = client.get("/manifest.webmanifest")

    assert r.status_code == 200 and r["Content-Type"] == "application/manifest+json"
    m = r.json()
    assert m["short_name"] == "Civico" and m["display"] == "standalone" and m["scope"] == "/"
    assert m["start_url"].startswith("/segnala/") and m["theme_color"] == "#0066cc"
    misure = {(i["sizes"], i.get("purpose", "any")) for i in m["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= misure
    for icona in m["icons"]:
        percorso = finders.find(icona["src"].removeprefix("/static/"))
        with open(percorso, "rb") as f:
            img = Image.open(io.BytesIO(f.read()))
        assert img.format == "PNG" and f"{img.width}x{img.height}" == icona["sizes"]


def test_the_manifest_speaks_the_readers_language(client):
    assert client.get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="en").json()["lang"] == "en"


def test_the_service_worker_is_served_from_the_root_with_its_shell(client):
    r = client.get("/sw.js")

    assert r.status_code == 200 and r["Content-Type"].startswith("application/javascript")
    assert r["Service-Worker-Allowed"] == "/" and r["Cache-Control"] == "no-cache"
    testo = r.content.decode()
    assert testo.startswith("self.CIVICO = {")
    for risorsa in ("/static/civico/flusso.js", "/static/civico/bootstrap-italia-usato.css", "/segnala/offline/"):
        assert f'"{risorsa}"' in testo
    assert "indexedDB" in testo and "/invia\\/$/" in testo.replace("\\\\", "\\")


def test_every_file_of_the_shell_exists(client):
    from civico.portale.views_pwa import _SHELL_STATICI

    assert all(finders.find(p) for p in _SHELL_STATICI)


def test_the_offline_page_explains_what_happens(client):
    html = client.get("/segnala/offline/").content.decode()
    assert "Sei offline" in html and "verrà inviata automaticamente" in html
