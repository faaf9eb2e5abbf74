"""The citizen hears once, in their language: what a real SMTP server (aiosmtpd on loopback)
receives. The reporter's language is kept from intake (page, Accept-Language, API/Open311
parameter); one message per person per event whatever their reasons to hear of it; area alerts
capped per person per day and channel, the rest in one digest; letters to the mayor
acknowledged; a report's status e-mails in one thread."""

from __future__ import annotations

import uuid
from collections import Counter
from email.utils import parseaddr

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given
from hypothesis import settings as ipotesi
from hypothesis import strategies as st

from civico.accounts.chiavi import crea_applicazione
from civico.comunicazioni import allerte, iscrizioni, preferenze
from civico.comunicazioni.models import ElementoRiepilogo, Frequenza, Notifica, TipoArea
from civico.segnalazioni import intake, workflow
from civico.segnalazioni.models import Segnalazione
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.comunicazioni.urls")]

LAT, LON = factories.PIAZZA_LIBERTA
ANNA = "anna@example.org"


@pytest.fixture(autouse=True)
def _limiti_azzerati():
    """Rate limits count in the cache: each test starts with none spent."""
    cache.clear()
    yield
    cache.clear()



@pytest.fixture
def sms(settings, http, comunicazioni):
    comunicazioni.update(SMS_URL=f"{http.url}/invia", SMS_TOKEN="segreto-sms", SMS_MITTENTE="ComuneAL")
    return http


def a_chi(smtp) -> Counter:
    return Counter(d for _mittente, destinatari in smtp.raccoglitore.buste for d in destinatari)


def per(smtp, indirizzo: str) -> list:
    return [m for m, (_f, ds) in zip(smtp.messaggi, smtp.raccoglitore.buste, strict=True) if indirizzo in ds]


def svuota(smtp) -> None:
    smtp.raccoglitore.messaggi.clear()
    smtp.raccoglitore.buste.clear()


def risolvi(s: Segnalazione) -> None:
    op = factories.operatore(s.ente)
    workflow.transition(s, "take_in_charge", op)
    workflow.transition(s, "resolve", op, testo="Riparata")


# --- The reporter's language, from every channel ------------------------------------------------------


@pytest.mark.parametrize(("corpo", "accept_language", "attesa"), [
    ({}, "en", "en"),
    ({}, "en-GB,en;q=0.9,it;q=0.5", "en"),
    ({}, "it-IT,it;q=0.9", "it"),
    ({}, "", "it"),
    ({"lingua": "en"}, "it", "en"),
    ({"lingua": "EN_us"}, "", "en"),
    ({"lingua": "it"}, "en", "it"),
    ({"lingua": "klingon"}, "en", "en"),  # unknown: the request's language, never an error
    ({"lingua": "xx-\u00e9\u00e8"}, "", "it"),
])
def test_an_anonymous_api_reporter_hears_in_their_language_from_receipt_to_resolution(
        client, alessandria, smtp, consegnato, corpo, accept_language, attesa):
    dati = {"lat": LAT, "lon": LON, "titolo": "Buca profonda", "categoria": "buche",
            "risposte": {"dimensione": "grande"}, "email": ANNA, **corpo}
    r = consegnato(client.post, "/api/v1/segnalazioni", dati, content_type="application/json",
                   headers={"Accept-Language": accept_language} if accept_language else {})
    assert r.status_code == 201, r.content[:500]
    s = Segnalazione.objects.get(codice=r.json()["codice"])
    assert s.lingua == attesa

    consegnato(risolvi, s)

    ricevuta, _in_carico, risolta = per(smtp, ANNA)
    if attesa == "en":
        assert str(ricevuta["Subject"]) == f"Report {s.codice} received"
        assert "Has the problem been resolved?" in str(risolta["Subject"])
    else:
        assert str(ricevuta["Subject"]) == f"Segnalazione {s.codice} ricevuta"
        assert "Il problema è stato risolto?" in str(risolta["Subject"])


