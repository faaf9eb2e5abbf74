"""Certified e-mails (PEC) as Italian providers deliver them: the transport envelope around the
citizen's message (postacert.eml), the certification data (daticert.xml) and, in the signed
variant, an S/MIME signature (smime.p7s); the providers' receipts and anomaly envelopes."""

from __future__ import annotations

import base64
from email.message import EmailMessage
from email.mime.application import MIMEApplication
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formatdate

GESTORE = "ARUBA PEC S.p.A."
IDENTIFICATIVO = "opec21012.20261207091502.12345.67.1.53@pec.aruba.it"
# Not a real signature (nobody verifies it here), but shaped like one: DER in base64.
_FIRMA = base64.b64decode(base64.b64encode(b"\x30\x82\x05\x00" + bytes(range(256)) * 4))


def daticert(*, tipo: str = "posta-certificata", mittente: str = "mario.rossi@pec.example.it",
             destinatario: str = "alessandria@segnala.example.org", oggetto: str = "Buca pericolosa",
             msgid: str = "<interno-1@pec.example.it>", errore: str = "nessuno") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<postacert tipo="{tipo}" errore="{errore}">
  <intestazione>
    <mittente>{mittente}</mittente>
    <destinatari tipo="certificato">{destinatario}</destinatari>
    <risposte>{mittente}</risposte>
    <oggetto>{oggetto}</oggetto>
  </intestazione>
  <dati>
    <gestore-emittente>{GESTORE}</gestore-emittente>
    <data zona="+0100">
      <giorno>07/12/2026</giorno>
      <ora>09:15:02</ora>
    </data>
    <identificativo>{IDENTIFICATIVO}</identificativo>
    <msgid>{msgid.replace("<", "&lt;").replace(">", "&gt;")}</msgid>
  </dati>
</postacert>
""".encode()


def _testo_del_gestore(mittente: str, oggetto: str) -> MIMEMultipart:
    testo = (f"Messaggio di posta certificata\n\nIl giorno 07/12/2026 alle ore 09:15:02 (+0100) il messaggio\n"
             f"\"{oggetto}\" è stato inviato da \"{mittente}\"\nindirizzato a:\nalessandria@segnala.example.org\n"
             "Il messaggio originale è incluso in allegato.\nIdentificativo messaggio: " + IDENTIFICATIVO + "\n")
    alternativa = MIMEMultipart("alternative")
    alternativa.attach(MIMEText(testo, "plain", "utf-8"))
    alternativa.attach(MIMEText(f"<html><body><p>{testo}</p></body></html>", "html", "utf-8"))
    return alternativa


def _intestazioni(busta, *, mittente: str, oggetto: str, prefisso: str = "POSTA CERTIFICATA: ",
                  trasporto: str | None = "posta-certificata", ricevuta: str | None = None,
                  destinatario: str = "alessandria@segnala.example.org") -> None:
    busta["Return-Path"] = "<posta-certificata@pec.aruba.it>"
    busta["From"] = f'"Per conto di: {mittente}" <posta-certificata@pec.aruba.it>'
    busta["Reply-To"] = mittente
    busta["To"] = destinatario
    busta["Subject"] = prefisso + oggetto
    busta["Date"] = formatdate(localtime=False)
    busta["Message-ID"] = f"<{IDENTIFICATIVO}>"
    busta["X-Riferimento-Message-ID"] = "<interno-1@pec.example.it>"
    if trasporto:
        busta["X-Trasporto"] = trasporto
    if ricevuta:
        busta["X-Ricevuta"] = ricevuta
        busta["X-Verificasicurezza"] = "normale"


def busta(interno: EmailMessage, *, firmata: bool = True, allegato_ottetti: bool = False) -> bytes:
    """A transport envelope (X-Trasporto: posta-certificata) around `interno`.

    firmata: multipart/signed (mixed + smime.p7s), as most providers send; otherwise the bare
    multipart/mixed some gateways pass on. allegato_ottetti: postacert.eml as
    application/octet-stream instead of message/rfc822 (seen from some providers)."""
    mittente = interno["From"].addresses[0].addr_spec
    oggetto = str(interno["Subject"])
    misto = MIMEMultipart("mixed")
    misto.attach(_testo_del_gestore(mittente, oggetto))
    dati = MIMEApplication(daticert(mittente=mittente, oggetto=oggetto, msgid=str(interno["Message-ID"])), "xml")
    dati.add_header("Content-Disposition", "inline", filename="daticert.xml")
    misto.attach(dati)
    if allegato_ottetti:
        eml = MIMEApplication(interno.as_bytes(), "octet-stream")
    else:
        eml = MIMEMessage(interno)
    eml.add_header("Content-Disposition", "attachment", filename="postacert.eml")
    misto.attach(eml)
    if firmata:
        esterno = MIMEMultipart("signed", protocol="application/pkcs7-signature", micalg="sha-256")
        esterno.attach(misto)
        firma = MIMEApplication(_FIRMA, "pkcs7-signature", name="smime.p7s")
        firma.add_header("Content-Disposition", "attachment", filename="smime.p7s")
        esterno.attach(firma)
    else:
        esterno = misto
    _intestazioni(esterno, mittente=mittente, oggetto=oggetto)
    return esterno.as_bytes()


def ricevuta(tipo: str, *, oggetto: str = "Buca pericolosa", prefisso: str = "AVVENUTA CONSEGNA: ") -> bytes:
    """A provider's receipt (X-Ricevuta: accettazione, avvenuta-consegna, errore-consegna…)."""
    esterno = MIMEMultipart("signed", protocol="application/pkcs7-signature", micalg="sha-256")
    misto = MIMEMultipart("mixed")
    misto.attach(MIMEText(f"Ricevuta di {tipo}\nIl messaggio \"{oggetto}\" è stato consegnato.\n", "plain", "utf-8"))
    dati = MIMEApplication(daticert(tipo=tipo, oggetto=oggetto), "xml")
    dati.add_header("Content-Disposition", "inline", filename="daticert.xml")
    misto.attach(dati)
    esterno.attach(misto)
    esterno.attach(MIMEApplication(_FIRMA, "pkcs7-signature", name="smime.p7s"))
    _intestazioni(esterno, mittente="mario.rossi@pec.example.it", oggetto=oggetto, prefisso=prefisso,
                  trasporto=None, ricevuta=tipo)
    return esterno.as_bytes()


def anomalia(interno: EmailMessage) -> bytes:
    """An anomaly envelope: an ordinary (not certified) message that reached a PEC mailbox."""
    misto = MIMEMultipart("mixed")
    misto.attach(MIMEText("Anomalia nel messaggio\nIl messaggio originale è incluso in allegato.\n", "plain", "utf-8"))
    eml = MIMEMessage(interno)
    eml.add_header("Content-Disposition", "attachment", filename="postacert.eml")
    misto.attach(eml)
    _intestazioni(misto, mittente=interno["From"].addresses[0].addr_spec, oggetto=str(interno["Subject"]),
                  prefisso="ANOMALIA MESSAGGIO: ", trasporto="errore")
    return misto.as_bytes()
