"""Erasure (art. 17) and retention (art. 5.1.e) leave nothing of the person behind.

One person, Zebedeo Quaglierini, reaches the comune through every channel: the web flow signed
in, the JSON API, Open311, an e-mail, SMS, a letter to the mayor, comments, a confirmation that
reopens, following reports, an area alert, a push subscription, sign-in links, a moderation flag,
a document and a photo. Then CANCELLA (or the retention job, with every row moved past the
period) runs, and every table of the database and every file under MEDIA_ROOT and VAR_DIR is read
back: none of the person's strings may remain, in any case, with the phone's digits normalised.
Statistics stay: the reports are kept, anonymised."""

from __future__ import annotations

import base64
import io
import re
import zipfile
from datetime import timedelta
from pathlib import Path

import pikepdf
import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone

from civico.accounts.chiavi import crea_applicazione
from civico.accounts.models import RicevutaCancellazione, Utente
from civico.accounts.permissions import Attore
from civico.catalogo.models import Categoria
from civico.comunicazioni import abbonamenti, allerte, iscrizioni, sindaco
from civico.comunicazioni.inbound import email as posta
from civico.comunicazioni.inbound import sms
from civico.comunicazioni.models import Preferenze
from civico.gdpr import diritti
from civico.moderazione import servizi as moderazione
from civico.portale.area_accesso import LINK_EMAIL
from civico.portale.models import IndirizzoConfermato, ValutazioneServizio
from civico.segnalazioni import interazioni, workflow
from civico.segnalazioni.models import Segnalazione
from civico.triage import servizi as triage
from civico.triage.models import ModelloTriage
from tests import factories
from tests.api.conftest import V1, post_json
from tests.open311.conftest import post as post_open311
from tests.portale.conftest import registra_contesto
from tests.portale.test_flusso_passi import compila, invia
from tests.segnalazioni import immagini

pytestmark = pytest.mark.django_db

NOME, COGNOME = "Zebedeo", "Quaglierini"
EMAIL = "zebedeo.q@esempio.it"
TELEFONO = "347 765 4321"
CODICE_FISCALE = "QGLZBD80A01A182X"
VIA = "Via dei Quaglierini 77"
NUMERO_SMS = "+39 0131 000000"
LAT, LON = factories.PIAZZA_LIBERTA

# What must not remain: compared in lower case; the phone also against the digits of every value.
PAROLE = ("zebedeo", "quaglierini", "zebedeo.q@esempio.it", CODICE_FISCALE.lower())
CIFRE = "3477654321"
FIRMA = f"Sono {NOME} {COGNOME}, {EMAIL}, tel. {TELEFONO}, abito in {VIA}"


# --- the scan -----------------------------------------------------------------------------------


def _trovate(testo: str) -> list[str]:
    basso = testo.lower()
    trovate = [p for p in PAROLE if p in basso]
    if CIFRE in re.sub(r"\D", "", testo):
        trovate.append(CIFRE)
    return trovate


def _testo(valore: object) -> str:
    if isinstance(valore, bytes | memoryview):
        return _byte(bytes(valore))
    return str(valore)


def _byte(dati: bytes) -> str:
    """Bytes as text; a zip (a trained model's arrays) also with every member decompressed."""
    testo = dati.decode("latin-1")
    if dati.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(dati)) as archivio:
            testo += "".join("\n" + archivio.read(n).decode("latin-1") for n in archivio.namelist())
    return testo


def resti() -> list[str]:
    """Every place of the database, MEDIA_ROOT and VAR_DIR that still holds the person."""
    trovati: list[str] = []
    for modello in apps.get_models():
        colonne = [f for f in modello._meta.concrete_fields
                   if isinstance(f, models.CharField | models.TextField | models.JSONField | models.BinaryField
                                 | models.FileField | models.URLField | models.EmailField)]
        if not colonne:
            continue
        for riga in modello._default_manager.values_list("pk", *(f.attname for f in colonne)).iterator():
            for f, valore in zip(colonne, riga[1:], strict=True):
                if valore in (None, "", {}, []):
                    continue
                if parole := _trovate(_testo(valore)):
                    trovati.append(f"{modello._meta.label}#{riga[0]}.{f.name}: {parole} {_testo(valore)[:200]!r}")
    for radice in {Path(settings.MEDIA_ROOT), Path(settings.VAR_DIR)}:
        if not radice.exists():
            continue
        for percorso in radice.rglob("*"):
            if not percorso.is_file() or percorso.suffix in (".sqlite3", ".sqlite3-journal", ".sqlite3-wal"):
                continue
            if parole := _trovate(str(percorso.relative_to(radice)) + "\n" + _contenuto(percorso)):
                trovati.append(f"{percorso}: {parole}")
    return trovati


