"""Writing checked rows: categories, reports and their events, in bulk, inside the caller's
transaction.

Imported reports are history, not news: their events are appended with their original dates
straight into the append-only log (`Evento.objects.bulk_create`), without `eventi.registra`'s
signals, so an import of 2023's reports sends no e-mail, area alert, push or records-system
(protocollo) request, and runs in seconds. Everything else a report gets at intake is the same:
a tracking code from `codici`, the office from `routing`, the deadline from `sla`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import h3
from django.conf import settings
from django.db import connection
from django.utils.text import slugify
from django.utils.translation import gettext as _

from civico.accounts.permissions import SISTEMA
from civico.analisi.importazione import inserimento
from civico.analisi.importazione.mappatura import Mappatura
from civico.analisi.importazione.righe import RigaImport
from civico.catalogo.models import Categoria, Ufficio
from civico.catalogo.services import normalizza
from civico.enti.models import Ente
from civico.segnalazioni import codici, routing, sla
from civico.segnalazioni.models import ContatoreCodici, Evento, Segnalazione, TipoEvento, Visibilita
from civico.segnalazioni.workflow import APERTI, TRANSIZIONI
from civico.stati import Stato

if TYPE_CHECKING:  # the engine imports this module
    from civico.analisi.importazione.motore import Progresso, Riepilogo

LOTTO = 500
# The named transition whose sentence fits the timeline ("La segnalazione è stata chiusa."): an
# import acts as the system does, so the transitions the system may fire with a default sentence.
# The others have none that is true of an import (e.g. "annullata dal segnalante"): the state badge speaks.
TRANSIZIONE_PER_STATO = {
    t.a: t.nome for t in TRANSIZIONI.values() if SISTEMA in t.chi and t.testo_predefinito is not None
}
CAMPI_AGGIORNABILI = ["stato", "chiusa_il", "categoria", "ufficio", "pubblica", "titolo", "descrizione",
                      "lat", "lon", "cella_h3", "indirizzo", "canale", "aggiornata_il", "versione",
                      "dati_client"]


def scrivi(ente: Ente, m: Mappatura, righe: list[RigaImport], r: Riepilogo, *, adesso: datetime,
           progresso: Progresso | None = None) -> None:
    """Create the new reports and update the changed ones. `r` is the `Riepilogo` to fill."""
    list(Ente.objects.select_for_update().filter(pk=ente.pk))  # one import per ente at a time
    fuso = ZoneInfo(ente.fuso_orario)
    categorie = _categorie(ente, {ri.categoria for ri in righe}, r)
    esistenti = {s.id_origine: s for s in Segnalazione.objects.filter(ente=ente, origine=m.origine)}
    totale, fatte, scadenze = len(righe), 0, {}
    nuove = sorted((ri for ri in righe if ri.id_origine not in esistenti), key=lambda ri: (ri.creata_il, ri.riga))
    numeri = _numeri(ente, [ri.creata_il.astimezone(fuso).year for ri in nuove])
    for inizio in range(0, len(nuove), LOTTO):
        lotto = nuove[inizio:inizio + LOTTO]
        segnalazioni = [_nuova(ente, m, ri, categorie[normalizza(ri.categoria)], fuso, scadenze, numeri)
                        for ri in lotto]
        inserimento.inserisci(Segnalazione, [campi for campi, _chi in segnalazioni])
        chiavi = dict(Segnalazione.objects.filter(
            ente=ente, origine=m.origine, id_origine__in=[ri.id_origine for ri in lotto]
        ).values_list("id_origine", "pk"))
        inserimento.inserisci(Evento, [
            e for (campi, chi), ri in zip(segnalazioni, lotto, strict=True)
            for e in _eventi_nuova(chiavi[ri.id_origine], campi, chi, ri, m)
        ])
        r.importate += len(lotto)
        fatte += len(lotto)
        if progresso:
            progresso(fatte, totale)
    cambiate: list[Segnalazione] = []
    eventi: list[dict] = []
    r.senza_posizione = sum(1 for ri in nuove if ri.lat is None)
    for ri in (ri for ri in righe if ri.id_origine in esistenti):
        s = esistenti[ri.id_origine]
        s.ente = ente
        scartate = len(r.scartate)
        nuovi_eventi = _aggiorna(s, ri, categorie[normalizza(ri.categoria)], m, adesso, r)
        if nuovi_eventi is not None:
            cambiate.append(s)
            eventi += nuovi_eventi
        if len(r.scartate) == scartate and s.lat is None:
            r.senza_posizione += 1
        fatte += 1
        if progresso and (fatte % LOTTO == 0 or fatte == totale):
            progresso(fatte, totale)
    Segnalazione.objects.bulk_update(cambiate, CAMPI_AGGIORNABILI, batch_size=LOTTO)
    inserimento.inserisci(Evento, eventi)
    r.aggiornate += len(cambiate)
    if progresso and totale == 0:
        progresso(0, 0)


def _categorie(ente: Ente, nomi: set[str], r: Riepilogo) -> dict[str, Categoria]:
    """The ente's categories by normalised name (active ones first); missing ones are created,
    inactive, so the citizens' form changes only when an administrator says so."""
    tutte = list(Categoria.objects.filter(ente=ente).select_related("ufficio_predefinito")
                 .order_by("-attiva", "ordine", "pk"))
    per_nome: dict[str, Categoria] = {}
    for c in tutte:
        per_nome.setdefault(normalizza(c.nome), c)
    codici_usati = {c.codice for c in tutte}
    ordine = max((c.ordine for c in tutte), default=0)
    for nome in sorted(nomi):
        if normalizza(nome) in per_nome:
            continue
        ordine += 1
        codice = _codice_libero(slugify(nome)[:52] or "categoria", codici_usati)
        per_nome[normalizza(nome)] = Categoria.objects.create(
            ente=ente, codice=codice, nome=nome, attiva=False, ordine=ordine,
            descrizione=_("Creata dall'importazione da %(origine)s.") % {"origine": r.origine},
        )
        r.categorie_create.append(nome)
    return per_nome


