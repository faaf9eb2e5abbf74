"""The synthetic load behind `make bench`: consistent data a real intake can live alongside."""

from __future__ import annotations

import h3
import pytest
import shapely
from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from civico.demo.sintetico import semina
from civico.demo.sintetico.luoghi import geometria
from civico.enti.models import Ente
from civico.segnalazioni import intake
from civico.segnalazioni.models import ContatoreCodici, Evento, Segnalazione, TipoEvento
from civico.segnalazioni.workflow import APERTI, TRANSIZIONI
from civico.stati import Stato

pytestmark = pytest.mark.django_db


N = 600  # enough for every state and all three enti; the seeding cost grows with it (suite time)


@pytest.fixture
def seminato():
    return semina.semina(N, 3, seme=7)


def test_seeding_creates_the_reports_over_the_first_enti_with_alessandria_first(seminato):
    enti = semina.scegli_enti(3)
    assert [e.codice_istat for e in enti] == ["006003", "006001", "006002"]
    assert seminato.create == N
    per_ente = dict(Segnalazione.objects.values("ente").annotate(n=Count("id")).values_list("ente", "n"))
    assert set(per_ente) == {e.pk for e in enti}
    assert sum(per_ente.values()) == N
    assert all(Ente.objects.get(pk=pk).attivo for pk in per_ente)
    assert per_ente[enti[0].pk] > per_ente[enti[2].pk]  # shares follow the areas: Alessandria is largest


def test_a_second_run_with_the_same_numbers_writes_nothing(seminato):
    eventi = Evento.objects.count()
    di_nuovo = semina.semina(N, 3, seme=7)
    assert di_nuovo.riusato and di_nuovo.create == 0
    assert Segnalazione.objects.count() == N and Evento.objects.count() == eventi
    piu = semina.semina(N + 100, 3, seme=7)  # a bigger N tops up
    assert piu.create == 100 and Segnalazione.objects.count() == N + 100


def test_states_agree_with_closing_times_and_with_the_history(seminato):
    eventi: dict[int, list[Evento]] = {}
    for e in Evento.objects.order_by("creato_il", "id"):
        eventi.setdefault(e.segnalazione_id, []).append(e)
    stati = set()
    for s in Segnalazione.objects.all():
        storia = eventi[s.pk]
        stati.add(s.stato)
        assert storia[0].tipo == TipoEvento.CREATED and storia[0].creato_il == s.creata_il
        cambi = [e for e in storia if e.tipo == TipoEvento.STATE_CHANGED]
        stato = Stato.SUBMITTED
        for e in cambi:  # every change is a legal transition of the real state machine
            t = TRANSIZIONI[e.transizione]
            assert e.stato_da == stato and stato in t.da and e.stato_a == t.a
            stato = e.stato_a
        assert s.stato == stato
        assert s.versione == 1 + len(cambi)
        assert s.aggiornata_il == storia[-1].creato_il
        if s.stato in APERTI:
            assert s.chiusa_il is None
        else:
            primo = next(e for e in cambi if e.stato_a not in APERTI)
            assert s.chiusa_il == primo.creato_il >= s.creata_il
        assert s.scadenza is not None and s.scadenza >= timezone.localdate(s.creata_il)
    # The real mix: closed, open, in progress and cancelled reports are all there.
    assert {Stato.SUBMITTED, Stato.ACCEPTED, Stato.RESOLVED, Stato.CLOSED} <= stati
    assert stati & {Stato.REJECTED, Stato.WITHDRAWN}


def test_every_point_lies_inside_its_ente_and_carries_its_h3_cell(seminato):
    confini = {e.pk: geometria(e.confine) for e in Ente.objects.filter(attivo=True)}
    righe = list(Segnalazione.objects.values_list("ente", "lat", "lon", "cella_h3"))
    for ente_id, lat, lon, cella in righe:
        assert shapely.contains_xy(confini[ente_id], lon, lat)
        assert cella == h3.latlng_to_cell(lat, lon, settings.CIVICO["H3_RESOLUTION"])
    assert len({(lat, lon) for _e, lat, lon, _c in righe}) > 0.75 * N  # spread out, not stacked


def test_codes_are_unique_and_a_real_intake_numbers_after_them(seminato):
    codici = list(Segnalazione.objects.values_list("codice", "ente__sigla", "anno", "numero"))
    assert len({c for c, *_ in codici}) == len(codici)
    assert all(c == f"{sigla}-{anno}-{numero:06d}" for c, sigla, anno, numero in codici)
    assert len(set(Segnalazione.objects.values_list("token", flat=True))) == len(codici)
    for contatore in ContatoreCodici.objects.all():
        ultimo = max(n for _c, _s, a, n in codici if a == contatore.anno and _s == contatore.ente.sigla)
        assert contatore.ultimo == ultimo
    al = Ente.objects.get(codice_istat="006003")
    ricevuta = intake.submit(intake.NuovaSegnalazione(lat=44.9126, lon=8.6148, titolo="Buca in via Dante",
                                                      categoria="buche", ente=al,
                                                      risposte={"dimensione": "grande"}))
    assert ricevuta.creata and ricevuta.codice not in {c for c, *_ in codici}


def test_reset_removes_the_synthetic_reports_and_their_events(seminato):
    esito = semina.semina(300, 2, seme=7, reset=True)
    assert esito.create == 300
    assert Segnalazione.objects.count() == 300
    assert Evento.objects.exclude(segnalazione__in=Segnalazione.objects.all()).count() == 0


def _contati_dai_cruscotti() -> int:
    from django.db import connection

    from civico.analisi.aggregati import RICEVUTE
    with connection.cursor() as c:
        c.execute(f"SELECT COALESCE(SUM(n), 0) FROM {RICEVUTE}")
        return c.fetchone()[0]


@pytest.mark.parametrize("massivo", [False, True], ids=["row-by-row", "bulk load"])
def test_the_dashboards_count_every_seeded_report(massivo, monkeypatch):
    """The bulk load (PostgreSQL, from SOGLIA_MASSIVO reports) runs with triggers off: the
    dashboards' aggregates must still count every report it wrote, as the row-by-row load's do."""
    if massivo:
        monkeypatch.setattr(semina, "SOGLIA_MASSIVO", 1)
    esito = semina.semina(300, 2, seme=11)
    assert esito.create == 300
    assert _contati_dai_cruscotti() == Segnalazione.objects.count() == 300
