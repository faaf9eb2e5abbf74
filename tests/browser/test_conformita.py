"""What AgID's validator does in its browser, done here in Chromium: it reads the Bootstrap Italia
version from the computed style (C.SI.1.2) and clicks each star of the page-feedback component,
expecting the model's "where did you struggle?" after 1-3 stars and "what did you like?" after
4-5 (C.SI.2.5). Then a citizen answers and the answer is stored."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from playwright.sync_api import expect

from civico.portale.models import ValutazionePagina
from tests.browser.conftest import DESKTOP, TELEFONO

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The validator's own visibility test for a follow-up (getBoundingClientRect and visibility).
VISIBILE = """sel => { const e = document.querySelector(`[data-element="${sel}"]`); if (!e) return null;
  const r = e.getBoundingClientRect(); return getComputedStyle(e).visibility !== "hidden"
  && r.top > 0 && r.bottom > 0 && r.height > 0 && r.width > 0; }"""


def _versione_del_kit() -> str:
    css = Path(finders.find("css/bootstrap-italia.min.css")).read_text(encoding="utf-8")
    return re.search(r"--bootstrap-italia-version:\s*['\"]([\d.]+)['\"]", css).group(1)


@pytest.mark.parametrize(("viewport", "locale", "risposta", "testo_grazie"), [
    (TELEFONO, "it-IT", "A volte le indicazioni non erano complete", "Grazie"),
    (DESKTOP, "en-GB", "At times the instructions were not complete", "Thank you"),
])
def test_the_validator_finds_the_kits_version_and_the_feedback_follow_ups(live_server, apri, viewport, locale,
                                                                          risposta, testo_grazie):
    page = apri(viewport, locale)
    page.goto(live_server.url + "/faq/")
    versione = page.evaluate(
        "getComputedStyle(document.body).getPropertyValue('--bootstrap-italia-version').trim().replaceAll('\"', '')")
    assert versione == _versione_del_kit()

    positivo, negativo = "feedback-rating-positive", "feedback-rating-negative"
    assert page.evaluate(VISIBILE, positivo) is False and page.evaluate(VISIBILE, negativo) is False
    for stelle in (1, 2, 3, 4, 5):
        page.locator(f"[data-element=feedback-rate-{stelle}]").click()
        assert page.evaluate(VISIBILE, negativo) is (stelle <= 3), stelle
        assert page.evaluate(VISIBILE, positivo) is (stelle > 3), stelle

    page.locator("[data-element=feedback-rate-2]").click()
    page.locator("[data-element=feedback-rating-answer]", has_text=risposta).click()  # the kit styles the label
    expect(page.get_by_label(risposta)).to_be_checked()
    page.locator("[data-element=feedback-input-text]").fill("Mancano i tempi di risposta")
    page.locator("[data-element=feedback] button[type=submit]").click()
    expect(page.locator("[data-element=feedback] [role=status]")).to_contain_text(testo_grazie)
    v = ValutazionePagina.objects.get()
    assert (v.pagina, v.voto, v.aspetto, v.dettaglio) == ("/faq/", 2, "incomplete", "Mancano i tempi di risposta")
