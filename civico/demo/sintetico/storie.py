"""Synthetic reports of one ente and their histories, as plain rows (no model instances).

Each report gets what intake would have stored (code, token, H3 cell, deadline, routed office)
and the events the workflow would have appended: creation, routing, then the state changes of a
plausible history drawn from the real state mix and resolution times, with `chiusa_il`,
`aggiornata_il`, `versione` and `nota_pubblica` kept as the workflow keeps them.
"""

from __future__ import annotations

import base64
import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import h3
import numpy as np
from django.conf import settings

from civico.catalogo.models import Categoria
from civico.demo import catalogo_demo as C
from civico.demo.sintetico import luoghi
from civico.demo.sintetico.modello import Modello
from civico.enti.models import Ente
from civico.segnalazioni import sla, workflow
from civico.segnalazioni.models import Canale, Priorita, TipoEvento, Visibilita
from civico.stati import Stato

ORIGINE = "bench"  # every synthetic report carries it: counted for top-ups, removed by --reset
ANNI = 2  # creation dates spread over the last two years, like the 2023–2024 export
NOMI = ["Giulia Ferrari", "Marco Bianchi", "Sara Colombo", "Luca Ricci", "Anna Romano",
        "Paolo Gallo", "Elena Costa", "Davide Fontana", "Chiara Greco", "Matteo Conti"]
CANALI = [(Canale.WEB, 40), (Canale.APP, 40), (Canale.EMAIL, 8), (Canale.PHONE, 8), (Canale.COUNTER, 4)]
PRIORITA = [(Priorita.NORMALE, 85), (Priorita.ALTA, 10), (Priorita.BASSA, 3), (Priorita.URGENTE, 2)]
RESPINTA = "Non di competenza comunale: inoltrata al gestore."
RISOLTA = "Intervento eseguito."


@dataclass
class Contesto:
    """What the generator needs of one ente, read once."""

    ente: Ente
    categorie: list[Categoria]
    pesi: list[int]
    titoli: dict[str, list[str]]
    numeri: dict[int, int]  # year → last number given (ContatoreCodici)
    area_alessandria: float
    domande: dict[int, list] = field(default_factory=dict)
    ente_id: int = 0
    _scadenze: dict[tuple[int, date], date] = field(default_factory=dict)

    def scadenza(self, categoria: Categoria, quando: datetime, giorno: date) -> date:
        """The SLA deadline; one computation per category and local day (it walks the calendar)."""
        chiave = (categoria.pk, giorno)
        if chiave not in self._scadenze:
            self._scadenze[chiave] = sla.calcola_scadenza(categoria, self.ente, quando)
        return self._scadenze[chiave]


@dataclass
class Lotto:
    segnalazioni: list[dict]
    eventi: list[list[dict]]  # per report, without segnalazione_id (the writer knows the ids)


def contesto(ente: Ente, m: Modello, numeri: dict[int, int], area_alessandria: float) -> Contesto:
    categorie = list(
        Categoria.objects.filter(ente=ente, attiva=True).select_related("ufficio_predefinito")
        .prefetch_related("domande").order_by("ordine", "pk")
    )
    return Contesto(
        ente=ente, categorie=categorie, pesi=[m.categorie.get(c.codice, 1) for c in categorie],
        titoli={v[0]: list(v[8]) for v in C.CATEGORIE}, numeri=dict(numeri),
        area_alessandria=area_alessandria, domande={c.pk: list(c.domande.all()) for c in categorie},
        ente_id=ente.pk,
    )


