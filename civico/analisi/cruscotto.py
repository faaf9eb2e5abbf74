"""The public dashboard's figures, for one comune or for the whole platform.

Every figure is one GROUP BY (or one conditional aggregate) on indexed columns of the reports
table: nothing loads reports into Python on PostgreSQL. Only public reports of active comuni
count. Reports without a position (imported from platforms that did not record one) count in
every figure but the map. The result is plain JSON data (codes, not labels): the page, the
charts and the API all read the same dictionary, and it can be cached and stored as is.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Max, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from civico.analisi import sql
from civico.analisi.filtri import Filtri
from civico.catalogo.models import Categoria
from civico.enti.models import Ente
from civico.segnalazioni import sla
from civico.segnalazioni.models import Evento, Segnalazione, TipoEvento, condizione_pubblica
from civico.segnalazioni.workflow import APERTI, RISOLTI
from civico.stati import Stato

# Backlog age bands, in days since the report arrived: (code, lower bound inclusive).
FASCE_ARRETRATO = (("0-7", 0), ("8-30", 8), ("31-90", 31), ("91-365", 91), ("oltre-365", 366))
RISOLUZIONE_H3_ENTE = 8  # about 0.7 km² per hexagon: streets and neighbourhoods
RISOLUZIONE_H3_PIATTAFORMA = 5  # about 250 km²: comuni across Italy
MAX_ESAGONI = 3000


def pubbliche(ente: Ente | None, categoria: str = "") -> QuerySet[Segnalazione]:
    """Reports the public may count: public, of active comuni, of one category if asked."""
    qs = Segnalazione.objects.pubbliche(ente, enti_per_id=True)
    if categoria:
        # Ids rather than a join: the planner keeps using the (ente, date) indexes.
        categorie = Categoria.objects.filter(codice=categoria)
        if ente is not None:
            categorie = categorie.filter(ente=ente)
        qs = qs.filter(categoria_id__in=list(categorie.values_list("pk", flat=True)))
    return qs.order_by()


def calcola(ente: Ente | None, filtri: Filtri) -> dict[str, Any]:
    """All the figures of the dashboard for these filters."""
    base = pubbliche(ente, filtri.categoria)
    create = base.filter(creata_il__gte=filtri.inizio, creata_il__lt=filtri.fine)
    risolte = base.filter(stato__in=RISOLTI, chiusa_il__gte=filtri.inizio, chiusa_il__lt=filtri.fine)
    # One scan each for what arrived and what was resolved in the period; the finer figures are
    # sums over their few hundred grouped rows (each scan of a million rows costs ~100 ms).
    ricevute = _ricevute(create)
    chiuse = _chiuse(risolte)
    mesi = _mesi(filtri.dal, filtri.al)
    mensile = [
        {"mese": m, "ricevute": ricevute["mesi"].get(m, 0), "risolte": chiuse["mesi"].get(m, 0)} for m in mesi
    ]
    res = RISOLUZIONE_H3_ENTE if ente is not None else RISOLUZIONE_H3_PIATTAFORMA
    celle = sorted(sql.conta_per_esagono(create, res).items(), key=lambda kv: (-kv[1], kv[0]))
    arretrato, pregresse = _arretrato(base)
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
        "tempi_categoria": _tempi(risolte, "categoria__codice", nome="categoria__nome"),
        "tempi_ufficio": _tempi(risolte.filter(ufficio__isnull=False), "ufficio__nome"),
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


def _chiave_mese(mese) -> str | None:
    return None if mese is None else f"{mese.year:04d}-{mese.month:02d}"


def _ricevute(create: QuerySet) -> dict[str, Any]:
    """Per month, channel, category and with/without a position, in one GROUP BY.

    Categories are grouped by code (a join on the small catalogue table), not by id: on the
    platform page 187 comuni share some thirty codes, and grouping by id would return
    a hundred times more rows to Python."""
    righe = (
        create.annotate(
            mese=TruncMonth("creata_il"),
            senza=ExpressionWrapper(Q(lat__isnull=True), output_field=BooleanField()),
        )
        .values("mese", "canale", "categoria__codice", "senza")
        .annotate(n=Count("pk"), nome=Max("categoria__nome"))
        .values_list("mese", "canale", "categoria__codice", "nome", "senza", "n")
    )
    mesi: dict[str, int] = defaultdict(int)
    canali: dict[str, int] = defaultdict(int)
    per_codice: dict[str, list] = {}
    senza_posizione = 0
    for mese, canale, codice, nome, senza, n in righe:
        chiave = _chiave_mese(mese)
        if chiave:
            mesi[chiave] += n
        canali[canale] += n
        voce = per_codice.setdefault(codice, [nome, 0])
        voce[0] = max(voce[0], nome)  # the same choice as MAX(nome) in the resolution times
        voce[1] += n
        senza_posizione += n if senza else 0
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
        risolte.annotate(
            mese=TruncMonth("chiusa_il"),
            con_scadenza=ExpressionWrapper(Q(scadenza__isnull=False), output_field=BooleanField()),
            entro=ExpressionWrapper(Q(chiusa_il__date__lte=F("scadenza")), output_field=BooleanField()),
        )
        .values("mese", "con_scadenza", "entro")
        .annotate(n=Count("pk"))
        .values_list("mese", "con_scadenza", "entro", "n")
    )
    mesi: dict[str, int] = defaultdict(int)
    totale = entro = 0
    for mese, con_scadenza, in_tempo, n in righe:
        chiave = _chiave_mese(mese)
        if chiave:
            mesi[chiave] += n
        if con_scadenza:
            totale += n
            entro += n if in_tempo else 0
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


def _tempi(risolte: QuerySet, gruppo: str, *, nome: str | None = None) -> list[dict[str, Any]]:
    """Median and 90th percentile of the days from arrival to resolution, per group."""
    durata = sql.GiorniTra(F("chiusa_il"), F("creata_il"))
    extra = {"nome": Max(nome)} if nome else None
    righe = sql.percentili_per_gruppo(risolte, gruppo, durata, (0.5, 0.9), extra=extra)
    risultato = [
        {
            "codice": r[gruppo],
            "nome": r.get("nome") or r[gruppo],
            "risolte": r["n"],
            "mediana_giorni": _giorni(r["p50"]),
            "p90_giorni": _giorni(r["p90"]),
        }
        for r in righe
        if r[gruppo] is not None
    ]
    return sorted(risultato, key=lambda r: (-r["risolte"], r["nome"]))


def _giorni(valore: float | None) -> float | None:
    return None if valore is None else round(max(float(valore), 0.0), 1)


def _arretrato(base: QuerySet) -> tuple[list[dict[str, Any]], int]:
    """Reports open now, by how long they have been waiting (whatever the period), and apart the
    inherited backlog the ente does not count with them (`sla.q_conta_nei_ritardi`)."""
    adesso = timezone.now()
    soglie = [adesso - timedelta(days=inizio) for _, inizio in FASCE_ARRETRATO]
    conta = sla.q_conta_nei_ritardi()
    conteggi = {"_pregresse": Count("pk", filter=~conta)}
    for i, (codice, _inizio) in enumerate(FASCE_ARRETRATO):
        condizione = conta & Q(creata_il__lte=soglie[i])
        if i + 1 < len(soglie):
            condizione &= Q(creata_il__gt=soglie[i + 1])
        conteggi[codice] = Count("pk", filter=condizione)
    risultato = base.filter(stato__in=APERTI).aggregate(**conteggi)
    fasce = [{"fascia": codice, "n": risultato[codice] or 0} for codice, _ in FASCE_ARRETRATO]
    return fasce, risultato["_pregresse"] or 0


def _soddisfazione(ente: Ente | None, filtri: Filtri) -> dict[str, Any]:
    """The reporters' answers to «Il problema è stato risolto?»: `close` by the reporter is
    yes, `reopen` by the reporter from `resolved` is no (see segnalazioni.interazioni)."""
    qs = Evento.objects.filter(
        creato_il__gte=filtri.inizio, creato_il__lt=filtri.fine, tipo=TipoEvento.STATE_CHANGED,
        stato_da=Stato.RESOLVED, transizione__in=("close", "reopen"), dati__attore="segnalante",
    ).filter(condizione_pubblica("segnalazione__", ente=ente, ente_per_id="ente_id"))
    if ente is not None:
        qs = qs.filter(ente=ente)
    if filtri.categoria:
        qs = qs.filter(segnalazione__categoria__codice=filtri.categoria)
    conti = dict(qs.values_list("transizione").annotate(n=Count("pk")).order_by())
    si, no = conti.get("close", 0), conti.get("reopen", 0)
    return {"si": si, "no": no, "quota_si": round(si / (si + no), 4) if si + no else None}
