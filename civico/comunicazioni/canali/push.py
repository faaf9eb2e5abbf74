"""Web Push (RFC 8030) with VAPID (RFC 8292) and aes128gcm (RFC 8291), through pywebpush.

Without VAPID keys (CIVICO_VAPID_PRIVATE_KEY/PUBLIC_KEY/SUBJECT, or var/vapid.json written by
`civico genera_vapid --var`) the channel is "not configured" and no push row is even written.

A push service answering 404/410 says the browser dropped the subscription: the subscription is
deleted (an endpoint is personal data with no further use) and the row fails without a retry."""

from __future__ import annotations

import json
import logging
import threading
from functools import lru_cache
from typing import Protocol

from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from civico.comunicazioni import abbonamenti
from civico.comunicazioni.canali import CanaleDiConsegna, EsitoInvio
from civico.comunicazioni.canali.http import ErroreDiRete
from civico.comunicazioni.impostazioni import impostazione
from civico.comunicazioni.models import AbbonamentoPush
from civico.core import rete

logger = logging.getLogger(__name__)
TTL_SECONDI = 86400  # a push not delivered within a day is stale news
MAX_PAYLOAD = 3000  # push services accept ~4 KB of ciphertext


class ServizioPush(Protocol):
    def invia(self, endpoint: str, p256dh: str, auth: str, payload: bytes) -> int:
        """Deliver one encrypted message; return the push service's HTTP status. Raise
        ErroreDiRete when there was no answer."""


@lru_cache(maxsize=4)
def _vapid(chiave_privata: str):
    from py_vapid import Vapid

    return Vapid.from_string(chiave_privata)


_locale = threading.local()


def _sessione():
    # One keep-alive session per worker thread: most pushes go to the same few services. It checks
    # every connection's address (civico.core.rete), so it is rebuilt when the rules change.
    regole = (impostazione("PUSH_ENDPOINT_LOCALI"), tuple(impostazione("PUSH_SERVIZI_PERMESSI")))
    if getattr(_locale, "regole", None) != regole:
        _locale.sessione = abbonamenti.sessione_http()
        _locale.regole = regole
    return _locale.sessione


class ServizioPywebpush:
    """The real one: pywebpush encrypts (aes128gcm) and signs the VAPID JWT."""

    def invia(self, endpoint: str, p256dh: str, auth: str, payload: bytes) -> int:
        import requests
        from pywebpush import WebPushException, webpush

        try:
            r = webpush(
                subscription_info={"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}},
                data=payload, vapid_private_key=_vapid(impostazione("VAPID_PRIVATE_KEY")),
                vapid_claims={"sub": impostazione("VAPID_SUBJECT")}, ttl=TTL_SECONDI,
                timeout=float(impostazione("TIMEOUT_HTTP_SECONDI")), requests_session=_sessione(),
            )
        except WebPushException as exc:
            if exc.response is not None:
                return exc.response.status_code
            raise ErroreDiRete(str(exc)) from exc
        except (requests.RequestException, OSError) as exc:
            raise ErroreDiRete(str(exc)) from exc
        return r.status_code


def configurato() -> bool:
    return bool(impostazione("VAPID_PRIVATE_KEY") and impostazione("VAPID_PUBLIC_KEY")
                and impostazione("VAPID_SUBJECT"))


def servizio() -> ServizioPush | None:
    percorso = impostazione("PUSH_SERVIZIO")
    if percorso:
        return import_string(percorso)()
    return ServizioPywebpush() if configurato() else None


def contenuto(notifica) -> bytes:
    """What the service worker shows: title, body, the page to open."""
    corpo = notifica.testo[:300]
    dati = {"title": notifica.oggetto[:120], "body": corpo, "url": notifica.dati.get("url", ""),
            "tag": notifica.segnalazione.codice if notifica.segnalazione_id else notifica.motivo}
    return json.dumps(dati, ensure_ascii=False).encode()[:MAX_PAYLOAD]


class CanalePush(CanaleDiConsegna):
    nome = "push"
    etichetta = _("Notifica push")
    scelta = _("Notifiche push sui dispositivi dove hai installato l'app")
    predefinito = True
    allerte_al_giorno = 10

    def in_preferenze(self) -> bool:
        # Offered before this server has VAPID keys too: the choice waits for them.
        return True

    def disponibile(self, ente) -> bool:
        return servizio() is not None

    def indirizzi(self, utente, p, d) -> list[str]:
        # One address per subscribed device: the subscription's id.
        attivi = AbbonamentoPush.objects.filter(utente=utente, attivo=True)
        return [str(pk) for pk in attivi.values_list("pk", flat=True)]

    def invia(self, notifica) -> EsitoInvio:
        s = servizio()
        if s is None:
            return EsitoInvio.permanente("Web Push non configurato")
        try:
            a = AbbonamentoPush.objects.filter(pk=int(notifica.indirizzo), attivo=True).first()
        except ValueError:
            a = None
        if a is None:
            return EsitoInvio.permanente("Web Push: abbonamento non più attivo")
        try:  # again at send time: a row saved before the rule, or a name that now points inside
            abbonamenti.verifica_endpoint(a.endpoint)
        except rete.NomeNonRisolto as exc:
            return EsitoInvio.temporaneo(f"Web Push: {exc}")
        except rete.UrlNonPermesso as exc:
            AbbonamentoPush.objects.filter(pk=a.pk).update(attivo=False, disattivato_il=timezone.now())
            logger.warning("Abbonamento push %s disattivato: %s", a.pk, exc)
            return EsitoInvio.permanente(f"Web Push: indirizzo non permesso ({exc})")
        try:
            stato = s.invia(a.endpoint, a.p256dh, a.auth, contenuto(notifica))
        except ErroreDiRete as exc:
            return EsitoInvio.temporaneo(f"Web Push: {exc}")
        if 200 <= stato < 300:
            return EsitoInvio.ok()
        if stato in (404, 410):
            AbbonamentoPush.objects.filter(pk=a.pk).delete()
            logger.info("Abbonamento push %s scaduto (HTTP %s): eliminato", a.pk, stato)
            return EsitoInvio.permanente(f"Web Push: abbonamento scaduto (HTTP {stato})")
        if stato in (408, 429) or stato >= 500:
            return EsitoInvio.temporaneo(f"Web Push: HTTP {stato}")
        return EsitoInvio.permanente(f"Web Push: HTTP {stato}")


CANALE = CanalePush()
