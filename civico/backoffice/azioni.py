"""What staff do to a report, from its workspace or from the inbox's bulk bar.

Each action is one call to the owning app's door (`workflow.transition`, `interazioni.*`,
`routing.reroute`); this module only turns a form's fields into that call and a short message.
The workspace posts the version it showed: under the row lock it must still be the current one,
or the action is refused with "Questa segnalazione è cambiata" instead of overwriting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civico.accounts.models import Utente
from civico.accounts.permissions import Attore
from civico.catalogo.models import Categoria, Ufficio
from civico.enti.models import Ente
from civico.errors import Conflict, InvalidData
from civico.segnalazioni import attesa, interazioni, interventi, protocollo, routing, sla, workflow
from civico.segnalazioni.models import Intervento, Segnalazione
from civico.segnalazioni.workflow import TRANSIZIONI
from civico.testo import MAX_DESCRIZIONE, valida_testo

MSG_CAMBIATA = gettext_lazy("Questa segnalazione è cambiata: ricarica la pagina.")
# Actions besides the state transitions (whose names and labels come from the workflow).
ALTRE_AZIONI = {
    "assegna": gettext_lazy("Assegna"),
    "sposta": gettext_lazy("Cambia ufficio"),
    "rispondi": gettext_lazy("Risposta pubblica"),
    "rispondi_segnalante": gettext_lazy("Risposta solo al segnalante"),
    "annota": gettext_lazy("Nota interna"),
    "richiedi_informazioni": gettext_lazy("Chiedi informazioni al segnalante"),
    "priorita": gettext_lazy("Cambia priorità"),
    "scadenza": gettext_lazy("Imposta la data prevista"),
    "protocollo": gettext_lazy("Registra il protocollo"),
    "riclassifica": gettext_lazy("Cambia categoria"),
    "inoltra": gettext_lazy("Inoltra a un altro comune"),
    "intervento": gettext_lazy("Aggiungi a un intervento"),
    "localizza": gettext_lazy("Posiziona sulla mappa"),
}
# Actions a bulk selection may not do: each needs a look at the single report.
SOLO_SINGOLE = frozenset({"scadenza", "protocollo", "inoltra", "riclassifica", "localizza"})
MAX_IN_BLOCCO = 500


def nomi_azioni() -> set[str]:
    return set(TRANSIZIONI) | set(ALTRE_AZIONI)


def etichetta(nome: str) -> str:
    return str(TRANSIZIONI[nome].etichetta if nome in TRANSIZIONI else ALTRE_AZIONI.get(nome, nome))


@dataclass
class Dati:
    """The fields an action form may send."""

    testo: str = ""
    versione: int | None = None
    assegnatario: str = ""  # a user id; empty or "nessuno" for nobody
    ufficio: str = ""
    duplicato_di: str = ""
    foto: Any = None  # an uploaded file (closing photo)
    priorita: str = ""
    scadenza: str = ""  # YYYY-MM-DD
    numero_protocollo: str = ""
    categoria: str = ""
    ente: str = ""  # the comune to forward to, by its sigla
    ente_competente: str = ""  # "non di competenza": who is competent, in words
    intervento: str = ""  # a work order id
    lat: str = ""  # the point an operator gives a report to be located
    lon: str = ""

    @classmethod
    def da_richiesta(cls, post: QueryDict, files: MultiValueDict | None = None) -> Dati:
        versione = post.get("versione", "")
        return cls(
            testo=post.get("testo", ""),
            versione=int(versione) if versione.isdigit() else None,
            assegnatario=post.get("assegnatario", "").strip(),
            ufficio=post.get("ufficio", "").strip(),
            duplicato_di=post.get("duplicato_di", "").strip().upper(),
            foto=(files or {}).get("foto"),
            priorita=post.get("priorita", "").strip(),
            scadenza=post.get("scadenza", "").strip(),
            numero_protocollo=post.get("numero_protocollo", ""),
            categoria=post.get("categoria", "").strip(),
            ente=post.get("ente", "").strip(),
            ente_competente=post.get("ente_competente", "").strip(),
            intervento=post.get("intervento", "").strip(),
            lat=post.get("lat", "").strip().replace(",", "."),
            lon=post.get("lon", "").strip().replace(",", "."),
        )


def esegui(s: Segnalazione, nome: str, utente: Utente, dati: Dati, *, controlla_versione: bool = True) -> str:
    """Do one action on one report; return what to tell the person. Raises `DomainError`."""
    if nome not in nomi_azioni():
        raise InvalidData({"azione": [_("Operazione sconosciuta: «%(nome)s».") % {"nome": nome}]})
    if controlla_versione and dati.versione is None:
        raise Conflict(MSG_CAMBIATA, code="stale")
    with transaction.atomic():
        attuale = Segnalazione.objects.select_for_update().get(pk=s.pk)
        if controlla_versione and attuale.versione != dati.versione:
            raise Conflict(MSG_CAMBIATA, code="stale")
        return _fai(attuale, nome, Attore.staff(utente), dati)


def _fai(s: Segnalazione, nome: str, attore: Attore, dati: Dati) -> str:
    if nome in TRANSIZIONI:
        originale = _originale(s, dati.duplicato_di) if nome == "mark_duplicate" else None
        testo = dati.testo
        if nome == "reject" and dati.ente_competente and testo.strip():  # the reason stays required
            testo = _("Non di competenza: è competente %(chi)s. %(motivo)s") % {
                "chi": dati.ente_competente[:200], "motivo": testo.strip()}
        s = workflow.transition(s, nome, attore, testo=testo, duplicato_di=originale)
        if nome == "resolve" and dati.foto:
            interazioni.aggiungi_allegato(s, attore, dati.foto.name, dati.foto)
        return _("Fatto: ora la segnalazione è «%(stato)s».") % {"stato": s.get_stato_display()}
    if nome == "assegna":
        operatore = _operatore(dati.assegnatario)
        interazioni.assegna(s, attore, operatore)
        if operatore is None:
            return _("La segnalazione non è più assegnata a nessuno.")
        return _("Assegnata a %(nome)s.") % {"nome": nome_persona(operatore)}
    if nome == "localizza":
        s = interazioni.localizza(s, attore, dati.lat, dati.lon)
        return _("Posizionata sulla mappa: %(indirizzo)s.") % {"indirizzo": s.indirizzo or "—"}
    if nome == "sposta":
        ufficio = _ufficio(s.ente_id, dati.ufficio)
        routing.reroute(s, ufficio, attore, motivo=dati.testo)
        return _("Spostata all'ufficio %(ufficio)s.") % {"ufficio": ufficio.nome}
    if nome == "rispondi":
        interazioni.rispondi(s, attore, dati.testo)
        return _("Risposta pubblicata.")
    if nome == "rispondi_segnalante":
        interazioni.rispondi(s, attore, dati.testo, solo_al_segnalante=True)
        return _("Risposta inviata al segnalante (non è pubblica).")
    if nome == "richiedi_informazioni":
        attesa.richiedi_informazioni(s, attore, dati.testo)
        return _("Domanda inviata al segnalante: i tempi sono sospesi finché non risponde.")
    if nome == "priorita":
        s = sla.imposta_priorita(s, attore, dati.priorita)
        return _("Priorità: %(p)s.") % {"p": s.get_priorita_display()}
    if nome == "scadenza":
        s = sla.imposta_data_prevista(s, attore, _data(dati.scadenza), dati.testo)
        return _("Data prevista impostata.")
    if nome == "protocollo":
        s = protocollo.registra_protocollo(s, attore, dati.numero_protocollo)
        return _("Protocollo registrato: %(n)s.") % {"n": s.numero_protocollo}
    if nome == "riclassifica":
        s = routing.riclassifica(s, _categoria(s.ente_id, dati.categoria), attore, motivo=dati.testo)
        return _("Categoria cambiata in %(c)s.") % {"c": s.categoria.nome}
    if nome == "intervento":
        lavoro = _intervento(s.ente_id, dati.intervento)
        interventi.aggiungi(lavoro, attore, [s])
        return _("Aggiunta all'intervento «%(titolo)s».") % {"titolo": lavoro.titolo}
    if nome == "inoltra":
        nuova = routing.inoltra(s, _ente(dati.ente), attore, motivo=dati.testo)
        return _("Inoltrata al Comune di %(ente)s: nuovo codice %(codice)s.") % {
            "ente": nuova.ente.nome, "codice": nuova.codice}
    interazioni.annota(s, attore, dati.testo)
    return _("Nota interna aggiunta.")


def _originale(s: Segnalazione, codice: str) -> Segnalazione:
    if not codice:
        raise InvalidData({"duplicato_di": [_("Indica il codice della segnalazione originale.")]})
    originale = Segnalazione.objects.filter(ente_id=s.ente_id, codice=codice).first()
    if originale is None:
        raise InvalidData(
            {"duplicato_di": [_("Non c'è una segnalazione «%(codice)s» in questo comune.") % {"codice": codice}]}
        )
    return originale


def _data(valore: str) -> date:
    try:
        return date.fromisoformat(valore)
    except ValueError:
        raise InvalidData({"scadenza": [_("Indica una data valida (gg/mm/aaaa).")]}) from None


def _categoria(ente_id: int, valore: str) -> Categoria:
    categoria = Categoria.objects.filter(pk=int(valore), ente_id=ente_id).first() if valore.isdigit() else None
    if categoria is None:
        raise InvalidData({"categoria": [_("Scegli la nuova categoria dall'elenco.")]})
    return categoria


def _intervento(ente_id: int, valore: str) -> Intervento:
    lavoro = Intervento.objects.filter(pk=int(valore), ente_id=ente_id).first() if valore.isdigit() else None
    if lavoro is None:
        raise InvalidData({"intervento": [_("Scegli un intervento aperto di questo comune.")]})
    return lavoro


def _ente(valore: str) -> Ente:
    ente = Ente.objects.filter(attivo=True, sigla__iexact=valore).first() if valore else None
    if ente is None:
        raise InvalidData({"ente": [_("Scegli il comune a cui inoltrarla.")]})
    return ente


def _operatore(valore: str) -> Utente | None:
    if valore in ("", "nessuno"):
        return None
    operatore = Utente.objects.filter(pk=int(valore), is_active=True).first() if valore.isdigit() else None
    if operatore is None:
        raise InvalidData({"assegnatario": [_("Scegli una persona dall'elenco.")]})
    return operatore


def _ufficio(ente_id: int, valore: str) -> Ufficio:
    ufficio = Ufficio.objects.filter(pk=int(valore), ente_id=ente_id).first() if valore.isdigit() else None
    if ufficio is None:
        raise InvalidData({"ufficio": [_("Scegli l'ufficio di destinazione.")]})
    return ufficio


def nome_persona(utente: Utente | None) -> str:
    if utente is None:
        return ""
    return utente.get_full_name() or utente.get_username()


# --- Bulk ---------------------------------------------------------------------------------------


def verifica_blocco(nome: str, dati: Dati, codici: list[str]) -> None:
    """Mistakes that would refuse every report alike are reported once, before doing anything
    (the bulk actions themselves run in the background: backoffice.blocco)."""
    if not codici:
        raise InvalidData({"codici": [_("Seleziona almeno una segnalazione.")]})
    if len(codici) > MAX_IN_BLOCCO:
        raise InvalidData({"codici": [_("Al massimo %(n)d segnalazioni alla volta.") % {"n": MAX_IN_BLOCCO}]})
    if nome not in nomi_azioni() or nome in SOLO_SINGOLE:
        raise InvalidData({"azione": [_("Scegli un'operazione.")]})
    errori: dict = {}
    obbligatorio = nome in ("sposta", "rispondi", "rispondi_segnalante", "annota", "richiedi_informazioni") or (
        nome in TRANSIZIONI and TRANSIZIONI[nome].testo_obbligatorio
    )
    if obbligatorio and not dati.testo.strip():
        errori["testo"] = [_("Per «%(op)s» scrivi il messaggio o il motivo.") % {"op": etichetta(nome)}]
    valida_testo(dati.testo, "testo", MAX_DESCRIZIONE, errori)
    if nome == "assegna" and not dati.assegnatario:  # in bulk, removing assignments must be chosen
        errori.setdefault("assegnatario", []).append(
            _("Scegli l'operatore, oppure «Nessuno» per togliere l'assegnazione.")
        )
    if nome == "sposta" and not dati.ufficio:
        errori.setdefault("ufficio", []).append(_("Scegli l'ufficio di destinazione."))
    if nome == "intervento" and not dati.intervento:
        errori.setdefault("intervento", []).append(_("Scegli l'intervento."))
    if nome == "mark_duplicate" and not dati.duplicato_di:
        errori.setdefault("duplicato_di", []).append(_("Indica il codice della segnalazione originale."))
    if errori:
        raise InvalidData(errori)
