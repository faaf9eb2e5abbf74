"""A report's workspace: what staff read and the actions they take, one click each."""

from __future__ import annotations

import shapely.geometry
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from civico.accounts.permissions import (
    Attore,
    chi_puo_lavorare,
    puo_lavorare,
    puo_vedere_contatti,
)
from civico.accounts.staff import staff_richiesto
from civico.backoffice import azioni, vicine
from civico.backoffice import scheda as servizio
from civico.catalogo.models import Categoria, Ufficio
from civico.comunicazioni.inbound.lettura_testo import luogo_a_parole
from civico.core import mappa
from civico.enti.models import Ente
from civico.errors import Conflict, DomainError, InvalidData, NotAllowed
from civico.segnalazioni import media
from civico.segnalazioni.models import Priorita, Segnalazione, TipoAllegato
from civico.segnalazioni.uffici import modelli_per
from civico.segnalazioni.workflow import transizioni_possibili
from civico.territorio import gazetteer
from civico.triage import servizi as triage
from civico.triage.models import SuggerimentoTriage

ESITO = "backoffice_esito"  # the last action's outcome, shown once by the workspace
SUGGERITA_DA = 0.05  # below this a suggestion is noise: the category stays in the full list only


def _carica(request: HttpRequest, codice: str) -> Segnalazione:
    s = servizio.carica(request.user, codice)
    if s is None:
        raise Http404("Segnalazione non trovata")
    return s


@staff_richiesto
def scheda(request: HttpRequest, codice: str) -> HttpResponse:
    s = _carica(request, codice)
    esito = request.session.pop(ESITO, None)
    return _pagina(request, s, esito=esito[1] if esito and esito[0] == s.codice else "",
                   modello=request.GET.get("modello", ""))


def _pagina(
    request: HttpRequest, s: Segnalazione, *, errore: DomainError | None = None, azione: str = "",
    dati: azioni.Dati | None = None, status: int = 200, esito: str = "", modello: str = "",
) -> HttpResponse:
    utente = request.user
    lavora = puo_lavorare(utente, s)
    foto, documenti = servizio.allegati(s)
    duplicati = vicine.possibili_duplicati(s, utente)
    intorno = vicine.vicine(s, Segnalazione.objects.visibili_a(utente),
                            escluse={d.segnalazione.pk for d in duplicati})
    modelli = modelli_per(s) if lavora else []
    scelto = next((m for m in modelli if str(m.pk) == modello), None)
    contesto = {
        "s": s,
        "lavora": lavora,
        "contatti": puo_vedere_contatti(utente, s),
        "transizioni": transizioni_possibili(s, Attore.staff(utente)) if lavora else [],
        "altre_azioni": azioni.ALTRE_AZIONI,
        "operatori": list(chi_puo_lavorare(s.ente_id, s.ufficio_id)) if lavora else [],
        "uffici": list(Ufficio.objects.filter(ente_id=s.ente_id, attivo=True).exclude(pk=s.ufficio_id))
        if lavora else [],
        "cronologia": servizio.cronologia(s),
        "risposte": servizio.risposte(s),
        "foto": foto,
        "documenti": documenti,
        "duplicati": duplicati,
        "vicine": intorno,
        "punti": _punti(s, duplicati, intorno),
        "tile_url": mappa.tile_url(),
        **(_da_localizzare(s) if lavora and s.da_localizzare else {}),
        "modelli": modelli,
        "modello_scelto": scelto,
        "priorita": Priorita.choices,
        **(_categorie_per_riclassifica(s) if lavora else {"categorie": [], "categorie_suggerite": []}),
        **_suggerimento_all_arrivo(s),
        "altri_comuni": list(Ente.objects.filter(attivo=True).exclude(pk=s.ente_id).only("nome", "sigla")
                             .order_by("nome")) if lavora else [],
        "esito": esito,
        "errore": errore,
        "azione_errata": azione,
        "dati": dati,
    }
    # htmx swaps only successful answers: an error page must arrive as 200 to be shown.
    return render(request, "backoffice/scheda/scheda.html", contesto, status=200 if request.htmx else status)


def _da_localizzare(s: Segnalazione) -> dict:
    """For a report whose place is only words: the gazetteer's addresses for those words, and
    where the map to click on opens (the first suggestion, else the comune's middle)."""
    parole = luogo_a_parole(s.indirizzo) or s.indirizzo  # "in fondo a via Dante" → "via Dante"
    suggeriti = gazetteer.cerca(s.ente, parole, limite=5) if parole else []
    if suggeriti:
        centro = [suggeriti[0].lat, suggeriti[0].lon]
    elif s.ente.confine:
        punto = shapely.geometry.shape(s.ente.confine).representative_point()
        centro = [punto.y, punto.x]
    else:
        centro = [41.9, 12.5]
    return {"luoghi_suggeriti": suggeriti, "centro_localizza": centro}


