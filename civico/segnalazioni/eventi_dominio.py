"""The one dispatcher of the reports' domain events: what the reports layer tells the apps above.

The reports layer must not import `comunicazioni` (a layer up), yet some of its steps have side
effects there: forwarding or merging a report moves its followers, the deadline job sends the
managers their overdue summary. Each such step calls `emetti(NAME, …)` explicitly, at the point
where the side effect happens, and the app above registers its handler in its AppConfig.ready()
with `gestisci(NAME, handler)`.

- Handlers run synchronously, in the order they were registered, inside the caller's transaction
  (a handler that raises rolls the step back, as the direct call did before).
- `emetti` returns the handlers' results, in order (e.g. how many followers moved).
- Only the events named in `EVENTI` exist: emitting or handling another name is a programming
  error (`KeyError`), so a typo never silently drops a side effect.

docs/workflow.md lists each event, who emits it and who handles it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# A duplicate was merged into its main report (workflow.transition → unione.unisci_al_principale),
# inside the transition's transaction. Arguments: duplicata, principale. Handlers return how many
# followers moved.
DUPLICATO_UNITO = "duplicato_unito"
# A report was forwarded to another comune (routing.inoltra), inside its transaction, after the old
# report was rejected. Arguments: vecchia, nuova.
SEGNALAZIONE_INOLTRATA = "segnalazione_inoltrata"
# The deadline job (`civico controlla_scadenze`) recorded the overdue escalations. No arguments;
# handlers return how many overdue summaries they sent.
RITARDI_SOLLECITATI = "ritardi_sollecitati"

EVENTI = frozenset({DUPLICATO_UNITO, SEGNALAZIONE_INOLTRATA, RITARDI_SOLLECITATI})

_gestori: dict[str, list[Callable[..., Any]]] = {nome: [] for nome in EVENTI}


def gestisci(nome: str, gestore: Callable[..., Any]) -> None:
    """Register `gestore` for the event `nome` (once: registering it again changes nothing)."""
    gestori = _gestori[_nome(nome)]
    if gestore not in gestori:
        gestori.append(gestore)


def emetti(nome: str, **dati: Any) -> list[Any]:
    """Call the handlers of `nome` with `dati`, in registration order; their results, in order."""
    return [gestore(**dati) for gestore in list(_gestori[_nome(nome)])]


def _nome(nome: str) -> str:
    if nome not in EVENTI:
        raise KeyError(f"Evento di dominio sconosciuto: {nome!r}")
    return nome
