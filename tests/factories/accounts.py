"""People: citizens, staff with their roles, and the credentials of staff and client applications."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from civico.accounts import chiavi
from civico.accounts.models import ApplicazioneClient, Incarico, Ruolo, TokenAccesso, Utente
from tests.factories.enti import EnteFactory

PASSWORD = "x-Segreta-123"


class UtenteFactory(DjangoModelFactory):
    """A citizen with an account (no staff role). Signed in by e-mail link or SPID in the
    product, so no password unless one is given; the e-mail is the username when it is one."""

    class Meta:
        model = Utente

    username = factory.Sequence(lambda n: f"cittadino{n}@example.org")
    email = factory.LazyAttribute(lambda o: o.username if "@" in o.username else f"{o.username}@example.org")
    password = None

    @classmethod
    def _create(cls, model_class, *args, **campi) -> Utente:
        """The account with this username if there is one, else a new one through `create_user`
        (which hashes the password or marks it unusable, as sign-up does)."""
        esistente = model_class.objects.filter(username=campi["username"]).first()
        return esistente or model_class.objects.create_user(*args, **campi)


class IncaricoFactory(DjangoModelFactory):
    """A role held in a comune (optionally limited to one office)."""

    class Meta:
        model = Incarico

    utente = factory.SubFactory(UtenteFactory)
    ruolo = Ruolo.OPERATORE
    ente = factory.SubFactory(EnteFactory)
    ufficio = None


class StaffFactory(UtenteFactory):
    """A member of staff: an account with a password and one role, `ruolo` in `ente` (None for
    the platform administrator), limited to `ufficio` if given."""

    class Meta:
        model = Utente
        skip_postgeneration_save = True

    class Params:
        ruolo = Ruolo.OPERATORE
        ente = factory.SubFactory(EnteFactory)
        ufficio = None

    username = factory.Sequence(lambda n: f"staff{n}")
    # Staff accounts are made by an administrator, who may leave the e-mail out (the first
    # sign-in then says to ask for one): none unless the username is an address or one is given.
    email = factory.LazyAttribute(lambda o: o.username if "@" in o.username else "")
    password = PASSWORD
    incarico = factory.RelatedFactory(
        IncaricoFactory, factory_related_name="utente", ruolo=factory.SelfAttribute("..ruolo"),
        ente=factory.SelfAttribute("..ente"), ufficio=factory.SelfAttribute("..ufficio"),
    )


class TokenAccessoFactory(DjangoModelFactory):
    """A staff member's API token, issued as the back office issues it; its secret (readable
    only at creation) is on `.segreto`."""

    class Meta:
        model = TokenAccesso

    utente = factory.SubFactory(StaffFactory)
    nome = "Token di prova"
    ente = None
    scopi = None
    scade_il = None
    creato_da = None

    @classmethod
    def _create(cls, model_class, *, utente, nome, **campi) -> TokenAccesso:
        token, segreto = chiavi.crea_token(utente, nome, **campi)
        token.segreto = segreto
        return token


class ApplicazioneClientFactory(DjangoModelFactory):
    """A client application of the APIs (Open311 api_key), registered as the product does; its
    key is on `.chiave`."""

    class Meta:
        model = ApplicazioneClient

    nome = factory.Sequence(lambda n: f"App di prova {n}")
    ente = None

    @classmethod
    def _create(cls, model_class, *, nome, ente, **campi) -> ApplicazioneClient:
        app, chiave = chiavi.crea_applicazione(nome, ente=ente, **campi)
        app.chiave = chiave
        return app
