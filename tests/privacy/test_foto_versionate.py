"""Public photo URLs carry their content's version: a redaction or a hiding takes effect at once.

Before, `/allegati/<id>/` was `public, max-age=86400` and stayed the same after a redaction, so
browsers and shared caches kept showing the unredacted face or plate for a day.
"""

from __future__ import annotations

import json
import re

import pytest

from civico.accounts.models import Ruolo
from civico.moderazione import servizi as moderazione
from civico.segnalazioni import consultazione
from tests import factories
from tests.backoffice.conftest import entra_verificato
from tests.open311 import conftest as open311
from tests.privacy.test_redazione import con_foto, pixel

pytestmark = pytest.mark.django_db

VARIANTI = [pytest.param("", id="foto"), pytest.param("miniatura/", id="miniatura")]


@pytest.fixture(autouse=True)
def _password_veloci(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def operatore(alessandria):
    return factories.staff("al.operatore", Ruolo.OPERATORE, alessandria)


def _url_nella_pagina(client, a, variante: str) -> str:
    html = client.get(f"/segnalazioni/{a.segnalazione.codice}/").content.decode()
    trovati = re.findall(rf'"(/allegati/{a.pk}/{variante}\?v=[0-9a-f]+)"', html)
    assert len(trovati) == 1, html
    return trovati[0]


def _contenuto(risposta) -> bytes:
    return b"".join(risposta.streaming_content)


def _non_in_cache_pubblica(risposta) -> None:
    cache = risposta.get("Cache-Control", "")
    assert "public" not in cache and ("no-store" in cache or "private" in cache), cache


def _oscura_tutto(client, a, operatore) -> None:
    entra_verificato(client, operatore)
    r = client.post(f"/backoffice/allegati/{a.pk}/oscura/",
                    {"azione": "oscura", "rettangoli": json.dumps([{"x": 0, "y": 0, "w": 1, "h": 1}])})
    assert r.status_code == 302
    client.logout()


@pytest.mark.parametrize("variante", VARIANTI)
def test_the_page_links_a_versioned_url_the_viewer_may_keep(client, alessandria, variante):
    a = con_foto(alessandria)
    url = _url_nella_pagina(client, a, variante)
    r = client.get(url)
    assert r.status_code == 200 and r["Content-Type"] == "image/jpeg"
    assert "immutable" in r["Cache-Control"] and "private" in r["Cache-Control"]
    assert "public" not in r["Cache-Control"]  # no shared cache keeps what can be hidden


@pytest.mark.parametrize("variante", VARIANTI)
def test_after_a_redaction_the_old_url_no_longer_serves_the_old_bytes(client, alessandria, operatore, variante):
    a = con_foto(alessandria)
    vecchio = _url_nella_pagina(client, a, variante)
    prima = _contenuto(client.get(vecchio))
    assert sum(pixel(prima, 5, 5)) > 700  # white

    _oscura_tutto(client, a, operatore)

    stale = client.get(vecchio)
    assert stale.status_code == 404 and "no-store" in stale["Cache-Control"]
    nuovo = _url_nella_pagina(client, a, variante)
    assert nuovo != vecchio
    dopo = _contenuto(client.get(nuovo))
    assert dopo != prima and sum(pixel(dopo, 5, 5)) < 30  # black
    # The bare URL (old links, e-mails) shows the redacted bytes and is revalidated on each use.
    nudo = client.get(f"/allegati/{a.pk}/{variante}")
    assert _contenuto(nudo) == dopo and "no-cache" in nudo["Cache-Control"]
    _non_in_cache_pubblica(nudo)


@pytest.mark.parametrize("variante", VARIANTI)
@pytest.mark.parametrize("come_nascondere", ["moderazione", "foto", "segnalazione_privata"])
def test_a_hidden_photo_answers_404_with_nothing_cached(client, alessandria, operatore, variante, come_nascondere):
    a = con_foto(alessandria)
    url = _url_nella_pagina(client, a, variante)
    assert client.get(url).status_code == 200
    if come_nascondere == "moderazione":
        moderazione.nascondi(a.segnalazione, operatore, "Contenuto offensivo")
    elif come_nascondere == "foto":
        entra_verificato(client, operatore).post(f"/backoffice/allegati/{a.pk}/oscura/", {"azione": "nascondi"})
        client.logout()
    else:
        type(a.segnalazione).objects.filter(pk=a.segnalazione_id).update(pubblica=False)
    for indirizzo in (url, f"/allegati/{a.pk}/{variante}"):
        r = client.get(indirizzo)
        assert r.status_code == 404, indirizzo
        assert "no-store" in r["Cache-Control"]


@pytest.mark.parametrize("versione", ["0" * 16, "abc", "", "../../etc", "%00"])
def test_a_wrong_version_is_404(client, alessandria, versione):
    a = con_foto(alessandria)
    r = client.get(f"/allegati/{a.pk}/?v={versione}")
    assert r.status_code == 404 and "no-store" in r["Cache-Control"]


def test_a_revalidation_of_the_bare_url_is_answered_without_the_bytes(client, alessandria):
    a = con_foto(alessandria)
    prima = client.get(f"/allegati/{a.pk}/")
    r = client.get(f"/allegati/{a.pk}/", HTTP_IF_NONE_MATCH=prima["ETag"])
    assert r.status_code == 304 and r.content == b"" and r["ETag"] == prima["ETag"]
    assert prima.status_code == 200 and prima["Content-Type"] == "image/jpeg"  # the first time, the photo


def test_apis_and_open_data_link_the_versioned_url(client, alessandria):
    a = con_foto(alessandria)
    scheda = consultazione.scheda_pubblica(consultazione.pubblica(a.segnalazione.codice), "http://testserver")
    versione = a.sha256[:16]
    assert scheda["foto"] == [{"url": f"http://testserver/allegati/{a.pk}/?v={versione}",
                               "miniatura": f"http://testserver/allegati/{a.pk}/miniatura/?v={versione}"}]
    [riga] = consultazione.righe(consultazione.elenco_pubblico().filter(pk=a.segnalazione_id))
    assert consultazione.Schede("http://testserver").scheda(riga)["foto"] == scheda["foto"]
    [richiesta] = open311.get(client, f"requests/{a.segnalazione.codice}.json").json()
    assert richiesta["media_url"] == scheda["foto"][0]["url"]
