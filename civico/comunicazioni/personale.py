"""What staff are told about their work, as each of them chose (`PreferenzaPersonale`).

Kinds: a new report in my office(s), a report assigned to me, the reporter wrote, the reporter
reopened, overdue reports, letters to the mayor. Each person picks, per kind: at once (one e-mail
per person per event, through the outbox), in the daily digest (one e-mail per person per day
listing the items), or never. Overdue reports are never one e-mail each: they always wait for
the day's summary (`invia_riepiloghi`), which `controlla_scadenze` sends right after escalating,
so a first run on a comune with a thousand late reports sends one summary per recipient.

The outbox calls `su_evento` inside the transaction that appends the event; `sindaco.scrivi` calls
`su_messaggio_sindaco`. Digest items are rows (`ElementoPersonale`) keyed on person and occurrence;
the digest's delivery key names the person and the day, so a second run the same day sends nothing.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from civico.accounts.models import Utente
from civico.accounts.permissions import RUOLI_UFFICIO_SINDACO, chi_puo_lavorare
from civico.comunicazioni.destinatari import Destinatario
from civico.comunicazioni.impostazioni import url_assoluto
from civico.comunicazioni.messaggi import componi
from civico.comunicazioni.models import (
    ElementoPersonale,
    MessaggioSindaco,
    ModoAvviso,
    Notifica,
    PreferenzaPersonale,
)
from civico.comunicazioni.models import TipoAvvisoPersonale as Tipo
from civico.enti.models import Ente
from civico.segnalazioni.models import Evento, Segnalazione, TipoEvento

PREDEFINITI: dict[str, str] = {
    Tipo.NUOVA: ModoAvviso.RIEPILOGO,
    Tipo.ASSEGNATA: ModoAvviso.SUBITO,
    Tipo.RISPOSTA: ModoAvviso.SUBITO,
    Tipo.RIAPERTA: ModoAvviso.SUBITO,
    Tipo.RITARDO: ModoAvviso.RIEPILOGO,
    Tipo.SINDACO: ModoAvviso.SUBITO,
}
# Overdue reports are summarised, never sent one by one: "at once" is not offered for them.
MODI_AMMESSI: dict[str, tuple[str, ...]] = {
    t: ((ModoAvviso.RIEPILOGO, ModoAvviso.MAI) if t == Tipo.RITARDO else tuple(ModoAvviso.values)) for t in Tipo.values
}


# --- Preferences ---------------------------------------------------------------------------------


def modi(utente: Utente) -> dict[str, str]:
    """Every kind with this person's choice (the default where they chose nothing)."""
    scelti = dict(PreferenzaPersonale.objects.filter(utente=utente).values_list("tipo", "modo"))
    return {t: scelti.get(t, PREDEFINITI[t]) for t in Tipo.values}


def salva_modi(utente: Utente, scelte: dict[str, str]) -> dict[str, str]:
    """Store the choices a form sent; an unknown kind or a mode not offered for it is refused."""
    from civico.errors import InvalidData

    errori = {f"modo_{t}": [_("Scegli quando ricevere questi avvisi.")]
              for t in Tipo.values if scelte.get(t) not in MODI_AMMESSI[t]}
    if errori:
        raise InvalidData(errori)
    with transaction.atomic():
        for t in Tipo.values:
            PreferenzaPersonale.objects.update_or_create(utente=utente, tipo=t, defaults={"modo": scelte[t]})
    return modi(utente)


def _modi_di(utenti: Iterable[Utente], tipo: str) -> dict[int, str]:
    ids = [u.pk for u in utenti]
    scelti = dict(PreferenzaPersonale.objects.filter(utente_id__in=ids, tipo=tipo).values_list("utente_id", "modo"))
    return {pk: scelti.get(pk, PREDEFINITI[tipo]) for pk in ids}


# --- Who is told of what --------------------------------------------------------------------------


