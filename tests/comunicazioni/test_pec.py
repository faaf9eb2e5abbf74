"""Certified e-mails (PEC): read as the citizen's own message, receipts never become reports."""

from __future__ import annotations

import io
import smtplib
from email.message import EmailMessage

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from civico.accounts.models import Ruolo
from civico.comunicazioni.inbound import email as posta
from civico.comunicazioni.inbound import pec
from civico.comunicazioni.inbound import smtp as ascolto
from civico.comunicazioni.models import MessaggioInArrivo, Notifica
from civico.segnalazioni.models import Canale, Segnalazione, Visibilita
from tests import factories
from tests.backoffice.conftest import entra_verificato
from tests.comunicazioni import pec as fixture_pec
from tests.comunicazioni.conftest import worker
from tests.comunicazioni.server import porta_libera

COMUNE = "alessandria@segnala.example.org"
CITTADINO = "mario.rossi@pec.example.it"


@pytest.fixture(autouse=True)
def dominio(comunicazioni):
    comunicazioni["EMAIL_IN_ARRIVO_DOMINIO"] = "segnala.example.org"


def _foto() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), "gray").save(buf, "JPEG")
    return buf.getvalue()


def _interno(oggetto="Buca pericolosa", testo="C'è una buca enorme in via Dante Alighieri 12, grande.") -> EmailMessage:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = f"Mario Rossi <{CITTADINO}>", COMUNE, oggetto
    m["Message-ID"] = "<interno-1@pec.example.it>"
    m.set_content(testo)
    m.add_attachment(_foto(), maintype="image", subtype="jpeg", filename="buca.jpg")
    return m


def _ricevi(dati: bytes):
    return posta.ricevi(dati, mittente_busta="posta-certificata@pec.aruba.it", destinatari=[COMUNE])


@pytest.mark.django_db
@pytest.mark.parametrize(("firmata", "ottetti"), [(True, False), (False, False), (True, True)],
                         ids=["multipart-signed", "multipart-mixed", "postacert-octet-stream"])
def test_a_certified_email_becomes_a_report_from_its_inner_message(alessandria, client, firmata, ottetti):
    esito = _ricevi(fixture_pec.busta(_interno(), firmata=firmata, allegato_ottetti=ottetti))

    s = esito.segnalazione
    assert esito.azione == "creata" and s.canale == Canale.EMAIL
    # The citizen's text, subject (no "POSTA CERTIFICATA:"), sender and photo; not the provider's wrapper.
    assert s.titolo == "Buca pericolosa" and "buca enorme" in s.descrizione
    assert "Messaggio di posta certificata" not in s.descrizione
    assert s.segnalante_email == CITTADINO and s.segnalante_nome == "Mario Rossi"
    assert s.indirizzo.startswith("Via Dante Alighieri 12")
    assert [a.nome_originale for a in s.allegati.all()] == ["buca.jpg"]  # not daticert.xml nor smime.p7s
    # The receipt data, for staff only.
    [nota] = s.eventi.filter(dati__has_key="pec")
    assert nota.visibilita == Visibilita.INTERNA
    assert nota.dati["pec"]["identificativo"] == fixture_pec.IDENTIFICATIVO
    assert nota.dati["pec"]["gestore"] == fixture_pec.GESTORE and nota.dati["pec"]["tipo"] == "posta-certificata"
    assert nota.dati["pec"]["mittente"] == CITTADINO and nota.dati["pec"]["data"] == "07/12/2026"
    pagina = client.get(f"/segnalazioni/{s.codice}/").content.decode()
    assert fixture_pec.IDENTIFICATIVO not in pagina and CITTADINO not in pagina
    # The receipt with the code goes to the citizen, not to the provider's robot.
    assert Notifica.objects.filter(segnalazione=s, indirizzo=CITTADINO).exists()
    assert not Notifica.objects.filter(indirizzo__contains="posta-certificata").exists()


