"""Background work (django-tasks): retraining a comune's triage model on its labelled reports."""

from __future__ import annotations

from django_tasks import task


@task()
def riaddestra_triage(ente_id: int) -> int:
    """Returns the new model's version (0: not enough different categories to learn from yet)."""
    from civico.enti.models import Ente
    from civico.triage.servizi import riaddestra

    modello = riaddestra(Ente.objects.defer("confine").get(pk=ente_id))
    return modello.versione if modello is not None else 0