def persone_dell_ufficio(s: Segnalazione) -> list[Utente]:
    """The people working the report's office: its staff and the whole ente's (the assignable ones)."""
    return list(chi_puo_lavorare(s.ente_id, s.ufficio_id))


def ufficio_del_sindaco(ente: Ente) -> list[Utente]:
    return list(Utente.objects.filter(is_active=True, incarichi__ente=ente,
                                      incarichi__ruolo__in=RUOLI_UFFICIO_SINDACO).distinct())


def tipo_per_evento(evento: Evento) -> str | None:
    if evento.tipo == TipoEvento.CREATED:
        return Tipo.NUOVA
    if evento.tipo == TipoEvento.ASSIGNED:
        return Tipo.ASSEGNATA
    if evento.tipo == TipoEvento.ESCALATED:
        return Tipo.RITARDO
    if evento.dati.get("attore") == "segnalante" and evento.visibilita != "internal":
        if evento.transizione == "reopen":
            return Tipo.RIAPERTA
        if evento.tipo == TipoEvento.COMMENT:
            return Tipo.RISPOSTA
    return None


def _destinatari(evento: Evento, s: Segnalazione, tipo: str) -> list[Utente]:
    autore = evento.attore_id
    if tipo == Tipo.NUOVA:
        persone = persone_dell_ufficio(s)
    elif tipo == Tipo.ASSEGNATA:
        persone = [s.assegnatario] if s.assegnatario_id else []
    elif tipo == Tipo.RITARDO:
        ids = evento.dati.get("utenti") or []
        persone = list(Utente.objects.filter(pk__in=ids, is_active=True))
    else:  # the reporter wrote or reopened: whoever is assigned, else the office
        persone = [s.assegnatario] if s.assegnatario_id else persone_dell_ufficio(s)
    # Nobody is told what they just did themselves.
    return [p for p in persone if p is not None and p.is_active and p.pk != autore]


def su_evento(evento: Evento, s: Segnalazione) -> list[Notifica]:
    """Rows to send now for this event; digest items are stored straight away."""
    tipo = tipo_per_evento(evento)
    if tipo is None:
        return []
    persone = _destinatari(evento, s, tipo)
    per_persona = _modi_di(persone, tipo)
    righe: list[Notifica] = []
    elementi: list[ElementoPersonale] = []
    testo = _riassunto(evento, s, tipo)
    for p in persone:
        modo = per_persona[p.pk]
        if modo == ModoAvviso.MAI:
            continue
        if modo == ModoAvviso.RIEPILOGO or tipo == Tipo.RITARDO:
            elementi.append(_elemento(tipo, s.ente, evento.creato_il, utente=p, segnalazione=s,
                                      chiave=f"{tipo}:{evento.pk}:u{p.pk}", testo=testo))
        elif (lotto := _lotto.get()) is not None:  # a bulk action: one e-mail at its end, not one each
            elementi.append(_elemento(tipo, s.ente, evento.creato_il, utente=p, segnalazione=s,
                                      chiave=f"{tipo}:{evento.pk}:u{p.pk}", testo=testo, lotto=lotto))
        else:
            righe += _subito(evento, s, tipo, p)
    if tipo == Tipo.RITARDO:
        # An office with no manager to tell is told at its own mailbox (solleciti.responsabili).
        for indirizzo in evento.dati.get("caselle") or []:
            elementi.append(_elemento(tipo, s.ente, evento.creato_il, email=indirizzo, segnalazione=s,
                                      chiave=f"{tipo}:{evento.pk}:{indirizzo.lower()}", testo=testo))
    _in_riepilogo(elementi)
    return righe


def _riassunto(evento: Evento, s: Segnalazione, tipo: str) -> str:
    if tipo == Tipo.RITARDO and s.scadenza and evento.dati.get("livello") == 2:
        return _("ancora in ritardo: scadenza %(data)s") % {"data": s.scadenza.strftime("%d/%m/%Y")}
    if tipo == Tipo.RITARDO and s.scadenza:
        return _("scadenza %(data)s") % {"data": s.scadenza.strftime("%d/%m/%Y")}
    return (evento.testo or s.indirizzo or "")[:300]