def genera(ctx: Contesto, n: int, m: Modello, seme: str, adesso: datetime) -> Lotto:
    """n new reports of the ente, oldest first, numbered after ctx.numeri (which it advances)."""
    rng = random.Random(seme)
    nrng = np.random.default_rng(rng.getrandbits(64))
    lat, lon, civici = luoghi.punti(ctx.ente.codice_istat, ctx.ente.confine, n, m, nrng, ctx.area_alessandria)
    inizio = adesso - timedelta(days=365 * ANNI)
    arco = (adesso - timedelta(hours=2) - inizio).total_seconds()
    creazioni = sorted(inizio + timedelta(seconds=rng.uniform(0, arco)) for _ in range(n))
    fuso = ZoneInfo(ctx.ente.fuso_orario)
    res = settings.CIVICO["H3_RESOLUTION"]
    esiti, pesi_esiti = zip(*m.esiti.items(), strict=True)
    canali, pesi_canali = zip(*CANALI, strict=True)
    priorita, pesi_priorita = zip(*PRIORITA, strict=True)
    lotto = Lotto([], [])
    # Draw each attribute for the whole batch at once: far cheaper than one call per report.
    categorie_scelte = rng.choices(ctx.categorie, weights=ctx.pesi, k=n)
    nomi = rng.choices(NOMI, k=n)
    canali_scelti = rng.choices(canali, pesi_canali, k=n)
    esiti_scelti = rng.choices(esiti, pesi_esiti, k=n)
    giorni_scelti = rng.choices(m.giorni_risoluzione, k=n)
    priorita_scelte = rng.choices(priorita, pesi_priorita, k=n)
    lat_l, lon_l, civici_l = lat.tolist(), lon.tolist(), civici.tolist()
    latlng_to_cell, indirizzi = h3.latlng_to_cell, m.indirizzi
    for i, creata in enumerate(creazioni):
        categoria = categorie_scelte[i]
        locale = creata.astimezone(fuso)
        anno = locale.year
        numero = ctx.numeri.get(anno, 0) + 1
        ctx.numeri[anno] = numero
        a, o = lat_l[i], lon_l[i]
        titolo = rng.choice(ctx.titoli.get(categoria.codice) or ["Segnalazione"])
        nome = nomi[i]
        canale = canali_scelti[i]
        esito = esiti_scelti[i]
        giorni = giorni_scelti[i]
        ufficio = categoria.ufficio_predefinito
        s = {
            "ente_id": ctx.ente_id, "codice": f"{ctx.ente.sigla}-{anno}-{numero:06d}",
            "uuid": uuid.UUID(int=rng.getrandbits(128), version=4), "anno": anno, "numero": numero,
            "token": base64.urlsafe_b64encode(rng.getrandbits(256).to_bytes(32, "big")).rstrip(b"=").decode(),
            "categoria_id": categoria.pk, "ufficio_id": ufficio.pk if ufficio else None,
            "stato": SUBMITTED, "priorita": priorita_scelte[i].value,
            "titolo": titolo, "descrizione": f"{titolo}. Segnalazione sintetica per le prove di carico.",
            "lat": a, "lon": o, "indirizzo": indirizzi[civici_l[i]], "cap": "",
            "cella_h3": latlng_to_cell(a, o, res), "canale": canale.value,
            "risposte": _risposte(ctx.domande[categoria.pk], rng), "segnalante_nome": nome,
            "segnalante_email": nome.lower().replace(" ", ".") + "@example.org",
            "pubblica": categoria.pubblica, "creata_il": creata, "aggiornata_il": creata,
            "scadenza": ctx.scadenza(categoria, creata, locale.date()), "versione": 1, "chiusa_il": None,
            "nota_pubblica": "", "origine": ORIGINE,
        }
        eventi = [
            _evento(ctx, CREATED, creata, "segnalante",
                    dati={"canale": canale.value, "categoria": categoria.nome}),
        ]
        if ufficio is not None:
            eventi.append(_evento(ctx, ROUTED, creata, "sistema",
                                  dati={"ufficio": ufficio.nome, "ufficio_id": ufficio.pk, "regola": None}))
        for nome_t, quando, chi, testo in _storia(esito, giorni, creata, adesso, rng):
            _transizione(ctx, s, eventi, nome_t, quando, chi, testo, ufficio.nome if ufficio else ctx.ente.nome)
        lotto.segnalazioni.append(s)
        lotto.eventi.append(eventi)
    return lotto


