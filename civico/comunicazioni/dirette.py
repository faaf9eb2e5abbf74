"""E-mails to one address that belong to no report (a sign-in link): one outbox row, delivered
by the worker after commit like every other message. The request that asks never talks SMTP, so
an SMTP outage delays the message (retries with backoff) instead of failing the page."""

from __future__ import annotations

from django.utils import timezone

from civico.comunicazioni.consegna import URGENTI, accoda_dopo_il_commit
from civico.comunicazioni.destinatari import chiave
from civico.comunicazioni.models import CanaleConsegna, Notifica


def email(indirizzo: str, oggetto: str, testo: str, *, origine: str, motivo: str, lingua: str = "it") -> Notifica:
    """Write the row (`origine` makes its delivery key: the same origin reaches an address once)
    and have it sent after commit; `motivo` in `consegna.URGENTI` goes ahead of the queue."""
    adesso = timezone.now()
    n = Notifica.objects.create(
        chiave=chiave(origine, CanaleConsegna.EMAIL, indirizzo), canale=CanaleConsegna.EMAIL, indirizzo=indirizzo,
        lingua=lingua,
        motivo=motivo, oggetto=oggetto[:250], testo=testo, prossimo_tentativo_il=adesso, creata_il=adesso,
    )
    accoda_dopo_il_commit([n.pk], urgente=motivo in URGENTI)
    return n