# --- the world ------------------------------------------------------------------------------------


@pytest.fixture
def mondo(alessandria, settings, tmp_path):
    registra_contesto(settings)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CIVICO_COMUNICAZIONI = {"EMAIL_IN_ARRIVO_DOMINIO": "segnala.example.org", "PUSH_ENDPOINT_LOCALI": True}
    factories.CanaliEnteFactory(ente=alessandria, numero_sms=NUMERO_SMS)
    alessandria.conserva_originali_foto = True
    alessandria.save()
    return alessandria


def _chiave_push() -> dict:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    pubblica = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()  # noqa: E731
    return {"endpoint": f"http://127.0.0.1:9/{NOME}-{COGNOME}", "keys": {"p256dh": b64(pubblica),
                                                                               "auth": b64(b"0123456789abcdef")}}


def _pdf_firmato() -> bytes:
    documento = pikepdf.new()
    documento.add_blank_page()
    documento.pages[0].Contents = documento.make_stream(f"BT /F1 12 Tf 72 712 Td ({FIRMA}) Tj ET".encode())
    documento.docinfo["/Author"] = f"{NOME} {COGNOME}"
    uscita = io.BytesIO()
    documento.save(uscita)
    return uscita.getvalue()


def _contenuto(percorso: Path) -> str:
    """A file's bytes; for a PDF also every stream decompressed (text is usually compressed)."""
    dati = percorso.read_bytes()
    testo = _byte(dati)
    if dati.startswith(b"%PDF"):
        with pikepdf.open(percorso) as documento:
            for oggetto in documento.objects:
                if isinstance(oggetto, pikepdf.Stream):
                    testo += "\n" + oggetto.read_bytes().decode("latin-1")
    return testo


