"""comunicazioni's handlers of the reports' domain events (`civico.segnalazioni.eventi_dominio`),
registered by ComunicazioniConfig.ready(). They run inside the emitting step's transaction."""

from __future__ import annotations

from civico.comunicazioni.iscrizioni import sposta_iscrizioni
from civico.comunicazioni.personale import invia_riepiloghi
from civico.segnalazioni import eventi_dominio
from civico.segnalazioni.models import Segnalazione


def duplicato_unito(*, duplicata: Segnalazione, principale: Segnalazione) -> int:
    return sposta_iscrizioni(duplicata, principale)


def segnalazione_inoltrata(*, vecchia: Segnalazione, nuova: Segnalazione) -> int:
    return sposta_iscrizioni(vecchia, nuova)


def ritardi_sollecitati() -> int:
    return invia_riepiloghi(solo_ritardi=True)


def registra() -> None:
    eventi_dominio.gestisci(eventi_dominio.DUPLICATO_UNITO, duplicato_unito)
    eventi_dominio.gestisci(eventi_dominio.SEGNALAZIONE_INOLTRATA, segnalazione_inoltrata)
    eventi_dominio.gestisci(eventi_dominio.RITARDI_SOLLECITATI, ritardi_sollecitati)
