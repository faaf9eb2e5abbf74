"""The portal's pages as a citizen meets them: the national home, a comune's home, the pages every
Italian public service must have, and the satisfaction rating."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from civico.enti.models import Ente
from civico.portale.models import ValutazionePagina
from civico.segnalazioni import workflow
from tests import factories

pytestmark = pytest.mark.django_db


def leggibile(html: str) -> str:
    """What a person reads: the page without tags and with collapsed spaces."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_national_home_lists_the_active_comuni_with_links(client, alessandria, casale):
    html = client.get("/").content.decode()
    assert '<a href="/alessandria/">Alessandria</a>' in html
    assert '<a href="/casale-monferrato/">Casale Monferrato</a>' in html
    assert "Torino" not in html


def test_searching_a_comune_by_name_finds_it_with_or_without_accents(client, alessandria):
    html = leggibile(client.get("/", {"q": "cantu"}).content.decode())
    assert "Cantù (CO) — non usa ancora Civico" in html
    html = client.get("/", {"q": "aless"}).content.decode()
    assert '<a href="/alessandria/">Alessandria</a>' in html


def test_a_search_with_no_match_says_so(client, db):
    assert "Nessun comune trovato con questo nome." in client.get("/", {"q": "zzzqqq"}).content.decode()


def test_the_nearest_comune_of_a_position_is_found_and_says_whether_it_uses_civico(client, alessandria):
    r = client.get("/comune-vicino.json", {"lat": factories.PIAZZA_LIBERTA[0], "lon": factories.PIAZZA_LIBERTA[1]})
    assert r.json() == {"comune": {"nome": "Alessandria", "provincia": "AL", "slug": "alessandria",
                                   "attivo": True, "url": "/alessandria/"}}
    valenza = client.get("/comune-vicino.json", {"lat": factories.VALENZA[0], "lon": factories.VALENZA[1]}).json()
    assert valenza["comune"]["nome"] == "Valenza" and valenza["comune"]["attivo"] is False


def test_the_nearest_comune_of_a_point_at_sea_is_none_and_bad_coordinates_are_refused(client, db):
    mare = client.get("/comune-vicino.json", {"lat": factories.MAR_LIGURE[0], "lon": factories.MAR_LIGURE[1]})
    assert mare.status_code == 200 and mare.json()["comune"] is None
    r = client.get("/comune-vicino.json", {"lat": "95", "lon": "8"})
    assert r.status_code == 400 and r.json()["errore"]["codice"] == "coordinate_non_valide"


def test_a_comune_home_invites_to_report_and_shows_recent_reports_resolved_count_and_categories(
    client, alessandria
):
    op = factories.operatore(alessandria)
    vecchia = factories.segnalazione(alessandria, titolo="Panchina rotta nel viale", categoria="arredo-urbano")
    risolta = factories.segnalazione(alessandria, titolo="Buca in piazza")
    workflow.transition(risolta, "take_in_charge", op)
    workflow.transition(risolta, "resolve", op)

    r = client.get("/alessandria/")

    html = r.content.decode()
    assert r.status_code == 200
    assert 'href="/segnala/?ente=alessandria"' in html and "Segnala un disservizio" in html
    assert "Negli ultimi 12 mesi è stata risolta 1 segnalazione" in leggibile(html)
    assert f'href="/segnalazioni/{risolta.codice}/"' in html and "Panchina rotta nel viale" in html
    assert "Buche" in html and "Illuminazione pubblica" in html
    assert "Avvisi" in html and "Nessun avviso in corso." in html
    assert "Comune di Alessandria" in html and "civico/stemma.svg" in html
    assert vecchia.codice in html


