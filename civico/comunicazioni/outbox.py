"""The outbox writer: inside the transaction that appends an event, one Notifica row per
recipient and channel; after commit, the rows are handed to the worker.

Who gets what: the reporter and the followers of the report for public events, the reporter
alone for events meant for them (visibilita "reporter") and for the receipt, never anyone for
internal ones; the office's mailbox when the reporter writes or reopens; area alerts (allerte.py);
staff, each as they chose, about their work (personale.py: new, assigned, replied, reopened, overdue)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, transaction
from django.dispatch import receiver
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from civico.comunicazioni import allerte, collegamenti, consegna, conversazioni, iscrizioni, personale, testi_ente
from civico.comunicazioni.destinatari import Destinatario, chiave, recapiti
from civico.comunicazioni.impostazioni import impostazione, url_assoluto
from civico.comunicazioni.messaggi import Messaggio, componi
from civico.comunicazioni.models import CanaliEnte, EventoDaScrivere, Iscrizione, Notifica
from civico.core.code import accoda_con_la_transazione
from civico.core.inserimento import inserisci
from civico.core.memoria import Memoria
from civico.segnalazioni import arrivo, eventi
from civico.segnalazioni.models import Evento, Segnalazione, TipoEvento, Visibilita
from civico.stati import Stato

logger = logging.getLogger(__name__)

# Events worth a message to citizens; routing, notes, assignments and the like are not.
# A work order's news (joined, new planned date, taken out, cancelled) answers "when?". The office's
# question goes to the reporter alone (visibilita "reporter"): the clock waits for their answer.
PER_I_CITTADINI = frozenset({
    TipoEvento.STATE_CHANGED, TipoEvento.PUBLIC_ANSWER, TipoEvento.MERGED, TipoEvento.WORK_ORDER,
    TipoEvento.INFO_REQUESTED,
})


@receiver(eventi.evento_aggiunto, dispatch_uid="comunicazioni.outbox")
def _scrivi(sender, evento: Evento, **kwargs) -> None:
    """The transactional outbox: the rows are written in the transaction that appends the event
    (they commit or roll back with it) and handed to the worker once it has committed."""
    if not puo_scrivere(evento):
        return
    if evento.tipo == TipoEvento.CREATED and _dal_worker():
        # A new report: its rows (the receipt, rendered; the office's staff) are the worker's to
        # write, with what else the report owes (arrivo.completata: triage, duplicates). Here
        # only what later events need at once, the reporter following the report (an answer
        # before the worker's turn still reaches them), and one INSERT that keeps that work owed
        # in the report's transaction: never lost; its task enqueued in the same transaction
        # with the database queue (core.code).
        iscrizioni.segui_come_segnalante(evento.segnalazione, nuova=True)
        inserisci(EventoDaScrivere(evento=evento))
        accoda_con_la_transazione(_task_scrittura(), evento.pk)
        return
    # A savepoint: a bug here is logged and must never stop a citizen's report or an office's work.
    try:
        with transaction.atomic():
            scritte = scrivi_per_evento(evento)
    except Exception:
        logger.exception("Outbox: notifiche non scritte per l'evento %s", evento.pk)
        return
    consegna.accoda_dopo_il_commit([n.pk for n in scritte])


def _task_scrittura():
    from civico.comunicazioni.tasks import scrivi_notifiche

    return scrivi_notifiche


def _worker_separato() -> bool:
    """Whether tasks run in a worker (not inline, as with the immediate backend, where writing
    now is the same work at the same moment and the rows exist when the transaction ends)."""
    from django_tasks.backends.immediate import ImmediateBackend

    return not isinstance(_task_scrittura().get_backend(), ImmediateBackend)


def _dal_worker() -> bool:
    """Whether a new report's outbox rows and what else it owes (arrivo.completata) are the
    worker's: the one rule, which intake and the receivers ask through `arrivo.dal_worker`."""
    return consegna.si_accoda() and _worker_separato()


arrivo.registra_regola(_dal_worker)


