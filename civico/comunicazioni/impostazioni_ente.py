"""A comune's own channel settings, set by its administrators from the backoffice ("Canali").

- The sender address is the ente's e-mail: mittenti.py decides whether mail may carry it as From
  (verified domain) or leaves "tramite Civico" with it as Reply-To.
- The inbound e-mail address and the SMS number route incoming reports to this comune: one
  comune per address and per number, or the other would silently lose its reports.
- The App IO key is a secret: it is written, replaced or removed, never read back; pages show
  only that it is set and its last four characters.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from civico.accounts.models import Utente
from civico.catalogo.configurazione import verifica
from civico.comunicazioni import canali
from civico.comunicazioni.mittenti import Mittente, mittente_per
from civico.comunicazioni.models import CanaliEnte
from civico.enti.models import Ente
from civico.errors import InvalidData
from civico.formati.telefono import normalizza_telefono

MAX_CHIAVE_APP_IO = 100


@dataclass(frozen=True)
class StatoCanali:
    """What the settings page shows: never the App IO key itself."""

    email_mittente: str
    mittente: Mittente
    email_in_arrivo: str
    pec: str
    numero_sms: str
    chiave_app_io: str  # "" or "••••1234"


def stato(ente: Ente) -> StatoCanali:
    canali = CanaliEnte.objects.filter(ente=ente).first() or CanaliEnte(ente=ente)
    return StatoCanali(ente.email, mittente_per(ente), canali.email_in_arrivo, ente.pec, canali.numero_sms,
                       maschera(canali.chiave_app_io))


def canali_offerti(ente: Ente) -> list[str]:
    """The channels the comune offers its citizens, in the registry's order (not set: all)."""
    return [n for n in canali.nomi() if canali.offerto(n, ente)]


def imposta_canali_offerti(utente: Utente, ente: Ente, nomi: Collection[str]) -> None:
    """Offer these channels (names in the registry) and no other; e-mail is always offered."""
    verifica(utente, ente)
    if sconosciuti := set(nomi) - set(canali.nomi()):
        elenco = ", ".join(sorted(sconosciuti))
        raise InvalidData({"canali_offerti": [_("Canale sconosciuto: %(nomi)s.") % {"nomi": elenco}]})
    scelti = [n for n in canali.nomi() if n in nomi or n == canali.SEMPRE_OFFERTO]
    CanaliEnte.objects.update_or_create(ente=ente, defaults={"canali_offerti": scelti})


def maschera(segreto: str) -> str:
    return f"••••{segreto[-4:]}" if segreto else ""


def imposta_canali(utente: Utente, ente: Ente, *, email_mittente: str, email_in_arrivo: str, pec: str,
                   numero_sms: str, chiave_app_io: str = "", rimuovi_chiave_app_io: bool = False) -> None:
    """Save the comune's channel settings. An empty `chiave_app_io` keeps the key already set."""
    verifica(utente, ente)
    email_mittente, email_in_arrivo, pec = (_email(v, c) for v, c in (
        (email_mittente, "email_mittente"), (email_in_arrivo, "email_in_arrivo"), (pec, "pec")))
    numero_sms = _numero(numero_sms)
    chiave_app_io = "".join(chiave_app_io.split())
    errori: dict[str, list[str]] = {}
    if len(chiave_app_io) > MAX_CHIAVE_APP_IO or not chiave_app_io.isascii():
        errori["chiave_app_io"] = [_("La chiave App IO non è valida.")]
    altri = CanaliEnte.objects.exclude(ente=ente)
    if email_in_arrivo and altri.filter(email_in_arrivo__iexact=email_in_arrivo).exists():
        errori["email_in_arrivo"] = [_("Questo indirizzo riceve già le segnalazioni di un altro comune.")]
    if numero_sms and any(normalizza_telefono(n) == numero_sms
                          for n in altri.exclude(numero_sms="").values_list("numero_sms", flat=True)):
        errori["numero_sms"] = [_("Questo numero riceve già le segnalazioni di un altro comune.")]
    if errori:
        raise InvalidData(errori)
    with transaction.atomic():
        Ente.objects.filter(pk=ente.pk).update(email=email_mittente, pec=pec)
        canali, _creato = CanaliEnte.objects.select_for_update().get_or_create(ente=ente)
        canali.email_in_arrivo, canali.numero_sms = email_in_arrivo, numero_sms
        if rimuovi_chiave_app_io:
            canali.chiave_app_io = ""
        elif chiave_app_io:
            canali.chiave_app_io = chiave_app_io
        canali.save()
    ente.email, ente.pec = email_mittente, pec


def _email(valore: str, campo: str) -> str:
    valore = (valore or "").strip().lower()
    if valore:
        try:
            validate_email(valore)
        except ValidationError:
            raise InvalidData({campo: [_("Indirizzo e-mail non valido.")]}) from None
    return valore


def _numero(valore: str) -> str:
    valore = (valore or "").strip()
    if not valore:
        return ""
    numero = normalizza_telefono(valore)
    if not (8 <= len(numero) <= 16) or not numero[1:].isdigit():
        raise InvalidData({"numero_sms": [_("Numero di telefono non valido.")]})
    return numero
