"""Background work of `gdpr` (django-tasks): the retention of reporters' contact data."""

from __future__ import annotations

from django_tasks import task


@task()
def applica_conservazione() -> int:
    """Run daily: `civico conservazione` from a timer runs it, or with `--in-coda` enqueues it here."""
    from civico.gdpr import diritti

    return diritti.applica_conservazione()