@pytest.mark.parametrize(("parametri", "query", "accept_language", "attesa"), [
    ({"lang": "en"}, "", "", "en"),
    ({"locale": "en_US"}, "", "it", "en"),
    ({}, "?locale=en-GB", "", "en"),
    ({}, "", "en-US,en;q=0.8", "en"),
    ({"lang": "de"}, "", "", "it"),  # a language we do not write in: the default
    ({"lang": "it"}, "", "en", "it"),
])
def test_an_open311_reporter_hears_in_the_language_of_lang_locale_or_accept_language(
        client, alessandria, smtp, consegnato, parametri, query, accept_language, attesa):
    _app, chiave = crea_applicazione("App di prova")
    campi = {"jurisdiction_id": "006003", "api_key": chiave, "service_code": "buche", "lat": LAT, "long": LON,
             "description": "Buca profonda", "attribute[dimensione]": "grande", "email": ANNA, **parametri}
    r = consegnato(client.post, f"/open311/v2/requests.json{query}", campi,
                   headers={"Accept-Language": accept_language} if accept_language else {})
    assert r.status_code == 200, r.content[:500]
    s = Segnalazione.objects.get()
    assert s.lingua == attesa
    [ricevuta] = per(smtp, ANNA)
    assert str(ricevuta["Subject"]).startswith("Report " if attesa == "en" else "Segnalazione ")


def test_a_reporter_on_the_english_portal_hears_in_english(client, alessandria, smtp, consegnato):
    client.cookies["django_language"] = "en"
    r = client.post(f"/segnala/?ente={alessandria.slug}", {"privacy": "1"})
    bozza = r["Location"].split("/")[2]
    for passo, dati in [
        ("luogo", {"ente": alessandria.slug, "lat": LAT, "lon": LON}),
        ("disservizio", {"categoria": "buche", "titolo": "Deep pothole", "risposta__buche__dimensione": "grande"}),
        ("autore", {"anonimo": "no", "nome": "Anna", "email": ANNA}),
    ]:
        assert client.post(f"/segnala/{bozza}/{passo}/", dati).status_code == 302
    from civico.portale.models import Bozza

    b = Bozza.objects.get(uuid=bozza)
    assert consegnato(client.post, f"/segnala/{bozza}/invia/", {"chiave": b.chiave}).status_code == 302

    s = Segnalazione.objects.get()
    [ricevuta] = per(smtp, ANNA)
    assert s.lingua == "en" and str(ricevuta["Subject"]) == f"Report {s.codice} received"


def test_accounts_hear_in_the_language_they_chose_others_in_their_reports(alessandria, smtp, consegnato):
    giulia = factories.UtenteFactory(username="giulia")
    preferenze.salva_canali(giulia, canali_scelti={"email"}, lingua="it")
    s = consegnato(factories.segnalazione, alessandria, email=ANNA, lingua="en")
    iscrizioni.segui(s, giulia)
    iscrizioni.segui_per_email(s, "tom@example.org", lingua="en-GB")

    consegnato(risolvi, s)

    assert "Has the problem been resolved?" in str(per(smtp, ANNA)[-1]["Subject"])
    assert str(per(smtp, "giulia@example.org")[-1]["Subject"]).startswith(f"Segnalazione {s.codice}")
    assert str(per(smtp, "tom@example.org")[-1]["Subject"]).startswith(f"Report {s.codice}")


@pytest.mark.parametrize(("accept_language", "ricevuta"), [("en", "Report received."),
                                                           ("it", "Segnalazione ricevuta.")])
def test_a_reporter_known_only_by_phone_gets_sms_in_their_language(
        client, alessandria, sms, consegnato, accept_language, ricevuta):
    dati = {"lat": LAT, "lon": LON, "titolo": "Buca profonda", "categoria": "buche",
            "risposte": {"dimensione": "grande"}, "telefono": "+39 333 4445556"}
    r = consegnato(client.post, "/api/v1/segnalazioni", dati, content_type="application/json",
                   headers={"Accept-Language": accept_language})
    assert r.status_code == 201, r.content[:500]
    s = Segnalazione.objects.get()
    consegnato(risolvi, s)

    testi = [r["json"]["text"] for r in sms.richieste if r["percorso"] == "/invia"]
    assert len(testi) == 3 and all(t.startswith(s.codice) for t in testi)
    assert ricevuta in testi[0]
    in_carico = "taken in charge" if accept_language == "en" else "presa in carico"
    assert in_carico in testi[1]


