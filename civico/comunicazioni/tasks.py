"""Background work (django-tasks): delivery, the sweeper, the daily digests."""

from __future__ import annotations

from django_tasks import task


@task()
def consegna_notifica(notifica_id: int) -> str:
    from civico.comunicazioni.consegna import consegna

    return consegna(notifica_id)


@task()
def consegna_lotto(notifica_ids: list[int]) -> dict[str, int]:
    from civico.comunicazioni.consegna import consegna_lotto as consegna

    return consegna(notifica_ids)


@task()
def scrivi_notifiche(evento_id: int) -> int:
    from civico.comunicazioni.consegna import accoda
    from civico.comunicazioni.outbox import scrivi_sospesi

    righe = scrivi_sospesi([evento_id])
    # Ahead of the queue: the receipt is what the citizen waits for, and it comes before any
    # answer already queued for the same report.
    accoda([n.pk for n in righe], urgente=True)
    return len(righe)


@task()
def consegna_in_sospeso() -> int:
    from civico.comunicazioni.consegna import in_sospeso

    return in_sospeso()


@task()
def invia_riepiloghi() -> int:
    from civico.comunicazioni.allerte import invia_riepiloghi as invia

    return invia()


@task()
def invia_riepiloghi_personale(solo_ritardi: bool = False) -> int:
    from civico.comunicazioni.personale import invia_riepiloghi as invia

    return invia(solo_ritardi=solo_ritardi)
