"""E-mail replies speak for a reporter only when both the address and the sender are proven.

The address: the report's signed reply address, which only our e-mails to the reporter carry.
The sender: From is the reporter's address and its domain is authenticated (the trusted MTA's
Authentication-Results, or a DKIM signature verified here). Everything else is held for an
operator: nothing public, nothing lost."""

from __future__ import annotations

import base64
import io
import smtplib
from email import policy
from email.message import EmailMessage

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import given
from hypothesis import settings as ipotesi
from hypothesis import strategies as st
from PIL import Image

from civico.accounts.models import Ruolo
from civico.accounts.permissions import Attore
from civico.comunicazioni import conversazioni, iscrizioni
from civico.comunicazioni.canali import email as canale_email
from civico.comunicazioni.inbound import email as posta
from civico.comunicazioni.inbound import smtp as ascolto
from civico.comunicazioni.inbound import trattenute
from civico.comunicazioni.models import CanaliEnte, MessaggioInArrivo, Notifica
from civico.errors import NotAllowed
from civico.segnalazioni import interazioni
from civico.segnalazioni.models import Allegato, Segnalazione, TipoEvento, Visibilita
from tests import factories
from tests.backoffice.conftest import entra_verificato
from tests.comunicazioni.server import porta_libera

COMUNE = "alessandria@segnala.example.org"
MTA = "mx.segnala.example.org"
MARIO = "mario@example.org"

_CHIAVE = rsa.generate_private_key(public_exponent=65537, key_size=1024)
PRIVATA = _CHIAVE.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
_PUBBLICA = base64.b64encode(_CHIAVE.public_key().public_bytes(
    serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)).decode()
DNS = {b"sel._domainkey.example.org.": f"v=DKIM1; k=rsa; p={_PUBBLICA}".encode(),
       b"sel._domainkey.intruso.example.": f"v=DKIM1; k=rsa; p={_PUBBLICA}".encode()}


def dns_locale(nome, timeout=5):
    """dkimpy's DNS lookup, answered from the key pair above: no network here."""
    return DNS.get(nome if nome.endswith(b".") else nome + b".")


@pytest.fixture(autouse=True)
def posta_in_arrivo(comunicazioni):
    comunicazioni["EMAIL_IN_ARRIVO_DOMINIO"] = "segnala.example.org"
    comunicazioni["EMAIL_IN_ARRIVO_AUTHSERV_ID"] = MTA
    comunicazioni["EMAIL_IN_ARRIVO_DNS"] = dns_locale
    return comunicazioni


@pytest.fixture
def segnalazione(alessandria):
    s = factories.segnalazione(alessandria, email=MARIO)
    assert s.pubblica
    return s


def _foto() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), "gray").save(buf, "JPEG")
    return buf.getvalue()


def indirizzo(s: Segnalazione) -> str:
    return conversazioni.indirizzo_di_risposta(s.codice, COMUNE)


def risposta(s: Segnalazione | None = None, *, a: str = "", mittente: str = f"Mario Rossi <{MARIO}>",
             testo: str = "La buca adesso è più profonda.",
             autenticazione: str | None = "dkim=pass header.d=example.org",
             servizio: str = MTA, foto: bool = True, **intestazioni) -> EmailMessage:
    m = EmailMessage()
    if autenticazione is not None:
        m["Authentication-Results"] = f"{servizio}; {autenticazione}"
    m["From"], m["To"] = mittente, a or indirizzo(s)
    m["Subject"] = f"Re: Segnalazione {s.codice if s else ''}: presa in carico"
    m["Message-ID"] = f"<{abs(hash((a, mittente, testo, autenticazione, servizio, str(intestazioni))))}@example.org>"
    for nome, valore in intestazioni.items():
        m[nome.replace("_", "-")] = valore
    m.set_content(testo)
    if foto:
        m.add_attachment(_foto(), maintype="image", subtype="jpeg", filename="buca.jpg")
    return m


def firmata(m: EmailMessage, dominio: str = "example.org", **opzioni) -> bytes:
    dati = m.as_bytes(policy=policy.SMTP)  # CRLF, as it travels
    firma = dkim.sign(dati, b"sel", dominio.encode(), PRIVATA,
                      include_headers=[b"from", b"to", b"subject", b"message-id"], **opzioni)
    return firma + dati


