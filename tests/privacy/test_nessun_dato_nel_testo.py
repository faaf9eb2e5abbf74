"""Personal data that citizens type into their own words never reaches a public output.

The issue's "done when": distinctive phones, e-mails, codici fiscali, IBANs and swearing, in every
shape people write them (0039…, +39 …, cell339…, dashes, full-width digits, nome(at)dominio.it,
chiocciola/punto, a spaced lowercase codice fiscale, an IBAN in groups of four), go in through
every intake channel (web flow, JSON API, Open311 POST, e-mail, SMS, the office's counter form)
and every citizen-writable field (title, description, typed address, the "risolto? no, perché…"
and "sì" texts, a private message, a content flag, a letter to the mayor published with consent).
Then every public output is fetched — pages, SSE, Open311 XML/JSON, API, open data, Atom,
dashboards, the area alerts mailed to third parties — and none of it may be there, in any form
(escaped, split by spaces, full-width)."""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

import pytest
from django.core.cache import cache

from civico.accounts.chiavi import crea_applicazione
from civico.catalogo.models import Categoria
from civico.comunicazioni import allerte, sindaco
from civico.comunicazioni.inbound import email as posta
from civico.comunicazioni.models import MessaggioSindaco, Notifica
from civico.moderazione import servizi as moderazione
from civico.moderazione.models import Motivo, TestoOriginale
from civico.portale import live
from civico.segnalazioni import workflow
from civico.segnalazioni.models import Canale, Evento, Segnalazione, Visibilita
from tests import factories
from tests.backoffice.conftest import entra_verificato
from tests.comunicazioni.conftest import comunicazioni as comunicazioni  # noqa: F401 (fixture)
from tests.comunicazioni.conftest import http as http  # noqa: F401 (fixture)
from tests.portale.conftest import _contesto_del_portale  # noqa: F401 (fixture)
from tests.privacy.test_nessun_dato_pubblico import PUBBLICI

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.comunicazioni.urls")]

LAT, LON = factories.PIAZZA_LIBERTA


@dataclass(frozen=True)
class Seme:
    forma: str
    scritto: str
    traccia: str  # what must not appear in any public output, compared without spaces or punctuation


SEMI = [
    Seme("cellulare con 0039", "0039 347 9182736", "3479182736"),
    Seme("cellulare con +39 a gruppi", "+39 348 271 8281", "3482718281"),
    Seme("cifre attaccate a una parola", "cell3395551212", "3395551212"),
    Seme("cifre con i trattini", "320-765-43-21", "3207654321"),
    Seme("cifre a larghezza piena", "３３３６１７２８３９", "3336172839"),
    Seme("telefono fisso", "tel. 0131 284756", "0131284756"),
    Seme("e-mail", "zebedeo.quarzo@example.org", "zebedeoquarzo"),
    Seme("e-mail con (at)", "ottaviano(at)pergolesi.it", "pergolesi"),
    Seme("e-mail a parole", "nome chiocciola brontolo punto it", "brontolo"),
    Seme("e-mail con [at] e [dot]", "sara [at] cuccumeo [dot] it", "cuccumeo"),
    Seme("codice fiscale spezzato in minuscolo", "rss-mra 80a01 h501u", "rssmra80a01h501u"),
    Seme("IBAN a gruppi di quattro", "IT60 X054 2811 1010 0000 0123 456", "it60x0542811101000000123456"),
    Seme("parolaccia", "che stronzata", "stronzata"),
]
# A title holds 200 characters and an address 250: the shapes are split in two reports per channel.
GRUPPI = [SEMI[:7], SEMI[7:]]


def _testo(semi: list[Seme]) -> str:
    return " ".join(s.scritto for s in semi)


TUTTO = _testo(SEMI)


def _compatto(testo: str) -> str:
    """An output as a reader could read it: entities and JSON escapes decoded, NFKC, lower case,
    only letters and digits (so "347 918 2736" and "347-918-2736" are both "3479182736")."""
    testo = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), testo)
    testo = unicodedata.normalize("NFKC", html.unescape(testo)).lower()
    return re.sub(r"[\W_]+", "", testo)


def _tracce_in(testo: str) -> list[str]:
    compatto = _compatto(testo)
    return [s.forma for s in SEMI if s.traccia in compatto]


# --- One report per group per channel -------------------------------------------------------------


def _web(client, alessandria, titolo: str, indirizzo: str) -> Segnalazione:
    from tests.portale.test_flusso_passi import compila, invia

    b = compila(client, alessandria, luogo={"ente": alessandria.slug, "lat": LAT, "lon": LON, "indirizzo": indirizzo},
                disservizio={"categoria": "buche", "titolo": titolo, "descrizione": TUTTO,
                             "risposta__buche__dimensione": "grande"})
    assert invia(client, b).status_code == 302
    return Segnalazione.objects.get(chiave_idempotenza=b.chiave)


