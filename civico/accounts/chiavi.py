"""API credentials: client applications' keys (Open311 api_key) and staff tokens.

Keys and tokens are random, shown once, and stored only as SHA-256 hashes: a leaked database
does not leak working credentials.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q
from django.utils import timezone

from civico.accounts.models import ApplicazioneClient, TokenAccesso, Utente, tutti_gli_scopi
from civico.core.memoria import Memoria
from civico.enti.models import Ente

# The ente too: an application sends only to its own, and whether that ente is active matters.
_memoria = Memoria("applicazioni", ("accounts.ApplicazioneClient", "enti.Ente"), ttl_s=60)


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
    """The active application holding this key, or None (unknown, revoked or empty).

    Every request of an application asks this: known keys are remembered per process until an
    application or an ente is saved (or the memory's TTL passes); a revoked key stops working at
    once. Unknown keys are not remembered: nobody fills the memory by guessing. The application
    returned is shared: read it, never modify it."""
    if not chiave or len(chiave) > 200:
        return None
    impronta = _hash(chiave)
    return _memoria.prendi(impronta, lambda: _attiva(impronta), ricorda_none=False)


def _attiva(impronta: str) -> ApplicazioneClient | None:
    return (
        ApplicazioneClient.objects.using(DEFAULT_DB_ALIAS).select_related("ente")
        .defer("ente__confine")  # a comune's boundary is large and an application never reads it
        .filter(chiave_hash=impronta, attiva=True, revocata_il__isnull=True)
        .first()
    )


def revoca(app: ApplicazioneClient) -> None:
    app.attiva, app.revocata_il = False, timezone.now()
    app.save(update_fields=["attiva", "revocata_il"])


def crea_token(
    utente: Utente, nome: str, *, ente: Ente | None = None, scopi: list[str] | None = None,
    scade_il: datetime | None = None, creato_da: Utente | None = None,
) -> tuple[TokenAccesso, str]:
    """A staff API token for `utente`; returns it and its secret (the only time it is readable)."""
    token = nuovo_segreto("cvt")
    oggetto = TokenAccesso.objects.create(
        utente=utente, nome=nome, prefisso=token[:11], token_hash=_hash(token), ente=ente,
        scopi=list(scopi) if scopi is not None else tutti_gli_scopi(), scade_il=scade_il, creato_da=creato_da,
    )
    return oggetto, token


def revoca_token(token: TokenAccesso) -> None:
    token.revocato_il = timezone.now()
    token.save(update_fields=["revocato_il"])


def token_valido(token: str | None) -> TokenAccesso | None:
    """The valid token (known, unrevoked, unexpired, of an active user) with its user; records its use.

    Never remembered between requests: a revoked or expired token is refused on its next call."""
    if not token or len(token) > 200:
        return None
    adesso = timezone.now()
    trovato = (
        TokenAccesso.objects.select_related("utente")
        .filter(token_hash=_hash(token), revocato_il__isnull=True, utente__is_active=True)
        .filter(Q(scade_il__isnull=True) | Q(scade_il__gt=adesso))
        .first()
    )
    if trovato is None:
        return None
    TokenAccesso.objects.filter(pk=trovato.pk).update(usato_il=adesso)
    return trovato