@ipotesi(max_examples=60, deadline=None)
@given(st.text(max_size=40))
def test_any_language_value_is_one_we_write_in(valore):
    assert intake.scegli_lingua(valore) in {"it", "en"}
    assert intake.scegli_lingua(valore, "en") in {"it", "en"}


# --- One message per person per event ------------------------------------------------------------------


def test_a_follower_with_an_area_alert_hears_once_of_a_resolution(alessandria, smtp, consegnato):
    giulia = factories.UtenteFactory(username="giulia")
    allerte.crea(alessandria, utente=giulia, nuove=False)  # the whole comune, resolutions
    allerte.crea(alessandria, utente=giulia, nuove=False, tipo_area=TipoArea.CERCHIO, lat=LAT, lon=LON)
    allerte.crea(alessandria, email="tom@example.org", nuove=False)
    s = consegnato(factories.segnalazione, alessandria, email=ANNA)
    iscrizioni.segui(s, giulia)
    iscrizioni.segui_per_email(s, "tom@example.org")
    allerte.crea(alessandria, email=ANNA, nuove=False)  # the reporter's own alert: quiet
    svuota(smtp)

    consegnato(risolvi, s)

    # Resolving is two events (taken in charge, resolved): each reaches each person once.
    assert a_chi(smtp) == {ANNA: 2, "giulia@example.org": 2, "tom@example.org": 2}
    # The strongest reason wins: the follower's message (with the report's state), not the alert's.
    assert all("nella tua zona" not in str(m["Subject"]) for m in smtp.messaggi)


def test_several_alerts_of_one_person_on_one_spot_send_one_message(alessandria, smtp, consegnato):
    giulia = factories.UtenteFactory(username="giulia")
    allerte.crea(alessandria, utente=giulia)
    allerte.crea(alessandria, utente=giulia, tipo_area=TipoArea.QUARTIERE, quartiere="Centro")
    allerte.crea(alessandria, email="giulia@example.org", tipo_area=TipoArea.CERCHIO, lat=LAT, lon=LON)
    allerte.crea(alessandria, utente=giulia, frequenza=Frequenza.GIORNALIERA)

    consegnato(factories.segnalazione, alessandria)

    assert a_chi(smtp) == {"giulia@example.org": 1}
    assert not ElementoRiepilogo.objects.exists()  # told at once: not again in a digest


def test_an_alert_is_rendered_once_per_language_each_with_its_own_unsubscribe_link(alessandria, monkeypatch):
    from civico.comunicazioni import messaggi

    rese: list[str] = []

    def conta(modello, *args, **kwargs):
        rese.append(modello)
        return messaggi.componi(modello, *args, **kwargs)

    monkeypatch.setattr(allerte, "componi", conta)
    for i in range(12):
        u = factories.UtenteFactory(username=f"vicino{i}", email=f"vicino{i}@example.org")
        preferenze.salva_canali(u, canali_scelti={"email"}, lingua="en" if i % 2 else "it")
        allerte.crea(alessandria, utente=u)
    for i in range(6):
        allerte.crea(alessandria, email=f"anonimo{i}@example.org")

    s = factories.segnalazione(alessandria)

    assert rese.count("allerta") == 2  # Italian and English, for 18 people
    righe = Notifica.objects.filter(segnalazione=s, motivo="allerta")
    assert righe.count() == 18
    for n in righe:
        link = n.dati["disiscrizione"]
        assert link in n.testo and link in n.html and "SEGNAPOSTO" not in n.testo + n.html
        assert n.oggetto.startswith("New report" if n.lingua == "en" else "Nuova segnalazione")
    assert len({n.dati["disiscrizione"] for n in righe}) == 18


