"""A small JSON-over-HTTP client on the standard library (the providers' APIs are simple)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from civico.comunicazioni.impostazioni import impostazione


@dataclass(frozen=True)
class Risposta:
    stato: int
    corpo: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.corpo or b"null")
        except ValueError:
            return None


class ErroreDiRete(Exception):
    """No answer at all (refused, timeout, DNS): always worth another try."""


def richiesta(metodo: str, url: str, *, dati: Any = None, intestazioni: dict[str, str] | None = None) -> Risposta:
    corpo = None if dati is None else json.dumps(dati).encode()
    req = urllib.request.Request(url, data=corpo, method=metodo)
    req.add_header("Accept", "application/json")
    if corpo is not None:
        req.add_header("Content-Type", "application/json")
    for nome, valore in (intestazioni or {}).items():
        req.add_header(nome, valore)
    try:
        with urllib.request.urlopen(req, timeout=float(impostazione("TIMEOUT_HTTP_SECONDI"))) as r:  # noqa: S310
            return Risposta(r.status, r.read(1024 * 1024))
    except urllib.error.HTTPError as exc:
        return Risposta(exc.code, exc.read(1024 * 1024) if exc.fp else b"")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise ErroreDiRete(str(getattr(exc, "reason", exc))) from exc


def esito_http(r: Risposta, cosa: str):
    """Map an HTTP status to a delivery outcome: 2xx ok, 408/429/5xx retry, other 4xx give up."""
    from civico.comunicazioni.canali import Esito

    if 200 <= r.stato < 300:
        dati = r.json()
        return Esito.ok(str(dati.get("id", "")) if isinstance(dati, dict) else "")
    errore = f"{cosa}: HTTP {r.stato} {r.corpo[:300].decode('utf-8', 'replace')}"
    if r.stato in (408, 425, 429) or r.stato >= 500:
        return Esito.temporaneo(errore)
    return Esito.permanente(errore)
