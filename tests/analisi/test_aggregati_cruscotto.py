"""The dashboard counts from aggregates the database keeps current: after intake on every channel,
transitions, reclassification, merges, moderation, deletion and raw updates, every figure for any
filter equals the count from the raw reports (the oracle below reads them one by one)."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import date, timedelta

import h3
import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from civico.accounts.permissions import Attore
from civico.analisi import aggregati, cruscotto, sql
from civico.analisi.filtri import Filtri
from civico.analisi.models import (
    CelleGiorno,
    CelleMese,
    RicevuteGiorno,
    RicevuteMese,
    RisolteGiorno,
    RisolteMese,
    RisposteGiorno,
)
from civico.catalogo.models import Categoria, Ufficio
from civico.enti.models import Ente
from civico.segnalazioni import interazioni, routing, workflow
from civico.segnalazioni.models import Canale, Evento, Segnalazione
from civico.segnalazioni.workflow import APERTI, RISOLTI
from tests import factories
from tests.analisi.conftest import nuova

pytestmark = pytest.mark.django_db

CANALI = [Canale.WEB, Canale.APP, Canale.EMAIL, Canale.PHONE, Canale.COUNTER, Canale.SMS]


@pytest.fixture
def mondo(alessandria, casale):
    """Seventy reports of two comuni over eighteen months, then a life each: taken in charge,
    resolved (some late), closed, reopened, rejected, merged, reclassified, hidden, moved off the
    map, marked as inherited backlog, deleted."""
    rng = random.Random(21)
    # Categories whose questions may stay unanswered, and potholes (the factory answers theirs).
    libere = Categoria.objects.filter(attiva=True).exclude(domande__obbligatoria=True) | Categoria.objects.filter(
        codice="buche")
    codici = {e.pk: sorted(set(libere.filter(ente=e).values_list("codice", flat=True))) for e in (alessandria, casale)}
    create = []
    for i in range(70):
        ente = casale if i % 6 == 5 else alessandria
        punto = factories.CASALE if ente == casale else factories.PIAZZA_LIBERTA
        s = nuova(ente, giorni_fa=rng.uniform(0, 540), categoria=rng.choice(codici[ente.pk]),
                  canale=rng.choice(CANALI), punto=punto)
        create.append(s)
    for s in create:
        _vita(s, rng, create)
    Ente.objects.filter(pk=alessandria.pk).update(pregresso_nei_ritardi=False)
    return alessandria, casale


def _vita(s: Segnalazione, rng: random.Random, tutte: list[Segnalazione]) -> None:
    attore = factories.operatore(s.ente)
    eta = (timezone.now() - s.creata_il).total_seconds() / 86400
    quando = timezone.now() - timedelta(days=eta * rng.uniform(0, 0.9))
    scelta = rng.randrange(12)
    if scelta in (0, 1, 2, 3, 4):
        s = workflow.transition(s, "take_in_charge", attore, quando=quando)
        s = workflow.transition(s, "resolve", attore, quando=quando)
        Segnalazione.objects.filter(pk=s.pk).update(
            scadenza=rng.choice([None, timezone.localdate(s.chiusa_il), timezone.localdate(s.chiusa_il)
                                 - timedelta(days=rng.randint(1, 30))]))
        if scelta == 1:
            workflow.transition(s, "close", attore)
        elif scelta == 2:
            workflow.transition(s, "reopen", attore, testo="La buca c'è ancora")
        elif scelta in (3, 4):  # the reporter answers; later the office reclassifies or hides some
            interazioni.conferma_risoluzione(s, Attore.del_segnalante(), risolto=scelta == 3, testo="Ancora lì")
            if rng.random() < 0.4:
                altra = Categoria.objects.filter(ente=s.ente, attiva=True).exclude(pk=s.categoria_id).first()
                routing.riclassifica(s, altra, attore, motivo="Categoria sbagliata")
            elif rng.random() < 0.3:
                Segnalazione.objects.filter(pk=s.pk).update(pubblica=False)
    elif scelta == 5:
        workflow.transition(s, "take_in_charge", attore, quando=quando)
    elif scelta == 6:
        workflow.transition(s, "reject", attore, testo="Non è di competenza comunale.", quando=quando)
    elif scelta == 7:
        principale = next((t for t in tutte if t.ente_id == s.ente_id and t.pk != s.pk), None)
        if principale is not None:
            workflow.transition(s, "mark_duplicate", attore, duplicato_di=principale, quando=quando)
    elif scelta == 8:
        altra = Categoria.objects.filter(ente=s.ente, attiva=True).exclude(pk=s.categoria_id).order_by("pk").first()
        if altra is not None:
            routing.riclassifica(s, altra, attore, motivo="Non è una buca")
    elif scelta == 9:
        Segnalazione.objects.filter(pk=s.pk).update(pubblica=rng.random() < 0.3, pregressa=True)
    elif scelta == 10:
        Segnalazione.objects.filter(pk=s.pk).update(lat=None, lon=None, cella_h3="")
    elif rng.random() < 0.5:  # the product keeps reports and their history: a purge by raw SQL
        with connection.cursor() as c:
            c.execute("DELETE FROM segnalazioni_evento WHERE segnalazione_id = %s", [s.pk])
        Segnalazione.objects.filter(pk=s.pk).delete()


def _filtri_a_caso(rng: random.Random, codici: list[str]) -> Filtri:
    oggi = timezone.localdate()
    dal = oggi - timedelta(days=rng.randint(0, 600))
    al = min(dal + timedelta(days=rng.randint(0, 450)), oggi + timedelta(days=rng.choice([0, 0, 40])))
    return Filtri(dal=dal, al=al, categoria=rng.choice(["", "", *codici]))


def test_every_figure_equals_the_count_from_the_raw_reports_on_random_filters(mondo):
    alessandria, casale = mondo
    rng = random.Random(2026)
    codici = sorted(set(Categoria.objects.values_list("codice", flat=True)))
    for _ in range(50):
        ente = rng.choice([alessandria, alessandria, casale, None])
        _confronta(ente, _filtri_a_caso(rng, codici))


def test_the_platform_figures_equal_the_raw_count_with_an_inactive_comune(mondo):
    """The platform reads month rows without the ente: an inactive comune's own day rows come off."""
    alessandria, casale = mondo
    filtri = Filtri(dal=timezone.localdate() - timedelta(days=600), al=timezone.localdate())
    Ente.objects.filter(pk=casale.pk).update(attivo=False)
    dati = cruscotto.calcola(None, filtri)
    assert dati["totali"]["ricevute"] == cruscotto.calcola(alessandria, filtri)["totali"]["ricevute"] > 0
    rng = random.Random(7)
    codici = sorted(set(Categoria.objects.values_list("codice", flat=True)))
    for _ in range(20):
        _confronta(None, _filtri_a_caso(rng, codici))
    _confronta(None, filtri)