def ricevi(m: EmailMessage | bytes, *, destinatari: list[str] | None = None, busta: str = MARIO):
    dati = m if isinstance(m, bytes) else m.as_bytes()
    if destinatari is None:
        destinatari = [str(EmailMessage.__getitem__(m, "To"))] if isinstance(m, EmailMessage) else [COMUNE]
    return posta.ricevi(dati, mittente_busta=busta, destinatari=destinatari)


def nulla_di_pubblico(s: Segnalazione) -> None:
    """What an attacker hoped for did not happen: no message of the reporter, no photo."""
    assert not s.eventi.filter(tipo=TipoEvento.COMMENT).exists()
    assert not s.eventi.filter(tipo=TipoEvento.MEDIA_ADDED).exists()
    assert not Allegato.objects.filter(segnalazione=s).exists()
    assert not Notifica.objects.filter(segnalazione=s, motivo="ufficio").exists()


def trattenuta(esito, s: Segnalazione) -> MessaggioInArrivo:
    assert esito.azione == "trattenuta", esito
    nulla_di_pubblico(s)
    m = MessaggioInArrivo.objects.get(esito="trattenuta")
    assert m.revisione == "in_attesa" and m.segnalazione == s and bytes(m.contenuto)  # nothing lost
    nota = s.eventi.get(tipo=TipoEvento.INTERNAL_NOTE, dati__email_trattenuta=m.chiave)
    assert nota.visibilita == Visibilita.INTERNA
    return m


# The outgoing side: every e-mail of the reporter's conversation carries the signed address.

@pytest.mark.django_db
def test_the_reporters_emails_carry_a_signed_reply_address_and_the_followers_none(segnalazione, alessandria):
    s = segnalazione
    iscrizioni.segui_per_email(s, "anna@example.org")
    interazioni.rispondi(s, factories.operatore(alessandria), "Interverremo entro lunedì.")

    for n in Notifica.objects.filter(segnalazione=s, canale="email", indirizzo=MARIO):
        [rispondi_a] = canale_email.messaggio(n).reply_to
        locale, _chiocciola, dominio = rispondi_a.partition("@")
        assert dominio == "segnala.example.org" and locale == locale.lower() and len(locale) <= 64
        assert conversazioni.leggi(rispondi_a) == conversazioni.Etichetta(s.codice, True)
        assert conversazioni.leggi(rispondi_a.upper()) == conversazioni.Etichetta(s.codice, True)
    assert Notifica.objects.filter(segnalazione=s, canale="email", indirizzo=MARIO).count() == 2
    for n in Notifica.objects.filter(segnalazione=s, canale="email").exclude(indirizzo=MARIO):
        # No signed address for followers: only the comune's own, as any of its mail (mittenti.py).
        assert canale_email.messaggio(n).reply_to == [alessandria.email]


# Proven replies: published as before.

@pytest.mark.django_db
@pytest.mark.parametrize("autenticazione", [
    "dkim=pass header.d=example.org",
    "dkim=pass (2048-bit key) header.i=@example.org header.s=sel; spf=pass smtp.mailfrom=example.org",
    "dmarc=pass (p=reject dis=none) header.from=example.org",
    "spf=softfail; dkim=pass header.d=example.org; dmarc=pass header.from=example.org",
])
def test_a_reply_to_the_signed_address_from_the_authenticated_reporter_is_their_message(
        segnalazione, autenticazione):
    s = segnalazione
    esito = ricevi(risposta(s, autenticazione=autenticazione))

    assert esito.azione == "messaggio" and esito.segnalazione == s
    commento = s.eventi.get(tipo=TipoEvento.COMMENT)
    assert commento.testo == "La buca adesso è più profonda." and commento.dati["attore"] == "segnalante"
    assert s.allegati.get().pubblico  # the photo, public like one added on the web
    assert not MessaggioInArrivo.objects.exclude(revisione="").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("trasforma", [str.upper, str.lower, lambda a: a[0].upper() + a[1:]])
def test_the_signed_address_works_whatever_the_case_mtas_give_it(segnalazione, trasforma):
    esito = ricevi(risposta(segnalazione, a=trasforma(indirizzo(segnalazione))))
    assert esito.azione == "messaggio"


