"""Building the world of a test through the product's own doors: one factory_boy factory per
model a test needs, by bounded context (see tests/README.md).

    from tests import factories
    ente = factories.EnteFactory()                       # Alessandria, active, demo catalogue
    s = factories.SegnalazioneFactory(ente=ente, transizioni=("take_in_charge", "resolve"))

`staff()`, `operatore()` and `segnalazione()` are the older helpers, kept as thin wrappers.
"""

from __future__ import annotations

from civico.accounts.models import Utente
from civico.accounts.permissions import Attore
from civico.catalogo.models import Ufficio
from civico.enti.models import Ente
from civico.segnalazioni import intake
from civico.segnalazioni.models import Segnalazione
from tests.factories.accounts import (
    PASSWORD,
    ApplicazioneClientFactory,
    IncaricoFactory,
    StaffFactory,
    TokenAccessoFactory,
    UtenteFactory,
)
from tests.factories.catalogo import CategoriaFactory, RegolaInstradamentoFactory, UfficioFactory
from tests.factories.comunicazioni import CanaliEnteFactory, IscrizioneFactory, NotificaFactory, PreferenzeFactory
from tests.factories.enti import CASALE, MAR_LIGURE, PIAZZA_LIBERTA, VALENZA, EnteFactory
from tests.factories.moderazione import SegnalazioneContenutoFactory
from tests.factories.segnalazioni import (
    AllegatoFactory,
    CommentoFactory,
    EventoFactory,
    SegnalazioneFactory,
    jpeg,
    operatore,
)

__all__ = [
    "CASALE", "MAR_LIGURE", "PASSWORD", "PIAZZA_LIBERTA", "VALENZA",
    "AllegatoFactory", "ApplicazioneClientFactory", "Attore", "CanaliEnteFactory", "CategoriaFactory",
    "CommentoFactory", "EnteFactory", "EventoFactory", "IncaricoFactory", "IscrizioneFactory",
    "NotificaFactory", "PreferenzeFactory", "RegolaInstradamentoFactory", "SegnalazioneContenutoFactory",
    "SegnalazioneFactory",
    "StaffFactory", "TokenAccessoFactory", "UfficioFactory", "UtenteFactory",
    "intake", "jpeg", "operatore", "segnalazione", "staff",
]


def staff(username: str, ruolo: str, ente: Ente | None, ufficio: Ufficio | None = None) -> Utente:
    """`StaffFactory` with positional arguments."""
    return StaffFactory(username=username, ruolo=ruolo, ente=ente, ufficio=ufficio)


def segnalazione(ente: Ente | None = None, *, punto=PIAZZA_LIBERTA, **campi) -> Segnalazione:
    """`SegnalazioneFactory` where no ente means "the one the point falls in"."""
    return SegnalazioneFactory(ente=ente, punto=punto, **campi)
