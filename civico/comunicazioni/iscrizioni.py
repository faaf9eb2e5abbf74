"""Following a report, and no longer following it."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from civico.accounts.models import Utente
from civico.comunicazioni.models import Iscrizione
from civico.segnalazioni.models import Segnalazione


def segui(segnalazione: Segnalazione, utente: Utente) -> bool:
    """Follow; True if this created the subscription, False if it already existed."""
    try:
        with transaction.atomic():
            Iscrizione.objects.create(segnalazione=segnalazione, utente=utente)
    except IntegrityError:
        return False
    return True


def segui_per_email(segnalazione: Segnalazione, email: str, lingua: str = "") -> bool:
    """Follow without an account (the address is the citizen's, as they typed it), hearing in
    `lingua` (the page's)."""
    from civico.segnalazioni.intake import scegli_lingua

    email = email.strip().lower()
    if Iscrizione.objects.filter(segnalazione=segnalazione, utente__isnull=True, email=email).exists():
        return False
    try:
        with transaction.atomic():
            Iscrizione.objects.create(segnalazione=segnalazione, email=email, lingua=scegli_lingua(lingua))
    except IntegrityError:
        return False
    return True


def segui_come_segnalante(s: Segnalazione, *, nuova: bool = False) -> Iscrizione | None:
    """The reporter follows their report from the start: by account, else e-mail, else phone.
    Called by the outbox on the report's first event, in the same transaction. `nuova`: the report
    was inserted in this transaction, so nobody can follow it yet and nothing is looked up."""
    if s.segnalante_id:
        campi = {"utente_id": s.segnalante_id, "email": "", "telefono": ""}
        filtro = {"utente_id": s.segnalante_id}
    elif s.segnalante_email:
        campi = filtro = {"utente": None, "email": s.segnalante_email.strip().lower(), "telefono": ""}
    elif s.segnalante_telefono:
        campi = filtro = {"utente": None, "email": "", "telefono": s.segnalante_telefono.strip()}
    else:
        return None
    gia = None if nuova else Iscrizione.objects.filter(segnalazione=s, **filtro).first()
    if gia is not None:
        return gia
    isc = Iscrizione.objects.create(segnalazione=s, lingua=s.lingua, **campi)
    if s.segnalante_id and Segnalazione.segnalante.is_cached(s):
        isc.utente = s.segnalante  # the account intake holds: its preferences are read next
    return isc


def e_del_segnalante(isc: Iscrizione, s: Segnalazione) -> bool:
    if isc.utente_id:
        return isc.utente_id == s.segnalante_id
    if isc.email:
        return isc.email.lower() == (s.segnalante_email or "").strip().lower()
    return bool(isc.telefono) and isc.telefono == (s.segnalante_telefono or "").strip()


def smetti_di_seguire(segnalazione: Segnalazione, utente: Utente) -> bool:
    cancellate, _ = Iscrizione.objects.filter(segnalazione=segnalazione, utente=utente).delete()
    return cancellate > 0


def segue(segnalazione: Segnalazione, utente: Utente) -> bool:
    return Iscrizione.objects.filter(segnalazione=segnalazione, utente=utente).exists()


def seguaci(segnalazione: Segnalazione) -> int:
    return Iscrizione.objects.filter(segnalazione=segnalazione).count()


def disiscrivi(tipo: str, pk: int) -> bool:
    """The one-click unsubscribe: stop following a report ("i") or switch an area alert off ("a")."""
    from civico.comunicazioni.models import Allerta

    if tipo == "i":
        cancellate, _ = Iscrizione.objects.filter(pk=pk).delete()
        return cancellate > 0
    if tipo == "a":
        return Allerta.objects.filter(pk=pk, attiva=True).update(attiva=False) > 0
    return False


def descrivi_disiscrizione(tipo: str, pk: int) -> str:
    """What the link unsubscribes from, for its confirmation page ("" if it no longer exists)."""
    from civico.comunicazioni.models import Allerta

    if tipo == "i":
        isc = Iscrizione.objects.filter(pk=pk).select_related("segnalazione").first()
        return f"{isc.segnalazione.codice} · {isc.segnalazione.titolo}" if isc else ""
    if tipo == "a":
        a = Allerta.objects.filter(pk=pk, attiva=True).first()
        return str(a.nome or a.get_tipo_area_display()) if a else ""
    return ""
