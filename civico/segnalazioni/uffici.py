"""What configuring an office does to the reports: deactivating an office re-routes its open
reports (an event each, `routing.reroute`) and hands its categories on, and the reply templates
that fit a report. The configuration itself is `civico.catalogo.configurazione`, a layer down,
which knows no reports.
"""

from __future__ import annotations

from django.db import models, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from civico.accounts.models import Utente
from civico.accounts.permissions import Attore
from civico.catalogo import configurazione
from civico.catalogo.models import Categoria, ModelloRisposta, Ufficio
from civico.errors import InvalidData
from civico.segnalazioni import routing
from civico.segnalazioni.models import Segnalazione
from civico.segnalazioni.workflow import APERTI


def segnalazioni_aperte(ufficio: Ufficio) -> QuerySet[Segnalazione]:
    return Segnalazione.objects.filter(ufficio=ufficio, stato__in=APERTI)


def disattiva_ufficio(utente: Utente, ufficio: Ufficio, *, sposta_in: Ufficio | None = None, motivo: str = "") -> int:
    """Deactivate an office. Its open reports move to `sposta_in` (each re-routed with the reason,
    as an event) and so do the categories it handles by default, or new reports would still go
    to it. Without `sposta_in` this is refused while there is anything to move. Returns how many
    reports moved."""
    configurazione.verifica(utente, ufficio.ente)
    with transaction.atomic():
        ufficio = Ufficio.objects.select_for_update().get(pk=ufficio.pk)
        aperte = list(segnalazioni_aperte(ufficio).order_by("pk"))
        categorie = Categoria.objects.filter(ufficio_predefinito=ufficio)
        if (aperte or categorie.exists()) and sposta_in is None:
            raise InvalidData({"sposta_in": [
                _("L'ufficio ha %(n)d segnalazioni aperte e %(c)d categorie: scegli a quale ufficio passarle.")
                % {"n": len(aperte), "c": categorie.count()}
            ]})
        if sposta_in is not None:
            configurazione.stesso_ente(ufficio.ente, sposta_in=sposta_in)
            if sposta_in.pk == ufficio.pk or not sposta_in.attivo:
                raise InvalidData({"sposta_in": [_("Scegli un altro ufficio, attivo.")]})
            if aperte and not (motivo or "").strip():
                raise InvalidData({"motivo": [_("Indica il motivo del cambio di ufficio.")]})
            attore = Attore.staff(utente)
            for s in aperte:
                routing.reroute(s, sposta_in, attore, motivo=motivo)
            categorie.update(ufficio_predefinito=sposta_in)
        ufficio.attivo = False
        ufficio.save(update_fields=["attivo"])
    return len(aperte)


def modelli_per(segnalazione: Segnalazione) -> list[ModelloRisposta]:
    """The templates that fit a report's category and state, the most specific first."""
    modelli = ModelloRisposta.objects.filter(
        models.Q(categoria__isnull=True) | models.Q(categoria_id=segnalazione.categoria_id),
        models.Q(stato="") | models.Q(stato=segnalazione.stato),
        ente_id=segnalazione.ente_id,
    )
    return sorted(modelli, key=lambda m: (m.categoria_id is None, m.stato == "", m.titolo.lower()))
