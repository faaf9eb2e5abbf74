"""Open311 output: one plain data structure, rendered as the spec's XML or JSON.

The JSON is the data itself; the XML follows the spec's Spark convention: a list is an element
with the plural name holding one element of the singular name per item. XML is written with
strings, as ElementTree would (we never read XML here).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

import orjson
from django.http import HttpResponse

TIPI = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
FORMATO_PREDEFINITO = "xml"  # the spec's required format: used when the suffix is unknown

SINGOLARI = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
    "notes": "note",
    "photos": "photo",
    "service_request_updates": "request_update",
}
# Characters XML 1.0 cannot carry at all: ElementTree would write them and break the document.
_NON_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class Errore(Exception):
    """An Open311 error answer: HTTP status and one or more descriptions (spec: `errors`)."""

    def __init__(self, status: int, *descrizioni: Any, headers: dict[str, str] | None = None):
        super().__init__(status, descrizioni)
        self.status = status
        self.descrizioni = [str(d) for d in descrizioni]
        self.headers = headers or {}

    def errori(self) -> list[dict[str, Any]]:
        return [{"code": self.status, "description": d} for d in self.descrizioni]


def risposta(dati: Any, fmt: str, radice: str, *, status: int = 200, headers: dict | None = None) -> HttpResponse:
    """`dati` as JSON, or as XML under the root element `radice`. A list may come as an iterator:
    each item is written as soon as it is built (the same bytes as for the list)."""
    if isinstance(dati, Iterator):
        corpo = json_elenco(dati) if fmt == "json" else xml_elenco(radice, dati)
    elif fmt == "json":
        corpo = json_compatto(dati)
    else:
        corpo = xml(radice, dati)
    r = HttpResponse(corpo, status=status, content_type=TIPI.get(fmt, TIPI[FORMATO_PREDEFINITO]))
    # What CommonMiddleware would set, from `response.content`: a copy of the whole body (1.4 MB).
    r["Content-Length"] = str(len(corpo))
    for nome, valore in (headers or {}).items():
        r[nome] = valore
    return r


def json_compatto(dati: Any) -> bytes:
    """`json.dumps(dati, ensure_ascii=False, separators=(",", ":")).encode()`, the same bytes for
    what Open311 answers (strings, numbers, booleans, None, lists and dicts with text keys), by
    orjson: 1.6 MB of 1,000 requests with their timelines took ~23 ms of CPU, now ~3 (decision 0016).
    Anything orjson refuses (an integer past 64 bits, a key that is not text) goes the slow way."""
    try:
        return orjson.dumps(dati)
    except orjson.JSONEncodeError:
        return json.dumps(dati, ensure_ascii=False, separators=(",", ":")).encode()


def json_elenco(voci: Iterable[Any], lotto: int = 50) -> bytes:
    """`json_compatto(list(voci))`, `lotto` items at a time: few enough to be freed young, many
    enough that orjson's cost per call (~4 µs, 1,000 calls a list) does not show."""
    parti: list[bytes | memoryview] = [b"["]
    voci = iter(voci)
    while gruppo := list(islice(voci, lotto)):
        if len(parti) > 1:
            parti.append(b",")
        parti.append(memoryview(json_compatto(gruppo))[1:-1])  # "[a,b]" → "a,b", not copied
    parti.append(b"]")
    return b"".join(parti)  # the answer's ~1.4 MB copied once


def risposta_errore(errore: Errore, fmt: str) -> HttpResponse:
    fmt = fmt if fmt in TIPI else FORMATO_PREDEFINITO
    return risposta(errore.errori(), fmt, "errors", status=errore.status, headers=errore.headers)


def xml(radice: str, dati: Any) -> bytes:
    parti = ['<?xml version="1.0" encoding="utf-8"?>\n']
    _elemento(parti, radice, dati)
    return "".join(parti).encode()


def xml_elenco(radice: str, voci: Iterable[Any]) -> bytes:
    """`xml(radice, list(voci))`, item by item."""
    parti = ['<?xml version="1.0" encoding="utf-8"?>\n', f"<{radice}>"]
    singolare = SINGOLARI.get(radice, radice.removesuffix("s"))
    for v in voci:
        _elemento(parti, singolare, v)
    if len(parti) == 2:  # no items: an empty element, as `_elemento` writes an empty list
        parti[1] = f"<{radice} />"
    else:
        parti.append(f"</{radice}>")
    return "".join(parti).encode()


def _elemento(parti: list[str], nome: str, valore: Any) -> None:
    """Write exactly what ElementTree's `tostring` writes for this element (tests compare the two):
    its tree and serializer cost a third of a 1,000-request answer."""
    if type(valore) is str:  # most values: no isinstance chain
        testo = _testo(valore)
        parti.append(f"<{nome}>{testo}</{nome}>" if testo else f"<{nome} />")
        return
    if isinstance(valore, dict):
        if valore:
            parti.append(f"<{nome}>")
            for chiave, v in valore.items():
                _elemento(parti, chiave, v)
            parti.append(f"</{nome}>")
            return
    elif isinstance(valore, list | tuple):
        if valore:
            singolare = SINGOLARI.get(nome, nome.removesuffix("s"))
            parti.append(f"<{nome}>")
            for v in valore:
                _elemento(parti, singolare, v)
            parti.append(f"</{nome}>")
            return
    elif isinstance(valore, bool):
        parti.append(f"<{nome}>{'true' if valore else 'false'}</{nome}>")
        return
    elif valore is not None:
        testo = _testo(valore)
        if testo:
            parti.append(f"<{nome}>{testo}</{nome}>")
            return
    parti.append(f"<{nome} />")  # no text and no children, as ElementTree writes it


def _testo(valore: Any) -> str:
    """Text content: characters XML cannot carry dropped, then &, < and > escaped (ElementTree's rules)."""
    testo = str(valore)
    if not (testo.isascii() and testo.isprintable()):  # printable ASCII has nothing XML cannot carry
        testo = _NON_XML.sub("", testo)
    if "&" in testo:
        testo = testo.replace("&", "&amp;")
    if "<" in testo:
        testo = testo.replace("<", "&lt;")
    if ">" in testo:
        testo = testo.replace(">", "&gt;")
    return testo