def test_the_resolved_count_counts_each_report_once_and_only_public_ones(client, alessandria):
    from civico.catalogo.models import Categoria

    op = factories.operatore(alessandria)
    s = factories.segnalazione(alessandria)
    workflow.transition(s, "take_in_charge", op)
    workflow.transition(s, "resolve", op)
    workflow.transition(s, "reopen", op, testo="Di nuovo rotta")
    workflow.transition(s, "resolve", op)
    Categoria.objects.filter(ente=alessandria, codice="verde-pubblico").update(pubblica=False)
    privata = factories.segnalazione(alessandria, categoria="verde-pubblico", risposte={"problema": ["rami"]})
    workflow.transition(privata, "take_in_charge", op)
    workflow.transition(privata, "resolve", op)

    html = leggibile(client.get("/alessandria/").content.decode())

    assert "Negli ultimi 12 mesi è stata risolta 1 segnalazione" in html


def test_the_resolved_count_speaks_in_the_plural_for_more_than_one(client, alessandria):
    op = factories.operatore(alessandria)
    for _ in range(2):
        s = factories.segnalazione(alessandria)
        workflow.transition(s, "take_in_charge", op)
        workflow.transition(s, "resolve", op)
    html = leggibile(client.get("/alessandria/").content.decode())
    assert "Negli ultimi 12 mesi sono state risolte 2 segnalazioni" in html


def test_a_comune_that_does_not_use_civico_says_so_with_status_404(client, db):
    r = client.get("/valenza/")
    assert r.status_code == 404
    assert "Il comune di Valenza non usa ancora Civico" in r.content.decode()
    assert client.get("/valenza/segnalazioni/").status_code == 404


def test_an_unknown_comune_is_a_plain_404(client, db):
    r = client.get("/non-esiste-questo-comune/")
    assert r.status_code == 404 and "non usa ancora Civico" not in r.content.decode()


@pytest.mark.parametrize(("url", "titolo"), [
    ("/privacy/", "Informativa sul trattamento dei dati personali"),
    ("/note-legali/", "Note legali"),
    ("/faq/", "Domande frequenti"),
    ("/crediti/", "Crediti dei dati"),
])
def test_the_service_pages_exist(client, db, url, titolo):
    r = client.get(url)
    assert r.status_code == 200 and f"<h1>{titolo}</h1>" in r.content.decode()


def test_the_privacy_notice_names_the_controller_the_rights_and_the_authority(client, db):
    html = leggibile(client.get("/privacy/").content.decode())
    for atteso in ("articolo 13", "Titolare del trattamento", "Garante per la protezione dei dati personali",
                   "solo cookie tecnici", "I tuoi diritti"):
        assert atteso.lower() in html.lower(), atteso


def test_the_legal_notes_state_the_content_licence_where_the_validator_looks(client, db):
    html = client.get("/note-legali/").content.decode()
    sezione = re.search(r'<section aria-labelledby="licenza-titolo">.*?</section>', html, re.S).group(0)
    assert 'data-element="legal-notes-section">Licenza dei contenuti</h2>' in sezione
    assert "licenza CC-BY 4.0" in sezione and "creativecommons.org/licenses/by/4.0" in sezione


def test_the_credits_name_the_data_sources_and_their_licence(client, db):
    html = leggibile(client.get("/crediti/").content.decode())
    for atteso in ("Comune di Alessandria", "ISTAT", "openpolis", "CC BY 4.0", "OpenStreetMap"):
        assert atteso in html


@pytest.mark.parametrize("url", ["/", "/alessandria/", "/privacy/", "/faq/"])
def test_every_page_has_the_footer_links_the_agid_validator_checks(client, alessandria, url):
    html = client.get(url).content.decode()
    piede = html[html.index("<footer"):]
    link = {elemento: href for href, elemento in re.findall(r'<a href="([^"]*)" data-element="([a-z-]+)"', piede)}
    assert link["report-inefficiency"].startswith("/segnala/")
    assert link["faq"] == "/faq/"
    assert link["privacy-policy-link"] == "/privacy/"
    assert link["legal-notes"] == "/note-legali/"
    assert link["accessibility-link"] == "https://form.agid.gov.it/"
    assert 'data-element="report-inefficiency">Segnala disservizio</a>' in piede
    assert 'data-element="feedback"' in html and "Quanto sono chiare le informazioni" in html