# --- Caps on area alerts, the rest in the digest -------------------------------------------------------


def test_a_burst_of_fifty_reports_is_capped_per_channel_and_the_rest_comes_in_one_digest(
        alessandria, smtp, sms, consegnato):
    giulia = factories.UtenteFactory(username="giulia")
    preferenze.salva_canali(giulia, canali_scelti={"email", "sms"}, campi={"telefono": "+39 333 1112223"})
    allerte.crea(alessandria, utente=giulia, tipo_area=TipoArea.CERCHIO, lat=LAT, lon=LON, raggio_m=300)

    segnalazioni = [consegnato(factories.segnalazione, alessandria, titolo=f"Buca numero {i}") for i in range(50)]
    consegnato(allerte.invia_riepiloghi)
    consegnato(allerte.invia_riepiloghi)  # a second run the same day adds nothing

    arrivati = per(smtp, "giulia@example.org")
    immediati = [m for m in arrivati if "nella tua zona:" in str(m["Subject"])]
    [riepilogo] = [m for m in arrivati if str(m["Subject"]).startswith("Le novità nella tua zona")]
    assert len(arrivati) == 11 and len(immediati) == 10
    sms_inviati = [r for r in sms.richieste if r["percorso"] == "/invia"]
    assert len(sms_inviati) == 3
    # Every report exactly once: the first ten at once, the other forty in the digest.
    testo = riepilogo.get_body(("plain",)).get_content()
    nel_riepilogo = {s.codice for s in segnalazioni if s.codice in testo}
    subito = {s.codice for s in segnalazioni if any(str(m["Subject"]).endswith(": " + s.titolo) for m in immediati)}
    assert len(nel_riepilogo) == 40 and len(subito) == 10 and not nel_riepilogo & subito
    assert not ElementoRiepilogo.objects.filter(notifica__isnull=True).exists()


def test_the_caps_are_per_person_and_come_from_the_settings(alessandria, smtp, comunicazioni, consegnato):
    comunicazioni["ALLERTE_AL_GIORNO"] = {"email": 2}
    allerte.crea(alessandria, email="uno@example.org")
    allerte.crea(alessandria, email="due@example.org", tipo_area=TipoArea.CERCHIO, lat=LAT, lon=LON)
    for i in range(4):
        consegnato(factories.segnalazione, alessandria, titolo=f"Buca {i}")
    assert a_chi(smtp) == {"uno@example.org": 2, "due@example.org": 2}
    assert ElementoRiepilogo.objects.filter(notifica__isnull=True).count() == 4  # two each, for the digest


# --- Letters to the mayor --------------------------------------------------------------------------------


@pytest.mark.parametrize(("accept_language", "oggetto"), [
    ("it", "Abbiamo ricevuto il tuo messaggio al sindaco"),
    ("en-US,en;q=0.9", "We received your message to the mayor"),
])
def test_a_letter_to_the_mayor_is_acknowledged_in_the_writers_language(
        client, alessandria, smtp, consegnato, accept_language, oggetto):
    r = consegnato(client.post, "/scrivi-al-sindaco/alessandria/",
                   {"tipo": "suggerimento", "testo": "Più panchine al parco", "email": ANNA},
                   headers={"Accept-Language": accept_language})
    assert r.status_code == 302
    [ricevuta] = per(smtp, ANNA)
    assert str(ricevuta["Subject"]).strip().startswith(oggetto)
    assert "Più panchine al parco" in ricevuta.get_body(("plain",)).get_content()
    assert Notifica.objects.get(indirizzo=ANNA).motivo == "sindaco_ricevuto"


