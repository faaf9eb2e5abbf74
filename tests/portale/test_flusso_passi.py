"""The reporting flow /segnala/ step by step, as a citizen's browser submits it (no JavaScript)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from civico.catalogo.models import Categoria, Domanda
from civico.portale.models import Bozza, ValutazioneServizio
from civico.segnalazioni.models import Segnalazione
from tests import factories

pytestmark = pytest.mark.django_db

LAT, LON = factories.PIAZZA_LIBERTA


@pytest.fixture(autouse=True)
def limiti_azzerati():
    """The rate limits count in the cache: each test starts from zero (all come from 127.0.0.1)."""
    from django.core.cache import cache

    cache.clear()


def inizia(client, ente=None) -> Bozza:
    r = client.post("/segnala/" + (f"?ente={ente.slug}" if ente else ""), {"privacy": "1"})
    assert r.status_code == 302, r.content.decode()[:3000]
    return Bozza.objects.get(uuid=r["Location"].split("/")[2])


def url(bozza: Bozza, passo: str) -> str:
    return f"/segnala/{bozza.uuid}/{passo}/"


def compila(client, ente, *, luogo=None, disservizio=None, autore=None) -> Bozza:
    """Every step up to the summary, with sensible data unless told otherwise."""
    b = inizia(client, ente)
    r = client.post(url(b, "luogo"), luogo or {"ente": ente.slug, "lat": LAT, "lon": LON})
    assert r.status_code == 302, r.content.decode()[:3000]
    r = client.post(url(b, "disservizio"), disservizio or {
        "categoria": "buche", "titolo": "Buca profonda davanti alla scuola",
        "descrizione": "Larga un metro, pericolosa per le bici.", "risposta__buche__dimensione": "grande",
    })
    assert r.status_code == 302, r.content.decode()[:3000]
    r = client.post(url(b, "autore"), autore or {
        "anonimo": "no", "nome": "Giulia Ferrari", "email": "giulia@example.org", "telefono": "+39 333 1234567",
    })
    assert r.status_code == 302, r.content.decode()[:3000]
    b.refresh_from_db()
    return b


def invia(client, b: Bozza):
    return client.post(f"/segnala/{b.uuid}/invia/", {"chiave": b.chiave})


def test_a_citizen_reports_a_problem_step_by_step_and_gets_the_code_deadline_and_private_link(client, alessandria):
    b = compila(client, alessandria)

    r = invia(client, b)

    assert r.status_code == 302 and r["Location"] == f"/segnala/{b.uuid}/inviata/"
    s = Segnalazione.objects.get()
    assert (s.ente, s.categoria.codice, s.canale) == (alessandria, "buche", "web")
    assert s.titolo == "Buca profonda davanti alla scuola" and s.risposte == {"dimensione": "grande"}
    assert s.indirizzo == "Piazza della Libertà 41"
    assert (s.segnalante_nome, s.segnalante_email) == ("Giulia Ferrari", "giulia@example.org")
    assert s.chiave_idempotenza == b.chiave
    html = client.get(r["Location"]).content.decode()
    assert "Segnalazione inviata" in html
    assert s.codice in html and f"/seguimi/{s.token}/" in html and f"/seguimi/{s.token}/ricevuta.pdf" in html
    assert f'datetime="{s.scadenza:%Y-%m-%d}"' in html
    b.refresh_from_db()
    assert "autore" not in b.dati and "disservizio" not in b.dati  # the report keeps the data now


def test_the_privacy_notice_must_be_accepted_before_anything_is_kept(client, alessandria):
    r = client.post("/segnala/?ente=alessandria", {})

    assert r.status_code == 400
    html = r.content.decode()
    assert 'id="campo-privacy-errore"' in html and "informativa sulla privacy" in html
    assert 'aria-invalid="true"' in html and 'href="/privacy/"' in html
    assert not Bozza.objects.exists()


def test_the_link_with_ente_fixes_the_comune_of_the_draft(client, alessandria):
    html = client.get("/segnala/?ente=alessandria").content.decode()
    assert 'name="ente" value="alessandria"' in html

    assert inizia(client, alessandria).ente == alessandria


def test_the_stepper_is_an_ordered_list_marking_the_current_step_with_links_back(client, alessandria):
    b = compila(client, alessandria)

    html = client.get(url(b, "autore")).content.decode()

    stepper = re.search(r'<nav class="flusso-stepper.*?</nav>', html, re.S).group(0)
    assert "<ol>" in stepper
    attuale = re.search(r'<li class="attuale" aria-current="step">(.*?)</li>', stepper, re.S).group(1)
    assert "Autore" in attuale
    for passo in ("privacy", "luogo", "disservizio", "riepilogo"):
        assert f'href="{url(b, passo)}"' in stepper
    assert 'Passo 4 di 6: Autore' in html  # the page title names the step


@pytest.mark.parametrize("passo,indietro", [
    ("luogo", "privacy"), ("disservizio", "luogo"), ("autore", "disservizio"), ("riepilogo", "autore"),
])
def test_every_step_offers_a_way_back(client, alessandria, passo, indietro):
    b = compila(client, alessandria)
    html = client.get(url(b, passo)).content.decode()
    assert re.search(rf'<a class="btn btn-outline-primary" href="{url(b, indietro)}">Indietro</a>', html)


def test_the_first_step_goes_back_to_the_comune(client, alessandria):
    html = client.get("/segnala/?ente=alessandria").content.decode()
    assert '<a class="btn btn-outline-primary" href="/alessandria/">Indietro</a>' in html


def test_steps_cannot_be_skipped(client, alessandria):
    b = inizia(client, alessandria)
    r = client.get(url(b, "riepilogo"))
    assert r.status_code == 302 and r["Location"] == url(b, "luogo")


def test_the_place_can_be_an_address_alone_and_intake_places_it(client, alessandria):
    b = compila(client, alessandria, luogo={"ente": "alessandria", "indirizzo": "p.zza della libertà 41"})
    assert b.dati["luogo"]["lat"] is None and b.dati["luogo"]["indirizzo_trovato"] == "Piazza della Libertà 41"

    invia(client, b)

    s = Segnalazione.objects.get()
    assert (round(s.lat, 5), round(s.lon, 5)) == (round(LAT, 5), round(LON, 5))
    assert s.indirizzo == "Piazza della Libertà 41"


def test_an_unknown_address_is_refused_next_to_the_field(client, alessandria):
    b = inizia(client, alessandria)
    r = client.post(url(b, "luogo"), {"ente": "alessandria", "indirizzo": "via che non esiste 9999"})
    assert r.status_code == 400
    html = r.content.decode()
    errore = re.search(r'<p id="campo-indirizzo-errore" class="errore-campo">(.*?)</p>', html, re.S).group(1)
    assert "Non troviamo l'indirizzo «via che non esiste 9999» ad Alessandria" in errore.replace("&#x27;", "'")
    assert 'href="#campo-indirizzo"' in html  # the summary links to the field


def test_a_point_in_a_comune_not_on_civico_is_refused_naming_the_comune(client, alessandria):
    b = inizia(client, alessandria)
    r = client.post(url(b, "luogo"), {"ente": "alessandria", "lat": factories.VALENZA[0], "lon": factories.VALENZA[1]})
    assert r.status_code == 400
    assert "Il punto si trova nel comune di Valenza, che non usa ancora Civico" in r.content.decode()


def test_a_point_outside_italy_or_no_place_at_all_is_refused(client, alessandria):
    b = inizia(client, alessandria)
    fuori = client.post(url(b, "luogo"), {"lat": factories.MAR_LIGURE[0], "lon": factories.MAR_LIGURE[1]})
    assert "non si trova in nessun comune italiano" in fuori.content.decode()
    niente = client.post(url(b, "luogo"), {"ente": "alessandria"})
    assert niente.status_code == 400
    assert "scrivi l&#x27;indirizzo o segna il punto sulla mappa" in niente.content.decode()


def test_a_point_in_another_active_comune_moves_the_draft_there(client, alessandria, casale):
    b = inizia(client, alessandria)
    client.post(url(b, "luogo"), {"ente": "alessandria", "lat": factories.CASALE[0], "lon": factories.CASALE[1]})
    b.refresh_from_db()
    assert b.ente == casale and b.dati["luogo"]["comune"] == "Casale Monferrato"


def test_a_required_question_of_the_category_is_asked_next_to_it(client, alessandria):
    b = inizia(client, alessandria)
    client.post(url(b, "luogo"), {"lat": LAT, "lon": LON})
    r = client.post(url(b, "disservizio"), {"categoria": "buche", "titolo": "Buca"})
    assert r.status_code == 400
    html = r.content.decode()
    assert 'id="risposta-buche-dimensione-errore"' in html and "Rispondi alla domanda" in html
    assert 'href="#risposta-buche-dimensione"' in html


def test_title_and_category_are_required(client, alessandria):
    b = inizia(client, alessandria)
    client.post(url(b, "luogo"), {"lat": LAT, "lon": LON})
    html = client.post(url(b, "disservizio"), {}).content.decode()
    assert 'id="campo-titolo-errore"' in html and "Questo campo è obbligatorio." in html
    assert 'id="campo-categoria-errore"' in html and "Scegli una categoria." in html


def test_categories_are_grouped_and_every_question_type_is_rendered(client, alessandria):
    altro = Categoria.objects.get(ente=alessandria, codice="altro")
    for n, (codice, tipo) in enumerate(
        [("quanti", "number"), ("quando", "datetime"), ("note", "text"), ("targa", "string"),
         ("dove", "multivaluelist")], start=1,
    ):
        Domanda.objects.create(categoria=altro, codice=codice, testo=f"Domanda {codice}", tipo=tipo, ordine=n,
                               valori=[{"key": "a", "name": "Strada"}, {"key": "b", "name": "Marciapiede"}])
    b = inizia(client, alessandria)
    client.post(url(b, "luogo"), {"lat": LAT, "lon": LON})

    html = client.get(url(b, "disservizio")).content.decode()

    assert '<optgroup label="Strade e mobilità">' in html and '<optgroup label="Verde e ambiente">' in html
    assert 'name="risposta__altro__quanti"' in html and 'inputmode="decimal"' in html
    assert 'type="datetime-local" id="risposta-altro-quando"' in html
    assert '<textarea class="form-control" id="risposta-altro-note"' in html
    assert 'type="checkbox" name="risposta__altro__dove"' in html
    assert 'type="radio" name="risposta__buche__dimensione"' in html

    r = client.post(url(b, "disservizio"), {
        "categoria": "altro", "titolo": "Altro", "risposta__altro__quanti": "3,5",
        "risposta__altro__quando": "2026-05-04T09:30", "risposta__altro__dove": ["a", "b"],
    })
    assert r.status_code == 302
    compila_resto = client.post(url(b, "autore"), {"anonimo": "si"})
    assert compila_resto.status_code == 302
    invia(client, b)
    risposte = Segnalazione.objects.get().risposte
    assert risposte["quanti"] == 3.5 and risposte["dove"] == ["a", "b"] and risposte["quando"].startswith("2026-05-04")


def test_an_anonymous_report_keeps_no_contacts(client, alessandria):
    b = compila(client, alessandria, autore={"anonimo": "si", "nome": "Non salvare", "email": "x@example.org"})
    invia(client, b)
    s = Segnalazione.objects.get()
    assert (s.segnalante_nome, s.segnalante_email, s.segnalante_telefono, s.segnalante) == ("", "", "", None)


def test_a_category_that_needs_contacts_refuses_anonymity(client, alessandria):
    Categoria.objects.filter(ente=alessandria, codice="buche").update(contatti_obbligatori=True)
    b = compila(client, alessandria)
    r = client.post(url(b, "autore"), {"anonimo": "si"})
    assert r.status_code == 400 and "lascia un&#x27;e-mail o un telefono" in r.content.decode()
    r = client.post(url(b, "autore"), {"anonimo": "no", "nome": "Giulia"})
    assert r.status_code == 400 and 'id="campo-email-errore"' in r.content.decode()


def test_a_bad_email_is_refused_at_its_step(client, alessandria):
    b = compila(client, alessandria)
    r = client.post(url(b, "autore"), {"anonimo": "no", "email": "giulia@"})
    assert r.status_code == 400 and "L&#x27;indirizzo e-mail non è valido." in r.content.decode()


def test_intake_refusals_come_back_to_the_step_and_field_to_fix(client, alessandria):
    b = compila(client, alessandria, autore={"anonimo": "no", "telefono": "chiamami"})

    r = invia(client, b)

    assert r.status_code == 302 and r["Location"] == url(b, "autore") + "#errori"
    assert not Segnalazione.objects.exists()
    html = client.get(r["Location"]).content.decode()
    assert 'id="campo-telefono-errore"' in html and "Il numero di telefono non è valido." in html
    assert "La segnalazione non è stata inviata" in html
    # Fixing the step clears the error, and the submission goes through.
    client.post(url(b, "autore"), {"anonimo": "no", "telefono": "0131 515111"})
    assert "campo-telefono-errore" not in client.get(url(b, "autore")).content.decode()
    b.refresh_from_db()
    assert invia(client, b)["Location"].endswith("/inviata/") and Segnalazione.objects.count() == 1


def test_submitting_twice_makes_one_report(client, alessandria):
    b = compila(client, alessandria)

    primo, secondo = invia(client, b), invia(client, b)

    assert Segnalazione.objects.count() == 1
    assert primo["Location"] == secondo["Location"] == f"/segnala/{b.uuid}/inviata/"
    assert client.get(url(b, "riepilogo"))["Location"] == f"/segnala/{b.uuid}/inviata/"


def test_a_tampered_idempotency_key_is_refused(client, alessandria):
    b = compila(client, alessandria)
    assert client.post(f"/segnala/{b.uuid}/invia/", {"chiave": "altra"}).status_code == 400
    assert not Segnalazione.objects.exists()


def test_the_draft_survives_an_expired_session(client, alessandria):
    from django.test import Client

    b = compila(client, alessandria)
    nuovo = Client()  # a browser whose session cookie is gone

    assert nuovo.get(url(b, "riepilogo")).status_code == 200
    assert invia(nuovo, b).status_code == 302 and Segnalazione.objects.count() == 1


def test_a_draft_of_a_signed_in_citizen_is_not_shown_to_another(client, alessandria):
    mario = factories.UtenteFactory(username="mario@example.org")
    anna = factories.UtenteFactory(username="anna@example.org")
    client.force_login(mario)
    b = compila(client, alessandria)
    assert b.utente == mario
    client.force_login(anna)
    assert client.get(url(b, "riepilogo")).status_code == 404


def test_a_report_sent_while_signed_in_belongs_to_the_citizen(client, alessandria):
    mario = factories.UtenteFactory(username="mario@example.org")
    client.force_login(mario)
    b = inizia(client, alessandria)
    client.post(url(b, "luogo"), {"lat": LAT, "lon": LON})
    client.post(url(b, "disservizio"), {"categoria": "tombini", "titolo": "Tombino intasato"})
    assert 'value="mario@example.org"' in client.get(url(b, "autore")).content.decode()  # prefilled
    client.post(url(b, "autore"), {"anonimo": "no", "email": "mario@example.org"})
    invia(client, b)
    assert Segnalazione.objects.get().segnalante == mario


def test_an_expired_draft_says_so_and_old_drafts_are_deleted(client, alessandria):
    b = compila(client, alessandria)
    Bozza.objects.filter(pk=b.pk).update(scade_il=timezone.now() - timedelta(minutes=1))
    r = client.get(url(b, "riepilogo"))
    assert r.status_code == 410 and "non è più disponibile" in r.content.decode()

    inizia(client, alessandria)  # a new draft sweeps the expired ones
    assert not Bozza.objects.filter(pk=b.pk).exists()


def test_a_draft_expires_seven_days_after_its_last_change(client, alessandria):
    b = inizia(client, alessandria)
    assert timedelta(days=6, hours=23) < b.scade_il - timezone.now() <= timedelta(days=7)


def test_an_unfinished_draft_is_offered_again(client, alessandria):
    b = inizia(client, alessandria)
    html = client.get("/segnala/").content.decode()
    assert "Riprendi la segnalazione" in html and url(b, "luogo") in html


def test_the_summary_shows_every_datum_with_edit_links_and_the_declaration(client, alessandria):
    b = compila(client, alessandria)

    html = client.get(url(b, "riepilogo")).content.decode()

    for atteso in ("Alessandria", "Piazza della Libertà 41", "Buche", "Buca profonda davanti alla scuola",
                   "Larga un metro", "Grande (più di 1 m)", "Giulia Ferrari", "giulia@example.org",
                   "+39 333 1234567", "Le informazioni che hai fornito hanno valore di dichiarazione."):
        assert atteso in html, atteso
    for passo in ("luogo", "disservizio", "autore"):
        assert f'href="{url(b, passo)}">Modifica' in html
    assert f'name="chiave" value="{b.chiave}"' in html


def test_the_service_can_be_rated_once_from_1_to_5(client, alessandria):
    b = compila(client, alessandria)
    invia(client, b)
    assert 'id="valutazione-servizio"' in client.get(f"/segnala/{b.uuid}/inviata/").content.decode()

    sbagliato = client.post(f"/segnala/{b.uuid}/valutazione/", {"voto": "9"}, follow=True)
    assert "Scegli un voto da 1 a 5." in sbagliato.content.decode()
    client.post(f"/segnala/{b.uuid}/valutazione/", {"voto": "4", "commento": "Semplice"})
    client.post(f"/segnala/{b.uuid}/valutazione/", {"voto": "1"})

    v = ValutazioneServizio.objects.get()
    assert (v.voto, v.commento, v.ente) == (4, "Semplice", alessandria)
    assert "Grazie per la tua valutazione." in client.get(f"/segnala/{b.uuid}/inviata/").content.decode()


def test_the_flow_speaks_english_when_asked(client, alessandria):
    b = inizia(client, alessandria)
    client.post(url(b, "luogo"), {"lat": LAT, "lon": LON})

    r = client.post(url(b, "disservizio"), {"categoria": "tombini"}, HTTP_ACCEPT_LANGUAGE="en")

    html = r.content.decode()
    assert '<html lang="en">' in html
    assert "This field is required." in html  # intake's message, in the reader's language


def test_too_many_drafts_from_one_address_are_refused(client, alessandria, settings):
    from civico.portale import views_flusso

    for _ in range(views_flusso.BOZZE_ALL_ORA):
        inizia(client, alessandria)
    r = client.post("/segnala/", {"privacy": "1"})
    assert r.status_code == 429 and "Troppe segnalazioni iniziate: riprova più tardi." in r.content.decode()
    assert Bozza.objects.count() == views_flusso.BOZZE_ALL_ORA


def test_draft_pages_are_private(client, alessandria):
    b = inizia(client, alessandria)
    r = client.get(url(b, "luogo"))
    assert r["Referrer-Policy"] == "same-origin" and r["X-Robots-Tag"] == "noindex"
    assert "no-cache" in r["Cache-Control"] or "no-store" in r["Cache-Control"]
