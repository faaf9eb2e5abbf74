"""The queue of likely duplicate pairs of a comune: found when a report arrives, decided by staff.

Each new report with a place is compared, by the one duplicate score (`triage.duplicati`), with
the open reports around it (H3 cells within RAGGIO_M, created within FINESTRA_GIORNI): bounded
work per report, never all pairs of the comune. Pairs above the threshold are kept; staff merge
one with a click — through the workflow's "mark duplicate" door, which carries the followers
over to the older report — or say "non sono duplicati", which is remembered so the pair never
comes back. Who sees a pair: whoever may see both reports (`Segnalazione.objects.visibili_a`).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from civico.accounts.models import Utente
from civico.accounts.permissions import enti_visibili, puo_lavorare
from civico.backoffice import azioni
from civico.backoffice.models import CoppiaDuplicati, EsitoCoppia
from civico.core.code import accoda_con_la_transazione
from civico.enti.models import Ente
from civico.errors import Conflict, NotAllowed
from civico.segnalazioni import arrivo, eventi
from civico.segnalazioni.models import Evento, Segnalazione, TipoEvento
from civico.segnalazioni.workflow import APERTI
from civico.triage import duplicati

logger = logging.getLogger(__name__)

MAX_PER_SEGNALAZIONE = 10
PER_PAGINA = 20


def registra_coppie(s: Segnalazione) -> int:
    """Compare one report with the open ones around it; keep the likely pairs (a pair already
    decided keeps its decision). Returns how many pairs it is in now."""
    if s.stato not in APERTI or s.lat is None or s.lon is None:
        return 0
    candidate = Segnalazione.objects.filter(ente_id=s.ente_id, stato__in=APERTI)
    simili = duplicati.simili(duplicati.Caso.di(s), candidate, escluse={s.pk}, limite=MAX_PER_SEGNALAZIONE)
    for x in simili:
        prima, seconda = sorted((s, x.segnalazione), key=lambda r: (r.creata_il, r.pk))
        coppia, nuova = CoppiaDuplicati.objects.get_or_create(
            prima=prima, seconda=seconda, defaults={"ente_id": s.ente_id, "punteggio": x.punteggio.valore},
        )
        if not nuova and coppia.esito == EsitoCoppia.DA_DECIDERE and coppia.punteggio != x.punteggio.valore:
            CoppiaDuplicati.objects.filter(pk=coppia.pk).update(punteggio=x.punteggio.valore)
    return len(simili)


def cerca_in_ente(ente: Ente, *, giorni: int = duplicati.FINESTRA_GIORNI) -> int:
    """Look again at the comune's open reports of the last `giorni` (after an import, or for
    reports that arrived before this search existed). Returns how many reports were looked at."""
    dal = timezone.now() - timedelta(days=giorni)
    fatte = 0
    for s in (Segnalazione.objects.filter(ente=ente, stato__in=APERTI, creata_il__gte=dal, lat__isnull=False)
              .select_related("categoria").order_by("creata_il").iterator(chunk_size=500)):
        registra_coppie(s)
        fatte += 1
    return fatte


def coda(utente: Utente, ente: Ente) -> QuerySet[CoppiaDuplicati]:
    """The pairs still to decide whose reports are both open and both visible to this person,
    most likely first."""
    visibili = Segnalazione.objects.visibili_a(utente).filter(ente=ente, stato__in=APERTI)
    return (
        CoppiaDuplicati.objects.filter(ente=ente, esito=EsitoCoppia.DA_DECIDERE, prima__in=visibili,
                                       seconda__in=visibili)
        .select_related("prima__categoria", "seconda__categoria")
        .order_by("-punteggio", "-pk")
    )


def spiega(coppia: CoppiaDuplicati) -> duplicati.Punteggio:
    """The pair's score as it is now, with its parts (the reports may have changed since)."""
    return duplicati.punteggio(duplicati.Caso.di(coppia.prima), duplicati.Caso.di(coppia.seconda))


def esiste_per(utente: Utente, pk: int) -> bool:
    """The pair exists in a comune this person works for (decided or not): anything else is not
    found for them, so nobody learns of another comune's pairs."""
    return CoppiaDuplicati.objects.filter(pk=pk, ente__in=enti_visibili(utente)).exists()


def _coppia(utente: Utente, pk: int, ente: Ente) -> CoppiaDuplicati:
    coppia = coda(utente, ente).filter(pk=pk).first()
    if coppia is None:
        raise Conflict(_("Questa coppia non è più da decidere: ricarica la pagina."), code="stale")
    return coppia


def unisci(utente: Utente, pk: int, ente: Ente) -> str:
    """Merge the pair: the newer report becomes the duplicate of the older one, through the
    workflow's door (its followers move to the older one). Returns what to tell the person."""
    with transaction.atomic():
        coppia = _coppia(utente, pk, ente)
        messaggio = azioni.esegui(
            coppia.seconda, "mark_duplicate", utente, azioni.Dati(duplicato_di=coppia.prima.codice),
            controlla_versione=False,
        )
        _decidi(coppia, utente, EsitoCoppia.UNITE)
    return _("%(seconda)s unita a %(prima)s. %(esito)s") % {
        "seconda": coppia.seconda.codice, "prima": coppia.prima.codice, "esito": messaggio}


def non_duplicati(utente: Utente, pk: int, ente: Ente) -> str:
    """Staff who work on both reports say they are different problems: the pair never comes back."""
    with transaction.atomic():
        coppia = _coppia(utente, pk, ente)
        if not (puo_lavorare(utente, coppia.prima) and puo_lavorare(utente, coppia.seconda)):
            raise NotAllowed(_("Non hai i permessi per decidere su queste segnalazioni."))
        _decidi(coppia, utente, EsitoCoppia.NON_DUPLICATI)
    return _("%(prima)s e %(seconda)s restano separate: la coppia non verrà più proposta.") % {
        "prima": coppia.prima.codice, "seconda": coppia.seconda.codice}


def _decidi(coppia: CoppiaDuplicati, utente: Utente, esito: str) -> None:
    coppia.esito, coppia.deciso_da, coppia.deciso_il = esito, utente, timezone.now()
    coppia.save(update_fields=["esito", "deciso_da", "deciso_il"])


@receiver(eventi.evento_aggiunto, dispatch_uid="backoffice.coda_duplicati.nuova")
def _nuova_segnalazione(sender, evento: Evento, **kwargs) -> None:
    """After a report with a place is stored, the worker looks for its likely duplicates. When the
    worker completes new reports (arrivo.py) it enqueues the search then, saving the request a task;
    otherwise it is enqueued here, with the report's transaction on the database queue, after the
    commit elsewhere (robust: a queue that is down never costs the citizen their report)."""
    s = evento.segnalazione
    if evento.tipo != TipoEvento.CREATED or s.lat is None or s.lon is None or arrivo.dal_worker():
        return
    from civico.backoffice.tasks import cerca_duplicati

    accoda_con_la_transazione(cerca_duplicati, s.pk)


@receiver(arrivo.completata, dispatch_uid="backoffice.coda_duplicati.completata")
def _segnalazione_completata(sender, segnalazione: Segnalazione, **kwargs) -> None:
    if segnalazione.lat is None or segnalazione.lon is None:
        return
    from civico.backoffice.tasks import cerca_duplicati

    try:
        with transaction.atomic():
            accoda_con_la_transazione(cerca_duplicati, segnalazione.pk)
    except Exception:
        logger.exception("Duplicati: ricerca non accodata per la segnalazione %s", segnalazione.pk)
