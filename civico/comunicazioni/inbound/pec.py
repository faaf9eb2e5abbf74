"""Posta Elettronica Certificata: a certified e-mail is read as the message it carries.

The PEC provider delivers the citizen's message inside its own envelope (DPR 68/2005, DM
2 November 2005): `X-Trasporto: posta-certificata`, subject "POSTA CERTIFICATA: <subject>",
From "Per conto di: <sender>" <the provider's address>, and a body (often multipart/signed with
an `smime.p7s` signature) holding the provider's wrapper text, `daticert.xml` (the certification
data) and `postacert.eml` (message/rfc822: the message as the citizen wrote it, with its photos).

- A transport envelope is replaced by `postacert.eml`: its text, sender, subject and attachments
  are what the rest of inbound e-mail reads; `daticert.xml` becomes the receipt data kept on
  the report for staff (`registra_sulla_segnalazione`).
- Receipts (`X-Ricevuta`: accettazione, consegna, errore…) and anomaly envelopes
  (`X-Trasporto: errore`, "ANOMALIA MESSAGGIO:") are the providers' machine messages: they are
  recognised by `ricevuta` and never become reports.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civico.accounts.permissions import Attore
from civico.segnalazioni import eventi
from civico.segnalazioni.models import TipoEvento, Visibilita

if TYPE_CHECKING:
    from civico.comunicazioni.inbound.email import EsitoEmailInArrivo

logger = logging.getLogger(__name__)

_PREFISSO = re.compile(r"^\s*POSTA\s+CERTIFICATA\s*:\s*", re.IGNORECASE)
_ANOMALIA = re.compile(r"^\s*ANOMALIA\s+MESSAGGIO\s*:", re.IGNORECASE)
_MAX_DATICERT = 64 * 1024  # a real daticert.xml is about 1 KB
# The receipt data kept on the report: daticert.xml's fields, by the names staff read.
CAMPI = ("tipo", "identificativo", "gestore", "data", "ora", "zona", "mittente", "destinatari", "oggetto", "msgid")


@dataclass(frozen=True)
class Busta:
    """What a received message is once the PEC envelope, if any, is opened."""

    messaggio: EmailMessage  # the message to read: postacert.eml, or the received one
    dati: bytes  # its bytes (held messages are stored as these)
    certificazione: dict[str, str] = field(default_factory=dict)  # daticert.xml; empty: not PEC


def ricevuta(msg: EmailMessage) -> str:
    """Why this is a PEC provider's own message (a receipt or an anomaly envelope), or ""."""
    tipo_ricevuta = str(msg.get("X-Ricevuta", "") or "").strip().lower()
    if tipo_ricevuta:
        return f"ricevuta PEC ({tipo_ricevuta})"
    trasporto = str(msg.get("X-Trasporto", "") or "").strip().lower()
    if trasporto == "errore" or (trasporto and _ANOMALIA.match(str(msg.get("Subject", "") or ""))):
        return "busta di anomalia PEC"
    return ""


def apri(msg: EmailMessage, dati: bytes) -> Busta:
    """The message a PEC transport envelope carries, with its certification data; any other
    message (receipts included: `ricevuta` names them) as it is."""
    if str(msg.get("X-Trasporto", "") or "").strip().lower() != "posta-certificata" or ricevuta(msg):
        return Busta(msg, dati)
    certificazione = _daticert(msg)
    interno = _postacert(msg)
    if interno is None:  # a damaged envelope: read its own text, without the provider's prefix
        logger.warning("Busta PEC senza postacert.eml: letta la busta")
        oggetto = _PREFISSO.sub("", str(msg.get("Subject", "") or ""))
        del msg["Subject"]
        msg["Subject"] = oggetto
        return Busta(msg, dati, certificazione or {"tipo": "posta-certificata"})
    interno, grezzo = interno
    if not interno.get("Subject") and certificazione.get("oggetto"):
        interno["Subject"] = certificazione["oggetto"]
    if not interno.get("Message-ID") and msg.get("Message-ID"):
        interno["Message-ID"] = str(msg["Message-ID"])  # each delivery must still be recognised once
    return Busta(interno, grezzo, certificazione or {"tipo": "posta-certificata"})


