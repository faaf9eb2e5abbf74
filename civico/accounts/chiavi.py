"""API credentials: client applications' keys (Open311 api_key) and staff tokens.

Keys and tokens are random, shown once, and stored only as SHA-256 hashes: a leaked database
does not leak working credentials.
"""

from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone

from civico.accounts.models import ApplicazioneClient, TokenAccesso, Utente
from civico.enti.models import Ente


def _hash(segreto: str) -> str:
    return hashlib.sha256(segreto.encode()).hexdigest()


def nuovo_segreto(prefisso: str) -> str:
    return f"{prefisso}_{secrets.token_urlsafe(32)}"


def crea_applicazione(
    nome: str, *, ente: Ente | None = None, chiave: str | None = None, **campi
) -> tuple[ApplicazioneClient, str]:
    """Register a client application; returns it and its key (the only time it is readable)."""
    chiave = chiave or nuovo_segreto("cv")
    app = ApplicazioneClient.objects.create(
        nome=nome, ente=ente, prefisso=chiave[:10], chiave_hash=_hash(chiave), **campi
    )
    return app, chiave


def imposta_chiave(app: ApplicazioneClient, chiave: str) -> None:
    """Give an application a known key (the demo's CIVICO_DEMO_API_KEY)."""
    app.prefisso, app.chiave_hash = chiave[:10], _hash(chiave)
    app.save(update_fields=["prefisso", "chiave_hash"])


def applicazione_per_chiave(chiave: str | None) -> ApplicazioneClient | None:
    """The active application holding this key, or None (unknown, revoked or empty)."""
    if not chiave or len(chiave) > 200:
        return None
    return (
        ApplicazioneClient.objects.select_related("ente")
        .filter(chiave_hash=_hash(chiave), attiva=True, revocata_il__isnull=True)
        .first()
    )


def revoca(app: ApplicazioneClient) -> None:
    app.attiva, app.revocata_il = False, timezone.now()
    app.save(update_fields=["attiva", "revocata_il"])


def crea_token(utente: Utente, nome: str) -> tuple[TokenAccesso, str]:
    token = nuovo_segreto("cvt")
    oggetto = TokenAccesso.objects.create(
        utente=utente, nome=nome, prefisso=token[:11], token_hash=_hash(token)
    )
    return oggetto, token


def revoca_token(token: TokenAccesso) -> None:
    token.revocato_il = timezone.now()
    token.save(update_fields=["revocato_il"])


def utente_per_token(token: str | None) -> Utente | None:
    """The active user of a valid, unrevoked token; records its use."""
    if not token or len(token) > 200:
        return None
    trovato = (
        TokenAccesso.objects.select_related("utente")
        .filter(token_hash=_hash(token), revocato_il__isnull=True, utente__is_active=True)
        .first()
    )
    if trovato is None:
        return None
    TokenAccesso.objects.filter(pk=trovato.pk).update(usato_il=timezone.now())
    return trovato.utente
