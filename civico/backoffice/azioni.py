"""What staff do to a report, from its workspace or from the inbox's bulk bar.

Each action is one call to the owning app's door (`workflow.transition`, `interazioni.*`,
`routing.reroute`); this module only turns a form's fields into that call and a short message.
The workspace posts the version it showed: under the row lock it must still be the current one,
or the action is refused with "Questa segnalazione è cambiata" instead of overwriting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civico.accounts.models import Utente
from civico.accounts.permissions import Attore, filtro_visibili
from civico.catalogo.models import Ufficio
from civico.errors import Conflict, DomainError, InvalidData
from civico.segnalazioni import interazioni, routing, workflow
from civico.segnalazioni.intake import MAX_DESCRIZIONE, valida_testo
from civico.segnalazioni.models import Segnalazione
from civico.segnalazioni.workflow import TRANSIZIONI

MSG_CAMBIATA = gettext_lazy("Questa segnalazione è cambiata: ricarica la pagina.")
# Actions besides the state transitions (whose names and labels come from the workflow).
ALTRE_AZIONI = {
    "assegna": gettext_lazy("Assegna"),
    "sposta": gettext_lazy("Cambia ufficio"),
    "rispondi": gettext_lazy("Risposta pubblica"),
    "rispondi_segnalante": gettext_lazy("Risposta solo al segnalante"),
    "annota": gettext_lazy("Nota interna"),
}
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
        s = workflow.transition(s, nome, attore, testo=dati.testo, duplicato_di=originale)
        if nome == "resolve" and dati.foto:
            interazioni.aggiungi_allegato(s, attore, dati.foto.name, dati.foto)
        return _("Fatto: ora la segnalazione è «%(stato)s».") % {"stato": s.get_stato_display()}
    if nome == "assegna":
        operatore = _operatore(dati.assegnatario)
        interazioni.assegna(s, attore, operatore)
        if operatore is None:
            return _("La segnalazione non è più assegnata a nessuno.")
        return _("Assegnata a %(nome)s.") % {"nome": nome_persona(operatore)}
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


@dataclass
class EsitoBlocco:
    riuscite: list[str] = field(default_factory=list)
    rifiutate: list[tuple[str, str]] = field(default_factory=list)  # (code, reason)


def in_blocco(utente: Utente, codici: list[str], nome: str, dati: Dati) -> EsitoBlocco:
    """The same action on many reports, each through the same door as a single click.

    Bulk acts on each report as it is now (no version): the services still refuse what the state
    or the person's role does not allow, and each refusal is reported with its reason.
    """
    _verifica_blocco(nome, dati, codici)
    codici = list(dict.fromkeys(c.strip().upper() for c in codici if c.strip()))
    trovate = {
        s.codice: s for s in Segnalazione.objects.filter(filtro_visibili(utente), codice__in=codici)
    }
    esito = EsitoBlocco()
    for codice in codici:
        s = trovate.get(codice)
        if s is None:
            esito.rifiutate.append((codice, _("Segnalazione non trovata tra quelle che puoi vedere.")))
            continue
        try:
            esegui(s, nome, utente, dati, controlla_versione=False)
        except DomainError as errore:
            esito.rifiutate.append((codice, str(errore)))
        else:
            esito.riuscite.append(codice)
    return esito


def _verifica_blocco(nome: str, dati: Dati, codici: list[str]) -> None:
    """Mistakes that would refuse every report alike are reported once, before doing anything."""
    if not codici:
        raise InvalidData({"codici": [_("Seleziona almeno una segnalazione.")]})
    if len(codici) > MAX_IN_BLOCCO:
        raise InvalidData({"codici": [_("Al massimo %(n)d segnalazioni alla volta.") % {"n": MAX_IN_BLOCCO}]})
    if nome not in nomi_azioni():
        raise InvalidData({"azione": [_("Scegli un'operazione.")]})
    errori: dict = {}
    obbligatorio = nome in ("sposta", "rispondi", "rispondi_segnalante", "annota") or (
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
    if nome == "mark_duplicate" and not dati.duplicato_di:
        errori.setdefault("duplicato_di", []).append(_("Indica il codice della segnalazione originale."))
    if errori:
        raise InvalidData(errori)
