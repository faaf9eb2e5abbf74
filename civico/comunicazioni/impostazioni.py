"""The app's settings: defaults, overridden by the environment, overridden by
`settings.CIVICO_COMUNICAZIONI`. Read at call time, so tests can override them."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.conf import settings

_DA_AMBIENTE = {
    "SMS_URL": "CIVICO_SMS_URL",
    "SMS_TOKEN": "CIVICO_SMS_TOKEN",
    "SMS_MITTENTE": "CIVICO_SMS_MITTENTE",
    "SMS_SEGRETO_IN_ARRIVO": "CIVICO_SMS_SEGRETO",
    "SMS_ENTE_PREDEFINITO": "CIVICO_SMS_ENTE",
    "VAPID_PUBLIC_KEY": "CIVICO_VAPID_PUBLIC_KEY",
    "VAPID_PRIVATE_KEY": "CIVICO_VAPID_PRIVATE_KEY",
    "VAPID_SUBJECT": "CIVICO_VAPID_SUBJECT",
    "APP_IO_URL": "CIVICO_APP_IO_URL",
    "TELEGRAM_TOKEN": "CIVICO_TELEGRAM_TOKEN",
    "TELEGRAM_SEGRETO": "CIVICO_TELEGRAM_SEGRETO",
    "TELEGRAM_BOT": "CIVICO_TELEGRAM_BOT",
    "TELEGRAM_ENTE": "CIVICO_TELEGRAM_ENTE",
    "TELEGRAM_URL": "CIVICO_TELEGRAM_URL",
    "EMAIL_IN_ARRIVO_DOMINIO": "CIVICO_EMAIL_IN_ARRIVO_DOMINIO",
    "EMAIL_IN_ARRIVO_AUTHSERV_ID": "CIVICO_EMAIL_IN_ARRIVO_AUTHSERV_ID",
    "DOMINI_MITTENTE_VERIFICATI": "CIVICO_DOMINI_MITTENTE_VERIFICATI",
}

PREDEFINITE: dict[str, Any] = {
    # The delivery channels (comunicazioni/canali/), in the order people see them: a new channel is
    # its module plus one line here (docs/canali.md).
    "CANALI": (
        "civico.comunicazioni.canali.email.CANALE",
        "civico.comunicazioni.canali.sms.CANALE",
        "civico.comunicazioni.canali.push.CANALE",
        "civico.comunicazioni.canali.appio.CANALE",
        "civico.comunicazioni.canali.telegram.CANALE",
    ),
    # Delivery: attempt n waits ATTESA_BASE * 2**(n-1) seconds (capped), MAX_TENTATIVI in all.
    "MAX_TENTATIVI": 8,
    "ATTESA_BASE_SECONDI": 60.0,
    "ATTESA_MASSIMA_SECONDI": 6 * 3600.0,
    # A row left "sending" longer than this (a worker died mid-send) is tried again. A running
    # batch renews it every third of it; one send is bounded by EMAIL_TIMEOUT, well below it.
    "LEASE_INVIO_SECONDI": 30.0,
    # How often the sweeper inside each worker looks for expired leases and forgotten rows:
    # with the lease, a killed worker's messages leave within 30 + 10 s of its return.
    "SPAZZINO_OGNI_SECONDI": 10.0,
    # The sweeper leaves alone rows due for less than this: their task is probably queued.
    "GRAZIA_SPAZZINO_SECONDI": 120.0,
    "TIMEOUT_HTTP_SECONDI": 10.0,
    # The staff's daily work digest (comunicazioni.personale) leaves from this local hour on; the
    # worker looks every few minutes, and the digest's key allows one per person per day.
    "ORA_RIEPILOGO_PERSONALE": 7,
    "SMS_URL": "",
    "SMS_TOKEN": "",
    "SMS_MITTENTE": "Civico",
    "SMS_SEGRETO_IN_ARRIVO": "",
    "SMS_ENTE_PREDEFINITO": "",
    "VAPID_PUBLIC_KEY": "",
    "VAPID_PRIVATE_KEY": "",
    "VAPID_SUBJECT": "",
    # Dotted path of a ServizioPush; empty: pywebpush when the VAPID keys are set.
    "PUSH_SERVIZIO": "",
    # Accept http://127.0.0.1 endpoints (a push service on loopback, in tests): never in production.
    # Private and metadata addresses stay refused even then (civico.core.rete).
    "PUSH_ENDPOINT_LOCALI": False,
    # The push services browsers use; an endpoint elsewhere is refused at save and at send time.
    "PUSH_SERVIZI_PERMESSI": ("fcm.googleapis.com", "updates.push.services.mozilla.com",
                              "*.push.apple.com", "*.notify.windows.com"),
    "APP_IO_URL": "https://api.io.pagopa.it",
    # Telegram (canali/telegram.py): the bot's token, the webhook's secret_token, its username
    # (deep links), the comune its incoming reports go to (slug), the Bot API's address.
    "TELEGRAM_TOKEN": "",
    "TELEGRAM_SEGRETO": "",
    "TELEGRAM_BOT": "",
    "TELEGRAM_ENTE": "",
    "TELEGRAM_URL": "https://api.telegram.org",
    "EMAIL_IN_ARRIVO_DOMINIO": "",
    "EMAIL_IN_ARRIVO_MAX_BYTES": 30 * 1024 * 1024,
    # The authserv-id(s) of the MTA in front of the listener, whose Authentication-Results are
    # believed (comma-separated); empty: none is, DKIM is verified here (inbound/autenticazione.py).
    "EMAIL_IN_ARRIVO_AUTHSERV_ID": "",
    # dkimpy's DNS lookup (a callable or its dotted path); empty: dkimpy's own.
    "EMAIL_IN_ARRIVO_DNS": "",
    # Domains the platform may send e-mail for (its SPF/DKIM published there), comma-separated or
    # a list: a comune whose address is in one sends as itself, any other "tramite Civico" (mittenti.py).
    "DOMINI_MITTENTE_VERIFICATI": (),
    # Immediate area alerts per person (address) per channel per day, where a channel's own
    # `allerte_al_giorno` should not apply ({"sms": 1}); beyond, the daily digest.
    "ALLERTE_AL_GIORNO": {},
    # The reporter's yes/no links after resolution stay valid this long.
    "GIORNI_LINK_RISOLUZIONE": 30,
    # The confirmation link of a follower without an account (double opt-in) stays valid this long.
    "GIORNI_CONFERMA_ISCRIZIONE": 7,
}


def impostazione(nome: str) -> Any:
    propri = getattr(settings, "CIVICO_COMUNICAZIONI", {}) or {}
    if nome in propri:
        return propri[nome]
    variabile = _DA_AMBIENTE.get(nome)
    if variabile and os.environ.get(variabile):
        return os.environ[variabile]
    if nome.startswith("VAPID_") and (dal_file := _vapid_locale().get(nome)):
        return dal_file
    return PREDEFINITE[nome]


def file_vapid() -> Path:
    """Where `civico genera_vapid --var` keeps the demo's key pair (like var/secret_key)."""
    return Path(settings.VAR_DIR) / "vapid.json"


def _vapid_locale() -> dict[str, str]:
    try:
        dati = json.loads(file_vapid().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: str(v) for k, v in dati.items() if k.startswith("VAPID_")} if isinstance(dati, dict) else {}


def mittente() -> str:
    return settings.DEFAULT_FROM_EMAIL


def url_assoluto(percorso: str) -> str:
    return settings.CIVICO["BASE_URL"].rstrip("/") + percorso