def semina(client, ente, *, utente: Utente | None) -> dict[str, Segnalazione]:
    """The person reaches the comune through every channel; returns their reports by channel."""
    segnalante = Attore.del_segnalante(utente)
    contatti = {"nome": f"{NOME} {COGNOME}", "email": EMAIL, "telefono": TELEFONO}
    fatte: dict[str, Segnalazione] = {}

    # Web flow (signed in when there is an account), with a typed address and a name in the text.
    if utente:
        client.force_login(utente)
    b = compila(client, ente, luogo={"ente": ente.slug, "lat": LAT, "lon": LON, "indirizzo": VIA},
                disservizio={"categoria": "buche", "titolo": f"Buca davanti a casa {COGNOME}",
                             "descrizione": FIRMA, "risposta__buche__dimensione": "grande"},
                autore={"anonimo": "no", **contatti})
    assert invia(client, b).status_code == 302
    fatte["web"] = Segnalazione.objects.get(chiave_idempotenza=b.chiave)
    ValutazioneServizio.objects.create(bozza=b, ente=ente, voto=5, commento=f"Brava gente. {FIRMA}")

    # JSON API.
    r = post_json(client, f"{V1}/segnalazioni", {
        "lat": LAT, "lon": LON, "titolo": "Lampione spento", "categoria": "buche", "indirizzo": VIA,
        "risposte": {"dimensione": "grande"}, "descrizione": FIRMA, **contatti})
    assert r.status_code == 201, r.content
    fatte["api"] = Segnalazione.objects.get(codice=r.json()["codice"])

    # Open311.
    _, chiave = crea_applicazione("App del quartiere")
    r = post_open311(client, api_key=chiave, service_code="buche", lat=LAT, long=LON,
                     **{"attribute[dimensione]": "grande"}, email=EMAIL, first_name=NOME, last_name=COGNOME,
                     phone=TELEFONO, device_id=f"{NOME}-phone", account_id=EMAIL, address_string=VIA,
                     description=FIRMA)
    assert r.status_code == 200, r.content
    fatte["open311"] = Segnalazione.objects.get(codice=r.json()[0]["service_request_id"])

    # E-mail in: a new report, and one without a place (a reply asking where, nothing created).
    for oggetto, corpo in ((f"Buca {COGNOME}", f"Buca grande in via Dante Alighieri 12. {FIRMA}"),
                           (f"Domanda di {NOME}", f"Buongiorno, {FIRMA}")):
        m = posta.EmailMessage()
        m["From"], m["To"], m["Subject"] = f"{NOME} {COGNOME} <{EMAIL}>", "alessandria@segnala.example.org", oggetto
        m["Message-ID"] = f"<{oggetto.replace(' ', '.')}@esempio.it>"
        m.set_content(corpo)
        m.add_attachment(immagini.jpeg(), maintype="image", subtype="jpeg", filename=f"{NOME}-{COGNOME}.jpg")
        esito = posta.ricevi(m.as_bytes(), mittente_busta=EMAIL, destinatari=[m["To"]])
        if esito.segnalazione:
            fatte["email"] = esito.segnalazione

    # A reply to the e-mail report from their address but not proven (no DKIM): held, raw bytes kept.
    m = posta.EmailMessage()
    m["From"], m["To"] = f"{NOME} {COGNOME} <{EMAIL}>", "alessandria@segnala.example.org"
    m["Subject"], m["Message-ID"] = f"Re: {fatte['email'].codice}", "<risposta.zq@esempio.it>"
    m.set_content(f"Aggiungo: {FIRMA}")
    assert posta.ricevi(m.as_bytes(), mittente_busta=EMAIL, destinatari=[m["To"]]).azione == "trattenuta"

    # SMS in: a report, and a conversation left half-way.
    assert sms.ricevi("+393477654321", NUMERO_SMS, "BUCA grande via Dante Alighieri 12").azione == "creata"
    fatte["sms"] = Segnalazione.objects.filter(canale="sms").latest("pk")
    sms.ricevi("+393477654321", NUMERO_SMS, f"lampione spento, sono {NOME}")

    # Comment, a document and a photo; resolved, then reopened by the person.
    s = fatte["web"]
    interazioni.commenta(s, segnalante, FIRMA)
    interazioni.aggiungi_allegato(s, segnalante, f"{NOME}-{COGNOME}.pdf", _pdf_firmato())
    interazioni.aggiungi_allegato(s, segnalante, f"{NOME}-{COGNOME}.jpg", immagini.jpeg())
    operatore = factories.operatore(ente)
    s = workflow.transition(s, "take_in_charge", operatore)
    s = workflow.transition(s, "resolve", operatore, testo=f"Riparata, grazie sig. {COGNOME}")
    s = interazioni.conferma_risoluzione(s, segnalante, risolto=False, testo=f"Non è vero. {FIRMA}")
    fatte["web"] = s

    # Following someone else's report, a letter to the mayor, a flag, an area alert.
    altrui = factories.segnalazione(ente, titolo="Di un altro", nome="Bruno Neri", email="bruno@example.org")
    iscrizioni.segui_per_email(altrui, EMAIL)
    sindaco.scrivi(ente, tipo="segnalazione", testo=FIRMA, nome=f"{NOME} {COGNOME}", email=EMAIL, utente=utente)
    moderazione.segnala_contenuto(altrui, "altro", f"Lo dice {NOME} {COGNOME}", ip="192.0.2.7", utente=utente)
    allerte.crea(ente, utente=utente, email=EMAIL, nome=f"Casa {COGNOME}", tipo_area="punto", lat=LAT, lon=LON)

    # Operators confirm the categories: the words become the comune's triage examples and model.
    for s in (*fatte.values(), altrui):
        triage.registra_esempio(Segnalazione.objects.get(pk=s.pk), s.categoria)
    triage.registra_esempio(altrui, Categoria.objects.filter(ente=ente).exclude(pk=altrui.categoria_id).first())
    assert triage.riaddestra(ente) is not None

    # Sign-in links asked for the address.
    LINK_EMAIL.invia(EMAIL, lambda token: f"http://testserver/area-personale/accedi/{token}/")
    if utente:
        iscrizioni.segui(altrui, utente)
        abbonamenti.salva(utente, _chiave_push())
        Preferenze.objects.update_or_create(utente=utente, defaults={"telefono": TELEFONO,
                                                                     "codice_fiscale": CODICE_FISCALE})
        client.logout()
    return fatte