def _categorie_per_riclassifica(s: Segnalazione) -> dict[str, list]:
    """The categories a report may move to; those its words suggest (triage) first, with their
    percentage, and not listed twice."""
    suggerite = [
        (x.categoria, round(x.probabilita * 100))
        for x in triage.suggerisci(s.ente, f"{s.titolo}\n{s.descrizione}", quanti=4)
        if x.categoria.pk != s.categoria_id and x.probabilita >= SUGGERITA_DA
    ][:3]
    gia = {c.pk for c, _p in suggerite}
    altre = Categoria.objects.filter(ente_id=s.ente_id, attiva=True).exclude(pk=s.categoria_id)
    return {"categorie": [c for c in altre if c.pk not in gia], "categorie_suggerite": suggerite}


def _suggerimento_all_arrivo(s: Segnalazione) -> dict:
    """What triage suggested when the report arrived (staff only): the priority with its reasons,
    and for a category taken from the words below the comune's threshold, the top choices."""
    try:
        t = s.triage  # loaded with the report (scheda.carica)
    except SuggerimentoTriage.DoesNotExist:
        return {"triage": None, "scelte_triage": []}
    scelte = []
    if t.da_confermare:
        per_id = Categoria.objects.filter(ente_id=s.ente_id, attiva=True).in_bulk([i for i, _p in t.scelte])
        scelte = [(per_id[i], round(p * 100)) for i, p in t.scelte if i in per_id and i != s.categoria_id][:3]
    return {"triage": t, "scelte_triage": scelte}


def _punti(s: Segnalazione, *gruppi: list[vicine.Vicina]) -> list[dict]:
    """The map's markers: the report first, then its neighbours (none if it has no place)."""
    if s.lat is None or s.lon is None:
        return []
    punti = [{"codice": s.codice, "lat": s.lat, "lon": s.lon, "titolo": s.titolo, "questa": True}]
    for gruppo in gruppi:
        punti += [
            {"codice": v.segnalazione.codice, "lat": v.segnalazione.lat, "lon": v.segnalazione.lon,
             "titolo": v.segnalazione.titolo, "questa": False}
            for v in gruppo
        ]
    return punti


@require_POST
@staff_richiesto
def azione(request: HttpRequest, codice: str, nome: str) -> HttpResponse:
    s = _carica(request, codice)
    dati = azioni.Dati.da_richiesta(request.POST, request.FILES)
    try:
        messaggio = azioni.esegui(s, nome, request.user, dati)
    except DomainError as errore:
        s = _carica(request, codice)  # as it is now: the failed action changed nothing
        return _pagina(request, s, errore=errore, azione=nome, dati=dati, status=_stato(errore))
    # Shown inside the part of the page htmx swaps (the site's base shows messages outside it).
    request.session[ESITO] = (s.codice, messaggio)
    return redirect("backoffice:scheda", codice=s.codice)


def _stato(errore: DomainError) -> int:
    if isinstance(errore, Conflict):
        return 409
    if isinstance(errore, NotAllowed):
        return 403
    return 400 if isinstance(errore, InvalidData) else errore.status


@staff_richiesto
def allegato(request: HttpRequest, pk: int, miniatura: bool = False) -> HttpResponse:
    """Photos and documents for staff who may open the report: never from a public folder."""
    a = servizio.allegato_per_staff(request.user, pk)
    if a is None:
        raise Http404("Allegato non trovato")
    if a.in_elaborazione:  # not re-encoded yet: staff too get the placeholder, never the upload
        segnaposto = HttpResponse(media.segnaposto_in_elaborazione(), content_type="image/svg+xml")
        segnaposto["Cache-Control"] = "no-store"
        return segnaposto
    usa_miniatura = miniatura and bool(a.miniatura)
    f = a.miniatura if usa_miniatura else a.file
    documento = a.tipo == TipoAllegato.DOCUMENTO
    risposta = FileResponse(
        f.open("rb"), content_type="image/jpeg" if usa_miniatura else a.content_type,
        as_attachment=documento, filename=a.nome_originale or f.name.rsplit("/", 1)[-1],
    )
    risposta["Cache-Control"] = "private, max-age=3600"
    return risposta
