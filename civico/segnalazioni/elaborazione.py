"""The worker's half of a photo: re-encoding what intake stored as sent (issue #21).

Intake checks a photo in the request (a real image, within the pixel limit) and stores it as sent,
privately (`Allegato.grezzo`), in the report's transaction, with its task `tasks.elabora_foto`
(enqueued in that transaction with the database queue, after its commit otherwise). The task
re-encodes it (upright, resized, no EXIF, a thumbnail), fills
`Allegato.file` and deletes the upload. Until then every viewer gets a placeholder. A photo whose
task was lost (worker down, killed mid-task) is processed by the sweeper thread of `civico worker`;
processing twice does it once (row lock, skip locked, nothing left to do the second time).
With the inline task backend (tests, `make run` without a worker) intake re-encodes in the request
as before: the same work at the same moment.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from civico.errors import InvalidData
from civico.segnalazioni import media
from civico.segnalazioni.models import Allegato

logger = logging.getLogger(__name__)

# The sweeper leaves a photo this long to its task before doing it itself, and passes this often.
GRAZIA_SECONDI = 120
SPAZZINO_OGNI_SECONDI = 60


def differita() -> bool:
    """Whether photos are re-encoded by a worker (not inline, where deferring gains nothing and
    the task would run only after the request's transaction, which tests never commit)."""
    from django_tasks.backends.immediate import ImmediateBackend

    from civico.segnalazioni.tasks import elabora_foto

    return not isinstance(elabora_foto.get_backend(), ImmediateBackend)


def accoda(allegato_id: int) -> None:
    """Its task, with the report's transaction (one INSERT in it with the database queue; after the
    commit with another backend). A task lost anyway is the sweeper's."""
    from civico.core.code import accoda_con_la_transazione
    from civico.segnalazioni.tasks import elabora_foto

    accoda_con_la_transazione(elabora_foto, allegato_id)


def elabora(allegato_id: int) -> bool:
    """Re-encode one uploaded photo; False if there was nothing to do (done already, being done
    by another worker, gone with its report, or not an image after all: then it is dropped)."""
    scritti: list[str] = []
    try:
        with transaction.atomic():
            a = (Allegato.objects.select_for_update(skip_locked=True, of=("self",))
                 .select_related("segnalazione").exclude(grezzo="").filter(pk=allegato_id).first())
            if a is None:
                return False
            grezzo = a.grezzo.name
            with a.grezzo.open("rb") as f:
                dati = f.read()
            try:
                p = media.prepara_allegato(a.nome_originale or grezzo, dati)
            except InvalidData:
                # The request's check passed but the full decode did not (a JPEG damaged past its
                # first blocks' scale): there is no photo to show. Logged, and not kept.
                logger.warning("Foto %s della segnalazione %s non decodificabile: scartata",
                               a.pk, a.segnalazione_id)
                a.delete()
                transaction.on_commit(lambda: default_storage.delete(grezzo))
                return False
            a.file.save(p.nome_file, ContentFile(p.contenuto), save=False)
            scritti.append(a.file.name)
            if p.miniatura:
                a.miniatura.save(f"min-{p.nome_file}", ContentFile(p.miniatura), save=False)
                scritti.append(a.miniatura.name)
            a.content_type, a.dimensione, a.sha256 = p.content_type, p.dimensione, p.sha256
            a.larghezza, a.altezza, a.grezzo = p.larghezza, p.altezza, ""
            a.save(update_fields=["file", "miniatura", "content_type", "dimensione", "sha256",
                                  "larghezza", "altezza", "grezzo"])
            # The upload goes once the photo is committed: a rollback keeps it owed, not lost.
            transaction.on_commit(lambda: default_storage.delete(grezzo))
    except BaseException:
        for nome in scritti:
            default_storage.delete(nome)
        raise
    return True


def in_sospeso(*, grazia: float = GRAZIA_SECONDI, limite: int = 200) -> int:
    """The sweeper's pass: process the photos uploaded more than `grazia` seconds ago and still
    owed (their task lost, or the worker was down). Returns how many it processed."""
    prima_del = timezone.now() - timedelta(seconds=grazia)
    ids = list(Allegato.objects.exclude(grezzo="").filter(creato_il__lte=prima_del)
               .order_by("creato_il").values_list("pk", flat=True)[:limite])
    fatte = 0
    for pk in ids:
        try:
            fatte += elabora(pk)
        except Exception:  # one photo's failure (its upload missing from storage) must not stop the others
            logger.exception("Foto %s: elaborazione non riuscita, riprovo al prossimo passaggio", pk)
    if fatte:
        logger.warning("Spazzino: %s foto elaborate dopo che il loro compito era andato perso", fatte)
    return fatte


def misure() -> list[tuple[str, str, float | None]]:
    """For /metrics (core.metriche): the photos waiting for the worker and how long the oldest has."""
    in_attesa = Allegato.objects.exclude(grezzo="")
    quanti = in_attesa.count()
    piu_vecchia = in_attesa.order_by("creato_il").values_list("creato_il", flat=True).first()
    return [
        ("civico_photos_pending", "Photos received and not yet re-encoded by the worker (shown as a placeholder).",
         quanti),
        ("civico_photos_pending_oldest_age_seconds", "Age of the oldest photo waiting to be re-encoded (0 if none).",
         (timezone.now() - piu_vecchia).total_seconds() if piu_vecchia else 0.0),
    ]


def spazzino(ferma: threading.Event, ogni: float | None = None) -> threading.Thread:
    """A thread of `civico worker` (registered in SegnalazioniConfig.ready); a first pass at start."""
    from civico.core.estensioni import avvia_periodico

    return avvia_periodico(ferma, "civico-spazzino-foto", in_sospeso, SPAZZINO_OGNI_SECONDI if ogni is None else ogni,
                           subito=True, descrizione="Spazzino delle foto")
