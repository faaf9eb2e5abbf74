"""The backoffice's duplicates: the panel on a report and the comune's queue of likely pairs,
merged with one click (followers carried over) or dismissed for good."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from civico.backoffice import coda_duplicati
from civico.backoffice.models import CoppiaDuplicati, EsitoCoppia
from civico.comunicazioni import iscrizioni
from civico.segnalazioni.models import Segnalazione
from civico.stati import Stato
from tests import factories

pytestmark = pytest.mark.django_db

LAT, LON = factories.PIAZZA_LIBERTA
METRO = 1 / 111_195  # degrees of latitude in one metre
CODA = "/backoffice/duplicati/"


def buca(ente, metri: float = 0, *, punto=None, **campi) -> Segnalazione:
    campi.setdefault("titolo", "Buca profonda")
    campi.setdefault("descrizione", "buca enorme in mezzo alla strada davanti al bar")
    return factories.segnalazione(ente, punto=punto or (LAT + metri * METRO, LON), **campi)


def lampione(ente, metri: float) -> Segnalazione:
    return factories.segnalazione(
        ente, punto=(LAT + metri * METRO, LON), categoria="illuminazione-pubblica", risposte={"lampioni-spenti": 1},
        titolo="Lampione spento", descrizione="il lampione davanti al bar è spento da giorni",
    )


def ramo(ente, metri: float) -> Segnalazione:
    return factories.segnalazione(
        ente, punto=(LAT + metri * METRO, LON), categoria="verde-pubblico", risposte={"problema": ["rami"]},
        titolo="Ramo caduto", descrizione="un ramo grosso è caduto sul marciapiede",
    )


def coppie(ente) -> set[tuple[str, str]]:
    return {(c.prima.codice, c.seconda.codice) for c in CoppiaDuplicati.objects.filter(ente=ente)}


def test_a_new_report_is_paired_with_the_same_problem_not_with_the_lamp_next_to_it(
    alessandria, django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        prima = buca(alessandria)
        lampione(alessandria, 10)
        seconda = buca(alessandria, 30, titolo="Voragine", descrizione="l'asfalto è sprofondato davanti al bar")
    assert coppie(alessandria) == {(prima.codice, seconda.codice)}


def test_the_workspace_panel_ranks_by_score_and_says_why(come, persone, alessandria):
    s = buca(alessandria)
    simile = buca(alessandria, 30, titolo="Voragine", descrizione="asfalto sprofondato davanti al bar")
    lampione(alessandria, 5)
    risposta = come(persone.operatore).get(f"/backoffice/segnalazioni/{s.codice}/")
    assert [v.segnalazione for v in risposta.context["duplicati"]] == [simile]
    motivi = risposta.content.decode().split('data-testid="motivi">')[1].split("</div>")[0]
    assert "a 30 m" in motivi and "stessa categoria" in motivi and "lo stesso giorno" in motivi


def test_the_queue_shows_each_person_the_pairs_of_reports_they_may_see(come, persone, alessandria, casale):
    strada = (buca(alessandria), buca(alessandria, 20))
    alberi = (ramo(alessandria, 500), ramo(alessandria, 515))
    casalesi = (buca(casale, punto=factories.CASALE), buca(casale, punto=(factories.CASALE[0] + 20 * METRO,
                                                                         factories.CASALE[1])))
    for s in (strada[1], alberi[1], casalesi[1]):
        coda_duplicati.registra_coppie(s)

    def vede(persona, ente="AL") -> set[str]:
        html = come(persona).get(CODA, {"ente": ente}).content.decode()
        return {s.codice for coppia in (strada, alberi, casalesi) for s in coppia if s.codice in html}

    tutte_al = {s.codice for s in strada + alberi}
    assert vede(persone.operatore) == tutte_al
    assert vede(persone.sindaco) == tutte_al  # read-only roles see the queue too
    assert vede(persone.responsabile) == {s.codice for s in strada}  # the roads office only
    assert vede(persone.altro_comune) == {s.codice for s in casalesi}  # never another comune's
    html = come(persone.operatore).get(CODA).content.decode()
    assert "a 20 m" in html and "Non sono duplicati" in html and "Possibili duplicati" in html


def test_merging_with_one_click_keeps_the_older_and_carries_the_followers(come, persone, alessandria):
    prima, seconda = buca(alessandria), buca(alessandria, 15, titolo="Buca davanti al bar")
    coda_duplicati.registra_coppie(seconda)
    lucia = factories.UtenteFactory(username="lucia@example.org")
    iscrizioni.segui(seconda, lucia)
    coppia = CoppiaDuplicati.objects.get()

    client = come(persone.operatore)
    risposta = client.post(f"{CODA}{coppia.pk}/unisci/", {"ente": "AL"}, follow=True)

    seconda.refresh_from_db()
    assert seconda.stato == Stato.DUPLICATE and seconda.duplicato_di == prima
    assert iscrizioni.segue(prima, lucia)
    html = risposta.content.decode()
    assert f"{seconda.codice} unita a {prima.codice}" in html and 'data-testid="nessuna-coppia"' in html
    coppia.refresh_from_db()
    assert coppia.esito == EsitoCoppia.UNITE and coppia.deciso_da == persone.operatore


def test_a_dismissed_pair_never_comes_back(come, persone, alessandria):
    prima, seconda = buca(alessandria), buca(alessandria, 10)
    coda_duplicati.registra_coppie(seconda)
    coppia = CoppiaDuplicati.objects.get()

    negato = come(persone.sindaco).post(f"{CODA}{coppia.pk}/non-duplicati/", {"ente": "AL"}, follow=True)
    assert "Non hai i permessi" in negato.content.decode()  # read-only: may look, not decide
    come(persone.operatore).post(f"{CODA}{coppia.pk}/non-duplicati/", {"ente": "AL"}, follow=True)

    coda_duplicati.registra_coppie(seconda)
    call_command("cerca_duplicati", "--ente", "AL")
    assert CoppiaDuplicati.objects.get().esito == EsitoCoppia.NON_DUPLICATI
    assert prima.codice not in come(persone.operatore).get(CODA).content.decode()
    assert Segnalazione.objects.get(pk=seconda.pk).stato == Stato.SUBMITTED  # nothing merged


def test_the_queue_is_paginated_most_likely_first(come, persone, alessandria, monkeypatch):
    monkeypatch.setattr(coda_duplicati, "PER_PAGINA", 1)
    a, b = buca(alessandria), buca(alessandria, 5)  # nearer: more likely
    c, d = buca(alessandria, 1000), buca(alessandria, 1040)
    coda_duplicati.cerca_in_ente(alessandria)
    client = come(persone.operatore)
    prima = client.get(CODA).content.decode()
    seconda = client.get(CODA, {"pagina": 2}).content.decode()
    assert a.codice in prima and b.codice in prima and "Pagina 1 di 2" in prima
    assert c.codice in seconda and d.codice in seconda and a.codice not in seconda
