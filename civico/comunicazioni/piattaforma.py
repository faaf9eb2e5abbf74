"""The outbox's parts of the platform plumbing, registered in `civico.core.estensioni` by
ComunicazioniConfig.ready(): the /readyz check, the /metrics gauges and the worker's threads
(the outbox sweeper and the staff's daily digest)."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def controllo_outbox() -> dict[str, Any]:
    """Degraded when a due message has waited past CIVICO["OUTBOX_MAX_AGE_SECONDS"]: the
    worker is down, stuck or too slow, and citizens are not being told."""
    from civico.comunicazioni.consegna import situazione

    try:
        s = situazione()
    except Exception as exc:
        return {"status": "error", "error": exc.__class__.__name__}
    soglia = settings.CIVICO["OUTBOX_MAX_AGE_SECONDS"]
    risposta: dict[str, Any] = {"status": "ok", "oldest_due_age_s": round(s.eta_piu_vecchia_dovuta, 1),
                                "threshold_s": soglia, "due": s.dovute, "in_flight": s.in_invio, "stuck": s.bloccate}
    if s.eta_piu_vecchia_dovuta > soglia:
        risposta.update(status="degraded", reason=(
            f"the oldest due message has waited {round(s.eta_piu_vecchia_dovuta)} s (threshold {soglia} s)"))
    return risposta


def misure_outbox() -> list[tuple[str, str, float | None]]:
    from django.db.models import Min
    from django.utils import timezone

    from civico.comunicazioni.consegna import situazione
    from civico.comunicazioni.models import Notifica, StatoNotifica

    adesso = timezone.now()
    in_attesa = Notifica.objects.filter(stato=StatoNotifica.IN_ATTESA)
    piu_vecchia = in_attesa.aggregate(m=Min("creata_il"))["m"]
    outbox = situazione()
    return [
        ("civico_outbox_backlog", "Notifications waiting to be delivered.", outbox.in_attesa),
        ("civico_outbox_oldest_age_seconds", "Age of the oldest notification waiting (0 if none).",
         (adesso - piu_vecchia).total_seconds() if piu_vecchia else 0.0),
        ("civico_outbox_due", "Notifications due now and not being sent.", outbox.dovute),
        ("civico_outbox_in_flight", "Notifications leased by a worker (being sent).", outbox.in_invio),
        ("civico_outbox_stuck", "Notifications whose worker's lease expired (the worker died).", outbox.bloccate),
        ("civico_outbox_oldest_due_age_seconds",
         "Seconds the oldest due or stuck notification has been waiting past its time (0 if none).",
         outbox.eta_piu_vecchia_dovuta),
    ]


def registra() -> None:
    from civico.comunicazioni import consegna, personale
    from civico.core import estensioni

    estensioni.registra_controllo("outbox", controllo_outbox)
    estensioni.registra_misure(misure_outbox)
    estensioni.registra_filo(consegna.spazzino)
    estensioni.registra_filo(personale.pianificatore)
