"""Picking the asset at step 3, seeing it on the public page, and its history in the backoffice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from civico.accounts.models import Ruolo
from civico.catalogo.models import Ufficio
from civico.demo import catalogo_demo as C
from civico.patrimonio import importa, servizi
from civico.patrimonio.models import BeneSegnalato
from civico.segnalazioni.models import Segnalazione
from tests import factories
from tests.backoffice.conftest import entra_verificato

pytestmark = pytest.mark.django_db

LAT, LON = factories.PIAZZA_LIBERTA
METRO = 1 / 111_195


@pytest.fixture
def alberi(alessandria):
    tipo = servizi.salva_tipo(alessandria, "alberi-prova", nome="Albero", nome_en="Tree", fonte="Verde pubblico",
                              licenza="CC BY 4.0", attributo_descrittivo="specie", categorie=["verde-pubblico"])
    righe = ["id;lat;lon;specie", f"1234;{LAT + 6 * METRO};{LON};Platanus acerifolia",
             f"1235;{LAT + 15 * METRO};{LON};Tilia cordata", f"9999;{LAT + 300 * METRO};{LON};Quercus robur"]
    importa.applica(tipo, importa.leggi("\n".join(righe).encode(), "a.csv", alessandria))
    return {b.identificativo: b for b in tipo.beni.all()}


def _fino_al_passo_3(client, ente):
    r = client.post(f"/segnala/?ente={ente.slug}", {"privacy": "1"})
    uuid = r["Location"].split("/")[2]
    client.post(f"/segnala/{uuid}/luogo/", {"ente": ente.slug, "lat": LAT, "lon": LON})
    return f"/segnala/{uuid}"


def _disservizio(bene, categoria="verde-pubblico"):
    return {"categoria": categoria, "titolo": "Ramo spezzato sul marciapiede", "descrizione": "Pende sopra la strada.",
            "risposta__verde-pubblico__problema": "rami", "bene": bene}


def test_il_cittadino_sceglie_l_albero_e_la_pagina_pubblica_lo_mostra(client, alessandria, alberi):
    base = _fino_al_passo_3(client, alessandria)

    pagina = client.get(f"{base}/disservizio/").content.decode()
    assert "Albero n. 1234 (Platanus acerifolia) · a 6 m" in pagina
    assert "Albero n. 1235 (Tilia cordata)" in pagina and "9999" not in pagina  # 300 m away: not listed
    assert "Nessuno in particolare, o non so" in pagina

    r = client.post(f"{base}/disservizio/", _disservizio(alberi["1234"].pk))
    assert r.status_code == 302
    client.post(f"{base}/autore/", {"anonimo": "si"})
    bozza_uuid = base.split("/")[2]
    from civico.portale.models import Bozza
    r = client.post(f"{base}/invia/", {"chiave": Bozza.objects.get(uuid=bozza_uuid).chiave})
    assert r.status_code == 302, r.content.decode()[:2000]

    s = Segnalazione.objects.get(titolo="Ramo spezzato sul marciapiede")
    assert s.bene_segnalato.bene == alberi["1234"]
    pubblica = client.get(f"/segnalazioni/{s.codice}/").content.decode()
    assert "Albero n. 1234 (Platanus acerifolia)" in pubblica and "dati: Verde pubblico, CC BY 4.0" in pubblica
    inglese = client.get(f"/segnalazioni/{s.codice}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Tree no. 1234 (Platanus acerifolia)" in inglese


@pytest.mark.parametrize("scelta, categoria", [
    ("far", "verde-pubblico"),      # 300 m from the report's point
    ("1234", "buche"),              # a tree for a pothole: the category has no asset kind
    ("abc", "verde-pubblico"),      # not an asset at all
    ("999999999", "verde-pubblico"),
])
def test_un_bene_che_non_torna_e_rifiutato_con_un_messaggio(client, alessandria, alberi, scelta, categoria):
    base = _fino_al_passo_3(client, alessandria)
    valore = {"far": alberi["9999"].pk, "1234": alberi["1234"].pk}.get(scelta, scelta)
    dati = _disservizio(valore, categoria)
    if categoria == "buche":
        dati |= {"risposta__buche__dimensione": "grande"}

    r = client.post(f"{base}/disservizio/", dati)

    assert r.status_code == 400
    assert "Il bene scelto non è valido per questa categoria o questo luogo" in r.content.decode()
    r = client.post(f"{base}/disservizio/", _disservizio(valore, categoria), HTTP_ACCEPT_LANGUAGE="en")
    assert "The chosen asset does not fit this category or place" in r.content.decode()


def test_nessun_bene_scelto_va_bene(client, alessandria, alberi):
    base = _fino_al_passo_3(client, alessandria)
    r = client.post(f"{base}/disservizio/", _disservizio(""))
    assert r.status_code == 302 and r["Location"] == f"{base}/autore/"  # on to the next step
    r = client.post(f"{base}/autore/", {"anonimo": "si"})
    assert r.status_code == 302
    riepilogo = client.get(f"{base}/riepilogo/").content.decode()
    assert "Ramo spezzato sul marciapiede" in riepilogo and "Albero n." not in riepilogo


def test_il_riquadro_pubblico_da_i_beni_attivi_in_geojson(client, alessandria, alberi):
    url = f"/patrimonio/{alessandria.slug}/alberi-prova/beni.geojson"
    bbox = f"{LON - 0.001},{LAT - 0.001},{LON + 0.001},{LAT + 0.001}"

    dati = client.get(url, {"bbox": bbox}).json()

    assert {f["properties"]["identificativo"] for f in dati["features"]} == {"1234", "1235"}
    assert dati["licenza"] == "CC BY 4.0"
    assert dati["features"][0]["properties"]["descrizione"].startswith("Albero n. 123")
    assert client.get(url, {"bbox": "1,2,3"}).status_code == 400
    assert "Riquadro non valido" in client.get(url, {"bbox": "nan,1,2,3"}).json()["errore"]
    assert client.get(url, {"bbox": f"{LON - 1},{LAT - 1},{LON + 1},{LAT + 1}"}).json()["features"] == []
    assert client.get(f"/patrimonio/{alessandria.slug}/lampioni/beni.geojson", {"bbox": bbox}).status_code == 404


def test_l_ufficio_vede_la_storia_del_bene_secondo_i_suoi_permessi(client, alessandria, alberi):
    albero = alberi["1234"]
    adesso = timezone.now()
    segnalazioni = []
    for giorni, categoria in ((800, "verde-pubblico"), (300, "verde-pubblico"), (10, "buche"), (0, "verde-pubblico")):
        risposte = {"dimensione": "grande"} if categoria == "buche" else {"problema": ["rami"]}
        s = factories.segnalazione(alessandria, categoria=categoria, titolo=f"Albero, {giorni} giorni fa",
                                   risposte=risposte)
        Segnalazione.objects.filter(pk=s.pk).update(creata_il=adesso - timedelta(days=giorni))
        BeneSegnalato.objects.create(segnalazione=s, bene=albero)
        segnalazioni.append(s)
    ultima = segnalazioni[-1]
    verde = Ufficio.objects.get(ente=alessandria, nome=C.VERDE)

    operatore = entra_verificato(client, factories.staff("op", Ruolo.OPERATORE, alessandria))
    pagina = operatore.get(f"/backoffice/segnalazioni/{ultima.codice}/").content.decode()

    assert "Albero n. 1234 (Platanus acerifolia)" in pagina
    assert "4 segnalazioni in 2 anni" in pagina
    assert all(f"/backoffice/segnalazioni/{s.codice}/" in pagina for s in segnalazioni[:3])

    # An office manager of the green office only sees the green office's reports of this tree.
    client.logout()
    responsabile = entra_verificato(client, factories.staff("verde", Ruolo.OFFICE_MANAGER, alessandria, verde))
    visibili = [s for s in segnalazioni if s.ufficio_id == verde.pk]
    pagina = responsabile.get(f"/backoffice/segnalazioni/{ultima.codice}/").content.decode()
    assert f"{len(visibili)} segnalazioni in 2 anni" in pagina
    assert f"/backoffice/segnalazioni/{segnalazioni[2].codice}/" not in pagina  # the pothole: roads office


def test_durata_in_parole():
    assert [servizi.durata_in_parole(g) for g in (0, 1, 29, 30, 364, 365, 800)] == [
        "1 giorno", "1 giorno", "29 giorni", "1 mese", "12 mesi", "1 anno", "2 anni"]
