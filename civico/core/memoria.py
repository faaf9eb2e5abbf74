"""Per-process memory of read-mostly configuration: the catalogue, application keys, bans…

Reading them at every report cost a statement and most of a millisecond of ORM each. A `Memoria`
keeps what it loaded until either
- its version changes: any INSERT, UPDATE or DELETE on one of its models' tables, by any path
  (save(), queryset.update(), bulk_create, raw SQL), writes a new version into Django's cache, at
  once and again after commit (another process may reload in between and must not keep what it
  read then). With production's shared cache (the rate limits need one too) every process sees
  the change at its next lookup; the process that made it always does;
- its TTL passes (CIVICO["MEMORIA_TTL_SECONDS"] overrides every one): the bound on staleness for
  processes that each have a local-memory cache, and for writes made outside Django.
The shared version itself is read at most every VERIFICA_S seconds per process: read at every
lookup it cost a Redis round trip each, ~8 % of a worker's time in `make bench`. So a change made
in another process applies here within a second; in the process that made it, at once.
Loads read the primary database: a lagging replica must not be remembered as current.
What a Memoria returns is shared by requests and threads: callers read it and never modify it.

Why a wrapper over every statement (`_osserva`), not explicit `invalida()` calls at the writes:
the remembered tables are written by services, the admin, bulk `queryset.update()`/`delete()`,
imports, data migrations and management commands; an explicit call forgotten at any one of them
would leave every process serving a revoked key or a switched-off category until the TTL. The
wrapper costs one prefix check per statement and is the one place that decides staleness; tests/
segnalazioni/test_configurazione_in_memoria.py pins "a bulk update counts as much" across processes.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction
from django.db.backends.signals import connection_created

T = TypeVar("T")
VERIFICA_S = 1.0

_registro: list[Memoria] = []
_per_tabella: dict[str, list[Memoria]] | None = None  # built on the first write, once apps are ready
_SCRITTURA = re.compile(r'\s*(?:UPDATE|INSERT\s+INTO|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


class Memoria:
    def __init__(self, nome: str, modelli: tuple[str, ...], *, ttl_s: float):
        """`modelli`: "app_label.Model" whose writes make everything here stale."""
        global _per_tabella
        self.nome = nome
        self.modelli = modelli
        self.ttl_s = ttl_s
        self._chiave_versione = f"civico:memoria:{nome}"
        self._valori: dict[Hashable, Any] = {}
        self._versione: str | None = None
        self._caricata_il = 0.0
        self._condivisa: str | None = None  # the shared version as last read, and when
        self._letta_il = 0.0
        _registro.append(self)
        _per_tabella = None

    def prendi(self, chiave: Hashable, carica: Callable[[], T], *, ricorda_none: bool = True,
               solo_confermata: bool = False) -> T:
        """The value remembered under `chiave`, loaded by `carica()` if absent or stale.
        `ricorda_none=False`: a None is returned but not remembered (keys anyone may invent).
        `solo_confermata=True`: a value read while a transaction still open has written to these
        tables is returned but not remembered (a rollback sends no invalidation)."""
        valori = self._correnti()
        if chiave in valori:
            return valori[chiave]
        valore = carica()
        if (valore is not None or ricorda_none) and not (solo_confermata and self._scritta_senza_commit()):
            valori[chiave] = valore
        return valore

    def _scritta_senza_commit(self) -> bool:
        """Whether a transaction still open wrote to these tables: its pending `invalida` after
        commit (`_osserva`) is the mark; a rollback discards it with the writes."""
        return any(func == self.invalida for conn in connections.all(initialized_only=True)
                   for _sids, func, _robust in conn.run_on_commit)

    def invalida(self) -> None:
        """Forget everything, here and (through the shared version) in every process."""
        nuova = uuid.uuid4().hex
        cache.set(self._chiave_versione, nuova, timeout=None)
        self._versione, self._condivisa, self._letta_il = None, nuova, time.monotonic()

    def azzera(self) -> None:
        """Forget everything in this process only, the version read included (tests)."""
        self._valori, self._versione, self._condivisa = {}, None, None

    def _correnti(self) -> dict[Hashable, Any]:
        versione = self._versione_condivisa()
        adesso = time.monotonic()
        ttl = settings.CIVICO.get("MEMORIA_TTL_SECONDS", self.ttl_s)
        if versione != self._versione or adesso - self._caricata_il >= ttl:
            # A new dict, not clear(): a thread still reading the old one keeps a consistent view.
            self._valori, self._versione, self._caricata_il = {}, versione, adesso
        return self._valori

    def _versione_condivisa(self) -> str:
        adesso = time.monotonic()
        if self._condivisa is not None and adesso - self._letta_il < VERIFICA_S:
            return self._condivisa
        versione = cache.get(self._chiave_versione)
        if versione is None:  # first use, or the cache was cleared: whatever was loaded is stale
            cache.add(self._chiave_versione, uuid.uuid4().hex, timeout=None)
            versione = cache.get(self._chiave_versione) or ""
        self._condivisa, self._letta_il = versione, adesso
        return versione


def azzera_tutte() -> None:
    """Every memory of this process forgotten (tests: the database they read was rolled back)."""
    for memoria in _registro:
        memoria.azzera()


def _memorie_della_tabella(tabella: str) -> list[Memoria]:
    global _per_tabella
    if _per_tabella is None:
        mappa: dict[str, list[Memoria]] = {}
        for memoria in _registro:
            for modello in memoria.modelli:
                mappa.setdefault(apps.get_model(modello)._meta.db_table, []).append(memoria)
        _per_tabella = mappa
    return _per_tabella.get(tabella, [])


def _osserva(execute: Callable, sql: str, params: Any, many: bool, context: dict) -> Any:
    """A database execute wrapper: after a write to a remembered table, the memories are stale."""
    risultato = execute(sql, params, many, context)
    if sql[:1] in "UIDuid \n" and (trovata := _SCRITTURA.match(sql)):
        for memoria in _memorie_della_tabella(trovata[1]):
            memoria.invalida()
            transaction.on_commit(memoria.invalida, using=context["connection"].alias)
    return risultato


def _osserva_la_connessione(sender: Any, connection: Any, **kwargs: Any) -> None:
    # First in the list: execute_wrapper() blocks pop the last one when they end.
    if _osserva not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _osserva)


connection_created.connect(_osserva_la_connessione, dispatch_uid="civico.core.memoria")
for _connessione in connections.all(initialized_only=True):  # opened before this module was imported
    _osserva_la_connessione(None, _connessione)