def _elemento(tipo: str, ente: Ente, quando: datetime, *, chiave: str, utente: Utente | None = None,
              email: str = "", segnalazione: Segnalazione | None = None,
              messaggio: MessaggioSindaco | None = None, testo: str = "", lotto: str = "") -> ElementoPersonale:
    return ElementoPersonale(chiave=chiave[:200], utente=utente, email=email, ente=ente, tipo=tipo,
                             segnalazione=segnalazione, messaggio_sindaco=messaggio, testo=testo[:300],
                             creato_il=quando, lotto=lotto)


# --- Bulk actions: their immediate notices together ---------------------------------------------

_lotto: contextvars.ContextVar[str | None] = contextvars.ContextVar("civico_personale_lotto", default=None)


@contextlib.contextmanager
def un_messaggio_per_persona(lotto: str) -> Iterator[None]:
    """Within this block (a bulk action of 500 assignments), the notices each person chose to get
    at once are stored, in the transaction of each report, and sent by `invia_lotto(lotto)` as one
    e-mail per person: nothing is lost if the worker dies midway (a retried job sends them)."""
    segno = _lotto.set(lotto[:60])
    try:
        yield
    finally:
        _lotto.reset(segno)


def invia_lotto(lotto: str) -> int:
    """One e-mail per person for the bulk action's notices; idempotent (the key names the batch)."""
    from civico.comunicazioni.consegna import accoda_dopo_il_commit
    from civico.comunicazioni.outbox import Origine, righe_per, salva

    per_chi: dict[int, list[ElementoPersonale]] = defaultdict(list)
    for e in ElementoPersonale.objects.filter(lotto=lotto[:60], inviato=False).select_related(
            "ente", "segnalazione__ufficio", "utente__preferenze").order_by("id"):
        per_chi[e.utente_id].append(e)
    inviati = 0
    for utente_id, elementi in per_chi.items():
        primo = elementi[0]
        contesto = {"ente": primo.ente, "sezioni": _sezioni(elementi), "ritardi": False,
                    "preferenze": url_assoluto(_url_preferenze()), "n": len(elementi)}
        oggetto = _oggetto_lotto(elementi)
        with transaction.atomic():
            righe = salva(righe_per(Destinatario(utente=primo.utente), primo.ente,
                                    Origine(f"personale:lotto:{lotto}:{utente_id}", "personale"),
                                    lambda lingua, c=contesto, o=oggetto: componi(
                                        "personale_riepilogo", c, lingua, oggetto=o, breve=o), solo_email=True))
            ElementoPersonale.objects.filter(pk__in=[e.pk for e in elementi]).update(
                inviato=True, notifica=righe[0] if righe else None)
            accoda_dopo_il_commit([n.pk for n in righe])
        inviati += bool(righe)
    return inviati


def _oggetto_lotto(elementi: list[ElementoPersonale]):
    n, tipo = len(elementi), elementi[0].tipo

    def oggetto() -> str:  # called inside the recipient's language
        if n == 1 and elementi[0].segnalazione_id:
            return _oggetto(tipo, elementi[0].segnalazione)
        if all(e.tipo == Tipo.ASSEGNATA for e in elementi):
            return _("%(n)d segnalazioni assegnate a te") % {"n": n}
        return _("Il riepilogo del giorno: %(n)d novità") % {"n": n}

    return oggetto


def _in_riepilogo(elementi: list[ElementoPersonale]) -> None:
    """One INSERT for all of them; the same occurrence twice (same key) is simply skipped."""
    if elementi:
        ElementoPersonale.objects.bulk_create(elementi, ignore_conflicts=True)


def link_scheda(s: Segnalazione) -> str:
    try:
        return url_assoluto(reverse("backoffice:scheda", args=[s.codice]))
    except NoReverseMatch:
        return url_assoluto("/backoffice/")


