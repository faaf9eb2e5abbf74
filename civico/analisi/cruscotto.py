"""The public dashboard's figures, for one comune or for the whole platform.

Every count comes from the aggregates the database keeps exact on every write
(`civico.analisi.aggregati`: reports per local day × ente × category × office × channel × state,
resolved ones per closing day with their time to resolve in tenths of a day, the reporters'
answers per day), so any period and category costs a few GROUP BYs over aggregate rows, never a
scan of the reports. One figure still reads the raw table, through its (ente, date) index: the
map (reports per H3 hexagon). Only public reports of active comuni count. Reports without a
position count in every figure but the map. The result is plain JSON data (codes, not labels):
the page, the charts and the API all read the same dictionary, and it can be cached and stored.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django.db.models import Max, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from civico.analisi import sql
from civico.analisi.filtri import Filtri
from civico.analisi.models import RicevuteGiorno, RisolteGiorno, RisposteGiorno
from civico.catalogo.models import Categoria, Ufficio
from civico.enti.models import Ente
from civico.segnalazioni import sla
from civico.segnalazioni.models import Segnalazione
from civico.segnalazioni.workflow import APERTI

# Backlog age bands, in days since the report arrived: (code, lower bound inclusive).
FASCE_ARRETRATO = (("0-7", 0), ("8-30", 8), ("31-90", 31), ("91-365", 91), ("oltre-365", 366))
RISOLUZIONE_H3_ENTE = 8  # about 0.7 km² per hexagon: streets and neighbourhoods
RISOLUZIONE_H3_PIATTAFORMA = 5  # about 250 km²: comuni across Italy
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


def calcola(ente: Ente | None, filtri: Filtri) -> dict[str, Any]:
    """All the figures of the dashboard for these filters."""
    periodo = Q(giorno__gte=filtri.dal, giorno__lte=filtri.al)
    ricevute_agg = aggregati(RicevuteGiorno, ente, filtri.categoria)
    risolte_agg = aggregati(RisolteGiorno, ente, filtri.categoria).filter(periodo)
    ricevute = _ricevute(ricevute_agg.filter(periodo))
    chiuse = _chiuse(risolte_agg)
    mesi = _mesi(filtri.dal, filtri.al)
    mensile = [
        {"mese": m, "ricevute": ricevute["mesi"].get(m, 0), "risolte": chiuse["mesi"].get(m, 0)} for m in mesi
    ]
    res = RISOLUZIONE_H3_ENTE if ente is not None else RISOLUZIONE_H3_PIATTAFORMA
    create = pubbliche(ente, filtri.categoria).filter(creata_il__gte=filtri.inizio, creata_il__lt=filtri.fine)
    celle = sorted(sql.conta_per_esagono(create, res).items(), key=lambda kv: (-kv[1], kv[0]))
    arretrato, pregresse = _arretrato(ricevute_agg)
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
        "tempi_categoria": _tempi_categoria(risolte_agg),
        "tempi_ufficio": _tempi_ufficio(risolte_agg),
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


def _ricevute(righe_giorno: QuerySet) -> dict[str, Any]:
    """Per month, channel, category and with/without a position, in one GROUP BY.

    Categories are grouped by code (a join on the small catalogue table), not by id: on the
    platform page 187 comuni share some thirty codes, and grouping by id would return
    a hundred times more rows to Python."""
    righe = (
        righe_giorno.annotate(mese=TruncMonth("giorno"))
        .values("mese", "canale", "categoria__codice", "con_posizione")
        .annotate(tot=Sum("n"), nome=Max("categoria__nome"))
        .values_list("mese", "canale", "categoria__codice", "nome", "con_posizione", "tot")
    )
    mesi: dict[str, int] = defaultdict(int)
    canali: dict[str, int] = defaultdict(int)
    per_codice: dict[str, list] = {}
    senza_posizione = 0
    for mese, canale, codice, nome, con_posizione, n in righe:
        chiave = _chiave_mese(mese)
        if chiave:
            mesi[chiave] += n
        canali[canale] += n
        voce = per_codice.setdefault(codice, [nome, 0])
        voce[0] = max(voce[0], nome)  # the same choice as MAX(nome) in the resolution times
        voce[1] += n
        senza_posizione += 0 if con_posizione else n
    return {
        "mesi": mesi,
        "canali": sorted(({"canale": c, "n": n} for c, n in canali.items()), key=lambda r: (-r["n"], r["canale"])),
        "categorie": sorted(
            ({"codice": c, "nome": v[0], "ricevute": v[1]} for c, v in per_codice.items()),
            key=lambda r: (-r["ricevute"], r["nome"]),
        ),
        "senza_posizione": senza_posizione,
    }


def _chiuse(risolte: QuerySet) -> dict[str, Any]:
    """Per month of resolution, and whether it came by the expected date, in one GROUP BY."""
    righe = (
        risolte.annotate(mese=TruncMonth("giorno"))
        .values("mese", "esito_scadenza")
        .annotate(tot=Sum("n"))
        .values_list("mese", "esito_scadenza", "tot")
    )
    mesi: dict[str, int] = defaultdict(int)
    totale = entro = 0
    for mese, esito, n in righe:
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


def _tempi_categoria(risolte: QuerySet) -> list[dict[str, Any]]:
    """Median and 90th percentile of the days from arrival to resolution, per category code."""
    istogrammi: dict[str, list[tuple[int, int]]] = defaultdict(list)
    nomi: dict[str, str] = {}
    righe = risolte.values("categoria__codice", "decimi").annotate(tot=Sum("n"), nome=Max("categoria__nome"))
    for r in righe.values_list("categoria__codice", "decimi", "tot", "nome"):
        istogrammi[r[0]].append((r[1], r[2]))
        nomi[r[0]] = max(nomi.get(r[0], r[3]), r[3])
    return _tempi(istogrammi, nomi)


def _tempi_ufficio(risolte: QuerySet) -> list[dict[str, Any]]:
    """The same per office, by name (on the platform page offices of the same name add up)."""
    righe = list(
        risolte.exclude(ufficio_id=0).values("ufficio_id", "decimi").annotate(tot=Sum("n"))
        .values_list("ufficio_id", "decimi", "tot")
    )
    nomi = dict(Ufficio.objects.filter(pk__in={r[0] for r in righe}).values_list("pk", "nome"))
    istogrammi: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for ufficio_id, decimi, n in righe:
        if ufficio_id in nomi:
            istogrammi[nomi[ufficio_id]].append((decimi, n))
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


def _arretrato(ricevute: QuerySet) -> tuple[list[dict[str, Any]], int]:
    """Reports open now, by how many days they have been waiting (local days since the day they
    arrived, whatever the period), and apart the inherited backlog the ente does not count with
    them (`sla.q_conta_nei_ritardi`)."""
    oggi = timezone.localdate()
    soglie = [oggi - timedelta(days=inizio) for _, inizio in FASCE_ARRETRATO]
    conta = sla.q_conta_nei_ritardi()
    somme = {"_pregresse": Sum("n", filter=~conta)}
    for i, (codice, _inizio) in enumerate(FASCE_ARRETRATO):
        condizione = conta & Q(giorno__lte=soglie[i])
        if i + 1 < len(soglie):
            condizione &= Q(giorno__gt=soglie[i + 1])
        somme[codice] = Sum("n", filter=condizione)
    risultato = ricevute.filter(stato__in=APERTI).aggregate(**somme)
    fasce = [{"fascia": codice, "n": risultato[codice] or 0} for codice, _ in FASCE_ARRETRATO]
    return fasce, risultato["_pregresse"] or 0


def _soddisfazione(ente: Ente | None, filtri: Filtri) -> dict[str, Any]:
    """The reporters' answers to «Il problema è stato risolto?»: `close` by the reporter is
    yes, `reopen` by the reporter from `resolved` is no (see segnalazioni.interazioni)."""
    risposte = aggregati(RisposteGiorno, ente, filtri.categoria).filter(giorno__gte=filtri.dal, giorno__lte=filtri.al)
    conti = dict(risposte.values_list("risolto").annotate(tot=Sum("n")))
    si, no = conti.get(True, 0), conti.get(False, 0)
    return {"si": si, "no": no, "quota_si": round(si / (si + no), 4) if si + no else None}