def test_the_answer_to_a_letter_threads_under_its_acknowledgement(alessandria, smtp, consegnato):
    from civico.accounts.models import Ruolo
    from civico.comunicazioni import sindaco

    m = consegnato(sindaco.scrivi, alessandria, tipo="segnalazione", testo="Troppi rumori", email=ANNA, lingua="en")
    consegnato(sindaco.rispondi, m, factories.staff("sindaco-al", Ruolo.SINDACO, alessandria), "Controlleremo.")

    ricevuta, risposta = per(smtp, ANNA)
    assert str(ricevuta["Subject"]).strip().startswith("We received your message")
    assert str(risposta["Subject"]).strip() == "Reply from the mayor's office"
    radice = f"<sindaco.{m.pk}.{alessandria.slug}@"
    assert all(x["References"].strip().startswith(radice) for x in (ricevuta, risposta))
    assert ricevuta["Message-ID"] != risposta["Message-ID"]


def test_a_letter_without_an_address_is_acknowledged_to_nobody(client, alessandria, smtp, consegnato):
    r = consegnato(client.post, "/scrivi-al-sindaco/alessandria/", {"tipo": "osservazione", "testo": "Anonima"})
    assert r.status_code == 302 and a_chi(smtp).get(ANNA) is None
    assert not Notifica.objects.filter(motivo="sindaco_ricevuto").exists()


# --- One thread per report -------------------------------------------------------------------------------


def test_the_status_emails_of_a_report_are_one_thread(alessandria, smtp, consegnato):
    s = consegnato(factories.segnalazione, alessandria, email=ANNA)
    altra = consegnato(factories.segnalazione, alessandria, email=ANNA, titolo="Un'altra buca")
    consegnato(risolvi, s)

    messaggi = per(smtp, ANNA)
    di_s = [m for m in messaggi if s.codice in str(m["Subject"])]
    [di_altra] = [m for m in messaggi if altra.codice in str(m["Subject"])]
    assert len(di_s) == 3  # receipt, taken in charge, resolved
    radice = f"<segnalazione.{s.codice}.{alessandria.slug}@"
    for m in di_s:
        assert m["In-Reply-To"].strip().startswith(radice) and radice in m["References"]
    assert len({m["Message-ID"] for m in di_s}) == 3  # each message its own id, one thread
    assert radice not in di_altra["References"] and altra.codice in di_altra["References"]
    assert {parseaddr(m["To"])[1] for m in messaggi} == {ANNA}



@ipotesi(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ruoli=st.lists(st.sampled_from(["segue", "segue_per_email", "allerta_subito", "allerta_cerchio",
                                       "allerta_giornaliera", "allerta_email"]), min_size=1, max_size=6))
def test_whatever_the_reasons_each_address_hears_once_per_event(alessandria, ruoli):
    """A person with any mix of reasons (following by account or e-mail, alerts of any kind):
    at most one row per event, channel and address."""
    chi = f"p{uuid.uuid4().hex[:10]}"
    email = f"{chi}@example.org"
    persona = factories.UtenteFactory(username=chi, email=email)
    s = factories.segnalazione(alessandria, email=f"r{chi}@example.org")
    for ruolo in ruoli:
        if ruolo == "segue":
            iscrizioni.segui(s, persona)
        elif ruolo == "segue_per_email":
            iscrizioni.segui_per_email(s, email)
        elif ruolo == "allerta_subito":
            allerte.crea(alessandria, utente=persona, nuove=False)
        elif ruolo == "allerta_cerchio":
            allerte.crea(alessandria, utente=persona, nuove=False, tipo_area=TipoArea.CERCHIO, lat=LAT, lon=LON)
        elif ruolo == "allerta_giornaliera":
            allerte.crea(alessandria, utente=persona, nuove=False, frequenza=Frequenza.GIORNALIERA)
        else:
            allerte.crea(alessandria, email=email, nuove=False)

    risolvi(s)

    righe = Notifica.objects.filter(segnalazione=s, indirizzo=email)
    per_evento = Counter(righe.values_list("evento_id", "canale"))
    assert all(n == 1 for n in per_evento.values())
    in_riepilogo = ElementoRiepilogo.objects.filter(segnalazione=s, allerta__in=persona.allerte.all())
    risolta_subito = righe.filter(evento__stato_a="resolved").count()
    # Told of the resolution at once (follower or immediate alert) or in one digest: once.
    assert risolta_subito + in_riepilogo.count() == 1
