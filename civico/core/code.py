"""Enqueueing a task for work a transaction makes due: with it when the queue is in the same
database, after its commit otherwise.

With the database queue (production's `django_tasks_db`) the task's row is one more INSERT in the
transaction that made the work due: it commits or rolls back with it, so the worker never sees a
task for a rolled-back change and a committed change never lacks its task, and the request saves
the transaction of its own that an after-commit enqueue costs. Any other backend (the tests'
immediate one runs the task at once; a broker outside the database) is called after the commit,
as before: a queue that fails then never costs the change (robust).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import DEFAULT_DB_ALIAS, router, transaction

from civico.core.inserimento import inserisci

logger = logging.getLogger(__name__)


def accoda_con_la_transazione(task: Any, *args: Any) -> None:
    """Enqueue `task(*args)` as part of the current transaction (see the module's docstring)."""
    if _nella_transazione(task):
        _riga_del_task(task, args)
        return

    def accoda() -> None:
        try:
            task.enqueue(*args)
        except Exception:  # noqa: BLE001 - callers keep what is owed elsewhere (outbox rows, the sweeper)
            logger.exception("Task %s non accodato", getattr(task, "name", task))

    transaction.on_commit(accoda)


def _nella_transazione(task: Any) -> bool:
    backend = task.get_backend()
    if not type(backend).__module__.startswith("django_tasks_db"):
        return False
    from django_tasks_db.models import DBTaskResult

    # The queue's table must be on the connection that holds the transaction.
    return (router.db_for_write(DBTaskResult) or DEFAULT_DB_ALIAS) == DEFAULT_DB_ALIAS \
        and transaction.get_connection().in_atomic_block


def _riga_del_task(task: Any, args: tuple) -> None:
    """What `DatabaseBackend.enqueue` writes (its row, `pre_save` included), through the statement
    `core.inserimento` builds once: `enqueue` compiles the ORM's INSERT, then builds its result
    object (importing the task by path) for a debug log line, on every report."""
    from django_tasks_db.compat import normalize_json
    from django_tasks_db.models import DBTaskResult

    backend = task.get_backend()
    backend.validate_task(task)
    inserisci(DBTaskResult(
        id=backend._get_id(), args_kwargs=normalize_json({"args": args, "kwargs": {}}),  # noqa: SLF001
        priority=task.priority, task_path=task.module_path, queue_name=task.queue_name,
        run_after=task.run_after, backend_name=backend.alias,
    ))
    logger.debug("Task path=%s accodato nella transazione (backend %s)", task.module_path, backend.alias)
