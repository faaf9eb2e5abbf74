"""Following a report, and no longer following it."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from civico.accounts.models import Utente
from civico.comunicazioni import canali, collegamenti, dirette
from civico.comunicazioni.impostazioni import impostazione
from civico.comunicazioni.models import Iscrizione
from civico.core.inserimento import inserisci
from civico.errors import DomainError, InvalidData
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


def sposta_iscrizioni(da: Segnalazione, a: Segnalazione) -> int:
    """Move who follows (and supports, «Anche io») `da` to `a`, without doubling anyone who
    already follows `a`: a report marked duplicate of `a`, or forwarded to another comune as `a`.
    Returns how many moved. Call inside the transaction of that change, so both or neither happen."""
    presenti = list(Iscrizione.objects.filter(segnalazione=a).values_list("utente_id", "email", "telefono"))
    utenti = {u for u, _e, _t in presenti if u}
    email = {e.lower() for u, e, _t in presenti if not u and e}
    telefoni = {t for u, e, t in presenti if not u and not e and t}
    spostate = 0
    for isc in Iscrizione.objects.filter(segnalazione=da):
        doppia = (isc.utente_id in utenti) if isc.utente_id else (
            isc.email.lower() in email if isc.email else isc.telefono in telefoni
        )
        if doppia:
            isc.delete()
            continue
        isc.segnalazione = a
        isc.save(update_fields=["segnalazione"])
        spostate += 1
    return spostate


MAX_EMAIL = 254  # RFC 5321, and the subscription's field


class ConfermaNonValida(DomainError):
    code = "conferma_non_valida"


def chiedi_di_seguire(segnalazione: Segnalazione, email: str, lingua: str = "it") -> str:
    """Double opt-in, first half: e-mail `email` a signed link that makes it follow the report
    (nothing is stored until it is opened). Returns the address as it will be written to."""
    from civico.moderazione.servizi import verifica_contatti

    email = (email or "").strip().lower()
    errori: dict[str, list] = {}
    try:
        validate_email(email)
        if len(email) > MAX_EMAIL:
            raise ValidationError("troppo lunga")
    except ValidationError:
        errori["email"] = [_("Scrivi un indirizzo e-mail valido, ad esempio nome@esempio.it.")]
    else:
        verifica_contatti(segnalazione.ente, email, "", errori)
    if errori:
        raise InvalidData(errori)
    link = collegamenti.conferma_iscrizione(segnalazione, email, lingua)
    with translation.override(lingua):
        testo = render_to_string("comunicazioni/email/conferma_iscrizione.txt", {
            "s": segnalazione, "link": link, "giorni": int(impostazione("GIORNI_CONFERMA_ISCRIZIONE")),
        })
        oggetto = gettext("Conferma: vuoi seguire la segnalazione %(codice)s?") % {"codice": segnalazione.codice}
    # Asking again sends again (the per-address rate limit stops a flood): a fresh delivery key.
    dirette.email(email, oggetto, testo, origine=f"segui:{secrets.token_hex(12)}", motivo="conferma", lingua=lingua)
    return email


def leggi_conferma(firmato: str) -> tuple[Segnalazione, str, str]:
    """The report, e-mail and language of a double opt-in link; ConfermaNonValida if forged or expired."""
    letto = collegamenti.leggi_conferma_iscrizione(firmato)
    s = Segnalazione.objects.filter(pk=letto[0]).first() if letto else None
    if s is None:
        raise ConfermaNonValida(_("Questo link non è valido o è scaduto: chiedi di nuovo di seguire la segnalazione."))
    return s, letto[1], letto[2]


def conferma_di_seguire(firmato: str) -> tuple[Segnalazione, bool]:
    """Double opt-in, second half: the report and whether this made one more follower (False:
    the address already followed it, by itself or through an account with that address)."""
    s, email, lingua = leggi_conferma(firmato)
    if Iscrizione.objects.filter(segnalazione=s, utente__email__iexact=email).exists():
        return s, False
    return s, segui_per_email(s, email, lingua)


def segui_come_segnalante(s: Segnalazione, *, nuova: bool = False, crea: bool = True) -> Iscrizione | None:
    """The reporter follows their report from the start: by account, else e-mail, else phone.
    Called by the outbox on the report's first event, in the same transaction. `nuova`: the report
    was inserted in this transaction, so nobody can follow it yet and nothing is looked up.
    `crea=False`: only the reporter's existing subscription (None if they stopped following)."""
    if s.segnalante_id:
        campi = {"utente_id": s.segnalante_id, "email": "", "telefono": ""}
        filtro = {"utente_id": s.segnalante_id}
    elif s.segnalante_email:
        campi = filtro = {"utente": None, "email": s.segnalante_email.strip().lower(), "telefono": ""}
    elif s.segnalante_telefono:
        campi = filtro = {"utente": None, "email": "", "telefono": s.segnalante_telefono.strip()}
    elif indirizzi := indirizzi_del_segnalante(s):
        campi = filtro = {"utente": None, "email": "", "telefono": "", "indirizzi": indirizzi}
    else:
        return None
    gia = None if nuova else Iscrizione.objects.filter(segnalazione=s, **filtro).first()
    if gia is not None or not crea:
        return gia
    isc = inserisci(Iscrizione(segnalazione=s, lingua=s.lingua, **campi))  # in every report's intake
    if s.segnalante_id and Segnalazione.segnalante.is_cached(s):
        isc.utente = s.segnalante  # the account intake holds: its preferences are read next
    return isc


def indirizzi_del_segnalante(s: Segnalazione) -> dict[str, str]:
    """A report made on a channel with its own addresses (a Telegram chat) names the sender in
    `dati_client` under the channel's name (inbound/conversazione.py)."""
    dati = s.dati_client or {}
    return {n: str(dati[n]) for n in canali.nomi() if dati.get(n)}


def e_del_segnalante(isc: Iscrizione, s: Segnalazione) -> bool:
    if isc.utente_id:
        return isc.utente_id == s.segnalante_id
    if isc.email:
        return isc.email.lower() == (s.segnalante_email or "").strip().lower()
    if isc.telefono:
        return isc.telefono == (s.segnalante_telefono or "").strip()
    return bool(isc.indirizzi) and isc.indirizzi == indirizzi_del_segnalante(s)


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