def _oggetto(tipo: str, s: Segnalazione) -> str:
    testi = {
        Tipo.NUOVA: _("Nuova segnalazione %(codice)s nel tuo ufficio"),
        Tipo.ASSEGNATA: _("Segnalazione %(codice)s assegnata a te"),
        Tipo.RISPOSTA: _("Messaggio del segnalante sulla segnalazione %(codice)s"),
        Tipo.RIAPERTA: _("Segnalazione %(codice)s riaperta dal segnalante"),
    }
    return testi[tipo] % {"codice": s.codice}


def _subito(evento: Evento, s: Segnalazione, tipo: str, p: Utente) -> list[Notifica]:
    from civico.comunicazioni.outbox import Origine, righe_per

    contesto = {"ente": s.ente, "s": s, "tipo": tipo, "link": link_scheda(s), "testo": evento.testo,
                "preferenze": url_assoluto(_url_preferenze())}
    origine = Origine(f"personale:{tipo}:{evento.pk}:{p.pk}", "personale", s, evento)
    return righe_per(Destinatario(utente=p), s.ente, origine, lambda lingua: componi(
        "personale", contesto, lingua, oggetto=lambda: _oggetto(tipo, s),
        breve=lambda: _oggetto(tipo, s)), solo_email=True)


def _url_preferenze() -> str:
    try:
        return reverse("comunicazioni:staff_preferenze")
    except NoReverseMatch:
        return "/backoffice/"


def su_messaggio_sindaco(m: MessaggioSindaco) -> list[Notifica]:
    """A letter to the mayor: its office, each as they chose."""
    from civico.comunicazioni.outbox import Origine, righe_per

    persone = ufficio_del_sindaco(m.ente)
    per_persona = _modi_di(persone, Tipo.SINDACO)
    righe: list[Notifica] = []
    contesto = {"ente": m.ente, "m": m, "tipo": Tipo.SINDACO, "link": url_assoluto(_url_sindaco()),
                "testo": m.testo[:1000], "preferenze": url_assoluto(_url_preferenze())}
    for p in persone:
        modo = per_persona[p.pk]
        if modo == ModoAvviso.RIEPILOGO:
            _in_riepilogo([_elemento(Tipo.SINDACO, m.ente, m.creato_il, utente=p, messaggio=m,
                                     chiave=f"sindaco:{m.pk}:u{p.pk}", testo=m.testo[:300])])
        elif modo == ModoAvviso.SUBITO:
            righe += righe_per(Destinatario(utente=p), m.ente, Origine(f"personale:sindaco:{m.pk}:{p.pk}", "personale"),
                               lambda lingua: componi("personale", contesto, lingua,
                                                      oggetto=lambda: _("Nuovo messaggio al sindaco"),
                                                      breve=lambda: _("Nuovo messaggio al sindaco")),
                               solo_email=True)
    return righe


def _url_sindaco() -> str:
    try:
        return reverse("comunicazioni:staff_sindaco")
    except NoReverseMatch:
        return "/backoffice/"


# --- The daily digests -----------------------------------------------------------------------------


