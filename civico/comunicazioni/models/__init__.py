"""The models of comunicazioni, one module per concern."""

from civico.comunicazioni.models.avvisi import (
    Avviso,
    Conversazione,
    MessaggioInArrivo,
    StatoAvviso,
    TipoAvviso,
)
from civico.comunicazioni.models.iscrizioni import (
    AbbonamentoPush,
    Allerta,
    CanaliEnte,
    ElementoRiepilogo,
    Frequenza,
    Iscrizione,
    Lingua,
    Preferenze,
    TipoArea,
    TipoElemento,
)
from civico.comunicazioni.models.notifiche import (
    CanaleConsegna,
    EsitoTentativo,
    EventoDaScrivere,
    Notifica,
    StatoNotifica,
    TentativoConsegna,
)
from civico.comunicazioni.models.personale import (
    ElementoPersonale,
    ModoAvviso,
    PreferenzaPersonale,
    TipoAvvisoPersonale,
)
from civico.comunicazioni.models.sindaco import MessaggioSindaco, TipoMessaggio
from civico.comunicazioni.models.testi import TestoNotifica

__all__ = [
    "AbbonamentoPush", "Allerta", "ElementoPersonale", "ModoAvviso", "PreferenzaPersonale", "TipoAvvisoPersonale",
    "Avviso", "CanaleConsegna", "CanaliEnte", "Conversazione", "ElementoRiepilogo",
    "EsitoTentativo", "EventoDaScrivere", "Frequenza", "Iscrizione", "Lingua", "MessaggioInArrivo", "MessaggioSindaco",
    "Notifica",
    "Preferenze", "StatoAvviso", "StatoNotifica", "TentativoConsegna", "TipoArea", "TipoAvviso", "TipoElemento",
    "TestoNotifica", "TipoMessaggio",
]
