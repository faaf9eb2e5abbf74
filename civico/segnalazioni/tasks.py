"""Background work of the reports (django-tasks): re-encoding an uploaded photo."""

from __future__ import annotations

from django_tasks import task


@task()
def elabora_foto(allegato_id: int) -> bool:
    from civico.segnalazioni.elaborazione import elabora

    return elabora(allegato_id)
