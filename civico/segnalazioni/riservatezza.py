"""Privacy rules applied wherever data enter, whatever the channel (signal receivers).

Connected in `SegnalazioniConfig.ready`."""

from __future__ import annotations

from civico.enti.models import Ente
from civico.segnalazioni.models import Allegato, TipoAllegato


def trattieni_foto_da_revisionare(sender, instance: Allegato, **kwargs) -> None:
    """Where the ente asks for review, a new photo stays private until staff review it in the
    redaction page (civico.backoffice.redazione), whichever channel brought it."""
    if not instance._state.adding or instance.tipo != TipoAllegato.FOTO or instance.revisionato_il:
        return
    ente_id = instance.segnalazione.ente_id
    if Ente.objects.filter(pk=ente_id, foto_in_revisione=True).exists():
        instance.pubblico = False