@pytest.mark.django_db
@pytest.mark.parametrize("dove", ["Cc", "Delivered-To", "busta"])
def test_the_signed_address_is_found_in_cc_delivered_to_or_the_envelope(segnalazione, dove):
    s = segnalazione
    if dove == "busta":
        m = risposta(s, a=COMUNE)
        esito = ricevi(m, destinatari=[indirizzo(s)])
    else:
        m = risposta(s, a=COMUNE, **{dove.replace("-", "_"): indirizzo(s)})
        esito = ricevi(m, destinatari=[COMUNE])
    assert esito.azione == "messaggio"


@pytest.mark.django_db
def test_a_reply_signed_with_dkim_is_verified_here_without_a_trusted_result(segnalazione):
    m = risposta(segnalazione, autenticazione=None)
    esito = ricevi(firmata(m), destinatari=[indirizzo(segnalazione)])
    assert esito.azione == "messaggio"


# Unproven replies: held for an operator, never public.

@pytest.mark.django_db
@pytest.mark.parametrize("caso", [
    "from falsificato", "reply-to falsificato", "from con due indirizzi", "nessuna autenticazione",
    "authserv-id non fidato", "dkim=fail", "dmarc=fail", "dkim di un altro dominio", "pass falso sotto un fail",
    "firma dkim di un altro dominio", "firma dkim rotta dal testo cambiato", "firma dkim solo su parte del testo",
])
def test_an_unproven_sender_is_held_for_an_operator(segnalazione, caso):
    s = segnalazione
    casi = {
        "from falsificato": lambda: risposta(s, mittente="intruso@intruso.example",
                                             autenticazione="dkim=pass header.d=intruso.example"),
        "reply-to falsificato": lambda: risposta(s, mittente="intruso@intruso.example", Reply_To=MARIO,
                                                 autenticazione="dkim=pass header.d=intruso.example"),
        "from con due indirizzi": lambda: risposta(s, mittente=f"{MARIO}, intruso@intruso.example"),
        "nessuna autenticazione": lambda: risposta(s, autenticazione=None),
        "authserv-id non fidato": lambda: risposta(s, servizio="mx.intruso.example"),
        "dkim=fail": lambda: risposta(s, autenticazione="dkim=fail (bad signature) header.d=example.org"),
        "dmarc=fail": lambda: risposta(s, autenticazione="dkim=none; dmarc=fail header.from=example.org"),
        "dkim di un altro dominio": lambda: risposta(s, autenticazione="dkim=pass header.d=intruso.example"),
        "pass falso sotto un fail": lambda: _sotto(risposta(s, autenticazione="dkim=fail header.d=example.org"),
                                                   f"{MTA}; dkim=pass header.d=example.org"),
        "firma dkim di un altro dominio": lambda: firmata(risposta(s, autenticazione=None), "intruso.example"),
        "firma dkim rotta dal testo cambiato": lambda: firmata(risposta(s, autenticazione=None)).replace(
            b"La buca adesso", b"La BUCA adesso"),
        "firma dkim solo su parte del testo": lambda: _con_coda(firmata(risposta(s, autenticazione=None, foto=False),
                                                                        length=True)),
    }
    m = casi[caso]()
    esito = ricevi(m, destinatari=[indirizzo(s)])

    trattenuta(esito, s)
    # No reply either: the From may be forged, and its owner never wrote.
    assert not Notifica.objects.filter(motivo="risposta").exists()


def _sotto(m: EmailMessage, intestazione: str) -> EmailMessage:
    m["Authentication-Results"] = intestazione  # appended: below the MTA's own
    return m


def _con_coda(dati: bytes) -> bytes:
    return dati.rstrip(b"\r\n") + b"\nPS: e aggiungete che il sindaco ha torto.\n"


@pytest.mark.django_db
@pytest.mark.parametrize("caso", ["token mancante", "mac alterato", "token di un'altra segnalazione",
                                  "token inventato", "due segnalazioni"])
