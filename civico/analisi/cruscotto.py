"""The public dashboard's figures, for one comune or for the whole platform.

Every count comes from the aggregates the database keeps exact on every write
(`civico.analisi.aggregati`: reports per local day × ente × category × office × channel × state,
resolved ones per closing day with their time to resolve in tenths of a day, the reporters'
answers per day; for the platform the same per month × category code, without the ente), so any
period and category costs a few GROUP BYs over aggregate rows, never a scan of the reports
(`Conteggi`); the platform's map too (reports per H3 cell at resolution 5, kept by the same
triggers). A comune's finer map (resolution 8) still reads its own reports, through the
(ente, date) index. Only public reports of active comuni count. Reports without a
position count in every figure but the map. The result is plain JSON data (codes, not labels):
the page, the charts and the API all read the same dictionary, and it can be cached and stored.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.db.models import Max, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from civico.analisi import aggregati as livelli
from civico.analisi import sql
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
from civico.segnalazioni import sla
from civico.segnalazioni.models import Segnalazione
from civico.segnalazioni.workflow import APERTI

# Backlog age bands, in days since the report arrived: (code, lower bound inclusive).
FASCE_ARRETRATO = (("0-7", 0), ("8-30", 8), ("31-90", 31), ("91-365", 91), ("oltre-365", 366))
RISOLUZIONE_H3_ENTE = 8  # about 0.7 km² per hexagon: streets and neighbourhoods
RISOLUZIONE_H3_PIATTAFORMA = livelli.RISOLUZIONE_MAPPA  # about 250 km²: comuni across Italy
MAX_ESAGONI = 3000


def _categorie(ente: Ente | None, categoria: str) -> list[int]:
    # Ids rather than a join: the planner keeps using the (ente, …) indexes.
    categorie = Categoria.objects.filter(codice=categoria)
    if ente is not None:
        categorie = categorie.filter(ente=ente)
    return list(categorie.values_list("pk", flat=True))


def aggregati(
    modello: type[RicevuteGiorno | RisolteGiorno | RisposteGiorno], ente: Ente | None, categoria: str = ""
) -> QuerySet:
    """The aggregate rows the public may count: of active comuni, of one category code if asked."""
    qs = modello.objects.filter(n__gt=0)
    if ente is not None:
        qs = qs.filter(ente_id=ente.pk) if ente.attivo else qs.none()
    else:
        qs = qs.filter(ente_id__in=list(Ente.objects.filter(attivo=True).values_list("pk", flat=True)))
    if categoria:
        qs = qs.filter(categoria_id__in=_categorie(ente, categoria))
    return qs.order_by()


# The same figure asked to a day table and to its month table: (day lookup, month lookup).
CAMPI = {"mese": ("_mese", "mese"), "codice": ("categoria__codice", "codice"), "ufficio": ("ufficio_id", "ufficio")}
RICEVUTE = (RicevuteGiorno, RicevuteMese)
RISOLTE = (RisolteGiorno, RisolteMese)
CELLE = (CelleGiorno, CelleMese)


class Conteggi:
    """Sums of the aggregates for one page: one comune's day rows; or, for the platform, the month
    rows (all comuni, by category code) of the whole months of a period, the day rows of the active
    comuni for the partial months at its edges (or the whole edge month less its days outside, see
    `spezza`), less the inactive comuni's day rows of the whole months. Exact either way: a month
    row is the sum of its day rows (aggregati.LIVELLI)."""

    def __init__(self, ente: Ente | None, categoria: str = ""):
        self.ente = ente
        self.categoria = categoria
        self.categorie = _categorie(ente, categoria) if categoria else None
        if ente is not None:
            self.attivi, self.inattivi = ([ente.pk], []) if ente.attivo else ([], [])
        else:
            flag = dict(Ente.objects.values_list("pk", "attivo"))
            self.attivi = [pk for pk, attivo in flag.items() if attivo]
            # Only the inactive enti with rows: the registry holds thousands of comuni never active.
            self.inattivi = [pk for pk in enti_con_righe() if not flag.get(pk, False)]
        self.oggi = timezone.localdate()

    def somme(self, livello: tuple[type, type], campi: tuple[str, ...], dal: date | None, al: date | None,
              filtro: Q | None = None) -> dict[tuple, int]:
        """n summed per `campi` over the days from `dal` to `al` (None: unbounded)."""
        giorni, mesi = livello
        filtro = filtro or Q()
        if self.ente is not None:
            return self._giorni(giorni, campi, dal, al, filtro, self.attivi)
        interi, aggiunti, tolti = spezza(dal, al, self.oggi)
        totale: Counter = Counter()
        for inizio, fine in aggiunti:
            totale.update(self._giorni(giorni, campi, inizio, fine, filtro, self.attivi))
        for inizio, fine in tolti:
            totale.subtract(self._giorni(giorni, campi, inizio, fine, filtro, self.attivi))
        if interi is not None:
            primo, ultimo = interi
            qs = mesi.objects.filter(filtro)
            qs = qs.filter(mese__gte=primo) if primo else qs
            qs = qs.filter(mese__lte=ultimo) if ultimo else qs
            qs = qs.filter(codice=self.categoria) if self.categoria else qs
            totale.update(_somma(qs, [CAMPI.get(c, (c, c))[1] for c in campi]))
            if self.inattivi:
                totale.subtract(self._giorni(giorni, campi, primo, ultimo and _fine_mese(ultimo), filtro,
                                             self.inattivi))
        return {k: n for k, n in totale.items() if n}

    def giorni(self, modello: type, campi: tuple[str, ...], dal: date | None, al: date | None,
               filtro: Q | None = None) -> dict[tuple, int]:
        """The same from the day rows only (the active enti's, or the one ente's)."""
        return self._giorni(modello, campi, dal, al, filtro or Q(), self.attivi)

    def _giorni(self, modello: type, campi: tuple[str, ...], dal: date | None, al: date | None, filtro: Q,
                enti: list[int]) -> dict[tuple, int]:
        qs = modello.objects.filter(filtro, n__gt=0, ente_id__in=enti)
        qs = qs.filter(giorno__gte=dal) if dal else qs
        qs = qs.filter(giorno__lte=al) if al else qs
        if self.categorie is not None:
            qs = qs.filter(categoria_id__in=self.categorie)
        if "mese" in campi:
            qs = qs.annotate(_mese=TruncMonth("giorno"))
        righe = _somma(qs, [CAMPI.get(c, (c, c))[0] for c in campi])
        if "ufficio" not in campi:
            return righe
        # Offices by name, as the month rows keep them ("" none, or an office since deleted).
        i = campi.index("ufficio")
        nomi = dict(Ufficio.objects.filter(pk__in={k[i] for k in righe}).values_list("pk", "nome"))
        per_nome: Counter = Counter()
        for chiave, n in righe.items():
            per_nome[(*chiave[:i], nomi.get(chiave[i], ""), *chiave[i + 1:])] += n
        return per_nome

    def nomi(self, codici: set[str]) -> dict[str, str]:
        """A name per category code: on the platform the greatest among the active comuni's (the
        same code may be named a little differently from one comune to the next)."""
        categorie = Categoria.objects.filter(codice__in=codici, ente_id__in=self.attivi)
        return dict(categorie.values("codice").annotate(nome=Max("nome")).values_list("codice", "nome").order_by())


def enti_con_righe() -> list[int]:
    """The enti having day rows, by skipping along the (ente, giorno, …) index: one probe per ente."""
    tabella = RicevuteGiorno._meta.db_table  # every counted report has its arrival row there
    with connection.cursor() as c:
        c.execute(
            f"WITH RECURSIVE e(id) AS (SELECT MIN(ente_id) FROM {tabella} UNION ALL "
            f"SELECT (SELECT MIN(ente_id) FROM {tabella} WHERE ente_id > e.id) FROM e WHERE e.id IS NOT NULL) "
            "SELECT id FROM e WHERE id IS NOT NULL"
        )
        return [r[0] for r in c.fetchall()]


def _somma(qs: QuerySet, lookups: list[str]) -> dict[tuple, int]:
    return {tuple(r[:-1]): r[-1] for r in qs.order_by().values(*lookups).annotate(tot=Sum("n"))
            .values_list(*lookups, "tot")}


def _fine_mese(giorno: date) -> date:
    return (giorno.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


Giorni = tuple[date | None, date | None]


def spezza(dal: date | None, al: date | None, oggi: date) -> tuple[Giorni | None, list[Giorni], list[Giorni]]:
    """A period (None: unbounded) as (first, last) whole month — by their first day — the day ranges
    to add at its edges and those to take off. An edge month mostly inside the period is read whole,
    less its days outside (fewer day rows to read). A month reaching today counts as whole: no
    report arrives later."""
    finisce = al is None or al >= oggi or al == _fine_mese(al)
    if dal is not None and al is not None and not finisce and (dal.year, dal.month) == (al.year, al.month):
        inizio, fine = dal.replace(day=1), _fine_mese(al)
        fuori = [(x, y) for x, y in ((inizio, dal - timedelta(days=1)), (al + timedelta(days=1), fine)) if x <= y]
        if sum((y - x).days + 1 for x, y in fuori) < (al - dal).days + 1:
            return (inizio, inizio), [], fuori
        return None, [(dal, al)], []
    primo = None if dal is None else (dal if dal.day == 1 else _fine_mese(dal) + timedelta(days=1))
    ultimo = None if al is None else (al.replace(day=1) if finisce else (al.replace(day=1) - timedelta(days=1))
                                      .replace(day=1))
    aggiunti, tolti = [], []
    if dal is not None and dal < primo:
        if (dal - dal.replace(day=1)).days < (primo - dal).days:
            primo = dal.replace(day=1)
            tolti.append((primo, dal - timedelta(days=1)))
        else:
            aggiunti.append((dal, primo - timedelta(days=1)))
    if al is not None and not finisce:
        if (_fine_mese(al) - al).days < al.day:
            ultimo = al.replace(day=1)
            tolti.append((al + timedelta(days=1), _fine_mese(al)))
        else:
            aggiunti.append((al.replace(day=1), al))
    interi = None if primo is not None and ultimo is not None and primo > ultimo else (primo, ultimo)
    return interi, aggiunti, tolti


def calcola(ente: Ente | None, filtri: Filtri) -> dict[str, Any]:
    """All the figures of the dashboard for these filters."""
    conteggi = Conteggi(ente, filtri.categoria)
    ricevute = _ricevute(conteggi, filtri)
    chiuse = _chiuse(conteggi, filtri)
    mesi = _mesi(filtri.dal, filtri.al)
    mensile = [
        {"mese": m, "ricevute": ricevute["mesi"].get(m, 0), "risolte": chiuse["mesi"].get(m, 0)} for m in mesi
    ]
    if ente is not None:  # a comune's map, finer, from its own reports through the (ente, date) index
        res = RISOLUZIONE_H3_ENTE
        create = pubbliche(ente, filtri.categoria).filter(creata_il__gte=filtri.inizio, creata_il__lt=filtri.fine)
        per_cella = sql.conta_per_esagono(create, res)
    else:
        res = RISOLUZIONE_H3_PIATTAFORMA
        per_cella = {k[0]: n for k, n in conteggi.somme(CELLE, ("cella",), filtri.dal, filtri.al).items()}
    celle = sorted(per_cella.items(), key=lambda kv: (-kv[1], kv[0]))
    arretrato, pregresse = _arretrato(conteggi)
    return {
        "ente": _ente(ente),
        "filtri": filtri.come_dict(),
        "totali": {
            "ricevute": sum(m["ricevute"] for m in mensile),
            "risolte": sum(m["risolte"] for m in mensile),
            "aperte": sum(f["n"] for f in arretrato),
            # Inherited backlog (segnalazioni.pregresso): open, but counted apart unless the ente says so.
            "pregresse": pregresse,
            "senza_posizione": ricevute["senza_posizione"],
        },
        "mensile": mensile,
        "per_categoria": ricevute["categorie"],
        "tempi_categoria": _tempi_categoria(conteggi, filtri),
        "tempi_ufficio": _tempi_ufficio(conteggi, filtri),
        "arretrato": arretrato,
        "scadenza": chiuse["scadenza"],
        "canali": ricevute["canali"],
        "soddisfazione": _soddisfazione(ente, filtri),
        "mappa": {
            "risoluzione": res,
            "celle": [{"cella": c, "n": n} for c, n in celle[:MAX_ESAGONI]],
            "senza_posizione": ricevute["senza_posizione"],
        },
        "calcolato_il": timezone.now().replace(microsecond=0).isoformat(),
    }


def pubbliche(ente: Ente | None, categoria: str = "") -> QuerySet[Segnalazione]:
    """Reports the public may count (the map reads them): public, of active comuni, of one category."""
    qs = Segnalazione.objects.pubbliche(ente, enti_per_id=True)
    if categoria:
        qs = qs.filter(categoria_id__in=_categorie(ente, categoria))
    return qs.order_by()


def _chiave_mese(mese) -> str | None:
    return None if mese is None else f"{mese.year:04d}-{mese.month:02d}"


def _ricevute(conteggi: Conteggi, filtri: Filtri) -> dict[str, Any]:
    """Per month, channel, category code and with/without a position, in one GROUP BY per part.

    Categories are grouped by code, not by id: on the platform page 187 comuni share some thirty
    codes (the month rows hold the code itself)."""
    righe = conteggi.somme(RICEVUTE, ("mese", "canale", "codice", "con_posizione"), filtri.dal, filtri.al)
    mesi: dict[str, int] = defaultdict(int)
    canali: dict[str, int] = defaultdict(int)
    per_codice: dict[str, int] = defaultdict(int)
    senza_posizione = 0
    for (mese, canale, codice, con_posizione), n in righe.items():
        chiave = _chiave_mese(mese)
        if chiave:
            mesi[chiave] += n
        canali[canale] += n
        per_codice[codice] += n
        senza_posizione += 0 if con_posizione else n
    nomi = conteggi.nomi(set(per_codice))
    return {
        "mesi": mesi,
        "canali": sorted(({"canale": c, "n": n} for c, n in canali.items()), key=lambda r: (-r["n"], r["canale"])),
        "categorie": sorted(
            ({"codice": c, "nome": nomi.get(c) or c, "ricevute": n} for c, n in per_codice.items()),
            key=lambda r: (-r["ricevute"], r["nome"]),
        ),
        "senza_posizione": senza_posizione,
    }


def _chiuse(conteggi: Conteggi, filtri: Filtri) -> dict[str, Any]:
    """Per month of resolution, and whether it came by the expected date."""
    mesi: dict[str, int] = defaultdict(int)
    totale = entro = 0
    for (mese, esito), n in conteggi.somme(RISOLTE, ("mese", "esito_scadenza"), filtri.dal, filtri.al).items():
        chiave = _chiave_mese(mese)
        if chiave:
            mesi[chiave] += n
        if esito:  # 1 within the deadline, 2 after it, 0 without one
            totale += n
            entro += n if esito == 1 else 0
    return {
        "mesi": mesi,
        "scadenza": {"con_scadenza": totale, "entro": entro, "quota": round(entro / totale, 4) if totale else None},
    }


def _ente(ente: Ente | None) -> dict[str, Any] | None:
    if ente is None:
        return None
    return {"nome": ente.nome, "slug": ente.slug, "codice_istat": ente.codice_istat}


def _mesi(dal: date, al: date) -> list[str]:
    mesi, anno, mese = [], dal.year, dal.month
    while (anno, mese) <= (al.year, al.month):
        mesi.append(f"{anno:04d}-{mese:02d}")
        anno, mese = (anno + 1, 1) if mese == 12 else (anno, mese + 1)
    return mesi


def _tempi_categoria(conteggi: Conteggi, filtri: Filtri) -> list[dict[str, Any]]:
    """Median and 90th percentile of the days from arrival to resolution, per category code."""
    istogrammi: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for (codice, decimi), n in conteggi.somme(RISOLTE, ("codice", "decimi"), filtri.dal, filtri.al).items():
        istogrammi[codice].append((decimi, n))
    return _tempi(istogrammi, conteggi.nomi(set(istogrammi)))


def _tempi_ufficio(conteggi: Conteggi, filtri: Filtri) -> list[dict[str, Any]]:
    """The same per office, by name (on the platform page offices of the same name add up)."""
    istogrammi: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for (nome, decimi), n in conteggi.somme(RISOLTE, ("ufficio", "decimi"), filtri.dal, filtri.al).items():
        if nome:
            istogrammi[nome].append((decimi, n))
    return _tempi(istogrammi, {nome: nome for nome in istogrammi})


def _tempi(istogrammi: dict[str, list[tuple[int, int]]], nomi: dict[str, str]) -> list[dict[str, Any]]:
    """From (tenths of a day, count) histograms: `percentile_cont` over the durations rounded to a
    tenth of a day, hence within 0.05 days of the exact one (the page shows tenths)."""
    risultato = []
    for codice, coppie in istogrammi.items():
        valori = [(decimi / 10, n) for decimi, n in coppie]
        risultato.append({
            "codice": codice,
            "nome": nomi.get(codice) or codice,
            "risolte": sum(n for _, n in coppie),
            "mediana_giorni": _giorni(sql.percentile_pesato(valori, 0.5)),
            "p90_giorni": _giorni(sql.percentile_pesato(valori, 0.9)),
        })
    return sorted(risultato, key=lambda r: (-r["risolte"], r["nome"]))


def _giorni(valore: float | None) -> float | None:
    return None if valore is None else round(max(float(valore), 0.0), 1)


def _arretrato(conteggi: Conteggi) -> tuple[list[dict[str, Any]], int]:
    """Reports open now, by how many days they have been waiting (local days since the day they
    arrived, whatever the period), and apart the inherited backlog the ente does not count with
    them (`sla.q_conta_nei_ritardi`: asked of the inherited ones' day rows, which know their ente).

    Months wholly inside an age band are counted by month, the few a band's edge cuts by day."""
    oggi = conteggi.oggi
    # Band i holds the days from soglie[i + 1] (excluded) to soglie[i].
    soglie = [oggi - timedelta(days=inizio) for _, inizio in FASCE_ARRETRATO]

    def fascia(giorno: date) -> int:
        return next(i for i in range(len(soglie) - 1, -1, -1) if i == 0 or giorno <= soglie[i])

    tagliati = {s.replace(day=1) for s in soglie[1:] if s != _fine_mese(s)}
    aperte = Q(stato__in=APERTI)
    per_fascia = [Counter() for _ in FASCE_ARRETRATO]
    for (mese, pregressa), n in conteggi.somme(RICEVUTE, ("mese", "pregressa"), None, None, aperte).items():
        if mese not in tagliati:
            per_fascia[fascia(mese)][pregressa] += n
    for mese in tagliati:
        for (giorno, pregressa), n in conteggi.giorni(RicevuteGiorno, ("giorno", "pregressa"), mese,
                                                      _fine_mese(mese), aperte).items():
            per_fascia[fascia(giorno)][pregressa] += n
    contate = [0] * len(FASCE_ARRETRATO)
    if any(c[True] for c in per_fascia):  # inherited backlog: its ente says whether it counts
        righe = aggregati(RicevuteGiorno, conteggi.ente, conteggi.categoria).filter(
            aperte, sla.q_conta_nei_ritardi(), pregressa=True).values("giorno").annotate(tot=Sum("n"))
        for giorno, n in righe.values_list("giorno", "tot"):
            contate[fascia(giorno)] += n
    fasce = [{"fascia": codice, "n": per_fascia[i][False] + contate[i]}
             for i, (codice, _) in enumerate(FASCE_ARRETRATO)]
    return fasce, sum(c[True] for c in per_fascia) - sum(contate)


def _soddisfazione(ente: Ente | None, filtri: Filtri) -> dict[str, Any]:
    """The reporters' answers to «Il problema è stato risolto?»: `close` by the reporter is
    yes, `reopen` by the reporter from `resolved` is no (see segnalazioni.interazioni)."""
    risposte = aggregati(RisposteGiorno, ente, filtri.categoria).filter(giorno__gte=filtri.dal, giorno__lte=filtri.al)
    conti = dict(risposte.values_list("risolto").annotate(tot=Sum("n")))
    si, no = conti.get(True, 0), conti.get(False, 0)
    return {"si": si, "no": no, "quota_si": round(si / (si + no), 4) if si + no else None}
