"""A new report's work that may wait for the worker, and the one rule of whether it does.

The outbox (civico.comunicazioni, a layer above) keeps a new report's owed work in one row written
in the report's transaction (`EventoDaScrivere`), hands it to the worker in the same transaction
and finds it again with its sweeper if the task is lost. The worker then writes the receipt and
sends `completata` once (under that row's lock): its receivers do what the request left, the staff's
triage suggestion for a category the citizen chose (below: the analytics and the back office read
it; a report without a category still needs triage in the request, to pick one) and the search for
duplicates (backoffice.coda_duplicati). The outbox registers the rule (`registra_regola`), so that
intake, the outbox and those receivers agree on who does the work.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction
from django.dispatch import Signal, receiver

logger = logging.getLogger(__name__)

# Sent by the worker that completes a new report (segnalazione=…), inside its transaction. Each
# receiver keeps its own savepoint: one failing is logged and never stops the receipt.
completata = Signal()

_regola: Callable[[], bool] = lambda: False  # noqa: E731 - nobody registered: everything in the request


def registra_regola(regola: Callable[[], bool]) -> None:
    global _regola
    _regola = regola


def dal_worker() -> bool:
    """Whether the worker completes the reports created now (False: the request does it all)."""
    return _regola()


@receiver(completata, dispatch_uid="segnalazioni.arrivo.triage")
def _suggerimento_del_triage(sender, segnalazione, **kwargs) -> None:
    """The staff's triage suggestion for a chosen category, written once (intake writes the one
    for a category triage picked, in the request)."""
    from civico.triage import servizi as triage
    from civico.triage.models import SuggerimentoTriage

    try:
        with transaction.atomic():
            if not SuggerimentoTriage.objects.filter(segnalazione=segnalazione).exists():
                triage.registra_all_arrivo(segnalazione, None)
    except Exception:
        logger.exception("Triage: suggerimento non registrato per la segnalazione %s", segnalazione.pk)