def test_a_period_crossing_month_edges_adds_whole_months_and_edge_days(mondo):
    oggi = timezone.localdate()
    inizio_mese = oggi.replace(day=1)
    for dal, al in [
        ((inizio_mese - timedelta(days=200)).replace(day=17), inizio_mese - timedelta(days=20)),  # two edges
        ((inizio_mese - timedelta(days=100)).replace(day=1), inizio_mese - timedelta(days=1)),  # whole months
        (inizio_mese - timedelta(days=40), inizio_mese - timedelta(days=25)),  # within a month or across one
        ((inizio_mese - timedelta(days=300)).replace(day=2), oggi),  # up to today
        ((inizio_mese - timedelta(days=200)).replace(day=3), (inizio_mese - timedelta(days=40)).replace(day=27)),
        ((inizio_mese - timedelta(days=70)).replace(day=2), (inizio_mese - timedelta(days=70)).replace(day=27)),
    ]:
        _confronta(None, Filtri(dal=dal, al=al))
    def g(mese: int, giorno: int) -> date:
        return date(2026, mese, giorno)

    oggi = g(12, 7)
    assert cruscotto.spezza(g(1, 17), g(5, 9), oggi) == (
        (g(2, 1), g(4, 1)), [(g(1, 17), g(1, 31)), (g(5, 1), g(5, 9))], [])
    # edges mostly inside the period: whole months less the days outside
    assert cruscotto.spezza(g(1, 3), g(5, 28), oggi) == (
        (g(1, 1), g(5, 1)), [], [(g(1, 1), g(1, 2)), (g(5, 29), g(5, 31))])
    assert cruscotto.spezza(g(3, 1), g(3, 31), oggi) == ((g(3, 1), g(3, 1)), [], [])
    assert cruscotto.spezza(g(3, 5), g(3, 9), oggi) == (None, [(g(3, 5), g(3, 9))], [])
    assert cruscotto.spezza(g(3, 2), g(3, 30), oggi) == (
        (g(3, 1), g(3, 1)), [], [(g(3, 1), g(3, 1)), (g(3, 31), g(3, 31))])
    assert cruscotto.spezza(g(3, 25), g(4, 2), oggi) == (None, [(g(3, 25), g(3, 31)), (g(4, 1), g(4, 2))], [])
    assert cruscotto.spezza(None, oggi, oggi) == ((None, g(12, 1)), [], [])


