"""The inbox: which reports a staff member sees, filtered, counted per tab, sorted, paginated.

One module reads the query string into `Filtri` and turns it into a queryset, so the page, the
CSV/XLSX exports, the saved views and the bulk actions' "back to the list" agree on what the
filters mean.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Max, Min, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from civico.accounts.models import Utente
from civico.accounts.permissions import puo_lavorare_in_ente
from civico.enti.models import Ente
from civico.segnalazioni import sla
from civico.segnalazioni.models import Canale, Priorita, Segnalazione
from civico.segnalazioni.workflow import APERTI, DA_PRENDERE, IN_CARICO
from civico.stati import Stato
from civico.territorio.distanza import nel_riquadro
from civico.territorio.models import NumeroCivico

PER_PAGINA = (25, 50, 100)
_CODICE = re.compile(r"^[A-Za-z]{1,8}-\d{4}-\d{1,8}$")  # AL-2026-000123
GIORNI_IN_SCADENZA = 3  # "due soon": the deadline falls within this many days


@dataclass(frozen=True)
class Scheda:
    """One tab of the inbox."""

    nome: str
    etichetta: Promise


SCHEDE = (
    Scheda("da_prendere", _("Da prendere in carico")),
    Scheda("in_lavorazione", _("In lavorazione")),
    Scheda("in_ritardo", _("In ritardo")),
    Scheda("tutte", _("Tutte")),
)
NOMI_SCHEDE = {s.nome for s in SCHEDE}

ORDINAMENTI: dict[str, Promise] = {
    "recenti": _("Più recenti"),
    "meno_recenti": _("Meno recenti"),
    "scadenza": _("Scadenza più vicina"),
    "priorita": _("Priorità"),
    "aggiornate": _("Aggiornate di recente"),
}
SCADENZE: dict[str, Promise] = {
    "scadute": _("Scadute"),
    "in_scadenza": _("In scadenza (3 giorni)"),
}
# The inherited backlog (segnalazioni.pregresso): shown with the rest unless asked.
PREGRESSO: dict[str, Promise] = {
    "solo": _("Solo l'arretrato ereditato"),
    "escluso": _("Senza l'arretrato ereditato"),
}


def q_scheda(nome: str, oggi: date) -> Q:
    if nome == "da_prendere":
        return Q(stato__in=DA_PRENDERE)
    if nome == "in_lavorazione":
        return Q(stato__in=IN_CARICO)
    if nome == "in_ritardo":  # stopped clocks and the inherited backlog are not late (sla.q_in_ritardo)
        return sla.q_in_ritardo(oggi)
    return Q()


@dataclass
class Filtri:
    scheda: str = "da_prendere"
    stati: list[str] = field(default_factory=list)
    categorie: list[int] = field(default_factory=list)
    uffici: list[int] = field(default_factory=list)
    assegnatario: str = ""  # "", "nessuno", "me" or a user id
    priorita: list[str] = field(default_factory=list)
    canali: list[str] = field(default_factory=list)
    scadenza: str = ""
    pregresso: str = ""
    da_localizzare: bool = False  # only reports whose place is words, for the office to place
    quartiere: str = ""
    bbox: tuple[float, float, float, float] | None = None  # lon_min, lat_min, lon_max, lat_max
    testo: str = ""
    ordine: str = "recenti"
    per_pagina: int = 50
    pagina: str = "1"

    @property
    def attivi(self) -> int:
        """How many filters narrow the list (the tab, sort and page don't count)."""
        return sum(bool(v) for v in (self.stati, self.categorie, self.uffici, self.assegnatario, self.priorita,
                                     self.canali, self.scadenza, self.pregresso, self.quartiere, self.bbox, self.testo,
                                     self.da_localizzare))


def leggi_filtri(qd: QueryDict) -> Filtri:
    """The query string as filters. Unknown or malformed values are dropped, never an error:
    a stale bookmark or saved view still opens."""
    return Filtri(
        scheda=_scelta(qd.get("scheda"), NOMI_SCHEDE, "da_prendere"),
        stati=[v for v in qd.getlist("stato") if v in Stato.values],
        categorie=_interi(qd.getlist("categoria")),
        uffici=_interi(qd.getlist("ufficio")),
        assegnatario=_assegnatario(qd.get("assegnatario", "")),
        priorita=[v for v in qd.getlist("priorita") if v in Priorita.values],
        canali=[v for v in qd.getlist("canale") if v in Canale.values],
        scadenza=_scelta(qd.get("scadenza"), set(SCADENZE), ""),
        da_localizzare=qd.get("da_localizzare") == "1",
        pregresso=_scelta(qd.get("pregresso"), set(PREGRESSO), ""),
        quartiere=(qd.get("quartiere") or "").strip()[:80],
        bbox=_bbox(qd.get("bbox", "")),
        testo=(qd.get("q") or "").strip()[:200],
        ordine=_scelta(qd.get("ordine"), set(ORDINAMENTI), "recenti"),
        per_pagina=int(v) if (v := qd.get("per_pagina", "")).isdigit() and int(v) in PER_PAGINA else 50,
        pagina=qd.get("pagina") or "1",
    )


def _scelta(valore: str | None, ammessi: set[str], predefinito: str) -> str:
    return valore if valore in ammessi else predefinito


def _interi(valori: list[str]) -> list[int]:
    return [int(v) for v in valori if v.isdigit()]


def _assegnatario(valore: str) -> str:
    return valore if valore in ("nessuno", "me") or valore.isdigit() else ""


def _bbox(valore: str) -> tuple[float, float, float, float] | None:
    try:
        lon1, lat1, lon2, lat2 = (float(x) for x in valore.split(","))
    except ValueError:
        return None
    numeri = (lon1, lat1, lon2, lat2)
    if not all(math.isfinite(x) for x in numeri) or not (-180 <= lon1 < lon2 <= 180 and -90 <= lat1 < lat2 <= 90):
        return None
    return numeri


def base(utente: Utente, ente: Ente) -> QuerySet[Segnalazione]:
    """Every report of the ente this person may see (their offices only, if limited to some)."""
    return Segnalazione.objects.visibili_a(utente).filter(ente=ente)


def filtra(qs: QuerySet[Segnalazione], f: Filtri, utente: Utente, ente: Ente, oggi: date) -> QuerySet[Segnalazione]:
    """Every filter but the tab."""
    if f.stati:
        qs = qs.filter(stato__in=f.stati)
    if f.categorie:
        qs = qs.filter(categoria_id__in=f.categorie)
    if f.uffici:
        qs = qs.filter(ufficio_id__in=f.uffici)
    if f.assegnatario:
        qs = qs.per_assegnatario(f.assegnatario, utente, io="me", per="assegnatario_id")
    if f.priorita:
        qs = qs.filter(priorita__in=f.priorita)
    if f.canali:
        qs = qs.filter(canale__in=f.canali)
    if f.scadenza == "scadute":
        qs = qs.filter(q_scheda("in_ritardo", oggi))
    elif f.scadenza == "in_scadenza":
        qs = qs.filter(stato__in=APERTI, in_attesa_dal__isnull=True, scadenza__gte=oggi,
                       scadenza__lte=oggi + timedelta(days=GIORNI_IN_SCADENZA))
    if f.pregresso:
        qs = qs.filter(pregressa=f.pregresso == "solo")
    if f.da_localizzare:
        qs = qs.filter(da_localizzare=True)
    riquadro = f.bbox or (riquadro_quartiere(ente, f.quartiere) if f.quartiere else None)
    if f.quartiere and riquadro is None:
        return qs.none()  # a quartiere the gazetteer does not know: nothing is in it
    if riquadro:
        qs = qs.filter(nel_riquadro(*riquadro))
    if f.testo:
        qs = qs.filter(_q_testo(f.testo, contatti=puo_lavorare_in_ente(utente, ente)))
    return qs


def _q_testo(testo: str, *, contatti: bool) -> Q:
    if _CODICE.match(testo):  # a tracking code (stored upper-case): the unique index answers
        return Q(codice=testo.upper())
    q = Q(titolo__icontains=testo) | Q(descrizione__icontains=testo)
    q |= Q(indirizzo__icontains=testo)
    if contatti:  # finding a caller by name or e-mail is for those who may see contacts
        q |= Q(segnalante_nome__icontains=testo) | Q(segnalante_email__iexact=testo)
    return q


def riquadro_quartiere(ente: Ente, nome: str) -> tuple[float, float, float, float] | None:
    """The box around a quartiere's house numbers in the gazetteer (None if unknown)."""
    r = NumeroCivico.objects.filter(ente=ente, quartiere__iexact=nome).aggregate(
        lat1=Min("lat"), lat2=Max("lat"), lon1=Min("lon"), lon2=Max("lon")
    )
    if r["lat1"] is None:
        return None
    return r["lon1"], r["lat1"], r["lon2"], r["lat2"]


def quartieri(ente: Ente) -> list[str]:
    """The quartiere names of the gazetteer, for the filter's suggestions (cached: they change
    only when the stradario is re-imported)."""
    chiave = f"backoffice:quartieri:{ente.pk}"
    nomi = cache.get(chiave)
    if nomi is None:
        nomi = sorted(
            set(NumeroCivico.objects.filter(ente=ente).exclude(quartiere="").values_list("quartiere", flat=True))
        )
        cache.set(chiave, nomi, 3600)
    return nomi


def conteggi(qs: QuerySet[Segnalazione], oggi: date) -> dict[str, int]:
    """How many reports each tab holds, in one query (conditional aggregation)."""
    return qs.aggregate(
        **{s.nome: Count("pk", filter=q_scheda(s.nome, oggi)) if s.nome != "tutte" else Count("pk") for s in SCHEDE}
    )


def ordina(qs: QuerySet[Segnalazione], ordine: str) -> QuerySet[Segnalazione]:
    if ordine == "meno_recenti":
        return qs.order_by("creata_il", "id")
    if ordine == "scadenza":
        return qs.order_by(F("scadenza").asc(nulls_last=True), "-creata_il", "-id")
    if ordine == "aggiornate":
        return qs.order_by("-aggiornata_il", "-id")
    if ordine == "priorita":  # urgente > alta > normale > bassa, on the index segn_ente_priorita
        return qs.order_by("livello_priorita", "-creata_il", "-id")
    return qs.order_by("-creata_il", "-id")


def per_elenco(qs: QuerySet[Segnalazione]) -> QuerySet[Segnalazione]:
    """What a row shows, loaded in the same query (no N+1)."""
    return qs.select_related("categoria", "ufficio", "assegnatario", "triage").defer(
        "descrizione", "risposte", "dati_client", "nota_pubblica", "impronta_richiesta"
    )


def versione(utente: Utente, ente: Ente) -> str:
    """Changes whenever a report this person sees arrives or changes (every write bumps
    `aggiornata_il`): the open inbox polls it and reloads its list only when it moved."""
    ultima = base(utente, ente).order_by().aggregate(v=Max("aggiornata_il"))["v"]
    return ultima.isoformat() if ultima else ""


@dataclass
class Casella:
    filtri: Filtri
    conteggi: dict[str, int]
    pagina: Page
    oggi: date


def selezione(utente: Utente, ente: Ente, f: Filtri, oggi: date | None = None) -> QuerySet[Segnalazione]:
    """The reports of the current tab and filters, sorted: the list and the exports."""
    oggi = oggi or timezone.localdate()
    qs = filtra(base(utente, ente), f, utente, ente, oggi).filter(q_scheda(f.scheda, oggi))
    return ordina(per_elenco(qs), f.ordine)


def casella(utente: Utente, ente: Ente, f: Filtri) -> Casella:
    oggi = timezone.localdate()
    filtrate = filtra(base(utente, ente), f, utente, ente, oggi)
    numeri = conteggi(filtrate, oggi)
    elenco = ordina(per_elenco(filtrate.filter(q_scheda(f.scheda, oggi))), f.ordine)
    paginatore = Paginator(elenco, f.per_pagina)
    paginatore.count = numeri[f.scheda]  # already counted above: spare the paginator's COUNT(*)
    return Casella(filtri=f, conteggi=numeri, pagina=paginatore.get_page(f.pagina), oggi=oggi)
