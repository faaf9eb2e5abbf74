"""Marking a duplicate merges it into the main report. Called by `workflow.transition`, the one
place that marks duplicates: the backoffice button, the bulk action, the duplicates queue and the
API all go through it."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from civico.accounts.permissions import Attore
from civico.segnalazioni import eventi, eventi_dominio
from civico.segnalazioni.models import Evento, Segnalazione, TipoEvento


def unisci_al_principale(duplicata: Segnalazione, attore: Attore, *, quando: datetime) -> Evento:
    """The followers and supporters of `duplicata` (already saved with its `duplicato_di`) move
    to the main report, whose timeline says so in one public event, returned.

    Call inside the transaction of the transition, so both or neither happen, and before the
    transition's own event is appended: the outbox then finds nobody left on the duplicate, and
    its followers hear of the merge once, from the main report."""
    principale = Segnalazione.objects.select_for_update().get(pk=duplicata.duplicato_di_id)
    # Emits duplicato_unito: comunicazioni moves the followers (eventi_dominio).
    spostate = sum(eventi_dominio.emetti(eventi_dominio.DUPLICATO_UNITO, duplicata=duplicata, principale=principale))
    eventi.aggiorna(principale, quando)
    principale.save()
    # In the name the transition's event shows (the duplicate's office, unless the actor has one).
    nel_nome_di = Attore(utente=attore.utente, nome_pubblico=eventi.nome_pubblico(duplicata, attore))
    return eventi.registra(
        principale, TipoEvento.MERGED, nel_nome_di, quando=quando,
        testo=_("La segnalazione %(codice)s è stata unita a questa: chi la seguiva ora segue questa.")
        % {"codice": duplicata.codice},
        dati={"unita": duplicata.codice, "seguaci_spostati": spostate},
    )
