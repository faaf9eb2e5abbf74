"""App IO (PagoPA): check the citizen's profile, then send the message, with the ente's key.

Contract (IO "services" API v1): `GET /api/v1/profiles/{fiscal_code}` answers
`{"sender_allowed": bool}` (404: not an IO user); `POST /api/v1/messages/{fiscal_code}` with
`{"content": {"subject", "markdown"}}` answers 201 `{"id": …}`. Header `Ocp-Apim-Subscription-Key`.
Subject 10–120 characters, markdown 80–10,000."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from civico.comunicazioni.canali import CampoPreferenza, CanaleDiConsegna, EsitoInvio
from civico.comunicazioni.canali.http import ErroreDiRete, esito_http, richiesta
from civico.comunicazioni.impostazioni import impostazione

# Omocodia replaces digits with letters L–V: accept them where digits go.
CODICE_FISCALE = re.compile(r"^[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$")
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


class CanaleAppIo(CanaleDiConsegna):
    nome = "app_io"
    etichetta = _("App IO")
    scelta = _("App IO (se il tuo comune la usa)")
    allerte_al_giorno = 5
    campo = CampoPreferenza("codice_fiscale", _("Codice fiscale (per l'app IO)"),
                            _("Per ricevere i messaggi nell'app IO indica il tuo codice fiscale."),
                            'maxlength="16" autocomplete="off"', "text-uppercase")

    def in_preferenze(self) -> bool:
        # Each ente has its own key: offered to all ("if your comune uses it"), used where set.
        return True

    def disponibile(self, ente) -> bool:
        return bool(chiave_ente(ente))

    def indirizzi(self, utente, p, d) -> list[str]:
        return [p.codice_fiscale.upper()] if p.codice_fiscale else []

    def normalizza(self, valore: str) -> str:
        valore = valore.upper()
        if valore and not CODICE_FISCALE.match(valore):
            raise ValueError(_("Il codice fiscale non è valido."))
        return valore

    def maschera(self, indirizzo: str) -> str:
        return f"…{indirizzo[-4:]}"

    def formato(self, m) -> tuple[str, str, str]:
        return m.oggetto, m.testo, ""  # App IO shows markdown: the plain text part

    def invia(self, notifica) -> EsitoInvio:
        chiave = chiave_ente(notifica.ente)
        if not chiave:
            return EsitoInvio.permanente("App IO: l'ente non ha una chiave API")
        base = impostazione("APP_IO_URL").rstrip("/")
        cf = notifica.indirizzo.upper()
        intestazioni = {"Ocp-Apim-Subscription-Key": chiave}
        try:
            profilo = richiesta("GET", f"{base}/api/v1/profiles/{cf}", intestazioni=intestazioni)
            if profilo.stato == 404:
                return EsitoInvio.permanente("App IO: il cittadino non usa l'app IO")
            if profilo.stato != 200:
                return esito_http(profilo, "App IO (profilo)")
            dati = profilo.json()
            if not isinstance(dati, dict) or not dati.get("sender_allowed", False):
                return EsitoInvio.permanente("App IO: il cittadino non riceve messaggi da questo servizio")
            oggetto, markdown = adatta(notifica.oggetto, notifica.testo)
            r = richiesta(
                "POST", f"{base}/api/v1/messages/{cf}", intestazioni=intestazioni,
                dati={"time_to_live": 3600, "content": {"subject": oggetto, "markdown": markdown}},
            )
        except ErroreDiRete as exc:
            return EsitoInvio.temporaneo(f"App IO: {exc}")
        return esito_http(r, "App IO")


CANALE = CanaleAppIo()