def _api(client, alessandria, titolo: str, indirizzo: str) -> Segnalazione:
    r = client.post("/api/v1/segnalazioni", {
        "lat": LAT, "lon": LON, "titolo": titolo, "descrizione": TUTTO, "indirizzo": indirizzo,
        "categoria": "buche", "risposte": {"dimensione": "grande"},
    }, content_type="application/json")
    assert r.status_code == 201, r.content
    return Segnalazione.objects.get(codice=r.json()["codice"])


def _open311(client, alessandria, titolo: str, indirizzo: str) -> Segnalazione:
    _app, chiave = crea_applicazione("Test app")
    r = client.post("/open311/v2/requests.json", {
        "jurisdiction_id": alessandria.codice_istat, "api_key": chiave, "service_code": "buche", "lat": LAT,
        "long": LON, "attribute[dimensione]": "grande", "description": f"{titolo}\n{TUTTO}",
        "address_string": indirizzo,
    })
    assert r.status_code == 200, r.content
    return Segnalazione.objects.get(codice=r.json()[0]["service_request_id"])


def _email(client, alessandria, titolo: str, indirizzo: str) -> Segnalazione:
    from email.message import EmailMessage

    from tests.comunicazioni.test_email_in_arrivo import COMUNE

    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = "Mario Rossi <mario@example.org>", COMUNE, titolo
    m["Message-ID"] = f"<{abs(hash(titolo))}@example.org>"
    m.set_content(f"C'è una buca enorme in via Dante Alighieri 12, grande.\n{indirizzo}\n{TUTTO}")
    esito = posta.ricevi(m.as_bytes(), mittente_busta="mario@example.org", destinatari=[COMUNE])
    assert esito.azione == "creata", esito
    return esito.segnalazione


def _sms(client, alessandria, titolo: str, indirizzo: str) -> Segnalazione:
    r = client.post("/comunicazioni/sms/", {"from": "+393331234567", "to": "+390131000000",
                                            "text": f"BUCA grande via Dante Alighieri 12 {titolo}", "id": titolo[:20]},
                    content_type="application/json", headers={"X-Civico-Segreto": "condiviso"})
    assert r.status_code == 200 and r.json()["esito"] == "creata", r.content
    return Segnalazione.objects.get(codice=r.json()["codice"])


def _sportello(client, alessandria, titolo: str, indirizzo: str) -> Segnalazione:
    operatore = factories.operatore(alessandria).utente
    entra_verificato(client, operatore)
    buche = Categoria.objects.get(ente=alessandria, codice="buche")
    r = client.post("/backoffice/nuova/", {
        "passo": "salva", "chiave": f"{abs(hash(titolo)):032d}"[:32], "canale": Canale.PHONE,
        "categoria": buche.pk, "risposte.dimensione": "grande", "titolo": titolo, "descrizione": TUTTO,
        "indirizzo": indirizzo, "lat": LAT, "lon": LON, "nome": "Rosa Bianchi", "telefono": "0131 654321",
    })
    client.logout()
    assert r.status_code == 302, r.content.decode()[:2000]
    return Segnalazione.objects.get(codice=r["Location"].split("/")[-3])


CANALI = {"web": _web, "api": _api, "open311": _open311, "email": _email, "sms": _sms, "sportello": _sportello}