def test_a_change_moving_a_report_between_months_moves_its_month_rows(mondo):
    """Arrival and closing moved to other months, a category's code and an office's name renamed:
    the platform's whole months follow, on the day rows' triggers and the catalogue's."""
    alessandria, _casale = mondo
    oggi = timezone.localdate()
    filtri = Filtri(dal=(oggi.replace(day=1) - timedelta(days=400)).replace(day=1),
                    al=oggi.replace(day=1) - timedelta(days=1))
    risolta = Segnalazione.objects.filter(pubblica=True, stato__in=RISOLTI, chiusa_il__isnull=False,
                                          ente=alessandria).order_by("pk").first()
    Segnalazione.objects.filter(pk=risolta.pk).update(
        creata_il=risolta.creata_il - timedelta(days=45), chiusa_il=risolta.chiusa_il - timedelta(days=31))
    aperta = Segnalazione.objects.filter(pubblica=True, stato__in=APERTI, ente=alessandria).order_by("pk").first()
    workflow.transition(aperta, "take_in_charge", factories.operatore(alessandria),
                        quando=timezone.now() - timedelta(days=70))
    altrove = Segnalazione.objects.filter(pubblica=True, ente=alessandria, lat__isnull=False).exclude(
        pk=risolta.pk).order_by("-pk").first()
    Segnalazione.objects.filter(pk=altrove.pk).update(cella_h3=h3.latlng_to_cell(45.0, 7.6, 10))  # to Turin's cell
    _confronta(None, filtri)
    categoria = Categoria.objects.get(pk=risolta.categoria_id)
    Categoria.objects.filter(pk=categoria.pk).update(codice="rinominata")
    _confronta(None, Filtri(dal=filtri.dal, al=filtri.al, categoria="rinominata"))
    _confronta(None, Filtri(dal=filtri.dal, al=filtri.al, categoria=categoria.codice))
    ufficio = Segnalazione.objects.filter(ufficio__isnull=False).values_list("ufficio_id", flat=True).first()
    Ufficio.objects.filter(pk=ufficio).update(nome="Ufficio rinominato")
    _confronta(None, filtri)
    assert _righe_mese() == _rollup(), "the month level is the sum of the day rows"


def _confronta(ente: Ente | None, filtri: Filtri) -> None:
    trovato = _figure(cruscotto.calcola(ente, filtri))
    for nome, valore in _dal_grezzo(ente, filtri).items():
        if nome.startswith("tempi"):
            _stessi_tempi(trovato[nome], valore, (nome, ente, filtri))
        else:
            assert trovato[nome] == valore, (nome, ente, filtri)


