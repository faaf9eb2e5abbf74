"""Rows that expire on their own and belong to an app above `gdpr` (the portal's sign-in links).

The retention job (`cancellazione.pulisci_scaduti`) must drop them but may not import the app
that owns them: that app registers its own cleanup here in its AppConfig.ready(), and the job
calls what is registered, in the order it was registered, before its own rows.
"""

from __future__ import annotations

from collections.abc import Callable

# Deletes the expired rows and returns how many went.
Pulizia = Callable[[], int]

_pulizie: dict[str, Pulizia] = {}


def registra(etichetta: str, pulizia: Pulizia) -> None:
    """`pulizia`, counted under `etichetta` ("app.model", lower case) in the job's summary."""
    _pulizie[etichetta] = pulizia


def pulisci() -> dict[str, int]:
    """Run every registered cleanup: how many rows each dropped, per label."""
    return {etichetta: pulizia() for etichetta, pulizia in _pulizie.items()}