# The named transitions of civico.segnalazioni.workflow that histories use: (from, to).
# Plain strings, not enum members: this runs millions of times.
TRANSIZIONI = {
    "take_in_charge": (Stato.SUBMITTED.value, Stato.ACCEPTED.value),
    "start_work": (Stato.ACCEPTED.value, Stato.IN_PROGRESS.value),
    "resolve": (Stato.IN_PROGRESS.value, Stato.RESOLVED.value),
    "close": (Stato.RESOLVED.value, Stato.CLOSED.value),
    "reject": (Stato.SUBMITTED.value, Stato.REJECTED.value),
    "withdraw": (Stato.SUBMITTED.value, Stato.WITHDRAWN.value),
}
APERTI = {s.value for s in workflow.APERTI}
CREATED, ROUTED, STATE_CHANGED = TipoEvento.CREATED.value, TipoEvento.ROUTED.value, TipoEvento.STATE_CHANGED.value
PUBBLICA, SUBMITTED = Visibilita.PUBBLICA.value, Stato.SUBMITTED.value


def _storia(esito: str, giorni: int, creata: datetime, adesso: datetime, rng: random.Random):
    """(transition, when, actor kind, public text) — the same shape as the demo's histories."""
    def t(frazione: float) -> datetime:
        return min(creata + timedelta(days=giorni * frazione, hours=1), adesso - timedelta(minutes=5))

    if esito == "annullata":
        if rng.random() < 0.5:
            return [("withdraw", t(0.1), "segnalante", "")]
        return [("reject", t(0.2), "staff", RESPINTA)]
    if esito == "aperta" and rng.random() < 0.6:
        return []
    passi = [("take_in_charge", t(0.1), "staff", "")]
    if esito in ("in carico", "aperta") or creata + timedelta(days=giorni) > adesso:
        if rng.random() < 0.5:
            passi.append(("start_work", t(0.3), "staff", ""))
        return passi
    passi += [("start_work", t(0.3), "staff", ""), ("resolve", t(1.0), "staff", RISOLTA)]
    if rng.random() < 0.5:
        passi.append(("close", t(1.2), "sistema", ""))
    return passi


def _transizione(ctx, s: dict, eventi: list[dict], nome: str, quando: datetime, chi: str, testo: str,
                 ufficio: str) -> None:
    da, a = TRANSIZIONI[nome]
    assert s["stato"] == da, (s["stato"], nome)
    s["stato"] = a
    if a in APERTI:
        s["chiusa_il"] = None
    elif s["chiusa_il"] is None:
        s["chiusa_il"] = quando
    s["versione"] += 1
    s["aggiornata_il"] = max(quando, s["aggiornata_il"])
    if testo:
        s["nota_pubblica"] = testo
    eventi.append(_evento(ctx, STATE_CHANGED, quando, chi, stato_da=da, stato_a=a,
                          transizione=nome, testo=testo, attore_pubblico=ufficio if chi == "staff" else ""))


def _evento(ctx, tipo: str, quando: datetime, chi: str, *, dati: dict | None = None, **campi) -> dict:
    return {
        "ente_id": ctx.ente_id, "tipo": tipo, "stato_da": campi.get("stato_da", ""),
        "stato_a": campi.get("stato_a", ""), "transizione": campi.get("transizione", ""),
        "visibilita": PUBBLICA, "testo": campi.get("testo", ""), "attore_id": None,
        "attore_pubblico": campi.get("attore_pubblico", ""), "dati": {"attore": chi, **(dati or {})},
        "creato_il": quando,
    }


def _risposte(domande: list, rng: random.Random) -> dict:
    """Answers to the category's questions, so every required one is there."""
    risposte: dict = {}
    for d in domande:
        if d.tipo == "number":
            risposte[d.codice] = rng.randint(1, 6)
        elif d.tipo == "singlevaluelist" and d.valori:
            risposte[d.codice] = rng.choice(d.valori)["key"]
        elif d.tipo == "multivaluelist" and d.valori:
            risposte[d.codice] = [rng.choice(d.valori)["key"]]
    return risposte