def test_the_rebuild_from_raw_rows_finds_what_the_triggers_kept(mondo):
    prima = _righe()
    mesi = _righe_mese()
    assert all(prima) and all(mesi)
    assert mesi == _rollup()
    call_command("aggiorna_cruscotti", "--ricostruisci-aggregati", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _righe() == prima
    assert _righe_mese() == mesi
    RicevuteGiorno.objects.all().delete()  # lost (e.g. restored from an old dump): the rebuild recounts
    RisolteMese.objects.all().delete()
    aggregati.ricostruisci()
    assert _righe() == prima
    assert _righe_mese() == mesi
    assert aggregati.trigger_presenti()


def test_a_lost_month_level_trigger_is_put_back_after_migrate(mondo):
    with connection.cursor() as c:
        for istruzione in aggregati.sql_rimuovi_livelli(connection.vendor == "postgresql")[:1]:
            c.execute(istruzione)
    assert not aggregati.trigger_presenti()
    aggregati.assicura_trigger()
    assert aggregati.trigger_presenti()


def test_weighted_percentile_is_percentile_cont_of_the_repeated_values():
    valori = [2.0, 4.0, 4.0, 12.0, 7.5]
    coppie = list(Counter(valori).items())
    for frazione in (0, 0.1, 0.5, 0.9, 1):
        assert sql.percentile_pesato(coppie, frazione) == pytest.approx(sql.percentile(valori, frazione))
    assert sql.percentile_pesato([], 0.5) is None


# --- The oracle: each figure counted from the raw reports, in Python -----------------------------


def _righe() -> tuple[set, ...]:
    campi = ("giorno", "ente_id", "categoria_id", "ufficio_id")
    ricevute = set(RicevuteGiorno.objects.filter(n__gt=0).values_list(
        *campi, "canale", "stato", "pregressa", "con_posizione", "n"))
    risolte = set(RisolteGiorno.objects.filter(n__gt=0).values_list(*campi, "esito_scadenza", "decimi", "n"))
    risposte = set(RisposteGiorno.objects.filter(n__gt=0).values_list(*campi[:3], "risolto", "n"))
    celle = set(CelleGiorno.objects.filter(n__gt=0).values_list(*campi[:3], "cella", "n"))
    return ricevute, risolte, risposte, celle


def _righe_mese() -> tuple[set, set, set]:
    ricevute = set(RicevuteMese.objects.filter(n__gt=0).values_list(
        "mese", "codice", "canale", "stato", "pregressa", "con_posizione", "n"))
    risolte = set(RisolteMese.objects.filter(n__gt=0).values_list(
        "mese", "codice", "ufficio", "esito_scadenza", "decimi", "n"))
    celle = set(CelleMese.objects.filter(n__gt=0).values_list("mese", "codice", "cella", "n"))
    return ricevute, risolte, celle


def _rollup() -> tuple[set, ...]:
    """The month rows the day rows add up to, summed in Python."""
    ricevute: Counter = Counter()
    for r in RicevuteGiorno.objects.values_list("giorno", "categoria__codice", "canale", "stato", "pregressa",
                                                "con_posizione", "n"):
        ricevute[(r[0].replace(day=1), *r[1:-1])] += r[-1]
    uffici = dict(Ufficio.objects.values_list("pk", "nome"))
    risolte: Counter = Counter()
    for r in RisolteGiorno.objects.values_list("giorno", "categoria__codice", "ufficio_id", "esito_scadenza",
                                               "decimi", "n"):
        risolte[(r[0].replace(day=1), r[1], uffici.get(r[2], ""), *r[3:-1])] += r[-1]
    celle: Counter = Counter()
    for giorno, codice, cella, n in CelleGiorno.objects.values_list("giorno", "categoria__codice", "cella", "n"):
        celle[(giorno.replace(day=1), codice, cella)] += n
    return tuple({(*k, n) for k, n in c.items() if n > 0} for c in (ricevute, risolte, celle))


def _figure(dati: dict) -> dict:
    return {
        "totali": {k: v for k, v in dati["totali"].items()},
        "mensile": [(m["mese"], m["ricevute"], m["risolte"]) for m in dati["mensile"]],
        "per_categoria": {r["codice"]: r["ricevute"] for r in dati["per_categoria"]},
        "canali": {c["canale"]: c["n"] for c in dati["canali"]},
        "scadenza": dati["scadenza"],
        "arretrato": {f["fascia"]: f["n"] for f in dati["arretrato"]},
        "tempi_categoria": {r["codice"]: (r["risolte"], r["mediana_giorni"], r["p90_giorni"])
                            for r in dati["tempi_categoria"]},
        "tempi_ufficio": {r["codice"]: (r["risolte"], r["mediana_giorni"], r["p90_giorni"])
                          for r in dati["tempi_ufficio"]},
        "soddisfazione": dati["soddisfazione"],
        "mappa": {c["cella"]: c["n"] for c in dati["mappa"]["celle"]},
    }


def _stessi_tempi(trovati: dict, attesi: dict, contesto) -> None:
    """Counts exact; the median and 90th percentile within 0.1 day once both are rounded to a tenth
    (durations are kept in tenths of a day: each percentile is within 0.05 day of the exact one)."""
    assert {k: v[0] for k, v in trovati.items()} == {k: v[0] for k, v in attesi.items()}, contesto
    for codice, (_n, mediana, p90) in attesi.items():
        assert trovati[codice][1] == pytest.approx(mediana, abs=0.1001), (codice, contesto)
        assert trovati[codice][2] == pytest.approx(p90, abs=0.1001), (codice, contesto)


def _dal_grezzo(ente: Ente | None, filtri: Filtri) -> dict:
    qs = Segnalazione.objects.filter(pubblica=True, ente__attivo=True)
    if ente is not None:
        qs = qs.filter(ente=ente)
    if filtri.categoria:
        qs = qs.filter(categoria__codice=filtri.categoria)
    righe = list(qs.values("creata_il", "chiusa_il", "stato", "canale", "lat", "categoria__codice", "ufficio__nome",
                           "scadenza", "pregressa", "ente__pregresso_nei_ritardi", "cella_h3"))
    giorno = timezone.localdate
    ricevute = [r for r in righe if filtri.inizio <= r["creata_il"] < filtri.fine]
    risolte = [r for r in righe if r["stato"] in RISOLTI and r["chiusa_il"] is not None
               and filtri.inizio <= r["chiusa_il"] < filtri.fine]
    mesi_r = Counter(giorno(r["creata_il"]).strftime("%Y-%m") for r in ricevute)
    mesi_c = Counter(giorno(r["chiusa_il"]).strftime("%Y-%m") for r in risolte)
    con_scadenza = [r for r in risolte if r["scadenza"] is not None]
    entro = sum(1 for r in con_scadenza if giorno(r["chiusa_il"]) <= r["scadenza"])
    aperte = [r for r in righe if r["stato"] in APERTI]
    contate = [r for r in aperte if not r["pregressa"] or r["ente__pregresso_nei_ritardi"]]
    fasce: Counter = Counter()
    for r in contate:
        eta = (timezone.localdate() - giorno(r["creata_il"])).days
        fasce[next((c for c, inizio in reversed(cruscotto.FASCE_ARRETRATO) if eta >= inizio), None)] += 1
    return {
        "totali": {"ricevute": len(ricevute), "risolte": len(risolte), "aperte": len(contate),
                   "pregresse": len(aperte) - len(contate),
                   "senza_posizione": sum(1 for r in ricevute if r["lat"] is None)},
        "mensile": [(m, mesi_r[m], mesi_c[m]) for m in _mesi(filtri.dal, filtri.al)],
        "per_categoria": dict(Counter(r["categoria__codice"] for r in ricevute)),
        "canali": dict(Counter(r["canale"] for r in ricevute)),
        "scadenza": {"con_scadenza": len(con_scadenza), "entro": entro,
                     "quota": round(entro / len(con_scadenza), 4) if con_scadenza else None},
        "arretrato": {c: fasce[c] for c, _ in cruscotto.FASCE_ARRETRATO},
        "tempi_categoria": _tempi(risolte, "categoria__codice"),
        "tempi_ufficio": _tempi([r for r in risolte if r["ufficio__nome"]], "ufficio__nome"),
        "soddisfazione": _risposte(ente, filtri),
        "mappa": _mappa(ricevute, cruscotto.RISOLUZIONE_H3_ENTE if ente else cruscotto.RISOLUZIONE_H3_PIATTAFORMA),
    }


def _mappa(ricevute: list[dict], res: int) -> dict:
    celle = Counter(sql.genitore_h3(r["cella_h3"], res) for r in ricevute if r["lat"] is not None and r["cella_h3"])
    celle.pop(None, None)
    return dict(celle)


def _risposte(ente: Ente | None, filtri: Filtri) -> dict:
    eventi = Evento.objects.filter(
        tipo="state_changed", stato_da="resolved", transizione__in=("close", "reopen"), dati__attore="segnalante",
        creato_il__gte=filtri.inizio, creato_il__lt=filtri.fine, segnalazione__pubblica=True, ente__attivo=True)
    if ente is not None:
        eventi = eventi.filter(ente=ente)
    if filtri.categoria:
        eventi = eventi.filter(segnalazione__categoria__codice=filtri.categoria)
    conti = Counter(eventi.values_list("transizione", flat=True))
    si, no = conti["close"], conti["reopen"]
    return {"si": si, "no": no, "quota_si": round(si / (si + no), 4) if si + no else None}


def _tempi(risolte: list[dict], gruppo: str) -> dict:
    durate = defaultdict(list)
    for r in risolte:
        durate[r[gruppo]].append((r["chiusa_il"] - r["creata_il"]).total_seconds() / 86400)
    return {k: (len(v), round(max(sql.percentile(v, 0.5), 0), 1), round(max(sql.percentile(v, 0.9), 0), 1))
            for k, v in durate.items()}


def _mesi(dal: date, al: date) -> list[str]:
    mesi, giorno = [], dal.replace(day=1)
    while giorno <= al:
        mesi.append(giorno.strftime("%Y-%m"))
        giorno = (giorno + timedelta(days=32)).replace(day=1)
    return mesi
