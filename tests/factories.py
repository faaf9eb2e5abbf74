"""Building the world of a test through the product's own doors."""

from __future__ import annotations

from civico.accounts.models import Incarico, Ruolo, Utente
from civico.accounts.permissions import Attore
from civico.catalogo.models import Ufficio
from civico.enti.models import Ente
from civico.segnalazioni import intake
from civico.segnalazioni.models import Segnalazione

# Piazza della Libertà 41, Alessandria (a real house number of the shipped gazetteer).
PIAZZA_LIBERTA = (44.913256, 8.615123)
VALENZA = (45.0140, 8.6436)
MAR_LIGURE = (43.9, 8.9)
CASALE = (45.1335, 8.4525)


def staff(username: str, ruolo: str, ente: Ente | None, ufficio: Ufficio | None = None) -> Utente:
    utente = Utente.objects.create_user(username=username, password="x-Segreta-123")
    Incarico.objects.create(utente=utente, ruolo=ruolo, ente=ente, ufficio=ufficio)
    return utente


def operatore(ente: Ente) -> Attore:
    utente = Utente.objects.filter(username=f"op-{ente.sigla}").first() or staff(
        f"op-{ente.sigla}", Ruolo.OPERATORE, ente
    )
    return Attore.staff(utente)


def segnalazione(ente: Ente | None = None, *, punto=PIAZZA_LIBERTA, categoria="buche", **campi) -> Segnalazione:
    risposte = campi.pop("risposte", {"dimensione": "grande"} if categoria == "buche" else {})
    dati = intake.NuovaSegnalazione(
        lat=punto[0], lon=punto[1], titolo=campi.pop("titolo", "Buca profonda davanti al civico"),
        categoria=categoria, risposte=risposte, ente=ente, **campi,
    )
    return intake.submit(dati).segnalazione
