"""The delivery channels: a registry of self-describing classes, one module each.

A channel says its name and label, how a person's address is found (from their account's
preferences, or from what an account-less reporter gave) and masked for staff, how a message is
carried (subject, body, HTML), whether it is available for an ente, and how it sends
(`invia(notifica) -> EsitoInvio`); one with incoming messages also brings its own URLs. The list of
channels is the setting `CANALI` (dotted paths, comunicazioni/impostazioni.py): a new channel is
one module plus that line (docs/canali.md).

A channel never raises for a delivery problem: it answers ok, temporary (try again later) or
permanent (never again: bad address, unsubscribed device, unknown citizen)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar

from django.utils.module_loading import import_string

from civico.comunicazioni.models import CanaliEnte, EsitoTentativo
from civico.core.memoria import Memoria

if TYPE_CHECKING:
    from django.urls import URLPattern

    from civico.accounts.models import Utente
    from civico.comunicazioni.destinatari import Destinatario
    from civico.comunicazioni.messaggi import Messaggio
    from civico.comunicazioni.models import Notifica, Preferenze
    from civico.enti.models import Ente


@dataclass(frozen=True)
class EsitoInvio:
    esito: str
    errore: str = ""
    id_esterno: str = ""

    @classmethod
    def ok(cls, id_esterno: str = "") -> EsitoInvio:
        return cls(EsitoTentativo.OK, id_esterno=id_esterno[:200])

    @classmethod
    def temporaneo(cls, errore: str) -> EsitoInvio:
        return cls(EsitoTentativo.TEMPORANEO, errore=errore[:2000])

    @classmethod
    def permanente(cls, errore: str) -> EsitoInvio:
        return cls(EsitoTentativo.PERMANENTE, errore=errore[:2000])


@dataclass(frozen=True)
class CampoPreferenza:
    """A value the preferences page asks for a channel (the phone for SMS, the codice fiscale for
    App IO): a field of `Preferenze`, its label and input hints, and the error when the channel is
    chosen without it."""

    nome: str
    etichetta: Any
    mancante: Any
    attributi: str = ""  # extra HTML attributes of the input (inputmode, autocomplete…)
    classe: str = ""  # extra CSS classes of the input


@dataclass(frozen=True)
class Collegamento:
    """A link the preferences page shows under a channel (e.g. "open the bot to connect")."""

    testo: str
    url: str
    collegato: bool = False


class CanaleDiConsegna:
    """The base of every channel. Subclasses set the class attributes and `invia`."""

    nome: ClassVar[str]
    etichetta: ClassVar[Any]  # the staff's name for it (lazy, translated)
    scelta: ClassVar[Any]  # what the preferences page says next to its checkbox (etichetta_scelta)
    predefinito: ClassVar[bool] = False  # on for a person who never saved preferences
    allerte_al_giorno: ClassVar[int] = 5  # immediate area alerts per address per day (setting overrides)
    campo: ClassVar[CampoPreferenza | None] = None

    def disponibile(self, ente: Ente | None) -> bool:
        """Whether the platform (and this ente) can use the channel at all."""
        return True

    def invia(self, notifica: Notifica) -> EsitoInvio:
        raise NotImplementedError

    # How a person's address is found ------------------------------------------------------
    def indirizzi(self, utente: Utente, p: Preferenze, d: Destinatario) -> list[str]:
        """The addresses of an account holder who chose this channel."""
        return []

    def indirizzo_senza_account(self, d: Destinatario) -> str:
        """The address of someone known only by what they gave with a report ("" if none)."""
        return str(d.indirizzi.get(self.nome, ""))

    def normalizza(self, valore: str) -> str:
        """The preference field's value as stored; raise ValueError with the message if invalid."""
        return valore

    def maschera(self, indirizzo: str) -> str:
        """The address as staff see it: enough to tell it arrived, not the whole of it."""
        return f"#{indirizzo}"

    # How a message is carried -------------------------------------------------------------
    def formato(self, m: Messaggio) -> tuple[str, str, str]:
        """(subject, body, html): by default the short form (SMS-sized), no HTML."""
        return m.oggetto, m.breve, ""

    # The preferences page -----------------------------------------------------------------
    def in_preferenze(self) -> bool:
        """Whether the preferences page offers it: by default when the platform can use it."""
        return self.disponibile(None)

    def etichetta_scelta(self, utente: Utente) -> str:
        """What the preferences page says next to its checkbox."""
        return str(self.scelta)

    def collegamento(self, utente: Utente, p: Preferenze) -> Collegamento | None:
        return None

    def urls(self) -> list[URLPattern]:
        """Incoming webhooks and the like, mounted under /comunicazioni/ by comunicazioni/urls.py."""
        return []


@lru_cache(maxsize=8)
def _carica(percorsi: tuple[str, ...]) -> dict[str, CanaleDiConsegna]:
    registro: dict[str, CanaleDiConsegna] = {}
    for percorso in percorsi:
        c = import_string(percorso)
        registro[c.nome] = c
    return registro


def _registro() -> dict[str, CanaleDiConsegna]:
    from civico.comunicazioni.impostazioni import impostazione

    return _carica(tuple(impostazione("CANALI")))


def tutti() -> list[CanaleDiConsegna]:
    """Every registered channel, in the settings' order (the order people see them in)."""
    return list(_registro().values())


def nomi() -> list[str]:
    return list(_registro())


def canale(nome: str) -> CanaleDiConsegna:
    """The channel called `nome`; KeyError for a name no setting registers."""
    return _registro()[nome]


def disponibile(nome: str, ente: Ente | None) -> bool:
    """Whether a message of `ente` may go by this channel: the platform can use it and the comune
    offers it (the one rule of sending: destinatari.recapiti)."""
    c = _registro().get(nome)
    return c is not None and c.disponibile(ente) and offerto(nome, ente)


# The channels each comune offers (CanaliEnte.canali_offerti), read for every recipient.
_memoria_offerti = Memoria("canali_offerti", ("comunicazioni.CanaliEnte",), ttl_s=300)
SEMPRE_OFFERTO = "email"  # every comune writes by e-mail: the office mailboxes and staff rely on it


def offerto(nome: str, ente: Ente | None) -> bool:
    """Whether the comune offers the channel to its citizens (its Canali page; not set: every
    channel). Mail of no comune, and e-mail, always."""
    if ente is None or nome == SEMPRE_OFFERTO:
        return True
    scelti = _memoria_offerti.prendi(ente.pk, lambda: CanaliEnte.objects.filter(ente_id=ente.pk).values_list(
        "canali_offerti", flat=True).first())
    return scelti is None or nome in scelti


def scelte() -> list[tuple[str, Any]]:
    """(name, label) of every channel: the choices of `Notifica.canale` (a callable, so adding a
    channel needs no migration)."""
    return [(c.nome, c.etichetta) for c in tutti()]


def predefiniti() -> list[str]:
    """The channels of a person who never saved preferences (`Preferenze.canali`'s default)."""
    return [c.nome for c in tutti() if c.predefinito]
