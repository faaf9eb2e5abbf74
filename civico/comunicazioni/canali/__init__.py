"""Delivery channels behind one interface: `invia(notifica) -> Esito`.

A channel never raises for a delivery problem: it answers ok, temporary (try again later) or
permanent (never again: bad address, unsubscribed device, unknown citizen)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from civico.comunicazioni.models import EsitoTentativo

if TYPE_CHECKING:
    from civico.comunicazioni.models import Notifica
    from civico.enti.models import Ente


@dataclass(frozen=True)
class Esito:
    esito: str
    errore: str = ""
    id_esterno: str = ""

    @classmethod
    def ok(cls, id_esterno: str = "") -> Esito:
        return cls(EsitoTentativo.OK, id_esterno=id_esterno[:200])

    @classmethod
    def temporaneo(cls, errore: str) -> Esito:
        return cls(EsitoTentativo.TEMPORANEO, errore=errore[:2000])

    @classmethod
    def permanente(cls, errore: str) -> Esito:
        return cls(EsitoTentativo.PERMANENTE, errore=errore[:2000])


class CanaleDiConsegna(Protocol):
    def disponibile(self, ente: Ente | None) -> bool:
        """Whether the platform (and this ente) can use the channel at all."""

    def invia(self, notifica: Notifica) -> Esito: ...


def canale(nome: str) -> CanaleDiConsegna:
    from civico.comunicazioni.canali import appio, email, push, sms

    return {"email": email.CANALE, "sms": sms.CANALE, "push": push.CANALE, "app_io": appio.CANALE}[nome]


def disponibile(nome: str, ente: Ente | None) -> bool:
    return canale(nome).disponibile(ente)
