"""App IO (PagoPA): check the citizen's profile, then send the message, with the ente's key.

Contract (IO "services" API v1): `GET /api/v1/profiles/{fiscal_code}` answers
`{"sender_allowed": bool}` (404: not an IO user); `POST /api/v1/messages/{fiscal_code}` with
`{"content": {"subject", "markdown"}}` answers 201 `{"id": …}`. Header `Ocp-Apim-Subscription-Key`.
Subject 10–120 characters, markdown 80–10,000."""

from __future__ import annotations

from civico.comunicazioni.canali import Esito
from civico.comunicazioni.canali.http import ErroreDiRete, esito_http, richiesta
from civico.comunicazioni.impostazioni import impostazione

OGGETTO = (10, 120)
MARKDOWN = (80, 10_000)


def chiave_ente(ente) -> str:
    canali = getattr(ente, "canali", None) if ente is not None else None
    try:
        return canali.chiave_app_io if canali else ""
    except Exception:  # noqa: BLE001 - no CanaliEnte row
        return ""


def adatta(oggetto: str, markdown: str) -> tuple[str, str]:
    """Fit IO's length rules: cut what is too long, pad what is too short with a plain line."""
    oggetto = oggetto.strip()[: OGGETTO[1]]
    if len(oggetto) < OGGETTO[0]:
        oggetto = (oggetto + " · Civico").strip(" ·")[: OGGETTO[1]].ljust(OGGETTO[0], ".")
    markdown = markdown.strip()
    if len(markdown) > MARKDOWN[1]:
        markdown = markdown[: MARKDOWN[1] - 1] + "…"
    while len(markdown) < MARKDOWN[0]:
        markdown += "\n\n---\n\nCivico"
    return oggetto, markdown


class CanaleAppIo:
    def disponibile(self, ente) -> bool:
        return bool(chiave_ente(ente))

    def invia(self, notifica) -> Esito:
        chiave = chiave_ente(notifica.ente)
        if not chiave:
            return Esito.permanente("App IO: l'ente non ha una chiave API")
        base = impostazione("APP_IO_URL").rstrip("/")
        cf = notifica.indirizzo.upper()
        intestazioni = {"Ocp-Apim-Subscription-Key": chiave}
        try:
            profilo = richiesta("GET", f"{base}/api/v1/profiles/{cf}", intestazioni=intestazioni)
            if profilo.stato == 404:
                return Esito.permanente("App IO: il cittadino non usa l'app IO")
            if profilo.stato != 200:
                return esito_http(profilo, "App IO (profilo)")
            dati = profilo.json()
            if not isinstance(dati, dict) or not dati.get("sender_allowed", False):
                return Esito.permanente("App IO: il cittadino non riceve messaggi da questo servizio")
            oggetto, markdown = adatta(notifica.oggetto, notifica.testo)
            r = richiesta(
                "POST", f"{base}/api/v1/messages/{cf}", intestazioni=intestazioni,
                dati={"time_to_live": 3600, "content": {"subject": oggetto, "markdown": markdown}},
            )
        except ErroreDiRete as exc:
            return Esito.temporaneo(f"App IO: {exc}")
        return esito_http(r, "App IO")


CANALE = CanaleAppIo()