def scrivi_sospesi(evento_ids: list[int] | None = None, limite: int = 500) -> list[Notifica]:
    """The worker's half of a new report's outbox: write the rows of these owed events (None:
    every one owed, the sweeper's pass), each in its own transaction that also deletes its
    EventoDaScrivere, so two workers never write one twice. The caller enqueues the rows."""
    owed = EventoDaScrivere.objects.order_by("creato_il").values_list("evento_id", flat=True)
    ids = list(owed.filter(evento_id__in=evento_ids) if evento_ids is not None else owed[:limite])
    scritte: list[Notifica] = []
    for evento_id in ids:
        try:
            with transaction.atomic():
                if not EventoDaScrivere.objects.select_for_update(skip_locked=True).filter(
                        evento_id=evento_id).exists():
                    continue  # written meanwhile by another worker, or being written now
                evento = Evento.objects.select_related("segnalazione__ente", "segnalazione__categoria",
                                                       "segnalazione__ufficio").get(pk=evento_id)
                righe = scrivi_per_evento(evento, differita=True)
                if evento.tipo == TipoEvento.CREATED:
                    arrivo.completata.send(sender=Segnalazione, segnalazione=evento.segnalazione)
                EventoDaScrivere.objects.filter(evento_id=evento_id).delete()
        except Exception:  # a bug for one report must not stop the others; it stays owed, logged
            logger.exception("Outbox: notifiche non scritte per l'evento %s", evento_id)
            continue
        scritte += righe
    return scritte


def puo_scrivere(evento: Evento) -> bool:
    """Whether `scrivi_per_evento` may write anything for this event (its branches below): the
    others (routing, notes, assignments…) need no savepoint and no query."""
    if evento.tipo in (TipoEvento.CREATED, TipoEvento.ESCALATED, TipoEvento.ASSIGNED) \
            or evento.tipo in PER_I_CITTADINI:
        return True
    return evento.visibilita != Visibilita.INTERNA and evento.dati.get("attore") == "segnalante" and (
        evento.tipo == TipoEvento.COMMENT or evento.transizione == "reopen"
    )


def scrivi_per_evento(evento: Evento, *, differita: bool = False) -> list[Notifica]:
    """The rows for an event that `puo_scrivere` let through. `differita`: a new report's rows
    written by the worker, its reporter already following it."""
    s = evento.segnalazione
    creata = evento.tipo == TipoEvento.CREATED
    # A new report's first event: its reporter, subscribed here, is the only one to tell.
    # Written by the worker: the request subscribed them; if they stopped following meanwhile,
    # they are not subscribed again and get no receipt.
    proprio = iscrizioni.segui_come_segnalante(s, nuova=not differita, crea=not differita) if creata else None
    # Staff about their work (immediate rows; digest items and overdue summaries are stored).
    righe: list[Notifica] = personale.su_evento(evento, s)
    if evento.visibilita == Visibilita.INTERNA:
        return salva(righe)
    da_segnalante = evento.dati.get("attore") == "segnalante"
    if da_segnalante and (evento.tipo == TipoEvento.COMMENT or evento.transizione == "reopen"):
        righe += _all_ufficio(evento, s)
    # One message per person per event: the reporter's first, then the followers', then the alerts';
    # an address already told (per channel) is not told again for a weaker reason.
    al_segnalante: list[Notifica] = []
    ai_seguaci: list[Notifica] = []
    if evento.tipo == TipoEvento.CREATED or evento.tipo in PER_I_CITTADINI:
        composti: dict = {}  # one rendering per (reporter or not, language), shared by the followers
        iscritti = ([proprio] if proprio else []) if creata else (
            Iscrizione.objects.filter(segnalazione=s).select_related("utente__preferenze")
        )
        for isc in iscritti:
            del_segnalante = iscrizioni.e_del_segnalante(isc, s)
            if (evento.tipo == TipoEvento.CREATED or evento.visibilita == Visibilita.SEGNALANTE) \
                    and not del_segnalante:
                continue
            if da_segnalante and del_segnalante and evento.tipo != TipoEvento.CREATED:
                continue  # nobody is told what they just did themselves (the receipt aside)
            # The reporter hears in the language of their report; other followers in theirs.
            d = Destinatario(isc.utente, isc.email, isc.telefono, ("i", isc.pk),
                             lingua=s.lingua if del_segnalante else isc.lingua, indirizzi=isc.indirizzi)
            righe_isc = _per_evento(evento, s, d, del_segnalante, composti)
            (al_segnalante if del_segnalante else ai_seguaci).extend(righe_isc)
    ai_cittadini = una_per_indirizzo(al_segnalante + ai_seguaci)
    righe += ai_cittadini
    righe += allerte.su_evento(evento, s, {(n.canale, n.indirizzo) for n in ai_cittadini})
    # Every key of a new report's first event names that event or that report: none exists yet.
    return salva(righe, chiavi_nuove=creata)


def una_per_indirizzo(righe: list[Notifica]) -> list[Notifica]:
    """The first row for each (channel, address): callers list the strongest reason first."""
    viste: set[tuple[str, str]] = set()
    uniche = []
    for n in righe:
        if (n.canale, n.indirizzo) not in viste:
            viste.add((n.canale, n.indirizzo))
            uniche.append(n)
    return uniche


