"""Citizens' flags on public reports, as the "Segnala contenuto inappropriato" form makes them."""

from __future__ import annotations

import factory

from civico.moderazione import servizi
from civico.moderazione.models import Motivo, SegnalazioneContenuto
from tests.factories.segnalazioni import SegnalazioneFactory


class SegnalazioneContenutoFactory(factory.Factory):
    """A flag through `moderazione.segnala_contenuto` (one per person: `ip`/`utente` tell who)."""

    class Meta:
        model = SegnalazioneContenuto

    segnalazione = factory.SubFactory(SegnalazioneFactory)
    motivo = Motivo.SPAM
    testo = ""
    ip = factory.Sequence(lambda n: f"192.0.2.{n % 250 + 1}")
    utente = None

    @classmethod
    def _create(cls, model_class, *, segnalazione, motivo, testo, ip, utente) -> SegnalazioneContenuto:
        servizi.segnala_contenuto(segnalazione, motivo, testo, ip=ip, utente=utente)
        return model_class.objects.filter(segnalazione=segnalazione).latest("creata_il", "id")
