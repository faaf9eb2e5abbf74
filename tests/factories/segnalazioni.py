"""Reports and what happens to them, made the way the product makes them: through the intake
(with its events, routing and deadline), the workflow and the interactions services."""

from __future__ import annotations

import io

import factory
from django.db import transaction
from django.utils import timezone
from PIL import Image

from civico.accounts.models import Ruolo, Utente
from civico.accounts.permissions import Attore
from civico.enti.models import Ente
from civico.segnalazioni import eventi, intake, interazioni, workflow
from civico.segnalazioni.models import Allegato, Evento, Segnalazione, TipoEvento, Visibilita
from tests.factories.accounts import StaffFactory
from tests.factories.enti import PIAZZA_LIBERTA, EnteFactory


def operatore(ente: Ente) -> Attore:
    """The comune's operator (one per comune, made on first use) as the actor of a service call."""
    utente = Utente.objects.filter(username=f"op-{ente.sigla}").first() or StaffFactory(
        username=f"op-{ente.sigla}", ruolo=Ruolo.OPERATORE, ente=ente,
    )
    return Attore.staff(utente)


class SegnalazioneFactory(factory.Factory):
    """A citizen's report, submitted through `intake.submit` like every channel's: the ente
    comes from the point unless given, the office from the routing rules, with its first events.

    `SegnalazioneFactory.build()` is the `NuovaSegnalazione` a channel would hand the intake.
    Besides its fields: `punto` (lat, lon), `segnalante` (a citizen's account), `allegati`
    ((name, bytes) pairs), `quando` (backdated), and `transizioni`, the workflow steps an
    operator of the comune takes after submission (e.g. `("take_in_charge", "resolve")`; a step
    that needs words is a pair, `("reject", "Non è di competenza comunale.")`)."""

    class Meta:
        model = intake.NuovaSegnalazione

    class Params:
        punto = PIAZZA_LIBERTA

    lat = factory.LazyAttribute(lambda o: o.punto[0])
    lon = factory.LazyAttribute(lambda o: o.punto[1])
    titolo = "Buca profonda davanti al civico"
    categoria = "buche"
    risposte = factory.LazyAttribute(lambda o: {"dimensione": "grande"} if o.categoria == "buche" else {})
    ente = factory.SubFactory(EnteFactory)
    segnalante = None
    allegati = ()
    quando = None

    @classmethod
    def _build(cls, model_class, *args, segnalante=None, allegati=(), quando=None, **campi):
        return model_class(*args, **campi)

    @classmethod
    def _create(cls, model_class, *args, segnalante=None, allegati=(), quando=None, **campi) -> Segnalazione:
        ricevuta = intake.submit(
            model_class(*args, **campi), allegati, attore=Attore.del_segnalante(segnalante), quando=quando,
        )
        return ricevuta.segnalazione

    @factory.post_generation
    def transizioni(s: Segnalazione, create: bool, passi, **kwargs) -> None:
        if not create or not passi:
            return
        attore = operatore(s.ente)
        for passo in passi:
            nome, testo = (passo, "") if isinstance(passo, str) else passo
            workflow.transition(s, nome, attore, testo=testo)
        s.refresh_from_db()


class EventoFactory(factory.Factory):
    """One more entry in a report's history, recorded through `eventi.registra` (the gate that
    masks personal data in public text, the live announcement). Default: the office's public
    answer. For the entries a person makes, prefer the services (`interazioni.commenta`,
    `rispondi`, `annota`) or `CommentoFactory`."""

    class Meta:
        model = Evento

    segnalazione = factory.SubFactory(SegnalazioneFactory)
    tipo = TipoEvento.PUBLIC_ANSWER
    attore = factory.LazyAttribute(lambda o: operatore(o.segnalazione.ente))
    testo = "Abbiamo programmato l'intervento."
    visibilita = Visibilita.PUBBLICA
    quando = factory.LazyFunction(timezone.now)

    @classmethod
    def _create(cls, model_class, *, segnalazione, tipo, attore, **campi) -> Evento:
        with transaction.atomic():
            return eventi.registra(segnalazione, tipo, attore, **campi)


class CommentoFactory(factory.Factory):
    """The reporter writes to the office from their private link (`interazioni.commenta`):
    visible to them and to staff, never public. Returns the event."""

    class Meta:
        model = Evento

    segnalazione = factory.SubFactory(SegnalazioneFactory)
    testo = "Aggiungo che la buca si allarga ogni giorno."

    @classmethod
    def _create(cls, model_class, *, segnalazione, testo) -> Evento:
        interazioni.commenta(segnalazione, Attore.del_segnalante(), testo)
        return segnalazione.eventi.filter(tipo=TipoEvento.COMMENT).latest("creato_il", "id")


def jpeg(larghezza: int = 64, altezza: int = 48, colore: str = "orange") -> bytes:
    """A small real JPEG, as a phone would send."""
    buffer = io.BytesIO()
    Image.new("RGB", (larghezza, altezza), colore).save(buffer, "JPEG")
    return buffer.getvalue()


class AllegatoFactory(factory.Factory):
    """A photo (or document) added to a report after submission through
    `interazioni.aggiungi_allegato`: checked, thumbnailed, recorded in the history. By default
    the comune's operator adds it; `attore=Attore.del_segnalante()` for the reporter."""

    class Meta:
        model = Allegato

    segnalazione = factory.SubFactory(SegnalazioneFactory)
    attore = factory.LazyAttribute(lambda o: operatore(o.segnalazione.ente))
    nome = "foto.jpg"
    dati = factory.LazyFunction(jpeg)

    @classmethod
    def _create(cls, model_class, *, segnalazione, attore, nome, dati) -> Allegato:
        return interazioni.aggiungi_allegato(segnalazione, attore, nome, dati)