def test_a_reply_without_its_reports_signed_address_is_held(segnalazione, alessandria, caso):
    s = segnalazione
    altra = factories.segnalazione(alessandria, email="luisa@example.org")
    giusto = indirizzo(s)
    locale, _chiocciola, dominio = giusto.partition("@")
    a = {
        "token mancante": COMUNE,
        "mac alterato": f"{locale[:-1]}{'a' if locale[-1] != 'a' else 'b'}@{dominio}",
        "token di un'altra segnalazione": indirizzo(altra),
        "token inventato": f"alessandria+{s.codice.lower()}.aaaaaaaaaaaaaaaa@{dominio}",
        "due segnalazioni": f"{giusto}, {indirizzo(altra)}",
    }[caso]
    m = risposta(s, a=a)
    esito = ricevi(m, destinatari=[COMUNE])

    assert esito.azione == "trattenuta"
    nulla_di_pubblico(s)
    nulla_di_pubblico(altra)
    assert MessaggioInArrivo.objects.get().revisione == "in_attesa"
    assert not Segnalazione.objects.filter(canale="email").exists()  # not a new report either


@pytest.mark.django_db
def test_a_new_report_by_email_still_works_and_is_attached_to_nothing(segnalazione):
    m = risposta(None, a=COMUNE, autenticazione=None, testo="Buca grande in via Dante Alighieri 12")
    m.replace_header("Subject", "Buca pericolosa")
    esito = ricevi(m)
    assert esito.azione == "creata" and esito.segnalazione != segnalazione
    assert esito.segnalazione.segnalante_email == MARIO
    nulla_di_pubblico(segnalazione)


@pytest.mark.django_db
def test_reply_to_never_becomes_the_reporter_of_a_new_report(alessandria):
    m = risposta(None, a=COMUNE, mittente="intruso@intruso.example", Reply_To=MARIO, autenticazione=None,
                 testo="Buca grande in via Dante Alighieri 12")
    esito = ricevi(m, busta="intruso@intruso.example")
    assert esito.azione == "creata" and esito.segnalazione.segnalante_email == "intruso@intruso.example"


# The operator decides.

@pytest.mark.django_db
def test_the_office_publishes_a_held_reply_as_the_reporters_message(segnalazione, alessandria):
    s = segnalazione
    held = trattenuta(ricevi(risposta(s, autenticazione=None)), s)
    assert list(trattenute.da_revisionare(s)) == [held]
    with pytest.raises(NotAllowed):  # a citizen, or another ente's staff, cannot
        trattenute.pubblica(held, Attore.del_segnalante())
    with pytest.raises(NotAllowed):
        trattenute.pubblica(held, Attore.staff(factories.staff("oss", Ruolo.OSSERVATORE, alessandria)))

    trattenute.pubblica(held, factories.operatore(alessandria))

    commento = s.eventi.get(tipo=TipoEvento.COMMENT)
    assert commento.testo == "La buca adesso è più profonda." and commento.dati["attore"] == "segnalante"
    assert s.allegati.count() == 1
    held.refresh_from_db()
    assert held.revisione == "pubblicata" and held.revisionato_da.username == "op-AL"
    assert not trattenute.da_revisionare(s).exists()


@pytest.mark.django_db
def test_a_discarded_reply_adds_nothing_and_stays_on_record(segnalazione, alessandria):
    s = segnalazione
    held = trattenuta(ricevi(risposta(s, mittente="intruso@intruso.example")), s)

    trattenute.scarta(held, factories.operatore(alessandria))

    nulla_di_pubblico(s)
    held.refresh_from_db()
    assert held.revisione == "scartata" and bytes(held.contenuto)


@pytest.mark.usefixtures("coda_db")
def test_over_real_smtp_a_signed_reply_is_published_and_a_forged_one_held(alessandria_tx, posta_in_arrivo):
    s = factories.segnalazione(alessandria_tx, email=MARIO)
    porta = porta_libera()
    controller = ascolto.avvia("127.0.0.1", porta)
    try:
        with smtplib.SMTP("127.0.0.1", porta, timeout=10) as client:
            vera = risposta(s, autenticazione=None)
            client.sendmail(MARIO, [indirizzo(s).upper()], firmata(vera))
            falsa = risposta(s, mittente="intruso@intruso.example", Reply_To=MARIO, testo="Falso",
                             autenticazione="dkim=pass header.d=intruso.example")
            client.sendmail("intruso@intruso.example", [indirizzo(s)], falsa.as_bytes(policy=policy.SMTP))
    finally:
        controller.stop()
    assert s.eventi.get(tipo=TipoEvento.COMMENT).testo == "La buca adesso è più profonda."
    assert s.allegati.count() == 1
    assert sorted(MessaggioInArrivo.objects.values_list("esito", flat=True)) == ["messaggio", "trattenuta"]


