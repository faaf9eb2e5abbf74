"""Property-based tests (hypothesis): whatever a client sends, intake answers with the domain's
validation errors only, and the inbound e-mail parser never fails on random bytes or MIME."""

from __future__ import annotations

import logging
from email.message import EmailMessage

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civico.comunicazioni.inbound import email as posta
from civico.errors import DomainError
from civico.segnalazioni import intake

FUZZ = settings(max_examples=80, deadline=None, database=None, suppress_health_check=list(HealthCheck))

testi = st.text(max_size=300) | st.sampled_from(["", " ", "<b>x</b>", "a\x00b", "\ud800", "Buca " * 1000])
numeri = (
    st.floats(allow_nan=True, allow_infinity=True)
    | st.floats(min_value=44.88, max_value=44.95).map(str)
    | st.text(max_size=20) | st.none() | st.integers()
)
risposte = st.dictionaries(st.text(max_size=20), st.none() | st.booleans() | st.integers() | testi
                           | st.lists(st.text(max_size=10), max_size=3), max_size=4)


@pytest.fixture
def ente(alessandria):
    return alessandria


@FUZZ
@given(
    lat=numeri | st.floats(min_value=44.89, max_value=44.93),
    lon=numeri | st.floats(min_value=8.59, max_value=8.64),
    titolo=testi, descrizione=testi, categoria=st.none() | st.sampled_from(["buche", "illuminazione", "", "x"]) | testi,
    indirizzo=testi, risposte=risposte, email=testi | st.emails(), telefono=testi,
    canale=st.sampled_from(["web", "app", "email", "boh"]),
    allegati=st.lists(st.tuples(st.text(max_size=20), st.binary(max_size=400)), max_size=2),
    con_ente=st.booleans(),
)
def test_intake_only_ever_refuses_with_domain_errors(ente, lat, lon, titolo, descrizione, categoria, indirizzo,
                                                      risposte, email, telefono, canale, allegati, con_ente):
    dati = intake.NuovaSegnalazione(
        lat=lat, lon=lon, titolo=titolo, descrizione=descrizione, categoria=categoria, indirizzo=indirizzo,
        risposte=risposte, email=email, telefono=telefono, canale=canale, ente=ente if con_ente else None,
    )
    try:
        ricevuta = intake.submit(dati, allegati)
    except DomainError as exc:
        assert str(exc)  # a message for the person
    else:
        assert ricevuta.segnalazione.pk and ricevuta.codice


class _Eccezioni(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.record: list[logging.LogRecord] = []

    def emit(self, record):
        self.record.append(record)


def _mime(oggetto: str, corpo: str, allegato: bytes, tipo: str, intestazione: str) -> bytes:
    m = EmailMessage()
    m["From"] = "Mario <mario@example.org>"
    m["To"] = "al@segnalazioni.example.org"
    try:
        m["Subject"] = oggetto
        m["X-Strana"] = intestazione
    except (ValueError, TypeError):
        pass
    m.set_content(corpo)
    principale, _, sotto = tipo.partition("/")
    m.add_attachment(allegato, maintype=principale or "application", subtype=sotto or "octet-stream",
                     filename="f.bin")
    m.set_boundary("==civico-fuzz==")  # else the generator draws one with `random`
    return m.as_bytes()


@pytest.fixture
def gestore():
    h = _Eccezioni()
    logging.getLogger(posta.__name__).addHandler(h)
    yield h
    logging.getLogger(posta.__name__).removeHandler(h)


@FUZZ
@given(dati=st.binary(max_size=2000) | st.builds(
    _mime, st.text(max_size=80), st.text(max_size=500), st.binary(max_size=300),
    st.sampled_from(["image/jpeg", "application/pdf", "text/html", "image/png", "x/y"]), st.text(max_size=40),
))
def test_the_inbound_email_parser_never_fails_on_random_messages(ente, gestore, dati):
    gestore.record.clear()
    esito = posta.ricevi(dati, mittente_busta="mario@example.org", destinatari=["al@segnalazioni.example.org"])
    assert esito.azione in {"creata", "messaggio", "trattenuta", "ignorata", "richiesta", "duplicata"}
    # ricevi() guards the listener with a catch-all; an exception reaching it is a parser bug.
    assert not gestore.record, [r.getMessage() for r in gestore.record]


@pytest.mark.parametrize("oggetto,corpo", [("Buca\x00 in via Dante", "c'è una buca"), ("Buca", "una\x00buca"),
                                           ("\x00", "\x00")])
def test_nul_bytes_in_an_email_never_stop_it(ente, gestore, oggetto, corpo):
    """Found by the fuzz test above on PostgreSQL: a NUL in the Subject reached the automatic reply."""
    dati = _mime(oggetto, corpo, b"\x00\x01", "image/png", "x")
    esito = posta.ricevi(dati, mittente_busta="mario@example.org", destinatari=["al@segnalazioni.example.org"])
    assert esito.azione in {"creata", "messaggio", "richiesta"}
    assert not gestore.record, [r.getMessage() for r in gestore.record]
