"""E-mails to the comune: new reports, the reporter's replies, and everything to ignore."""

import io
import smtplib
from email.message import EmailMessage

import pytest
from PIL import Image

from civico.comunicazioni import conversazioni
from civico.comunicazioni.inbound import email as posta
from civico.comunicazioni.inbound import smtp as ascolto
from civico.comunicazioni.models import MessaggioInArrivo, Notifica
from civico.segnalazioni.models import Canale, Segnalazione, TipoEvento
from tests import factories
from tests.comunicazioni.server import porta_libera

COMUNE = "alessandria@segnala.example.org"


@pytest.fixture(autouse=True)
def dominio(comunicazioni):
    comunicazioni["EMAIL_IN_ARRIVO_DOMINIO"] = "segnala.example.org"


def _email(oggetto="Buca pericolosa", testo="C'è una buca enorme in via Dante Alighieri 12, grande.",
           mittente="Mario Rossi <mario@example.org>", a=COMUNE, html=None, **intestazioni) -> EmailMessage:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = mittente, a, oggetto
    m["Message-ID"] = intestazioni.pop("message_id", f"<{abs(hash((oggetto, testo)))}@example.org>")
    for nome, valore in intestazioni.items():
        m[nome.replace("_", "-")] = valore
    m.set_content(testo)
    if html:
        m.add_alternative(html, subtype="html")
    return m


def _ricevi(m: EmailMessage, busta="mario@example.org"):
    return posta.ricevi(m.as_bytes(), mittente_busta=busta, destinatari=[m["To"]])


def _foto() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), "gray").save(buf, "JPEG")
    return buf.getvalue()


@pytest.mark.django_db
def test_an_email_with_an_address_becomes_a_report_in_triage(alessandria):
    m = _email()
    m.add_attachment(_foto(), maintype="image", subtype="jpeg", filename="buca.jpg")

    esito = _ricevi(m)

    s = esito.segnalazione
    assert esito.azione == "creata" and s.canale == Canale.EMAIL and s.stato == "submitted"
    assert s.indirizzo.startswith("Via Dante Alighieri 12") and s.categoria.codice == "buche"
    assert s.risposte == {"dimensione": "grande"}
    assert s.segnalante_email == "mario@example.org" and s.segnalante_nome == "Mario Rossi"
    assert s.allegati.count() == 1 and s.titolo == "Buca pericolosa"
    # The receipt with the tracking code goes back by e-mail, through the outbox.
    assert Notifica.objects.filter(segnalazione=s, indirizzo="mario@example.org", motivo="evento").exists()


@pytest.mark.django_db
def test_the_same_message_delivered_twice_makes_one_report(alessandria):
    m = _email()
    assert _ricevi(m).azione == "creata"
    assert _ricevi(m).azione == "duplicata"
    assert Segnalazione.objects.filter(canale=Canale.EMAIL).count() == 1


@pytest.mark.django_db
def test_without_an_address_we_ask_for_it_and_create_nothing(alessandria):
    esito = _ricevi(_email(testo="C'è una buca enorme davanti a casa mia."))

    assert esito.azione == "richiesta" and not Segnalazione.objects.filter(canale=Canale.EMAIL).exists()
    [risposta] = Notifica.objects.filter(motivo="risposta")
    assert risposta.indirizzo == "mario@example.org" and "via Roma 12" in risposta.testo
    assert risposta.oggetto == "Re: Buca pericolosa" and risposta.dati["in_risposta_a"]


@pytest.mark.django_db
def test_a_missing_required_answer_is_asked(alessandria):
    esito = _ricevi(_email(testo="Buca in via Dante Alighieri 12"))
    assert esito.azione == "richiesta"
    assert "Quanto è grande la buca? (piccola, media, grande)" in Notifica.objects.get(motivo="risposta").testo


@pytest.mark.django_db
@pytest.mark.parametrize("intestazioni", [
    {"Auto_Submitted": "auto-replied"},
    {"Precedence": "bulk"},
    {"X_Autoreply": "yes"},
])
def test_auto_replies_are_recognised_and_ignored(alessandria, intestazioni):
    esito = _ricevi(_email(oggetto="Fuori ufficio", **intestazioni))
    assert esito.azione == "ignorata"
    assert not Notifica.objects.filter(motivo="risposta").exists()  # no mail loops


@pytest.mark.django_db
def test_bounces_are_ignored(alessandria):
    assert _ricevi(_email(), busta="").azione == "ignorata"
    rapporto = EmailMessage()
    rapporto["From"], rapporto["To"], rapporto["Subject"] = "postmaster@example.org", COMUNE, "Undelivered"
    rapporto.set_content("delivery failed")
    rapporto.make_mixed()
    rapporto.replace_header("Content-Type", 'multipart/report; report-type=delivery-status; boundary="x"')
    assert posta.ricevi(rapporto.as_bytes(), mittente_busta="mta@example.org", destinatari=[COMUNE]).azione \
        == "ignorata"
    assert MessaggioInArrivo.objects.filter(esito="ignorata").count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("dati", [b"", b"\x00\xff garbage \r\n\r\n\x80", b"From: \r\nSubject: =?x?q?rotto?=\r\n\r\n"])