def salva(righe: list[Notifica], *, chiavi_nuove: bool = False) -> list[Notifica]:
    """Store new rows, skipping any delivery key already present (the same address twice).
    `chiavi_nuove`: the keys cannot be in the table yet, only repeated among `righe`."""
    uniche = {n.chiave: n for n in righe}
    gia = set() if chiavi_nuove else set(
        Notifica.objects.filter(chiave__in=list(uniche)).values_list("chiave", flat=True)
    )
    nuove = [n for k, n in uniche.items() if k not in gia]
    return Notifica.objects.bulk_create(nuove)


@dataclass(frozen=True)
class Origine:
    """What a row is about, for the delivery key and the staff's list."""

    chiave: str
    motivo: str
    segnalazione: Segnalazione | None = None
    evento: Evento | None = None


def righe_per(d: Destinatario, ente, origine: Origine, messaggio_in, *, dati: dict | None = None,
              solo_email: bool = False) -> list[Notifica]:
    """One row per address of `d`; `messaggio_in(lingua)` composes the message once per language."""
    adesso = timezone.now()
    per_lingua: dict[str, Messaggio] = {}
    righe = []
    for r in recapiti(d, ente, solo_email=solo_email):
        if r.lingua not in per_lingua:
            per_lingua[r.lingua] = messaggio_in(r.lingua)
        oggetto, testo, html = per_lingua[r.lingua].per_canale(r.canale)
        righe.append(Notifica(
            chiave=chiave(origine.chiave, r.canale, r.indirizzo), canale=r.canale, indirizzo=r.indirizzo,
            utente_id=r.utente_id, lingua=r.lingua, segnalazione=origine.segnalazione, evento=origine.evento,
            ente=ente, motivo=origine.motivo, oggetto=oggetto, testo=testo, html=html,
            dati={**(dati or {}), **r.dati}, prossimo_tentativo_il=adesso, creata_il=adesso,
        ))
    return righe


# The inbound address is read for every receipt: kept per process until a CanaliEnte is saved.
_memoria_canali = Memoria("canali_ente", ("comunicazioni.CanaliEnte",), ttl_s=300)


def indirizzo_in_arrivo(ente) -> str:
    """Where citizens' replies should go: the ente's inbound address, if it has one."""
    proprio = _memoria_canali.prendi(ente.pk, lambda: CanaliEnte.objects.using(DEFAULT_DB_ALIAS).filter(
        ente_id=ente.pk).values_list("email_in_arrivo", flat=True).first() or "")
    if proprio:
        return proprio
    dominio = impostazione("EMAIL_IN_ARRIVO_DOMINIO")
    return f"{ente.slug}@{dominio}" if dominio else ""


# Stands for the follower's own unsubscribe link in a message rendered once for many followers
# (letters and digits only: HTML escaping leaves it as it is).
SEGNAPOSTO_DISISCRIZIONE = "CIVICOxDISISCRIZIONExSEGNAPOSTO"


def con_disiscrizione(m: Messaggio, url: str) -> Messaggio:
    return Messaggio(oggetto=m.oggetto, testo=m.testo.replace(SEGNAPOSTO_DISISCRIZIONE, url),
                     html=m.html.replace(SEGNAPOSTO_DISISCRIZIONE, url),
                     breve=m.breve.replace(SEGNAPOSTO_DISISCRIZIONE, url))