@pytest.mark.django_db
def test_the_office_reviews_held_replies_on_its_page_and_others_cannot(client, settings, segnalazione, alessandria,
                                                                       casale):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    s = segnalazione
    vera = trattenuta(ricevi(risposta(s, autenticazione=None, testo="Sono io, scrivo da un altro server.")), s)
    falsa = ricevi(risposta(s, mittente="intruso@intruso.example", testo="Il comune mente."), busta="x@intruso.example")
    assert falsa.azione == "trattenuta"
    pagina = "/backoffice/comunicazioni/trattenute/"

    entra_verificato(client, factories.staff("cm.op", Ruolo.OPERATORE, casale))  # another ente
    assert "Sono io" not in client.get(pagina).content.decode()
    assert client.post(f"{pagina}{vera.pk}/pubblica/").status_code == 403
    client.logout()
    entra_verificato(client, factories.staff("al.op", Ruolo.OPERATORE, alessandria))
    elenco = client.get(pagina).content.decode()
    assert "Sono io, scrivo da un altro server." in elenco and "Il comune mente." in elenco
    assert "buca.jpg" in elenco and "intruso@intruso.example" in elenco
    # A public page shows neither, before or after.
    pubblica = client.get(f"/segnalazioni/{s.codice}/")
    assert pubblica.status_code == 200 and "Sono io" not in pubblica.content.decode()

    client.post(f"{pagina}{vera.pk}/pubblica/")
    client.post(f"{pagina}{MessaggioInArrivo.objects.get(mittente='intruso@intruso.example').pk}/scarta/")

    assert s.eventi.get(tipo=TipoEvento.COMMENT).testo == "Sono io, scrivo da un altro server."
    assert not s.eventi.filter(testo__contains="Il comune mente", visibilita__in=["public", "reporter"]).exists()
    assert "Nessuna e-mail da verificare" in client.get(pagina).content.decode()
    assert client.post(f"{pagina}{vera.pk}/pubblica/").status_code == 302  # decided already: told, not done twice
    assert s.eventi.filter(tipo=TipoEvento.COMMENT).count() == 1


@pytest.mark.django_db
def test_an_entes_own_inbound_address_gets_the_tag_and_takes_the_reply(segnalazione, alessandria):
    CanaliEnte.objects.update_or_create(ente=alessandria,
                                        defaults={"email_in_arrivo": "segnalazioni@comune.al.example"})
    s = segnalazione
    interazioni.rispondi(s, factories.operatore(alessandria), "Interverremo entro lunedì.")
    n = Notifica.objects.filter(segnalazione=s, indirizzo=MARIO, motivo="evento").latest("pk")
    [rispondi_a] = canale_email.messaggio(n).reply_to
    assert rispondi_a.startswith("segnalazioni+") and rispondi_a.endswith("@comune.al.example")
    assert posta.ente_per_destinatario(rispondi_a.upper()) == alessandria  # accepted at RCPT

    assert ricevi(risposta(s, a=rispondi_a)).azione == "messaggio"


@ipotesi(max_examples=60, deadline=None)
@given(sigla=st.from_regex(r"[A-Z]{1,8}", fullmatch=True), anno=st.integers(2000, 2099),
       numero=st.integers(0, 999_999), posizione=st.integers(0, 15),
       altro=st.sampled_from("abcdefghijklmnopqrstuvwxyz234567"))
def test_any_change_to_a_tag_voids_it(sigla, anno, numero, posizione, altro):
    codice = f"{sigla}-{anno}-{numero:06d}"
    a = conversazioni.indirizzo_di_risposta(codice, "comune+vecchio@segnala.example.org")
    locale = a.partition("@")[0]
    assert locale.startswith("comune+") and len(locale) <= 64 and locale == locale.lower()
    assert conversazioni.leggi(a.swapcase()) == conversazioni.Etichetta(codice, True)
    mac = locale.rpartition(".")[2]
    cambiato = mac[:posizione] + altro + mac[posizione + 1:]
    assert conversazioni.leggi(a.replace(f".{mac}@", f".{cambiato}@")).valida == (cambiato == mac)
    assert not conversazioni.leggi(a.replace(f".{mac}@", f".{mac[:-1]}@")).valida  # shortened