def test_malformed_messages_are_ignored_without_crashing(alessandria, dati):
    esito = posta.ricevi(dati, mittente_busta="x@example.org", destinatari=[COMUNE])
    assert esito.azione == "ignorata"


@pytest.mark.django_db
def test_html_with_scripts_is_reduced_to_text(alessandria):
    html = ("<p>Buca <b>grande</b> in via Dante Alighieri 12</p><script>alert('x')</script>"
            "<img src=x onerror=alert(1)>")
    m = _email(testo="<script>alert(1)</script> Buca grande in via Dante Alighieri 12", html=html)
    esito = _ricevi(m)
    s = esito.segnalazione
    assert esito.azione == "creata" and "<" not in s.descrizione and "alert" not in s.descrizione


@pytest.mark.django_db
def test_a_huge_attachment_is_left_out_and_the_sender_told(alessandria, settings):
    settings.CIVICO = {**settings.CIVICO, "MAX_FILE_BYTES": 50_000}
    m = _email()
    m.add_attachment(b"\xff\xd8" + b"0" * 200_000, maintype="image", subtype="jpeg", filename="enorme.jpg")
    m.add_attachment(b"MZ\x90\x00", maintype="application", subtype="octet-stream", filename="virus.exe")

    esito = _ricevi(m)

    assert esito.azione == "creata" and esito.segnalazione.allegati.count() == 0
    avviso = Notifica.objects.get(motivo="risposta").testo
    assert "enorme.jpg" in avviso and "virus.exe" in avviso


@pytest.mark.django_db
def test_unknown_recipients_are_ignored(alessandria):
    assert _ricevi(_email(a="nessuno@segnala.example.org")).azione == "ignorata"
    assert _ricevi(_email(a="alessandria@altro.example.org", message_id="<altro@example.org>")).azione == "ignorata"


@pytest.mark.django_db
def test_a_reply_to_the_signed_address_from_the_reporter_is_their_message(alessandria, comunicazioni):
    # More variants, and everything held instead: test_email_risposte_firmate.py.
    comunicazioni["EMAIL_IN_ARRIVO_AUTHSERV_ID"] = "mx.segnala.example.org"
    s = factories.segnalazione(alessandria, email="mario@example.org")
    s.ufficio.email = "strade@comune.example.org"
    s.ufficio.save()
    m = _email(oggetto=f"Re: Segnalazione {s.codice} ricevuta",
               testo="La buca adesso è più profonda.\n\nIl giorno 3 maggio Civico ha scritto:\n> testo vecchio",
               a=conversazioni.indirizzo_di_risposta(s.codice, COMUNE),
               Authentication_Results="mx.segnala.example.org; dkim=pass header.d=example.org")

    esito = _ricevi(m)

    assert esito.azione == "messaggio"
    commento = s.eventi.get(tipo=TipoEvento.COMMENT)
    assert commento.testo == "La buca adesso è più profonda." and commento.dati["attore"] == "segnalante"
    assert Notifica.objects.filter(segnalazione=s, motivo="ufficio", indirizzo="strade@comune.example.org").exists()


@pytest.mark.django_db
def test_a_reply_from_someone_else_is_held_and_not_added(alessandria):
    s = factories.segnalazione(alessandria, email="mario@example.org")
    esito = _ricevi(_email(oggetto=f"Re: {s.codice}", mittente="intruso@example.org"), busta="intruso@example.org")
    assert esito.azione == "trattenuta" and not s.eventi.filter(tipo=TipoEvento.COMMENT).exists()
    assert MessaggioInArrivo.objects.get().revisione == "in_attesa"
    assert not Notifica.objects.filter(motivo="risposta").exists()  # its From may be forged: no backscatter


@pytest.mark.usefixtures("coda_db")
def test_the_smtp_listener_takes_mail_sent_with_smtplib(alessandria_tx):
    porta = porta_libera()
    controller = ascolto.avvia("127.0.0.1", porta)
    try:
        with smtplib.SMTP("127.0.0.1", porta, timeout=10) as client:
            client.send_message(_email(), from_addr="mario@example.org", to_addrs=[COMUNE])
            with pytest.raises(smtplib.SMTPRecipientsRefused):  # refused at RCPT: no backscatter
                client.send_message(_email(), from_addr="mario@example.org", to_addrs=["x@segnala.example.org"])
    finally:
        controller.stop()
    s = Segnalazione.objects.get(canale=Canale.EMAIL)
    assert s.indirizzo.startswith("Via Dante Alighieri 12")
    assert MessaggioInArrivo.objects.get().esito == "creata"
