"""Web Push (VAPID). The encryption and signing need `pywebpush`; without it, or without VAPID
keys, the channel is "not configured" and no push notification is even written.

A push service answering 404/410 says the browser dropped the subscription: it is switched off
and never used again."""

from __future__ import annotations

import json
import logging
from typing import Protocol

from django.utils import timezone
from django.utils.module_loading import import_string

from civico.comunicazioni.canali import Esito
from civico.comunicazioni.canali.http import ErroreDiRete
from civico.comunicazioni.impostazioni import impostazione
from civico.comunicazioni.models import AbbonamentoPush

logger = logging.getLogger(__name__)


class ServizioPush(Protocol):
    def invia(self, endpoint: str, p256dh: str, auth: str, payload: bytes) -> int:
        """Deliver one encrypted message; return the push service's HTTP status. Raise
        ErroreDiRete when there was no answer."""


class ServizioPywebpush:
    """The real one, on pywebpush (aes128gcm + VAPID)."""

    def invia(self, endpoint: str, p256dh: str, auth: str, payload: bytes) -> int:
        from pywebpush import WebPushException, webpush

        try:
            r = webpush(
                subscription_info={"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}},
                data=payload, vapid_private_key=impostazione("VAPID_PRIVATE_KEY"),
                vapid_claims={"sub": impostazione("VAPID_SUBJECT")}, ttl=86400,
                timeout=float(impostazione("TIMEOUT_HTTP_SECONDI")),
            )
        except WebPushException as exc:
            if exc.response is not None:
                return exc.response.status_code
            raise ErroreDiRete(str(exc)) from exc
        except OSError as exc:
            raise ErroreDiRete(str(exc)) from exc
        return r.status_code


def servizio() -> ServizioPush | None:
    percorso = impostazione("PUSH_SERVIZIO")
    if percorso:
        return import_string(percorso)()
    if not (impostazione("VAPID_PRIVATE_KEY") and impostazione("VAPID_SUBJECT")):
        return None
    try:
        import pywebpush  # noqa: F401
    except ImportError:
        return None
    return ServizioPywebpush()


class CanalePush:
    def disponibile(self, ente) -> bool:
        return servizio() is not None

    def invia(self, notifica) -> Esito:
        s = servizio()
        if s is None:
            return Esito.permanente("Web Push non configurato")
        a = AbbonamentoPush.objects.filter(pk=int(notifica.indirizzo)).first()
        if a is None or not a.attivo:
            return Esito.permanente("Web Push: abbonamento non più attivo")
        payload = json.dumps(
            {"title": notifica.oggetto, "body": notifica.testo[:300], "url": notifica.dati.get("url", "")}
        ).encode()
        try:
            stato = s.invia(a.endpoint, a.p256dh, a.auth, payload)
        except ErroreDiRete as exc:
            return Esito.temporaneo(f"Web Push: {exc}")
        if 200 <= stato < 300:
            return Esito.ok()
        if stato in (404, 410):
            AbbonamentoPush.objects.filter(pk=a.pk).update(attivo=False, disattivato_il=timezone.now())
            logger.info("Abbonamento push %s scaduto (HTTP %s): disattivato", a.pk, stato)
            return Esito.permanente(f"Web Push: abbonamento scaduto (HTTP {stato})")
        if stato in (429,) or stato >= 500:
            return Esito.temporaneo(f"Web Push: HTTP {stato}")
        return Esito.permanente(f"Web Push: HTTP {stato}")


CANALE = CanalePush()
