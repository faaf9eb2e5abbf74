"""The browsers' Web Push subscriptions of a signed-in citizen, and the VAPID key pair."""

from __future__ import annotations

import base64
import binascii

from django.utils.translation import gettext_lazy

from civico.accounts.models import Utente
from civico.comunicazioni.impostazioni import impostazione
from civico.comunicazioni.models import AbbonamentoPush
from civico.core import rete
from civico.errors import InvalidData


def _b64url(testo: str) -> bytes:
    testo = testo.strip()
    return base64.urlsafe_b64decode(testo + "=" * (-len(testo) % 4))


def _valida(dati: object) -> tuple[str, str, str]:
    """PushSubscription.toJSON(): an https endpoint, a P-256 public key and a 16-byte secret."""
    errore = InvalidData({"abbonamento": [gettext_lazy("Abbonamento alle notifiche non valido.")]})
    try:
        endpoint = str(dati["endpoint"])  # type: ignore[index]
        chiavi = dati["keys"]  # type: ignore[index]
        p256dh, auth = str(chiavi["p256dh"]), str(chiavi["auth"])
        chiave, segreto = _b64url(p256dh), _b64url(auth)
    except (KeyError, TypeError, ValueError, binascii.Error):
        raise errore from None
    if len(endpoint) > 1000 or len(chiave) != 65 or chiave[0] != 4 or len(segreto) != 16:
        raise errore
    try:
        endpoint = verifica_endpoint(endpoint)
    except rete.UrlNonPermesso as exc:
        raise InvalidData({"abbonamento": [exc.messaggio]}) from None
    return endpoint, p256dh.strip(), auth.strip()


def _regole() -> dict:
    """Where push messages may go: the known push services (PUSH_SERVIZI_PERMESSI), public
    addresses only; loopback too only with PUSH_ENDPOINT_LOCALI (tests)."""
    return {"locale": rete.locale_permessa(impostazione("PUSH_ENDPOINT_LOCALI")),
            "host_permessi": tuple(impostazione("PUSH_SERVIZI_PERMESSI"))}


def verifica_endpoint(endpoint: str) -> str:
    """Save time and send time: an endpoint of a known push service, resolving outside our network.
    Raises rete.UrlNonPermesso (rete.NomeNonRisolto when the name does not resolve)."""
    return rete.verifica_url(endpoint, **_regole())


def sessione_http():
    """The HTTP session push messages are sent through: the same rules at every connection."""
    return rete.sessione(**_regole())


def salva(utente: Utente, dati: object) -> AbbonamentoPush:
    """Store (or move to this citizen) the browser's subscription."""
    endpoint, p256dh, auth = _valida(dati)
    abbonamento, _ = AbbonamentoPush.objects.update_or_create(
        endpoint=endpoint,
        defaults={"utente": utente, "p256dh": p256dh, "auth": auth, "attivo": True, "disattivato_il": None},
    )
    return abbonamento


def elimina(utente: Utente, endpoint: str) -> bool:
    cancellati, _ = AbbonamentoPush.objects.filter(utente=utente, endpoint=str(endpoint)[:1000]).delete()
    return cancellati > 0


def dispositivi(utente: Utente) -> int:
    return AbbonamentoPush.objects.filter(utente=utente, attivo=True).count()


def chiave_pubblica() -> str:
    """The VAPID public key the browser passes to pushManager.subscribe (applicationServerKey)."""
    from civico.comunicazioni.canali import push

    return impostazione("VAPID_PUBLIC_KEY") if push.configurato() else ""


def genera_chiavi() -> tuple[str, str]:
    """A new VAPID pair: (private key as raw base64url, public key as uncompressed point)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    privata = ec.generate_private_key(ec.SECP256R1())
    grezza = privata.private_numbers().private_value.to_bytes(32, "big")
    pubblica = privata.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    codifica = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()  # noqa: E731
    return codifica(grezza), codifica(pubblica)
