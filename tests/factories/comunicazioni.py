"""Who follows a report, how people want to be told, the comune's channels, the outbox."""

from __future__ import annotations

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from civico.comunicazioni import iscrizioni
from civico.comunicazioni.models import CanaliEnte, Iscrizione, Notifica, Preferenze
from tests.factories.accounts import UtenteFactory
from tests.factories.enti import EnteFactory
from tests.factories.segnalazioni import SegnalazioneFactory


class IscrizioneFactory(DjangoModelFactory):
    """Someone follows a report ("Anche io"): a citizen's account through `iscrizioni.segui`,
    or, with `email=…` and no account, an address that has confirmed the double opt-in."""

    class Meta:
        model = Iscrizione

    segnalazione = factory.SubFactory(SegnalazioneFactory)
    utente = factory.Maybe("email", yes_declaration=None, no_declaration=factory.SubFactory(UtenteFactory))
    email = ""

    @classmethod
    def _create(cls, model_class, *, segnalazione, utente, email, **campi) -> Iscrizione:
        if utente is not None:
            iscrizioni.segui(segnalazione, utente)
            return model_class.objects.get(segnalazione=segnalazione, utente=utente)
        # What `conferma_di_seguire` stores once the signed link is opened.
        return model_class.objects.create(segnalazione=segnalazione, email=email, **campi)


class PreferenzeFactory(DjangoModelFactory):
    """How a citizen wants to be told: channels, language, the phone for SMS."""

    class Meta:
        model = Preferenze
        django_get_or_create = ("utente",)

    utente = factory.SubFactory(UtenteFactory)


class CanaliEnteFactory(DjangoModelFactory):
    """A comune's own channels: inbound e-mail and SMS numbers, its App IO key."""

    class Meta:
        model = CanaliEnte
        django_get_or_create = ("ente",)

    ente = factory.SubFactory(EnteFactory)


class NotificaFactory(DjangoModelFactory):
    """A row of the outbox waiting for delivery, as `outbox.salva` writes it: due now."""

    class Meta:
        model = Notifica

    chiave = factory.LazyAttribute(lambda o: f"prova-{o.canale}-{o.indirizzo}"[:64])
    canale = "email"
    indirizzo = "giulia.ferrari@example.org"
    ente = factory.SubFactory(EnteFactory)
    motivo = "prova"
    oggetto = "Segnalazione"
    testo = "Testo"
    creata_il = factory.LazyFunction(timezone.now)
    prossimo_tentativo_il = factory.SelfAttribute("creata_il")