def leggi(msg: EmailMessage, dati: bytes,
          elabora: Callable[[EmailMessage, bytes], EsitoEmailInArrivo]) -> EsitoEmailInArrivo:
    """Process a received message with `elabora`, reading a certified e-mail as its inner
    message; a report it creates or reaches keeps the certification data."""
    busta = apri(msg, dati)
    esito = elabora(busta.messaggio, busta.dati)
    if busta.certificazione and esito.segnalazione is not None and esito.azione in ("creata", "messaggio"):
        registra_sulla_segnalazione(esito.segnalazione, busta.certificazione)
    return esito


def registra_sulla_segnalazione(segnalazione, certificazione: dict[str, str]) -> None:
    """The PEC receipt data on the report's history, for staff only (it names the sender)."""
    testo = _("Ricevuta via PEC. Identificativo: %(identificativo)s; gestore: %(gestore)s; data: %(data)s %(ora)s; "
              "mittente: %(mittente)s; tipo: %(tipo)s.") % {c: certificazione.get(c, "") or "—" for c in CAMPI}
    with transaction.atomic():
        eventi.registra(segnalazione, TipoEvento.INTERNAL_NOTE, Attore.di_sistema(), quando=timezone.now(),
                        visibilita=Visibilita.INTERNA, testo=testo, dati={"pec": certificazione})


def _parti(msg: EmailMessage):
    # walk() descends into message/rfc822 parts too: the search stops at the envelope's own level.
    da_visitare = [msg]
    while da_visitare:
        parte = da_visitare.pop(0)
        yield parte
        if parte.is_multipart() and parte.get_content_type() != "message/rfc822":
            da_visitare.extend(parte.get_payload())


def _postacert(msg: EmailMessage) -> tuple[EmailMessage, bytes] | None:
    for parte in _parti(msg):
        nome = (parte.get_filename() or "").lower()
        if parte.get_content_type() == "message/rfc822" and (nome in ("", "postacert.eml")):
            payload = parte.get_payload()
            interno = payload[0] if isinstance(payload, list) and payload else None
            if isinstance(interno, EmailMessage):
                grezzo = interno.as_bytes(policy=policy.SMTP)
                # Parsed again from its bytes, so the rest reads it as it reads any received message.
                return BytesParser(policy=policy.default).parsebytes(grezzo), grezzo
        elif nome == "postacert.eml":  # some providers send it as application/octet-stream
            grezzo = parte.get_payload(decode=True) or b""
            if grezzo:
                return BytesParser(policy=policy.default).parsebytes(grezzo), grezzo
    return None


def _daticert(msg: EmailMessage) -> dict[str, str]:
    for parte in _parti(msg):
        if (parte.get_filename() or "").lower() == "daticert.xml":
            return leggi_daticert(parte.get_payload(decode=True) or b"")
    return {}


def leggi_daticert(xml: bytes) -> dict[str, str]:
    """daticert.xml's fields (CAMPI); {} for what is not a readable daticert (never raises)."""
    if not xml or len(xml) > _MAX_DATICERT:
        return {}
    try:
        radice = ElementTree.fromstring(xml)
    except (ElementTree.ParseError, DefusedXmlException, ValueError):
        return {}
    if radice.tag != "postacert":
        return {}

    def testo(percorso: str) -> str:
        trovato: Element | None = radice.find(percorso)
        return " ".join((trovato.text or "").split())[:320] if trovato is not None else ""

    data = radice.find("dati/data")
    dati = {
        "tipo": (radice.get("tipo") or "")[:40],
        "identificativo": testo("dati/identificativo"),
        "gestore": testo("dati/gestore-emittente"),
        "data": testo("dati/data/giorno"),
        "ora": testo("dati/data/ora"),
        "zona": ((data.get("zona") if data is not None else "") or "")[:10],
        "mittente": testo("intestazione/mittente"),
        "destinatari": ", ".join(" ".join((d.text or "").split()) for d in radice.findall("intestazione/destinatari"))[
            :1000],
        "oggetto": testo("intestazione/oggetto"),
        "msgid": testo("dati/msgid"),
    }
    return {k: v.replace("\x00", "") for k, v in dati.items() if v}