def test_the_accessibility_link_follows_the_setting(client, db, settings):
    settings.CIVICO = {**settings.CIVICO, "URL_DICHIARAZIONE_ACCESSIBILITA": "https://form.agid.gov.it/view/abc"}
    html = client.get("/").content.decode()
    assert '<a href="https://form.agid.gov.it/view/abc" data-element="accessibility-link">' in html


def test_pages_load_fonts_and_styles_from_this_site_only(client, alessandria):
    html = client.get("/alessandria/").content.decode()
    esterni = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
    # Links people may follow are fine; nothing the browser fetches by itself comes from elsewhere.
    caricati = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?://[^"]+)"', html)
    assert caricati == [] and all("fonts.googleapis" not in u for u in esterni)


def test_a_rating_is_stored_without_anything_personal_and_thanks_the_citizen(client, alessandria):
    r = client.post("/valutazione/", {"pagina": "/alessandria/?x=1", "voto": "4"}, follow=True)
    assert "Grazie: la tua valutazione ci aiuta a migliorare il servizio." in r.content.decode()
    assert r.redirect_chain[-1][0] == "/alessandria/?x=1#valutazione"
    v = ValutazionePagina.objects.get()
    assert (v.pagina, v.voto, v.creata_il) == ("/alessandria/", 4, timezone.localdate())
    assert [f.name for f in ValutazionePagina._meta.get_fields()] == [
        "id", "pagina", "voto", "aspetto", "dettaglio", "creata_il"]


def test_a_rating_of_a_private_link_keeps_the_route_not_the_secret(client, alessandria):
    s = factories.segnalazione(alessandria)
    client.post("/valutazione/", {"pagina": f"/seguimi/{s.token}/", "voto": "5"})
    assert ValutazionePagina.objects.get().pagina == "/seguimi/…"


@pytest.mark.parametrize(("pagina", "voto"), [
    ("/alessandria/", "6"), ("/alessandria/", "zero"), ("https://evil.example/", "3"), ("/non-una-pagina/x/y/", "3"),
])
def test_invalid_ratings_are_not_stored(client, alessandria, pagina, voto):
    r = client.post("/valutazione/", {"pagina": pagina, "voto": voto})
    assert r.status_code == 302 and not r["Location"].startswith("https://evil")
    assert ValutazionePagina.objects.count() == 0


def test_the_rating_script_gets_a_short_answer_instead_of_a_redirect(client, db):
    r = client.post("/valutazione/", {"pagina": "/faq/", "voto": "3"}, HTTP_X_CIVICO_VALUTAZIONE="1")
    assert r.status_code == 200 and 'role="status"' in r.content.decode()


def test_a_flood_of_ratings_from_one_address_is_cut(client, db):
    from django.core.cache import cache

    cache.clear()
    for _ in range(35):
        client.post("/valutazione/", {"pagina": "/faq/", "voto": "1"})
    assert ValutazionePagina.objects.count() == 30
    cache.clear()


def test_the_pages_speak_english_when_asked(client, alessandria):
    factories.segnalazione(alessandria)
    html = client.get("/alessandria/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in html
    assert ">Received</span>" in html  # the recent report's state, in English


def test_inactive_comuni_are_not_listed_as_active(client, db):
    Ente.objects.filter(codice_istat="006003").update(attivo=False)
    assert "Nessun comune è ancora attivo." in client.get("/").content.decode()


def test_a_missing_page_is_explained_in_the_portals_own_look(client, db):
    r = client.get("/segnalazioni/AL-2026-999999/")
    html = r.content.decode()
    assert r.status_code == 404 and "<h1>Pagina non trovata</h1>" in html
    assert 'data-element="privacy-policy-link"' in html and "Nome Ente" not in html


def test_the_server_error_page_renders_without_a_request(db):
    from django.template.loader import get_template

    html = get_template("500.html").render()
    assert "Qualcosa non ha funzionato" in html and "bootstrap-italia-usato.css" in html