@pytest.mark.django_db
def test_staff_read_the_pec_receipt_data_on_the_report(alessandria, client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    s = _ricevi(fixture_pec.busta(_interno())).segnalazione
    entra_verificato(client, factories.staff("al.operatore", Ruolo.OPERATORE, alessandria))

    pagina = client.get(f"/backoffice/segnalazioni/{s.codice}/").content.decode()

    assert "Ricevuta via PEC" in pagina and fixture_pec.IDENTIFICATIVO in pagina and fixture_pec.GESTORE in pagina


@pytest.mark.django_db
def test_the_same_certified_email_delivered_twice_makes_one_report(alessandria):
    dati = fixture_pec.busta(_interno())
    assert _ricevi(dati).azione == "creata"
    assert _ricevi(dati).azione == "duplicata"
    assert Segnalazione.objects.filter(canale=Canale.EMAIL).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("tipo", "prefisso"), [
    ("accettazione", "ACCETTAZIONE: "),
    ("non-accettazione", "AVVISO DI NON ACCETTAZIONE: "),
    ("presa-in-carico", "PRESA IN CARICO: "),
    ("avvenuta-consegna", "CONSEGNA: "),
    ("errore-consegna", "AVVISO DI MANCATA CONSEGNA: "),
    ("preavviso-errore-consegna", "AVVISO DI MANCATA CONSEGNA PER SUP. TEMPO MASSIMO: "),
    ("rilevazione-virus", "PROBLEMA DI SICUREZZA: "),
])
def test_pec_receipts_never_become_reports_nor_get_an_answer(alessandria, tipo, prefisso):
    esito = _ricevi(fixture_pec.ricevuta(tipo, prefisso=prefisso))

    assert esito.azione == "ignorata" and tipo in esito.motivo
    assert not Segnalazione.objects.exists() and not Notifica.objects.exists()
    assert MessaggioInArrivo.objects.get().esito == "ignorata"


@pytest.mark.django_db
def test_an_anomaly_envelope_is_not_a_report(alessandria):
    esito = _ricevi(fixture_pec.anomalia(_interno()))

    assert esito.azione == "ignorata" and esito.motivo == "busta di anomalia PEC"
    assert not Segnalazione.objects.exists() and not Notifica.objects.exists()


def test_a_damaged_envelope_without_postacert_loses_only_the_prefix():
    m = EmailMessage()
    m["Subject"], m["X-Trasporto"] = "POSTA CERTIFICATA: Buca pericolosa", "posta-certificata"
    m.set_content("C'è una buca in via Dante Alighieri 12.")  # the provider's parts are gone
    busta = pec.apri(m, m.as_bytes())
    assert str(busta.messaggio["Subject"]) == "Buca pericolosa"
    assert busta.certificazione == {"tipo": "posta-certificata"}


@pytest.mark.parametrize("xml", [
    b"",
    b"not xml",
    b"<postacert><dati><identificativo>",
    # Entity expansion (billion laughs): refused, never expanded.
    b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    b"<postacert><dati><identificativo>&b;</identificativo></dati></postacert>",
    b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]><postacert>&x;</postacert>',
    b"<altro><dati><identificativo>x</identificativo></dati></altro>",
    b"<postacert>" + b"x" * 70_000 + b"</postacert>",
])
def test_unreadable_or_hostile_daticert_gives_no_data(xml):
    assert pec.leggi_daticert(xml) == {}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400) | st.text(max_size=200).map(lambda t: f"<postacert tipo='{t}'>{t}</postacert>"
                                                            .encode("utf-8", "surrogatepass")))
def test_any_daticert_bytes_are_read_without_raising(xml):
    dati = pec.leggi_daticert(xml)
    assert set(dati) <= set(pec.CAMPI) and all("\x00" not in v for v in dati.values())


@pytest.mark.usefixtures("coda_db")
def test_a_pec_over_smtp_becomes_a_report_and_the_citizen_gets_the_code_by_real_smtp(alessandria_tx, smtp):
    porta = porta_libera()
    controller = ascolto.avvia("127.0.0.1", porta)
    try:
        with smtplib.SMTP("127.0.0.1", porta, timeout=10) as client:
            busta = fixture_pec.busta(_interno()).replace(b"\n", b"\r\n")
            client.sendmail("posta-certificata@pec.aruba.it", [COMUNE], busta)
    finally:
        controller.stop()
    worker()

    s = Segnalazione.objects.get(canale=Canale.EMAIL)
    assert s.titolo == "Buca pericolosa" and s.allegati.count() == 1
    assert s.eventi.filter(dati__has_key="pec").exists()
    [ricevuta] = [m for m in smtp.messaggi if s.codice in m.get_body(preferencelist=("plain",)).get_content()]
    assert ricevuta["To"] == CITTADINO