def zebedeo() -> Utente:
    utente = factories.UtenteFactory(username=EMAIL, email=EMAIL, first_name=NOME, last_name=COGNOME,
                                     telefono=TELEFONO, codice_fiscale=CODICE_FISCALE)
    IndirizzoConfermato.objects.create(utente=utente, email=EMAIL)
    return utente


# --- the tests ------------------------------------------------------------------------------------


def test_the_world_holds_the_person_everywhere_before_erasure(client, mondo):
    """The scan finds what it must: a test that cannot fail is worse than none."""
    semina(client, mondo, utente=zebedeo())
    luoghi = "\n".join(resti())
    assert any(r.startswith(str(settings.MEDIA_ROOT)) and ".pdf:" in r and "quaglierini" in r
               for r in resti()), [r for r in resti() if r.startswith("/")]
    for atteso in ("accounts.Utente", "segnalazioni.Segnalazione", "segnalazioni.Evento", "moderazione.TestoOriginale",
                   "portale.LinkAccesso", "comunicazioni.MessaggioInArrivo", "comunicazioni.Conversazione",
                   "comunicazioni.AbbonamentoPush", "comunicazioni.Notifica", "comunicazioni.MessaggioSindaco",
                   "comunicazioni.Allerta", "comunicazioni.Iscrizione", "axes.AccessLog",
                   "portale.ValutazioneServizio", "triage.EsempioTriage"):
        assert atteso in luoghi, atteso


def test_cancella_leaves_no_string_of_the_person_anywhere_and_keeps_the_reports(client, mondo):
    utente = zebedeo()
    fatte = semina(client, mondo, utente=utente)
    prima = Segnalazione.objects.count()

    esito = diritti.cancella_account(utente)

    assert resti() == []
    assert Segnalazione.objects.count() == prima  # statistics stay: the reports are kept, anonymised
    assert esito.segnalazioni_anonimizzate == len(fatte)
    assert RicevutaCancellazione.objects.filter(numero=esito.numero).exists()
    web = Segnalazione.objects.get(pk=fatte["web"].pk)
    assert web.indirizzo == "Piazza della Libertà" and web.categoria.codice == "buche"
    altrui = Segnalazione.objects.get(titolo="Di un altro")
    assert altrui.segnalante_email == "bruno@example.org"  # someone else's data untouched
    # The triage model learnt from the person's words (stemmed, so no scan sees them): it goes.
    assert not ModelloTriage.objects.filter(ente=mondo).exists()


def test_the_retention_job_leaves_no_string_of_an_anonymous_reporter(client, mondo):
    mondo.conservazione_contatti_mesi = 12
    mondo.save()
    semina(client, mondo, utente=None)
    operatore = factories.operatore(mondo)
    for s in Segnalazione.objects.filter(ente=mondo):
        if s.stato == "submitted":
            s = workflow.transition(s, "take_in_charge", operatore)
        if s.stato != "resolved":
            s = workflow.transition(s, "resolve", operatore, testo="Riparata")
        workflow.transition(s, "close", operatore)
    _indietro_nel_tempo(giorni=800)
    prima = Segnalazione.objects.count()

    diritti.applica_conservazione()

    assert [r for r in resti() if "comunicazioni.Allerta" not in r] == []
    assert Segnalazione.objects.count() == prima
    # The area alert is a standing service the person asked for: it stays until they unsubscribe.
    assert any("comunicazioni.Allerta" in r for r in resti())


def _indietro_nel_tempo(giorni: int) -> None:
    """Move every timestamp of every row `giorni` into the past."""
    passato = timedelta(days=giorni)
    for modello in apps.get_models():
        if modello._meta.app_label in ("enti", "territorio", "catalogo", "contenttypes", "auth"):
            continue
        campi = [f.attname for f in modello._meta.concrete_fields if isinstance(f, models.DateTimeField)]
        if not campi:
            continue
        aggiornamenti = {c: models.F(c) - passato for c in campi}
        models.QuerySet.update(modello._default_manager.all(), **aggiornamenti)
    assert Segnalazione.objects.filter(chiusa_il__gt=timezone.now() - passato).count() == 0