def invia_riepiloghi(quando: datetime | None = None, *, solo_ritardi: bool = False) -> int:
    """One e-mail per person (or office mailbox) with everything waiting: the daily digest, or
    with `solo_ritardi` the overdue summary `controlla_scadenze` sends after escalating. The key
    names the person, the kind of summary and the day: a second run the same day sends nothing new
    (what arrived meanwhile waits for tomorrow's)."""
    from civico.comunicazioni.consegna import accoda_dopo_il_commit
    from civico.comunicazioni.outbox import Origine, righe_per, salva

    quando = quando or timezone.now()
    giorno = timezone.localdate(quando).isoformat()
    nome = "ritardi" if solo_ritardi else "riepilogo"
    attesa = ElementoPersonale.objects.filter(inviato=False, lotto="")
    attesa = attesa.filter(tipo=Tipo.RITARDO) if solo_ritardi else attesa.exclude(tipo=Tipo.RITARDO)
    per_chi: dict[tuple, list[ElementoPersonale]] = defaultdict(list)
    for e in attesa.select_related("ente", "segnalazione__ufficio", "messaggio_sindaco", "utente__preferenze"
                                   ).order_by("creato_il", "id"):
        per_chi[(e.utente_id, e.email.lower())].append(e)
    inviati = 0
    for (utente_id, email), elementi in per_chi.items():
        chiave = f"personale:{nome}:{utente_id or email}:{giorno}"
        primo = elementi[0]
        d = Destinatario(utente=primo.utente) if utente_id else Destinatario(email=email)
        contesto = {"ente": primo.ente, "sezioni": _sezioni(elementi), "ritardi": solo_ritardi,
                    "preferenze": url_assoluto(_url_preferenze()), "n": len(elementi)}

        oggetto = _oggetto_riepilogo(elementi, solo_ritardi)

        with transaction.atomic():
            composte = righe_per(d, primo.ente, Origine(chiave, "personale"), lambda lingua, c=contesto, o=oggetto:
                                 componi("personale_riepilogo", c, lingua, oggetto=o, breve=o), solo_email=True)
            righe = salva(composte)
            if composte and not righe:
                continue  # today's summary went out already (same key): these wait for tomorrow's
            # Sent, or nobody to send to (no e-mail address): either way they stop waiting.
            ElementoPersonale.objects.filter(pk__in=[e.pk for e in elementi]).update(
                inviato=True, notifica=righe[0] if righe else None)
            accoda_dopo_il_commit([n.pk for n in righe])
        inviati += bool(righe)
    return inviati


def _oggetto_riepilogo(elementi: list[ElementoPersonale], solo_ritardi: bool):
    n = len(elementi)

    def oggetto() -> str:  # called inside the recipient's language
        if solo_ritardi and n == 1 and elementi[0].segnalazione_id:
            return _("Segnalazione %(codice)s in ritardo") % {"codice": elementi[0].segnalazione.codice}
        if solo_ritardi:
            return _("%(n)d segnalazioni in ritardo") % {"n": n}
        return _("Il riepilogo del giorno: %(n)d novità") % {"n": n}

    return oggetto


def _sezioni(elementi: list[ElementoPersonale]) -> list[dict]:
    per_tipo: dict[str, list[dict]] = defaultdict(list)
    for e in elementi:
        if e.segnalazione_id:
            s = e.segnalazione
            voce = {"titolo": f"{s.codice} · {s.titolo}", "testo": e.testo, "link": link_scheda(s),
                    "ufficio": s.ufficio.nome if s.ufficio else ""}
        else:
            voce = {"titolo": _("Messaggio al sindaco"), "testo": e.testo, "link": url_assoluto(_url_sindaco()),
                    "ufficio": ""}
        per_tipo[e.tipo].append(voce)
    return [{"tipo": t, "etichetta": Tipo(t).label, "voci": per_tipo[t]} for t in Tipo.values if t in per_tipo]


# --- In the worker: the daily digest without a timer ---------------------------------------------


def riepilogo_dovuto(adesso: datetime) -> bool:
    """Whether the day's digest may leave now (from the set local hour on)."""
    from civico.comunicazioni.impostazioni import impostazione

    return timezone.localtime(adesso).hour >= int(impostazione("ORA_RIEPILOGO_PERSONALE"))


def passo_pianificato(adesso: datetime | None = None) -> int:
    """One look of the worker's planner: the digest, if due (idempotent per person per day)."""
    adesso = adesso or timezone.now()
    return invia_riepiloghi(adesso) if riepilogo_dovuto(adesso) else 0


def pianificatore(ferma, ogni: float = 300.0):
    """A thread in the worker, like the outbox sweeper: no cron needed for the staff digest."""
    from civico.core.estensioni import avvia_periodico

    return avvia_periodico(ferma, "civico-riepiloghi-personale", passo_pianificato, ogni,
                           descrizione="Riepilogo di lavoro")
