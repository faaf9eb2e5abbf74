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
from civico.portale.models import IndirizzoConfermato, LinkAccesso

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
        nonce = secrets.token_urlsafe(24)
        LinkAccesso.objects.create(nonce_hash=_hash(nonce), email=email)
        token = signing.dumps({"e": email, "n": nonce, "x": dopo}, salt=self._sale, compress=True)
        contesto = {"link": url_del_token(token), "minuti": int(self.durata.total_seconds() // 60)}
        # Through the outbox, urgent lane: SMTP down delays the link, never fails the page.
        dirette.email(
            email, gettext("Il tuo link per accedere a Civico"),
            render_to_string("portale/area/email_accesso.txt", contesto),
            origine=f"accesso:{_hash(nonce)}", motivo="accesso", lingua=get_language() or "it",
        )

    def verifica(self, token: str) -> tuple[Identita, str]:
        """The identity and the page to go back to; LinkNonValido if expired, forged or used."""
        try:
            dati = signing.loads(token, salt=self._sale, max_age=self.durata)
        except signing.SignatureExpired as exc:
            raise LinkNonValido(_("Il link è scaduto: chiedine uno nuovo.")) from exc
        except signing.BadSignature as exc:
            raise LinkNonValido(_("Il link non è valido: chiedine uno nuovo.")) from exc
        usati = LinkAccesso.objects.filter(
            nonce_hash=_hash(dati.get("n", "")), email=dati.get("e"), usato_il__isnull=True
        ).update(usato_il=timezone.now())
        if usati != 1:
            raise LinkNonValido(_("Questo link è già stato usato: chiedine uno nuovo."))
        return Identita(email=dati["e"], metodo=self.codice, email_verificata=True), dati.get("x", "")


LINK_EMAIL = LinkEmail()
METODI: list[MetodoAccesso] = [identita_digitale.ACCESSO_SPID_CIE, LINK_EMAIL]


def normalizza(email: str) -> str:
    return (email or "").strip().lower()


def _hash(valore: str) -> str:
    return hashlib.sha256(valore.encode()).hexdigest()


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
            IndirizzoConfermato.objects.update_or_create(utente=utente, email=email)
    login(request, utente, backend=BACKEND_SESSIONE)
    return utente


def pulisci_link(giorni: int = 1) -> int:
    """Drop old sign-in link records (useless after 15 minutes). Called by the nightly retention
    job (`cancellazione.pulisci_scaduti`, from `civico conservazione`), not by the worker."""
    cancellati, _ = LinkAccesso.objects.filter(creato_il__lt=timezone.now() - timedelta(days=giorni)).delete()
    return cancellati
