"""Security headers: the Content-Security-Policy and the headers of uploaded files.

The CSP (django-csp 4) allows scripts, styles, fonts and connections from our own origin only:
no inline script, no eval, no CDN. Two exceptions, both decided in docs/security.md:
- images also from the map tiles' server (`CIVICO["TILE_URL"]`, OpenStreetMap by default) and
  `data:` (Bootstrap Italia's icons are inline SVG in its CSS);
- `style-src-attr 'unsafe-inline'`: a few templates and Leaflet's markup carry `style="…"`
  attributes. Style *attributes* cannot run script; `<style>` elements and stylesheets stay
  restricted to our origin.

Uploaded files (photos, documents) are served by views (docs/decisions/0004): the middleware
below gives every such response a Content-Disposition, nosniff and a CSP that forbids anything
active, so a crafted upload can never run as a page of our origin.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from csp.constants import NONE, SELF
from django.http import FileResponse, HttpRequest, HttpResponse

from civico.core.mappa import TILE_URL_PREDEFINITO  # django-leaflet's default tiles too


def origine(url: str) -> str | None:
    """https://{s}.tile.example.org/{z}/… → https://*.tile.example.org (CSP host source)."""
    parti = urlsplit(url)
    if parti.scheme not in ("http", "https") or not parti.hostname:
        return None
    host = parti.hostname.replace("{s}", "*")
    if "{" in host:
        return None
    porta = f":{parti.port}" if parti.port else ""
    return f"{parti.scheme}://{host}{porta}"


def politica_csp(tile_url: str | None, extra_img: str = "", extra_connect: str = "") -> dict:
    """The CONTENT_SECURITY_POLICY setting (django-csp 4 format)."""
    immagini = [SELF, "data:", "blob:"]
    if origine(tile_url or TILE_URL_PREDEFINITO):
        immagini.append(origine(tile_url or TILE_URL_PREDEFINITO))
    immagini += [o for o in extra_img.split() if o]
    return {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF],
            "style-src": [SELF],
            "style-src-elem": [SELF],
            "style-src-attr": ["'unsafe-inline'"],
            "img-src": immagini,
            "font-src": [SELF, "data:"],
            "connect-src": [SELF, *[o for o in extra_connect.split() if o]],
            "worker-src": [SELF],
            "manifest-src": [SELF],
            "object-src": [NONE],
            "base-uri": [SELF],
            "form-action": [SELF],
            "frame-ancestors": [NONE],
        },
    }


# What a browser may show inline from an upload; everything else is downloaded.
IMMAGINI_IN_LINEA = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})
CSP_ALLEGATI = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox; frame-ancestors 'none'"


class AllegatiSicuriMiddleware:
    """Safe headers on every file a view streams (attachments, previews, exports of media).

    WhiteNoise's static files never reach it: it sits inside WhiteNoise in MIDDLEWARE.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if isinstance(response, FileResponse):
            proteggi_file(response)
        return response


def proteggi_file(response: HttpResponse) -> HttpResponse:
    tipo = (response.get("Content-Type") or "").split(";")[0].strip().lower()
    disposizione = response.get("Content-Disposition", "")
    if not disposizione:
        response["Content-Disposition"] = "inline" if tipo in IMMAGINI_IN_LINEA else "attachment"
    elif tipo not in IMMAGINI_IN_LINEA and disposizione.startswith("inline"):
        response["Content-Disposition"] = "attachment" + disposizione[len("inline"):]
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = CSP_ALLEGATI
    return response