def _codice_libero(base: str, usati: set[str]) -> str:
    codice, n = base, 1
    while codice in usati:
        n += 1
        codice = f"{base}-{n}"
    usati.add(codice)
    return codice


def _cella(ri: RigaImport) -> str:
    if ri.lat is None or ri.lon is None:
        return ""
    return h3.latlng_to_cell(ri.lat, ri.lon, settings.CIVICO["H3_RESOLUTION"])


def _ufficio(categoria: Categoria, ri: RigaImport, cella: str) -> Ufficio | None:
    if not cella:  # zone rules need a place: the category's office
        return categoria.ufficio_predefinito
    ufficio, _regola = routing.ufficio_competente(categoria, ri.lat, ri.lon, cella)
    return ufficio


def _chiusa_il(ri: RigaImport) -> datetime | None:
    # Only the source's own closing date: a terminal state without one keeps it empty (unknown),
    # so resolution times are computed from real dates only.
    return None if ri.stato in APERTI else ri.chiusa_il


def _provenienza(m: Mappatura, ri: RigaImport, versione: int) -> dict:
    """Kept (privately) to tell on a re-import whether Civico changed the report meanwhile."""
    return {"importazione": m.origine, "stato_origine": ri.stato_origine,
            "canale_origine": ri.canale_origine, "versione_importata": versione}


def _numeri(ente: Ente, anni: list[int]) -> dict[int, Iterator[int]]:
    """The next numbers of each year, reserved in one statement per year instead of one per report.

    The same counter row and the same statement as `codici.nuovo_numero`, by `n` instead of 1:
    its lock is held until the import commits, so intakes meanwhile queue and never share a number,
    and a rolled-back import gives its numbers back."""
    tabella = connection.ops.quote_name(ContatoreCodici._meta.db_table)
    sql = (f"INSERT INTO {tabella} (ente_id, anno, ultimo) VALUES (%s, %s, %s) "
           f"ON CONFLICT (ente_id, anno) DO UPDATE SET ultimo = {tabella}.ultimo + %s RETURNING ultimo")
    numeri = {}
    with connection.cursor() as cursore:
        for anno, quanti in sorted(Counter(anni).items()):
            cursore.execute(sql, [ente.pk, anno, quanti, quanti])
            (ultimo,) = cursore.fetchone()
            numeri[anno] = iter(range(ultimo - quanti + 1, ultimo + 1))
    return numeri


def _nuova(ente: Ente, m: Mappatura, ri: RigaImport, categoria: Categoria, fuso: ZoneInfo,
           memo: dict, numeri: dict[int, Iterator[int]]) -> tuple[dict, str]:
    """The new report's fields (the model's defaults fill the rest), and who acts for its office."""
    anno = ri.creata_il.astimezone(fuso).year
    numero = next(numeri[anno])
    codice = f"{ente.sigla}-{anno}-{numero:06d}"  # the format of codici.nuovo_numero
    cella = _cella(ri)
    ufficio = _ufficio(categoria, ri, cella)
    return {
        "ente_id": ente.pk, "codice": codice, "anno": anno, "numero": numero, "token": codici.nuovo_token(),
        "categoria_id": categoria.pk, "ufficio_id": ufficio.pk if ufficio else None, "stato": ri.stato,
        "titolo": ri.titolo, "descrizione": ri.descrizione, "lat": ri.lat, "lon": ri.lon,
        "indirizzo": ri.indirizzo, "cella_h3": cella, "canale": ri.canale,
        "pubblica": categoria.pubblica and ri.pubblica, "creata_il": ri.creata_il,
        "aggiornata_il": ri.chiusa_il or ri.creata_il, "chiusa_il": _chiusa_il(ri),
        "scadenza": _scadenza(categoria, ente, ri.creata_il.astimezone(fuso).date(), memo),
        "origine": m.origine, "id_origine": ri.id_origine, "dati_client": _provenienza(m, ri, 1),
        "categoria_nome": categoria.nome,  # not a column: for the "created" event
    }, ufficio.nome if ufficio else ente.nome