@pytest.fixture
def mondo(alessandria, comunicazioni, http, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    comunicazioni.update(EMAIL_IN_ARRIVO_DOMINIO="segnala.example.org", SMS_SEGRETO_IN_ARRIVO="condiviso",
                         SMS_URL=f"{http.url}/invia")
    factories.CanaliEnteFactory(ente=alessandria, numero_sms="+39 0131 000000")
    # A neighbour follows the whole comune: the alerts she gets are public output sent to a third party.
    allerte.crea(alessandria, email="vicina@example.org")
    return alessandria


def _la_vita_della_segnalazione(client, s: Segnalazione) -> None:
    """The office resolves; the citizen says "no, perché…" with their data, the office resolves
    again, the citizen says "sì" with their data; a private message; a content flag."""
    operatore = factories.operatore(s.ente)
    workflow.transition(s, "take_in_charge", operatore)
    workflow.transition(s, "resolve", operatore, testo="Riparata.")
    assert client.post(f"/seguimi/{s.token}/risolto/", {"risolto": "no", "testo": TUTTO}).status_code == 302
    workflow.transition(s, "resolve", operatore, testo="Riparata di nuovo.")
    assert client.post(f"/seguimi/{s.token}/risolto/", {"risolto": "si", "testo": TUTTO}).status_code == 302
    assert client.post(f"/seguimi/{s.token}/commenta/", {"testo": TUTTO}).status_code == 302
    assert moderazione.segnala_contenuto(s, Motivo.DATI_PERSONALI, TUTTO, ip="192.0.2.7", utente=None)
    s.refresh_from_db()
    assert s.stato == "closed"


def _uscite_pubbliche(client, ente, segnalazioni: list[Segnalazione]):
    """(what, body) of every public output for these reports, fetched anonymously."""
    client.logout()
    modelli = [*PUBBLICI,
               ("Open311 una richiesta con cronologia", "/open311/v2/requests/{codice}.xml?jurisdiction_id={istat}"
                                                         "&extensions=true"),
               ("cruscotto della piattaforma", "/cruscotto/"),
               ("cruscotto del comune", "/{ente}/cruscotto/"),
               ("lettere al sindaco pubblicate", "/scrivi-al-sindaco/{ente}/")]
    for s in segnalazioni:
        for descrizione, modello in modelli:
            url = modello.format(ente=ente.slug, istat=ente.codice_istat, codice=s.codice)
            r = client.get(url)
            assert r.status_code == 200, f"{descrizione} {url}: {r.status_code}"
            corpo = b"".join(r.streaming_content) if r.streaming else r.content
            yield f"{descrizione} ({url})", corpo.decode("utf-8", errors="replace")
        # The live page's Server-Sent Events, as `live` writes them (the SSE view runs them in
        # another thread, which a test's transaction on SQLite would lock out).
        yield f"SSE di {s.codice}", "".join(live.messaggio(n, "it") for n in live.eventi_dopo(s.pk, 0))
    for n in Notifica.objects.filter(motivo="allerta"):
        yield f"allerta a {n.indirizzo}", f"{n.oggetto}\n{n.testo}\n{n.html}"


@pytest.mark.parametrize("canale", list(CANALI))
def test_no_personal_data_typed_by_a_citizen_reaches_any_public_output(client, mondo, canale):
    segnalazioni = [CANALI[canale](client, mondo, _testo(gruppo), _testo(gruppo)) for gruppo in GRUPPI]
    for s in segnalazioni:
        s.refresh_from_db()
        assert s.pubblica, "the outputs must show this report for the check to mean anything"
        _la_vita_della_segnalazione(client, s)

    trovati = {}
    for dove, corpo in _uscite_pubbliche(client, mondo, segnalazioni):
        if tracce := _tracce_in(corpo):
            trovati[dove] = tracce
    assert trovati == {}

    # The check looked at real content: the masked words are on the public page.
    pagina = client.get(f"/segnalazioni/{segnalazioni[0].codice}/").content.decode()
    assert "[…]" in pagina
    # The staff keep what the citizen typed, for every masked field and public answer.
    originali = TestoOriginale.objects.filter(segnalazione__in=segnalazioni)
    assert any("3479182736" in re.sub(r"\D", "", o.testo) for o in originali)
    pubblici_del_cittadino = Evento.objects.filter(segnalazione__in=segnalazioni, visibilita=Visibilita.PUBBLICA,
                                                    dati__attore="segnalante").exclude(testo="")
    assert pubblici_del_cittadino.count() == 2 * len(segnalazioni)
    for e in pubblici_del_cittadino:
        assert originali.filter(campo=f"evento-{e.pk}").exists()


def test_a_letter_to_the_mayor_published_with_consent_is_masked_and_its_writer_told(client, mondo):
    pagina = client.get(f"/scrivi-al-sindaco/{mondo.slug}/").content.decode()
    assert 'data-testid="avviso-pubblico"' in pagina and 'aria-describedby="consenso-pubblico"' in pagina

    sindaco.scrivi(mondo, tipo=MessaggioSindaco._meta.get_field("tipo").choices[0][0], testo=f"Bravi! {TUTTO}",
                   consenso_pubblicazione=True)
    MessaggioSindaco.objects.update(pubblicato=True)

    pagina = client.get(f"/scrivi-al-sindaco/{mondo.slug}/").content.decode()
    assert "Bravi!" in pagina and "[…]" in pagina
    assert _tracce_in(pagina) == []


def test_the_citizen_is_told_which_words_will_be_public_before_sending(client, mondo):
    from tests.portale.test_flusso_passi import inizia, url

    b = inizia(client, mondo)
    for passo in ("luogo", "disservizio"):
        pagina = client.get(url(b, passo)).content.decode()
        assert 'data-testid="avviso-pubblico"' in pagina, passo
        assert "saranno pubblici" in pagina and "saranno nascosti" in pagina
        if passo == "luogo":
            client.post(url(b, "luogo"), {"ente": mondo.slug, "lat": LAT, "lon": LON})
    s = factories.segnalazione(mondo)
    operatore = factories.operatore(mondo)
    workflow.transition(s, "take_in_charge", operatore)
    workflow.transition(s, "resolve", operatore)
    pagina = client.get(f"/seguimi/{s.token}/").content.decode()
    assert 'aria-describedby="azione-risolto-pubblico"' in pagina and "sarà pubblico" in pagina
