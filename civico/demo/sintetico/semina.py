"""`civico bench seed`: N synthetic reports over M enti, written in bulk, topped up idempotently.

The enti are picked deterministically: Alessandria first, then the other comuni of its province
by ISTAT code (006xxx: 187 in all), then any other comune by ISTAT code. Each is activated with
the demo catalogue. Reports are shared out in proportion to the enti's areas (largest remainder);
each ente is topped up to its share, so a second run with the same N and M writes nothing.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone

from civico.analisi import aggregati
from civico.catalogo.models import Categoria
from civico.demo.loader import crea_catalogo
from civico.demo.sintetico import luoghi, scrittura, storie
from civico.demo.sintetico.modello import modello
from civico.enti import geo
from civico.enti.confini import carica_comuni
from civico.enti.models import Ente
from civico.segnalazioni.models import ContatoreCodici, Evento, Segnalazione

PRIMO = luoghi.ALESSANDRIA
PROVINCIA = "006"
LOTTO = 20_000  # reports per write: a few seconds of work, bounded memory
SOGLIA_MASSIVO = 100_000  # from this many new reports on PostgreSQL, load with indexes suspended

Progresso = Callable[[str], None]


@dataclass
class EsitoSemina:
    enti: int
    richieste: int
    esistenti: int
    create: int
    eventi: int
    secondi: float

    @property
    def riusato(self) -> bool:
        return self.create == 0


def scegli_enti(m: int) -> list[Ente]:
    """The first m comuni in the fixed order (Alessandria, its province, then Italy)."""
    if not Ente.objects.filter(codice_istat=PRIMO).exists():
        carica_comuni()
    tutti = list(Ente.objects.filter(confine__isnull=False).defer("confine").order_by("codice_istat"))
    ordine = sorted(tutti, key=lambda e: (e.codice_istat != PRIMO, not e.codice_istat.startswith(PROVINCIA),
                                          e.codice_istat))
    if m > len(ordine):
        raise ValueError(f"Ci sono solo {len(ordine)} comuni con un confine: non {m}.")
    return ordine[:m]


def attiva(enti: list[Ente]) -> None:
    """Put the enti on the platform with the demo catalogue (what an administrator would do)."""
    for ente in enti:
        cambi = {}
        if not ente.attivo:
            cambi["attivo"] = True
        if not ente.email:
            cambi["email"] = f"urp@{ente.slug}.example.org"
        if cambi:
            for k, v in cambi.items():
                setattr(ente, k, v)
            ente.save(update_fields=list(cambi))
        if not Categoria.objects.filter(ente=ente).exists():
            crea_catalogo(ente, completo=True)


def quote(totale: int, aree: list[float]) -> list[int]:
    """`totale` shared in proportion to `aree`, by largest remainder (deterministic)."""
    somma = sum(aree) or 1.0
    esatte = [totale * a / somma for a in aree]
    parti = [int(x) for x in esatte]
    resto = totale - sum(parti)
    for i in sorted(range(len(aree)), key=lambda i: (-(esatte[i] - parti[i]), i))[:resto]:
        parti[i] += 1
    return parti


def semina(reports: int, n_enti: int, *, seme: int = 2026, reset: bool = False,
           progress: Progresso = lambda _r: None) -> EsitoSemina:
    inizio = time.perf_counter()
    if reset:
        rimossi = azzera()
        progress(f"rimosse {rimossi} segnalazioni sintetiche")
    enti = scegli_enti(n_enti)
    attiva(enti)
    confini = dict(Ente.objects.filter(pk__in=[e.pk for e in enti]).values_list("pk", "confine"))
    aree = {pk: luoghi.geometria(c).area for pk, c in confini.items()}
    parti = quote(reports, [aree[e.pk] for e in enti])
    presenti = dict(
        Segnalazione.objects.filter(origine=storie.ORIGINE, ente__in=enti).values("ente")
        .annotate(n=Count("id")).values_list("ente", "n")
    )
    esistenti = sum(presenti.values())
    da_fare = [(e, q - presenti.get(e.pk, 0)) for e, q in zip(enti, parti, strict=True)
               if q > presenti.get(e.pk, 0)]
    totale_nuove = sum(n for _e, n in da_fare)
    if totale_nuove == 0:
        progress(f"{esistenti:,} segnalazioni sintetiche già presenti su {len(enti)} enti: niente da fare")
        return EsitoSemina(len(enti), reports, esistenti, 0, 0, time.perf_counter() - inizio)
    m = modello()
    area_al = aree.get(enti[0].pk) if enti[0].codice_istat == PRIMO else None
    if area_al is None:
        area_al = luoghi.geometria(Ente.objects.get(codice_istat=PRIMO).confine).area
    adesso = timezone.now().replace(microsecond=0)
    progress(f"{totale_nuove:,} segnalazioni da creare su {len(da_fare)} enti ({connection.vendor})")
    fatte = eventi = 0
    massivo = connection.vendor == "postgresql" and totale_nuove >= SOGLIA_MASSIVO
    # A big load is one transaction with the secondary indexes rebuilt at the end; a small one
    # commits ente by ente with every index in place.
    with contextlib.ExitStack() as pila:
        if massivo:
            pila.enter_context(transaction.atomic())
            pila.enter_context(scrittura.caricamento_massivo([Segnalazione, Evento], progress))
        for ente, n in da_fare:
            ente.confine = confini[ente.pk]
            numeri = dict(ContatoreCodici.objects.filter(ente=ente).values_list("anno", "ultimo"))
            ctx = storie.contesto(ente, m, numeri, area_al)
            gia = presenti.get(ente.pk, 0)
            for partenza in range(0, n, LOTTO):
                k = min(LOTTO, n - partenza)
                seme_lotto = f"civico-bench:{seme}:{ente.codice_istat}:{gia + partenza}"
                lotto = storie.genera(ctx, k, m, seme_lotto, adesso)
                eventi += _scrivi(ente, lotto, ctx.numeri)
                fatte += k
                passati = time.perf_counter() - inizio
                progress(f"{fatte:,}/{totale_nuove:,} segnalazioni, {eventi:,} eventi "
                         f"({fatte / passati:,.0f}/s) — {ente.nome}")
    if massivo:
        # The bulk load ran with triggers off (session_replication_role = replica), the dashboards'
        # aggregate triggers included: recount them, or every dashboard would read nothing.
        progress("aggregati dei cruscotti ricontati dalle segnalazioni…")
        aggregati.ricostruisci()
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("ANALYZE segnalazioni_segnalazione")
            c.execute("ANALYZE segnalazioni_evento")
    geo.invalida()
    return EsitoSemina(len(enti), reports, esistenti, fatte, eventi, time.perf_counter() - inizio)


@transaction.atomic
def _scrivi(ente: Ente, lotto: storie.Lotto, numeri: dict[int, int]) -> int:
    ids = scrittura.riserva_id(Segnalazione, len(lotto.segnalazioni))
    for pk, s in zip(ids, lotto.segnalazioni, strict=True):
        s["id"] = pk
    scrittura.scrivi(Segnalazione, lotto.segnalazioni)
    righe = []
    for pk, eventi in zip(ids, lotto.eventi, strict=True):
        for e in eventi:
            e["segnalazione_id"] = pk
            righe.append(e)
    id_eventi = scrittura.riserva_id(Evento, len(righe))
    for pk, e in zip(id_eventi, righe, strict=True):
        e["id"] = pk
    scrittura.scrivi(Evento, righe)
    for anno, ultimo in numeri.items():  # real intakes go on numbering after the synthetic ones
        ContatoreCodici.objects.update_or_create(ente=ente, anno=anno, defaults={"ultimo": ultimo})
    return len(righe)


def azzera() -> int:
    """Remove every synthetic report and its history; counters fall back to what remains."""
    qs = Segnalazione.objects.filter(origine=storie.ORIGINE)
    quante = qs.count()
    enti = list(qs.values_list("ente", flat=True).distinct())
    with transaction.atomic():
        with connection.cursor() as c:  # events refuse ORM deletes: they are history, except here
            c.execute(
                "DELETE FROM segnalazioni_evento WHERE segnalazione_id IN "
                "(SELECT id FROM segnalazioni_segnalazione WHERE origine = %s)", [storie.ORIGINE],
            )
        qs.delete()
        for ente_id in enti:
            ultimi = dict(Segnalazione.objects.filter(ente_id=ente_id).values("anno")
                          .annotate(m=Max("numero")).values_list("anno", "m"))
            ContatoreCodici.objects.filter(ente_id=ente_id).exclude(anno__in=ultimi).delete()
            for anno, ultimo in ultimi.items():
                ContatoreCodici.objects.filter(ente_id=ente_id, anno=anno).update(ultimo=ultimo)
    return quante