def _per_evento(evento: Evento, s: Segnalazione, d: Destinatario, del_segnalante: bool,
                composti: dict | None = None) -> list[Notifica]:
    disiscrizione = collegamenti.disiscrizione(*d.disiscrizione) if d.disiscrizione else ""
    composti = {} if composti is None else composti
    link = collegamenti.pagina_privata(s) if del_segnalante else (
        collegamenti.pagina_pubblica(s) if s.pubblica else ""
    )
    chiede_conferma = del_segnalante and evento.stato_a == Stato.RESOLVED
    # The reporter's reply must reach the conversation it answers: the signed reply address.
    rispondi = conversazioni.indirizzo_di_risposta(s.codice, indirizzo_in_arrivo(s.ente)) if del_segnalante else ""
    contesto = {
        "ente": s.ente, "s": s, "creata": evento.tipo == TipoEvento.CREATED,
        "chi": lambda: eventi.chi(evento), "descrizione": lambda: eventi.descrizione(evento),
        "stato": s.get_stato_display, "link": link, "segnalante": del_segnalante, "rispondi": bool(rispondi),
        "link_si": collegamenti.risoluzione(s, True) if chiede_conferma else "",
        "link_no": collegamenti.risoluzione(s, False) if chiede_conferma else "",
        "disiscrizione": SEGNAPOSTO_DISISCRIZIONE if disiscrizione else "",
    }

    def oggetto() -> str:
        if evento.tipo == TipoEvento.CREATED:
            return _("Segnalazione %(codice)s ricevuta") % {"codice": s.codice}
        if chiede_conferma:
            return _("Il problema è stato risolto? Segnalazione %(codice)s") % {"codice": s.codice}
        if evento.tipo == TipoEvento.PUBLIC_ANSWER:
            return _("Risposta dell'ufficio sulla segnalazione %(codice)s") % {"codice": s.codice}
        if evento.tipo == TipoEvento.WORK_ORDER:
            return _("Segnalazione %(codice)s: lavori programmati") % {"codice": s.codice}
        if evento.tipo == TipoEvento.INFO_REQUESTED:
            return _("L'ufficio ti chiede informazioni sulla segnalazione %(codice)s") % {"codice": s.codice}
        stato = Stato(evento.stato_a).label if evento.stato_a else s.get_stato_display()
        return _("Segnalazione %(codice)s: %(stato)s") % {"codice": s.codice, "stato": stato}

    def breve(proprio: str) -> str:
        # By SMS (or chat) the answer is a reply: inbound/conversazione.py reads it.
        domanda = f" {_('Risolto? Rispondi SI o NO.')}" if chiede_conferma else ""
        if proprio:  # the comune's own text: the link only if it does not carry it already
            return f"{proprio[:300]}{domanda}" + (f" {link}" if link and link not in proprio else "")
        testo = _("Segnalazione ricevuta.") if evento.tipo == TipoEvento.CREATED else eventi.descrizione(evento)
        return f"{s.codice}: {testo[:200]}{domanda} {link}"

    def messaggio(lingua: str) -> Messaggio:
        # The reporter's message differs (private link, yes/no links); the followers' only by
        # the unsubscribe link, put in after rendering.
        chiave_resa = (del_segnalante, bool(disiscrizione), lingua)
        if chiave_resa not in composti:
            proprio = testi_ente.testo_della_notifica(s, evento, lingua, link)  # "": the default text
            composti[chiave_resa] = componi("evento", {**contesto, "testo_ente": proprio}, lingua, oggetto=oggetto,
                                            breve=lambda: breve(proprio))
        return con_disiscrizione(composti[chiave_resa], disiscrizione)

    origine = Origine(f"evento:{evento.pk}", "evento", s, evento)
    # Every status e-mail of a report names the same root, so mail clients show one thread.
    dati = {"disiscrizione": disiscrizione, "rispondi_a": rispondi, "url": link, "filo": filo(s)}
    return righe_per(d, s.ente, origine, messaggio, dati=dati)


def filo(s: Segnalazione) -> str:
    """The local part of the report's thread root, `<segnalazione.CODICE.ENTE@dominio>`: derived,
    never sent as a message of its own (canali/email.py puts it in In-Reply-To and References)."""
    return f"segnalazione.{s.codice}.{s.ente.slug}"


def _all_ufficio(evento: Evento, s: Segnalazione) -> list[Notifica]:
    """The reporter wrote or reopened: tell the office's mailbox (the people working it are told
    as they chose, by `personale`)."""
    try:
        link = url_assoluto(reverse("backoffice:scheda", args=[s.codice]))
    except NoReverseMatch:
        link = collegamenti.pagina_pubblica(s)
    riaperta = evento.transizione == "reopen"
    contesto = {"ente": s.ente, "s": s, "riaperta": riaperta, "descrizione": evento.testo, "link": link}

    def oggetto() -> str:
        if riaperta:
            return _("Segnalazione %(codice)s riaperta dal segnalante") % {"codice": s.codice}
        return _("Messaggio del segnalante sulla segnalazione %(codice)s") % {"codice": s.codice}

    destinatari = []
    casella = (s.ufficio.email if s.ufficio else "") or s.ente.email
    if casella:
        destinatari.append(Destinatario(email=casella))
    origine = Origine(f"evento:{evento.pk}", "ufficio", s, evento)
    righe = []
    for d in destinatari:
        righe += righe_per(d, s.ente, origine, lambda lingua: componi(
            "ufficio", contesto, lingua, oggetto=oggetto, breve=lambda: f"{s.codice}: {evento.testo[:200]}"
        ), solo_email=d.utente is None)
    return righe
