"""How citizens sign in to their personal area. Pluggable: a method (the e-mailed link today,
SPID and CIE later) proves an `Identita` and hands it to `completa_accesso`, which finds or
creates the account and opens the session. The sign-in page lists the available `METODI`.

Citizens only: an account holding staff roles never signs in this way (staff use the backoffice
with password and second factor), so an e-mail link cannot become a staff session.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from django.contrib.auth import login
from django.core import signing
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from civico.accounts import identita_digitale
from civico.accounts.models import Incarico, Utente
from civico.comunicazioni import dirette
from civico.errors import DomainError, NotAllowed
from civico.portale import area
from civico.portale.models import LinkAccesso

# The session is Django's own: any method ends in the model backend's session.
BACKEND_SESSIONE = "django.contrib.auth.backends.ModelBackend"


@dataclass(frozen=True)
class Identita:
    """What a sign-in method proved about the person."""

    email: str
    metodo: str
    email_verificata: bool = False
    nome: str = ""
    cognome: str = ""
    codice_fiscale: str = ""  # proved by SPID/CIE: then it, not the e-mail, names the account


class MetodoAccesso(Protocol):
    codice: str
    etichetta: Promise
    template: str  # the part of the sign-in page that starts this method

    def disponibile(self) -> bool: ...


class LinkNonValido(DomainError):
    code = "link_non_valido"


class LinkEmail:
    """A signed link, valid for 15 minutes and usable once, sent to the address typed."""

    codice = "email"
    etichetta = _("Ricevi un link via e-mail")
    template = "portale/area/_accesso_email.html"
    durata = timedelta(minutes=15)
    _sale = "civico.portale.accesso-email"

    def disponibile(self) -> bool:
        return True

    def invia(self, email: str, url_del_token, *, dopo: str = "") -> None:
        """Have the link sent; `url_del_token(token)` makes it absolute for this site."""
        email = normalizza(email)
        token, nonce = _emetti(self._sale, email, x=dopo)
        contesto = {"link": url_del_token(token), "minuti": int(self.durata.total_seconds() // 60)}
        # Through the outbox, urgent lane: SMTP down delays the link, never fails the page.
        dirette.email(
            email, gettext("Il tuo link per accedere a Civico"),
            render_to_string("portale/area/email_accesso.txt", contesto),
            origine=f"accesso:{_hash(nonce)}", motivo="accesso", lingua=get_language() or "it",
        )

    def verifica(self, token: str) -> tuple[Identita, str]:
        """The identity and the page to go back to; LinkNonValido if expired, forged or used."""
        dati = _usa(token, self._sale, self.durata)
        return Identita(email=dati["e"], metodo=self.codice, email_verificata=True), dati.get("x", "")


class ConfermaIndirizzo:
    """A signed link, valid for a day and usable once, sent to another address of a signed-in
    citizen: opening it proves the address is theirs, and the reports sent with it become theirs."""

    durata = timedelta(hours=24)
    _sale = "civico.portale.conferma-indirizzo"

    def invia(self, utente: Utente, email: str, url_del_token) -> None:
        email = normalizza(email)
        token, nonce = _emetti(self._sale, email, u=utente.pk)
        contesto = {"link": url_del_token(token), "ore": int(self.durata.total_seconds() // 3600)}
        dirette.email(
            email, gettext("Conferma il tuo indirizzo e-mail su Civico"),
            render_to_string("portale/area/email_conferma_indirizzo.txt", contesto),
            origine=f"conferma:{_hash(nonce)}", motivo="accesso", lingua=get_language() or "it",
        )

    def conferma(self, utente: Utente, token: str) -> tuple[str, int]:
        """The address confirmed for `utente` and how many reports were linked. The link works
        only for the account that asked it: sent on, it confirms nothing for anyone else."""
        try:
            dati = signing.loads(token, salt=self._sale, max_age=self.durata)
        except signing.BadSignature:
            dati = {}
        if dati and dati.get("u") != utente.pk:
            raise LinkNonValido(_("Questo link è stato chiesto da un altro account: accedi con quello, "
                                  "oppure chiedi un nuovo link da qui."))
        dati = _usa(token, self._sale, self.durata)
        email = dati["e"]
        return email, area.conferma_indirizzo(utente, email)


LINK_EMAIL = LinkEmail()
CONFERMA_INDIRIZZO = ConfermaIndirizzo()
METODI: list[MetodoAccesso] = [identita_digitale.ACCESSO_SPID_CIE, LINK_EMAIL]


def normalizza(email: str) -> str:
    return (email or "").strip().lower()


def _hash(valore: str) -> str:
    return hashlib.sha256(valore.encode()).hexdigest()


def _emetti(sale: str, email: str, **altro) -> tuple[str, str]:
    """A signed token naming `email`, with a nonce recorded so that it is used once."""
    nonce = secrets.token_urlsafe(24)
    LinkAccesso.objects.create(nonce_hash=_hash(nonce), email=email)
    return signing.dumps({"e": email, "n": nonce, **altro}, salt=sale, compress=True), nonce


def _usa(token: str, sale: str, durata: timedelta) -> dict:
    """The token's data, spending its nonce; LinkNonValido if expired, forged or used."""
    try:
        dati = signing.loads(token, salt=sale, max_age=durata)
    except signing.SignatureExpired as exc:
        raise LinkNonValido(_("Il link è scaduto: chiedine uno nuovo.")) from exc
    except signing.BadSignature as exc:
        raise LinkNonValido(_("Il link non è valido: chiedine uno nuovo.")) from exc
    usati = LinkAccesso.objects.filter(
        nonce_hash=_hash(dati.get("n", "")), email=dati.get("e"), usato_il__isnull=True
    ).update(usato_il=timezone.now())
    if usati != 1:
        raise LinkNonValido(_("Questo link è già stato usato: chiedine uno nuovo."))
    return dati


def completa_accesso(request: HttpRequest, identita: Identita) -> Utente:
    """Find or create the citizen's account (username = e-mail) and sign them in."""
    email = normalizza(identita.email)
    with transaction.atomic():
        if identita.codice_fiscale:
            utente = identita_digitale.account_da_identita(
                identita.codice_fiscale, email, identita.nome, identita.cognome
            )
        else:
            utente = Utente.objects.filter(username=email).first()
        if utente is None:
            utente = Utente(username=email, email=email, first_name=identita.nome, last_name=identita.cognome)
            utente.set_unusable_password()
            utente.save()
        if utente.is_staff or utente.is_superuser or Incarico.objects.filter(utente=utente).exists():
            raise NotAllowed(_("Questo account è del personale del comune: accedi dal backoffice."))
        if not utente.is_active:
            raise NotAllowed(_("Questo account è disattivato."))
        if identita.email_verificata and email:
            area.conferma_indirizzo(utente, email)
    login(request, utente, backend=BACKEND_SESSIONE)
    return utente


def pulisci_link(giorni: int = 1) -> int:
    """Drop old sign-in link records (useless after 15 minutes). Registered in `civico.gdpr.scadenze`
    (PortaleConfig.ready), so the nightly retention job calls it (`cancellazione.pulisci_scaduti`,
    from `civico conservazione`), not the worker."""
    cancellati, _ = LinkAccesso.objects.filter(creato_il__lt=timezone.now() - timedelta(days=giorni)).delete()
    return cancellati
