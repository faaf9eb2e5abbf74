"""Overdue escalation: when a report misses its deadline, its office's managers are told once.

Run daily by `civico controlla_scadenze`. Each report is handled in its own transaction under its
row lock: the e-mail is sent before the commit that marks it, so a failed send is retried on the
next run (at least once) and a marked report is never mailed again (idempotent).
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from civico.accounts.models import Ruolo, Utente
from civico.accounts.permissions import Attore
from civico.segnalazioni import attesa, eventi, sla
from civico.segnalazioni.models import Segnalazione, TipoEvento, Visibilita

log = logging.getLogger(__name__)


def responsabili(s: Segnalazione) -> list[str]:
    """E-mail addresses of the office managers of the report's office or of its whole ente;
    the office's own address when it has no manager with an e-mail."""
    copre = Q(incarichi__ufficio__isnull=True)
    if s.ufficio_id:
        copre |= Q(incarichi__ufficio_id=s.ufficio_id)
    indirizzi = (
        Utente.objects.filter(copre, incarichi__ruolo=Ruolo.OFFICE_MANAGER, incarichi__ente_id=s.ente_id,
                              is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    trovati = sorted(set(indirizzi))
    if not trovati and s.ufficio and s.ufficio.email:
        trovati = [s.ufficio.email]
    return trovati


@dataclass
class Esito:
    sollecitate: int = 0
    # Codes whose e-mail could not be sent: they stay unmarked and are tried again next run.
    fallite: list[str] = field(default_factory=list)


def sollecita_ritardi(oggi: date | None = None) -> Esito:
    """Escalate every report overdue at `oggi` and not escalated yet."""
    attesa.riprendi_sospensioni_scadute()
    oggi = oggi or timezone.localdate()
    esito = Esito()
    da_sollecitare = sla.in_ritardo(Segnalazione.objects.filter(sollecitata_il__isnull=True), oggi)
    for s in da_sollecitare.order_by("scadenza", "pk").only("pk", "codice"):
        try:
            esito.sollecitate += sollecita(s, oggi)
        except (OSError, smtplib.SMTPException) as errore:
            log.warning("scadenze: sollecito per %s non inviato: %s", s.codice, errore)
            esito.fallite.append(s.codice)
    return esito


def sollecita(segnalazione: Segnalazione, oggi: date) -> bool:
    with transaction.atomic():
        s = (
            sla.in_ritardo(Segnalazione.objects.filter(pk=segnalazione.pk, sollecitata_il__isnull=True), oggi)
            .select_for_update(of=("self",))  # the report only: the office is on the nullable side
            .select_related("ente", "categoria", "ufficio")
            .first()
        )
        if s is None:  # handled meanwhile, or no longer late
            return False
        destinatari = responsabili(s)
        if destinatari:
            with translation.override(settings.LANGUAGE_CODE):
                oggetto, testo = _messaggio(s)
            send_mail(oggetto, testo, None, destinatari)
        else:
            log.warning("scadenze: nessun responsabile da avvisare per %s", s.codice)
        quando = timezone.now()
        s.sollecitata_il = quando
        eventi.aggiorna(s, quando)
        s.save()
        eventi.registra(s, TipoEvento.ESCALATED, Attore.di_sistema(), quando=quando, visibilita=Visibilita.INTERNA,
                        dati={"destinatari": destinatari, "scadenza": s.scadenza.isoformat()})
    return True


def _messaggio(s: Segnalazione) -> tuple[str, str]:
    oggetto = _("Segnalazione %(codice)s in ritardo") % {"codice": s.codice}
    testo = _(
        "La segnalazione %(codice)s «%(titolo)s» (categoria %(categoria)s, ufficio %(ufficio)s) "
        "doveva essere risolta entro il %(scadenza)s ed è ancora nello stato «%(stato)s».\n\n"
        "Aprila qui: %(url)s\n"
    ) % {
        "codice": s.codice, "titolo": s.titolo, "categoria": s.categoria.nome,
        "ufficio": s.ufficio.nome if s.ufficio else _("nessuno"),
        "scadenza": formats.date_format(s.scadenza, "DATE_FORMAT"), "stato": s.get_stato_display(),
        "url": _indirizzo(s),
    }
    return oggetto, testo


def _indirizzo(s: Segnalazione) -> str:
    base = settings.CIVICO["BASE_URL"].rstrip("/")
    try:  # the backoffice workspace, once its pages are wired
        return base + reverse("backoffice:scheda", args=[s.codice])
    except NoReverseMatch:
        return f"{base}/backoffice/"
