"""Italian and English as people write them: dates, "ad Alessandria", coordinates, plurals, the
language selector, a house number that does not exist."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import formats, translation
from hypothesis import given, settings
from hypothesis import strategies as st

from civico.testo import a_luogo, coordinate
from tests import factories
from tests.portale.test_flusso_passi import inizia, limiti_azzerati, url

__all__ = ["limiti_azzerati"]  # the autouse fixture, imported

MESI = ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre",
        "ottobre", "novembre", "dicembre"]
GIORNI = ["lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"]


@pytest.mark.parametrize(("quando", "formato", "atteso"), [
    (datetime(2026, 12, 6, 9, 5), "DATETIME_FORMAT", "domenica 6 dicembre 2026, 09:05"),
    (date(2027, 1, 5), "DATE_FORMAT", "5 gennaio 2027"),
    (date(2027, 1, 5), "j F Y", "5 gennaio 2027"),
    (date(2026, 3, 1), "l j F Y", "domenica 1 marzo 2026"),
])
def test_italian_dates_are_lowercase_without_leading_zeros(quando, formato, atteso):
    with translation.override("it"):
        assert formats.date_format(quando, formato) == atteso
        assert Template("{{ d|date:f }}").render(Context({"d": quando, "f": formato})) == atteso


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_any_italian_date_reads_day_month_year_in_words(giorno):
    with translation.override("it"):
        lunga = formats.date_format(giorno, "DATE_FORMAT")
        con_giorno = formats.date_format(datetime.combine(giorno, datetime.min.time()), "DATETIME_FORMAT")
    assert lunga == f"{giorno.day} {MESI[giorno.month - 1]} {giorno.year}"
    assert con_giorno.startswith(f"{GIORNI[giorno.weekday()]} {lunga},")
    assert con_giorno == con_giorno.lower()


def test_english_dates_keep_their_names():
    with translation.override("en"):
        assert "December" in formats.date_format(date(2026, 12, 6), "j F Y")


@pytest.mark.django_db
def test_the_private_page_writes_the_date_the_italian_way(client, alessandria):
    s = factories.segnalazione(alessandria)
    s.creata_il = datetime(2026, 12, 6, 9, 5, tzinfo=ZoneInfo("Europe/Rome"))
    s.save(update_fields=["creata_il"])

    html = client.get(f"/seguimi/{s.token}/", HTTP_ACCEPT_LANGUAGE="it").content.decode()

    assert "domenica 6 dicembre 2026, 09:05" in html
    assert not re.search(r"\b(Domenica|Dicembre)\b", html)


@pytest.mark.parametrize(("nome", "atteso"), [
    ("Alessandria", "ad Alessandria"), ("Asti", "ad Asti"), ("Ivrea", "ad Ivrea"), ("Empoli", "ad Empoli"),
    ("Ozzano Monferrato", "ad Ozzano Monferrato"), ("Udine", "ad Udine"), ("Èze", "ad Èze"),
    ("Casale Monferrato", "a Casale Monferrato"), ("Valenza", "a Valenza"), ("Roma", "a Roma"),
])
def test_a_becomes_ad_before_a_vowel(nome, atteso):
    assert a_luogo(nome) == atteso


@pytest.mark.django_db
def test_an_unknown_address_says_ad_alessandria_and_in_alessandria(client, alessandria):
    b = inizia(client, alessandria)
    for lingua, atteso in (("it", "ad Alessandria:"), ("en", "in Alessandria:")):
        r = client.post(url(b, "luogo"), {"ente": "alessandria", "indirizzo": "via che non esiste 9999"},
                        HTTP_ACCEPT_LANGUAGE=lingua)
        html = r.content.decode()
        assert atteso in html and " a Alessandria" not in html


@pytest.mark.parametrize(("lingua", "lat", "lon", "atteso"), [
    ("it", 44.913, 8.615, "44,91300 N, 8,61500 E"),
    ("en", 44.913, 8.615, "44.91300 N, 8.61500 E"),
    ("it", -33.5, -70.25, "33,50000 S, 70,25000 W"),
])
def test_coordinates_are_written_with_their_hemisphere(lingua, lat, lon, atteso):
    with translation.override(lingua):
        assert coordinate(lat, lon) == atteso


@pytest.mark.django_db
@pytest.mark.parametrize("lingua", ["it", "en"])
def test_the_report_page_and_the_summary_write_coordinates_clearly(client, alessandria, lingua):
    s = factories.segnalazione(alessandria)
    html = client.get(f"/seguimi/{s.token}/", HTTP_ACCEPT_LANGUAGE=lingua).content.decode()
    assert re.search(r"44[,.]\d{5} N, 8[,.]\d{5} E", html)
    assert not re.search(r"\(44[,.]\d{5}, 8", html)

    b = inizia(client, alessandria)
    lat, lon = factories.PIAZZA_LIBERTA
    client.post(url(b, "luogo"), {"ente": "alessandria", "lat": lat, "lon": lon})
    client.post(url(b, "disservizio"),
                {"categoria": "buche", "titolo": "Buca", "risposta__buche__dimensione": "grande"})
    client.post(url(b, "autore"), {"anonimo": "si"})
    riepilogo = client.get(url(b, "riepilogo"), HTTP_ACCEPT_LANGUAGE=lingua).content.decode()
    assert re.search(r"44[,.]\d{5} N, 8[,.]\d{5} E", riepilogo)


@pytest.mark.django_db
@pytest.mark.parametrize("lingua", ["it", "en"])
def test_the_language_selector_names_each_language_in_itself(client, lingua):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE=lingua).content.decode()
    opzioni = re.findall(r'<option value="(it|en)" lang="\1"[^>]*>([^<]+)</option>', html)
    assert dict(opzioni) == {"it": "Italiano", "en": "English"}


@pytest.mark.django_db
def test_one_address_found_is_singular_in_both_languages(client, alessandria):
    b = inizia(client, alessandria)
    for lingua, uno, molti in (("it", "1 indirizzo trovato", "indirizzi trovati"),
                               ("en", "1 address found", "addresses found")):
        html = client.get(url(b, "luogo"), HTTP_ACCEPT_LANGUAGE=lingua).content.decode()
        assert f'data-msg-risultato="{uno}' in html and molti in html


@pytest.mark.django_db
@pytest.mark.parametrize("testo", ["corso roma 9999", "Corso Roma 9999, Alessandria", "c.so roma 5000"])
def test_a_house_number_that_does_not_exist_is_said_and_the_street_offered(client, alessandria, testo):
    r = client.get("/segnala/indirizzi/", {"ente": "alessandria", "q": testo}).json()

    assert "non esiste in Corso Roma" in r["avviso"]
    assert r["risultati"][0]["testo"] == "Corso Roma"  # the street itself first
    assert all(x["testo"].startswith("Corso Roma") for x in r["risultati"])


@pytest.mark.django_db
def test_an_existing_house_number_has_no_notice(client, alessandria):
    r = client.get("/segnala/indirizzi/", {"ente": "alessandria", "q": "corso roma 5"}).json()
    assert r["avviso"] == "" and r["risultati"][0]["testo"] == "Corso Roma 5"


@pytest.mark.django_db
@pytest.mark.parametrize("lingua,atteso", [("it", "non esiste in Corso Roma"), ("en", "does not exist in Corso Roma")])
def test_an_address_alone_with_a_missing_number_is_not_moved_to_another_number(client, alessandria, lingua, atteso):
    b = inizia(client, alessandria)

    r = client.post(url(b, "luogo"), {"ente": "alessandria", "indirizzo": "corso roma 9999"},
                    HTTP_ACCEPT_LANGUAGE=lingua)

    assert r.status_code == 400
    html = r.content.decode()
    assert atteso in html and "Corso Roma 146" in html
