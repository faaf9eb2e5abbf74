"""The inherited backlog: reports imported from the platform a comune used before Civico that are
still open and older than the age the comune chose (`Ente.pregresso_giorni`, 180 days by default).

They stay visible and workable, but the office did not let them run late on Civico: the inbox's
"in ritardo" tab, the overdue escalation and the dashboards leave them out (`sla.q_conta_nei_ritardi`)
unless the ente says to count them (`Ente.pregresso_nei_ritardi`). The importers mark them after each
import, and `civico segna_pregresso` (or the button in the configuration) marks already-imported data:
the same function, idempotent. Only imported reports are ever marked; a report that leaves the open
states keeps the marker (it tells where it came from), and a closed one is never marked.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from civico.enti.models import Ente
from civico.segnalazioni.models import Segnalazione
from civico.segnalazioni.workflow import APERTI


def candidate(ente: Ente, adesso: datetime | None = None) -> QuerySet[Segnalazione]:
    """Imported, still open, older than the ente's chosen age, and not yet marked."""
    soglia = (adesso or timezone.now()) - timedelta(days=ente.pregresso_giorni)
    return Segnalazione.objects.filter(
        ente=ente, pregressa=False, stato__in=APERTI, creata_il__lt=soglia
    ).exclude(origine="")


def segna(ente: Ente, adesso: datetime | None = None) -> int:
    """Mark the ente's inherited backlog; return how many reports were newly marked.

    One UPDATE, no event: the marker is a classification of where a report came from, not
    something that happened to it (the timeline and `versione` stay as they are)."""
    return candidate(ente, adesso).update(pregressa=True)