def _scadenza(categoria: Categoria, ente: Ente, giorno: date, memo: dict) -> date:
    """`sla.calcola_scadenza`, once per category and day: thousands of rows share a few hundred days."""
    chiave = (categoria.pk, giorno)
    if chiave not in memo:
        memo[chiave] = sla.aggiungi_giorni(giorno, categoria.giorni_risposta, ente,
                                           lavorativi=categoria.giorni_lavorativi)
    return memo[chiave]


def _evento(segnalazione_id: int, ente_id: int, tipo: str, quando: datetime, dati: dict, **campi) -> dict:
    """An `Evento` row, the same fields `eventi.registra` writes (attore empty: not a person here)."""
    return {"segnalazione_id": segnalazione_id, "ente_id": ente_id, "tipo": tipo,
            "visibilita": Visibilita.PUBBLICA, "dati": dati, "creato_il": quando, **campi}


def _cambio_di_stato(segnalazione_id: int, ente_id: int, chi: str, da: str, a: str, quando: datetime,
                     dati: dict) -> dict:
    # In the name of the office (or the comune), as staff act publicly: never a person.
    return _evento(segnalazione_id, ente_id, TipoEvento.STATE_CHANGED, quando, {"attore": "staff", **dati},
                   stato_da=da, stato_a=a, transizione=TRANSIZIONE_PER_STATO.get(a, ""), attore_pubblico=chi)


def _eventi_nuova(pk: int, campi: dict, chi: str, ri: RigaImport, m: Mappatura) -> list[dict]:
    origine = {"importazione": m.origine, "id_origine": ri.id_origine}
    eventi = [_evento(pk, campi["ente_id"], TipoEvento.CREATED, ri.creata_il,
                      {"attore": "segnalante", "canale": ri.canale, "categoria": campi["categoria_nome"],
                       **origine})]
    if ri.stato != Stato.SUBMITTED:
        dati = {**origine, "stato_origine": ri.stato_origine}
        if ri.chiusa_il is None:
            dati["data_stimata"] = True  # the source gives no date for this change: creation's
        eventi.append(_cambio_di_stato(pk, campi["ente_id"], chi, Stato.SUBMITTED, ri.stato,
                                       ri.chiusa_il or ri.creata_il, dati))
    return eventi


def _aggiorna(s: Segnalazione, ri: RigaImport, categoria: Categoria, m: Mappatura, adesso: datetime,
              r: Riepilogo) -> list[dict] | None:
    """Bring an already imported report up to date with a newer export: None when nothing changed
    (or it may not change), else the events to append."""
    cella = _cella(ri)
    voluti = {
        "stato": ri.stato, "chiusa_il": _chiusa_il(ri), "categoria_id": categoria.pk,
        "pubblica": categoria.pubblica and ri.pubblica, "titolo": ri.titolo, "descrizione": ri.descrizione,
        "lat": ri.lat, "lon": ri.lon, "indirizzo": ri.indirizzo, "canale": ri.canale,
    }
    diversi = {k: v for k, v in voluti.items() if getattr(s, k) != v}
    if s.creata_il != ri.creata_il:
        r.scarta(ri.riga, _("la data di creazione è diversa da quella già importata (%(d)s): non aggiornata")
                 % {"d": s.creata_il.astimezone(ri.creata_il.tzinfo).date().isoformat()})
        return None
    if not diversi:
        r.invariate += 1
        return None
    if s.dati_client.get("versione_importata") != s.versione:
        r.scarta(ri.riga, _("%(codice)s è stata modificata in Civico dopo l'importazione precedente: non aggiornata")
                 % {"codice": s.codice})
        return None
    origine = {"importazione": m.origine, "id_origine": ri.id_origine, "aggiornamento": True}
    eventi: list[dict] = []
    quando = adesso
    chi = s.ufficio.nome if s.ufficio else s.ente.nome
    if "categoria_id" in diversi:
        s.categoria = categoria
        eventi.append(_evento(s.pk, s.ente_id, TipoEvento.RECLASSIFIED, adesso,
                              {"attore": "sistema", "categoria": categoria.nome, **origine}))
    if "categoria_id" in diversi or "lat" in diversi or "lon" in diversi:
        s.cella_h3 = cella
        s.ufficio = _ufficio(categoria, ri, cella)
    if "stato" in diversi:
        quando = ri.chiusa_il if _chiusa_il(ri) else adesso
        eventi.append(_cambio_di_stato(s.pk, s.ente_id, chi, s.stato, ri.stato, quando,
                                       {**origine, "stato_origine": ri.stato_origine}))
    for campo, valore in diversi.items():
        if campo != "categoria_id":
            setattr(s, campo, valore)
    s.versione += 1
    s.aggiornata_il = max(s.aggiornata_il, quando, *(e["creato_il"] for e in eventi))
    s.dati_client = {**s.dati_client, **_provenienza(m, ri, s.versione)}
    return eventi
