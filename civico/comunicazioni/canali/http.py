"""A small JSON-over-HTTP client on the standard library (the providers' APIs are simple)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import requests

from civico.comunicazioni.impostazioni import impostazione
from civico.core import rete


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
    """Through civico.core.rete: the provider's URL is checked like any other the server calls
    (https, never an address inside our network, no redirects)."""
    corpo = None if dati is None else json.dumps(dati).encode()
    testata = {"Accept": "application/json", **({"Content-Type": "application/json"} if corpo is not None else {})}
    testata.update(intestazioni or {})
    try:
        with rete.sessione() as sessione, sessione.request(
            metodo, url, data=corpo, headers=testata, stream=True, allow_redirects=False,
            timeout=float(impostazione("TIMEOUT_HTTP_SECONDI")),
        ) as r:  # at most 1 MB of the answer is read
            return Risposta(r.status_code, r.raw.read(1024 * 1024, decode_content=True))
    except (requests.RequestException, OSError, ValueError) as exc:
        raise ErroreDiRete(str(exc)) from exc


def esito_http(r: Risposta, cosa: str):
    """Map an HTTP status to a delivery outcome: 2xx ok, 408/429/5xx retry, other 4xx give up."""
    from civico.comunicazioni.canali import EsitoInvio

    if 200 <= r.stato < 300:
        dati = r.json()
        return EsitoInvio.ok(str(dati.get("id", "")) if isinstance(dati, dict) else "")
    errore = f"{cosa}: HTTP {r.stato} {r.corpo[:300].decode('utf-8', 'replace')}"
    if r.stato in (408, 425, 429) or r.stato >= 500:
        return EsitoInvio.temporaneo(errore)
    return EsitoInvio.permanente(errore)
