"""The comune's notification texts page: its administrators write a text per event and language,
see a preview (with or without JavaScript), and template code is refused with a clear message."""

from __future__ import annotations

import pytest

from civico.comunicazioni import models as modelli
from civico.comunicazioni import testi_ente

pytestmark = pytest.mark.django_db


def _url(ente, coda: str = "") -> str:
    return f"/backoffice/configurazione/{ente.slug}/canali/testi/{coda}"


def test_the_administrator_saves_texts_and_finds_them_again(persone, come, alessandria, casale):
    client = come(persone.amministratore)

    risposta = client.post(_url(alessandria), {"testo_ricevuta_it": "Ricevuta {codice}: grazie!",
                                               "testo_ricevuta_en": "Received {codice}, thank you!"}, follow=True)

    pagina = risposta.content.decode()
    assert "Testi salvati." in pagina and "Ricevuta {codice}: grazie!" in pagina
    assert testi_ente.testi(alessandria) == {("ricevuta", "it"): "Ricevuta {codice}: grazie!",
                                             ("ricevuta", "en"): "Received {codice}, thank you!"}
    assert testi_ente.testi(casale) == {}
    canali = client.get(f"/backoffice/configurazione/{alessandria.slug}/canali/").content.decode()
    assert f'href="/backoffice/configurazione/{alessandria.slug}/canali/testi/"' in canali


@pytest.mark.parametrize("testo", ["{{ s.segnalante_email }}", "{% load static %}", "{titolo.__class__}",
                                   "{codice", "{email}"])
def test_template_code_is_refused_with_a_message_and_nothing_saved(persone, come, alessandria, testo):
    risposta = come(persone.amministratore).post(_url(alessandria), {"testo_stato_it": testo})

    pagina = risposta.content.decode()
    assert risposta.status_code == 200 and "Segnaposto disponibili:" in pagina
    assert not modelli.TestoNotifica.objects.exists()


def test_the_page_and_its_errors_in_english(persone, come, alessandria):
    client = come(persone.amministratore)
    risposta = client.post(_url(alessandria), {"testo_stato_en": "{{ x }}"}, HTTP_ACCEPT_LANGUAGE="en")

    pagina = risposta.content.decode()
    assert "Notification texts" in pagina and "Available placeholders:" in pagina


def test_the_preview_button_renders_without_saving(persone, come, alessandria):
    risposta = come(persone.amministratore).post(_url(alessandria), {
        "anteprima": "1", "testo_risolta_it": "{ente}: «{titolo}» è {stato}.",
        "testo_risolta_en": "{ente}: \"{titolo}\" is {stato}."})

    pagina = risposta.content.decode()
    assert "Alessandria: «Buca in via Roma» è In lavorazione." in pagina
    assert "Alessandria: &quot;Pothole in via Roma&quot; is In progress." in pagina  # the English examples
    assert not modelli.TestoNotifica.objects.exists()


def test_the_live_preview_answers_in_json_and_only_to_administrators(persone, come, alessandria):
    url = _url(alessandria, "anteprima/")
    risposta = come(persone.amministratore).post(url, {"testo": "Codice {codice}", "lingua": "it"})
    assert risposta.json() == {"anteprima": "Codice AL-2026-000123", "errori": []}
    errata = come(persone.amministratore).post(url, {"testo": "{{ x }}", "lingua": "it"}).json()
    assert errata["anteprima"] == "" and any("Parentesi graffe" in e for e in errata["errori"])

    assert come(persone.operatore).post(url, {"testo": "x"}).status_code == 403
    assert come(persone.altro_comune).post(_url(alessandria), {"testo_stato_it": "x"}).status_code == 403
    assert not modelli.TestoNotifica.objects.exists()
