"""Reading one report for its backoffice workspace: the report, its whole timeline, its files."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from civico.accounts.models import Utente
from civico.accounts.permissions import puo_vedere
from civico.backoffice.azioni import nome_persona
from civico.segnalazioni import eventi
from civico.segnalazioni.models import Allegato, Evento, Segnalazione, TipoAllegato, TipoEvento, Visibilita

# How staff read each visibility on the timeline.
ETICHETTE_VISIBILITA = {
    Visibilita.PUBBLICA: _("Pubblica"),
    Visibilita.SEGNALANTE: _("Solo al segnalante"),
    Visibilita.INTERNA: _("Interna"),
}


def carica(utente: Utente, codice: str) -> Segnalazione | None:
    """The report by code, if this person may open it (else None: it does not exist for them)."""
    return (
        Segnalazione.objects.visibili_a(utente).filter(codice=codice.strip().upper())
        .select_related("ente", "categoria", "ufficio", "assegnatario", "duplicato_di", "segnalante", "triage",
                        "bene_segnalato__bene__tipo")  # the asset and its history (civico.patrimonio)
        .defer("ente__confine")  # the comune's boundary is large and not needed here
        .first()
    )


@dataclass(frozen=True)
class Voce:
    evento: Evento
    testo: str
    chi: str  # the person, as staff see it
    come: str  # how the public saw the actor ("Ufficio Verde pubblico")
    visibilita: str


def cronologia(s: Segnalazione) -> list[Voce]:
    """Every event, oldest first, with who did it: staff see the internal timeline whole."""
    elenco = list(s.eventi.select_related("attore").order_by("creato_il", "id"))
    assegnati = {e.dati.get("assegnatario_id") for e in elenco if e.tipo == TipoEvento.ASSIGNED} - {None}
    nomi = {u.pk: nome_persona(u) for u in Utente.objects.filter(pk__in=assegnati)} if assegnati else {}
    voci = []
    for e in elenco:
        testo = eventi.descrizione(e)
        if e.tipo == TipoEvento.ASSIGNED and e.dati.get("assegnatario_id") is None:
            testo = _("Assegnazione tolta.")
        elif e.tipo == TipoEvento.ASSIGNED and e.dati["assegnatario_id"] in nomi:
            testo = _("Assegnata a %(nome)s.") % {"nome": nomi[e.dati["assegnatario_id"]]}
        elif e.tipo == TipoEvento.REROUTED and e.dati.get("da_ufficio"):
            testo = _("Spostata da %(da)s a %(a)s.") % {"da": e.dati["da_ufficio"], "a": e.dati.get("ufficio", "—")}
        chi = nome_persona(e.attore) if e.attore else eventi.chi(e)
        voci.append(Voce(e, str(testo), chi, e.attore_pubblico, str(ETICHETTE_VISIBILITA[e.visibilita])))
    return voci


def allegati(s: Segnalazione) -> tuple[list[Allegato], list[Allegato]]:
    """(photos, documents)."""
    tutti = list(s.allegati.order_by("id"))
    return [a for a in tutti if a.tipo == TipoAllegato.FOTO], [a for a in tutti if a.tipo != TipoAllegato.FOTO]


def allegato_per_staff(utente: Utente, pk: int) -> Allegato | None:
    """A photo or document of a report this person may open."""
    a = Allegato.objects.select_related("segnalazione").filter(pk=pk).first()
    return a if a is not None and puo_vedere(utente, a.segnalazione) else None


def risposte(s: Segnalazione) -> list[tuple[str, str]]:
    """The answers to the category's extra questions, as (question, answer) sentences."""
    if not s.risposte:
        return []
    domande = {d.codice: d for d in s.categoria.domande.all()}
    leggibili = []
    for codice, valore in s.risposte.items():
        domanda = domande.get(codice)
        nomi = {str(v["key"]): v["name"] for v in domanda.valori} if domanda else {}
        valori = valore if isinstance(valore, list) else [valore]
        leggibili.append((domanda.testo if domanda else codice, ", ".join(nomi.get(str(v), str(v)) for v in valori)))
    return leggibili
