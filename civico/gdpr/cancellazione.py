"""Erasing a person: the one door that both the citizen's erasure (art. 17) and the retention job
(art. 5.1.e) go through, so that no channel's copy of the person is forgotten by one of them.

A `Persona` is what identifies someone: an account, e-mail addresses, phone numbers, the words of
their name, a codice fiscale. `cancella_segnalazione` takes the person out of one report and of
everything that hangs on it; `cancella_persona` does it for all their reports and then for every
row elsewhere that holds them (subscriptions, alerts, push, sign-in links, inbound messages, SMS
conversations, the outbox, letters to the mayor, moderation flags). `pulisci_scaduti` drops the
rows that only exist to reach someone, once they are past the period.

Reports are the comune's records and stay, anonymised (statistics are unchanged): reporter
fields and `dati_client` blanked; the typed address replaced by the street of the point from the
gazetteer (the point is where the problem is, not who reported it; a house number typed by the
citizen may be their home); the citizen's own texts in the history replaced by a note; every
other kept text (title, description, staff answers, outbox bodies) has the person's known name,
addresses and phone masked; unmasked originals (`TestoOriginale`), the citizen's documents and
the private originals of photos deleted with their files.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from civico.segnalazioni import elaborazione
from civico.segnalazioni.models import Allegato, Evento, Segnalazione, TipoAllegato, TipoEvento

log = logging.getLogger(__name__)

MASCHERA = "[…]"
# Keys of an event's or an outbox row's `dati` that carry a person's contact data.
DATI_PERSONALI = frozenset({"email", "mittente", "telefono", "nome", "from", "to", "message_id", "in_risposta_a",
                            "indirizzo"})
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_TELEFONO = re.compile(r"\+?\d[\d .\-/()]{5,}\d")
_PAROLA_MINIMA = 3
# Links to the staff member who acted on a row, not to the person the row is about.
_FK_DEL_PERSONALE = frozenset({"gestita_da", "rivisto_da", "revisionato_da", "creato_da", "assegnatario"})


def cifre_telefono(valore: str) -> str:
    """The national digits of a phone number: '+39 347 765 4321', '0039347…' and '347-7654321'
    are the same number."""
    cifre = re.sub(r"\D", "", valore or "")
    if cifre.startswith("0039"):
        cifre = cifre[4:]
    elif cifre.startswith("39") and len(cifre) > 10:
        cifre = cifre[2:]
    return cifre


@dataclass
class Persona:
    """Everything that names one person, as the erasure looks for it."""

    utente_id: int | None = None
    username: str = ""
    emails: set[str] = field(default_factory=set)
    telefoni: set[str] = field(default_factory=set)  # cifre_telefono()
    parole: set[str] = field(default_factory=set)  # name words, codice fiscale (lower case)

    def aggiungi(self, *, nome: str = "", email: str = "", telefono: str = "", codice_fiscale: str = "") -> None:
        if email and email.strip():
            self.emails.add(email.strip().lower())
        if len(cifre := cifre_telefono(telefono)) >= 6:
            self.telefoni.add(cifre)
        self.parole |= {p.lower() for p in re.split(r"[\s,.;:()'\"-]+", nome or "") if len(p) >= _PAROLA_MINIMA}
        if codice_fiscale and codice_fiscale.strip():
            self.parole.add(codice_fiscale.strip().lower())

    @classmethod
    def dell_account(cls, utente) -> Persona:
        p = cls(utente_id=utente.pk, username=utente.username)
        p.aggiungi(nome=f"{utente.first_name} {utente.last_name}", email=utente.email, telefono=utente.telefono,
                   codice_fiscale=utente.codice_fiscale)
        IndirizzoConfermato = apps.get_model("portale", "IndirizzoConfermato")
        for email in IndirizzoConfermato.objects.filter(utente=utente).values_list("email", flat=True):
            p.aggiungi(email=email)
        Preferenze = apps.get_model("comunicazioni", "Preferenze")
        for telefono, cf in Preferenze.objects.filter(utente=utente).values_list("telefono", "codice_fiscale"):
            p.aggiungi(telefono=telefono, codice_fiscale=cf)
        # The names they gave on their own reports (a nickname, a different spelling).
        for nome, telefono in Segnalazione.objects.filter(segnalante=utente).values_list(
                "segnalante_nome", "segnalante_telefono"):
            p.aggiungi(nome=nome, telefono=telefono)
        return p

    @classmethod
    def della_segnalazione(cls, s: Segnalazione) -> Persona:
        p = cls(utente_id=s.segnalante_id)
        p.aggiungi(nome=s.segnalante_nome, email=s.segnalante_email, telefono=s.segnalante_telefono)
        for chiave in ("nome", "first_name", "last_name", "email", "account_id", "device_id"):
            valore = str((s.dati_client or {}).get(chiave, ""))
            p.aggiungi(**({"email": valore} if "@" in valore else {"nome": valore}))
        return p

    def vuota(self) -> bool:
        return not (self.utente_id or self.emails or self.telefoni or self.parole)

    # --- masking what is kept ---------------------------------------------------------------

    def maschera(self, testo: str) -> str:
        """The text with this person's addresses, phone numbers and name words replaced, and any
        other contact data the moderation's masker recognises (a report's retention only knows the
        identifiers the report carries: a phone typed in an e-mail's body is found by its shape)."""
        if not testo:
            return testo
        from civico.moderazione.testo import maschera as maschera_contatti

        nuovo = maschera_contatti(testo).testo
        if self.vuota():
            return nuovo
        nuovo = _EMAIL.sub(lambda m: MASCHERA if self._sua_email(m.group(0)) else m.group(0), nuovo)
        nuovo = _TELEFONO.sub(lambda m: MASCHERA if cifre_telefono(m.group(0)) in self.telefoni else m.group(0),
                              nuovo)
        for parola in sorted(self.parole, key=len, reverse=True):
            nuovo = re.sub(rf"(?<![^\W_]){re.escape(parola)}(?![^\W_])", MASCHERA, nuovo, flags=re.IGNORECASE)
        return nuovo

    def _sua_email(self, email: str) -> bool:
        email = email.lower()
        return email in self.emails or any(p in email for p in self.parole)

    def maschera_dati(self, dati: Any) -> Any:
        """A JSON value with personal keys dropped and every string masked."""
        if isinstance(dati, dict):
            return {k: self.maschera_dati(v) for k, v in dati.items() if k not in DATI_PERSONALI}
        if isinstance(dati, list):
            return [self.maschera_dati(v) for v in dati]
        if isinstance(dati, str):
            return self.maschera(dati)
        return dati


def _modello(etichetta: str) -> type[models.Model]:
    return apps.get_model(etichetta)


def _cancella_file(*campi) -> None:
    for campo in campi:
        if campo:
            campo.delete(save=False)


# --- one report ---------------------------------------------------------------------------------


def cancella_segnalazione(s: Segnalazione, persona: Persona, *, testo_rimosso: str) -> bool:
    """Take the person out of report `s` (locked by the caller) and what hangs on it; True if
    anything was there. The report stays with the comune."""
    from civico.segnalazioni import eventi

    toccata = _eventi(s, persona, testo_rimosso)
    toccata |= _allegati(s)
    toccata |= _righe_della_segnalazione(s, persona)
    campi = {
        "segnalante": None, "segnalante_nome": "", "segnalante_email": "", "segnalante_telefono": "",
        "dati_client": {}, "indirizzo": _via_del_punto(s), "titolo": persona.maschera(s.titolo) or s.titolo,
        "descrizione": persona.maschera(s.descrizione), "nota_pubblica": persona.maschera(s.nota_pubblica),
    }
    cambiati = [c for c, v in campi.items() if getattr(s, c) != v]
    if cambiati:
        toccata = True
        for c in cambiati:
            setattr(s, c, campi[c])
        eventi.aggiorna(s, timezone.now())
        s.save(update_fields=[*cambiati, "versione", "aggiornata_il"])
    return toccata


def _via_del_punto(s: Segnalazione) -> str:
    """The street of the problem's point from the gazetteer, without the house number; empty if
    unknown (the typed text is never kept: it may hold a name or a home)."""
    from civico.territorio import gazetteer
    from civico.territorio.models import Via

    trovato = gazetteer.indirizzo_piu_vicino(s.ente, s.lat, s.lon) if s.lat is not None else None
    if trovato is None:
        return ""
    return Via.objects.filter(pk=trovato.via_id).values_list("nome", flat=True).first() or ""


def _eventi(s: Segnalazione, persona: Persona, testo_rimosso: str) -> bool:
    """Events are append-only: this is the one place that edits them, only to take out personal
    data (art. 17 prevails over keeping the record verbatim)."""
    toccata = False
    for e in Evento.objects.filter(segnalazione=s):
        del_segnalante = e.dati.get("attore") == "segnalante"
        testo = testo_rimosso if del_segnalante and e.testo else persona.maschera(e.testo)
        dati = persona.maschera_dati(e.dati)
        attore = None if del_segnalante else e.attore_id
        pubblico = "" if del_segnalante else persona.maschera(e.attore_pubblico)
        if (testo, dati, attore, pubblico) != (e.testo, e.dati, e.attore_id, e.attore_pubblico):
            toccata = True
            models.QuerySet.update(Evento.objects.filter(pk=e.pk), testo=testo, dati=dati, attore=attore,
                                   attore_pubblico=pubblico)
    return toccata


def _allegati(s: Segnalazione) -> bool:
    """The citizen's documents go (a PDF carries whatever they wrote in it); photos stay, re-encoded
    without metadata, but their private unredacted originals go; original file names are blanked."""
    dello_staff = {
        e.dati.get("allegato_id") for e in Evento.objects.filter(segnalazione=s, tipo=TipoEvento.MEDIA_ADDED)
        if e.dati.get("attore") != "segnalante"
    }
    toccata = False
    # A photo still waiting for the worker is the upload as sent, EXIF (GPS, camera) included:
    # re-encoded now, like every kept photo, its upload goes with the erasure.
    for pk in Allegato.objects.filter(segnalazione=s).exclude(grezzo="").values_list("pk", flat=True):
        toccata |= elaborazione.elabora(pk)
    for a in Allegato.objects.filter(segnalazione=s):
        if a.pk in dello_staff:
            continue
        if a.tipo == TipoAllegato.DOCUMENTO:
            _cancella_file(a.file, a.miniatura, a.originale)
            a.delete()
            toccata = True
        elif a.originale or a.nome_originale or a.sha256_caricato:
            # The upload's hash goes too: a fingerprint of the file as sent (EXIF and all).
            _cancella_file(a.originale)
            Allegato.objects.filter(pk=a.pk).update(originale="", nome_originale="", sha256_caricato="")
            toccata = True
    return toccata


def _righe_della_segnalazione(s: Segnalazione, persona: Persona) -> bool:
    """Rows of other apps that hang on the report."""
    n = _modello("moderazione.TestoOriginale").objects.filter(segnalazione=s).delete()[0]
    # Following the report: the reporter's own subscription goes.
    Iscrizione = _modello("comunicazioni.Iscrizione")
    n += Iscrizione.objects.filter(Q(segnalazione=s) & _filtro_persona(Iscrizione, persona)).delete()[0]
    # The outbox: rows to the person go; the others (to offices) keep their record, masked.
    Notifica = _modello("comunicazioni.Notifica")
    n += Notifica.objects.filter(Q(segnalazione=s) & _filtro_persona(Notifica, persona)).delete()[0]
    n += _maschera_righe(Notifica.objects.filter(segnalazione=s), persona, ("oggetto", "testo", "html", "dati"))
    # Inbound messages that became (or were added to) the report.
    n += _svuota_messaggi_in_arrivo(_modello("comunicazioni.MessaggioInArrivo").objects.filter(segnalazione=s))
    # The draft of the web flow (it holds the typed place) and its files.
    n += _cancella_bozze(_modello("portale.Bozza").objects.filter(segnalazione=s))
    # Staff digest items quote what the citizen wrote.
    n += _maschera_righe(_elementi_personale(segnalazione=s), persona, ("testo",))
    n += _esempi_di_triage(s, persona)
    return bool(n)


def _esempi_di_triage(s: Segnalazione, persona: Persona) -> int:
    """The report's words kept to teach the comune's triage model: masked like every kept text. A
    model trained on them holds their words in its vocabulary, so the comune's trained versions go
    and the worker trains a new one after commit (suggestions use the day-one model meanwhile)."""
    if not apps.is_installed("civico.triage"):
        return 0
    n = _maschera_righe(_modello("triage.EsempioTriage").objects.filter(segnalazione=s), persona, ("testo",))
    if n:
        from civico.triage.tasks import riaddestra_triage

        _modello("triage.ModelloTriage").objects.filter(ente_id=s.ente_id).delete()
        ente_id = s.ente_id
        transaction.on_commit(lambda: riaddestra_triage.enqueue(ente_id))
    return n


def _elementi_personale(**filtro) -> models.QuerySet:
    try:
        return _modello("comunicazioni.ElementoPersonale").objects.filter(**filtro)
    except LookupError:  # staff digests not installed
        return Segnalazione.objects.none()


def chiudi_per_conservazione(s: Segnalazione) -> bool:
    """Past its retention period a closed report is only a record: nobody follows it any more and
    the words of the citizens who flagged it go (the decision stays)."""
    n = _modello("comunicazioni.Iscrizione").objects.filter(segnalazione=s).delete()[0]
    n += _modello("moderazione.SegnalazioneContenuto").objects.filter(segnalazione=s).exclude(testo="").update(
        testo="", utente=None)
    return bool(n)


# --- rows anywhere ------------------------------------------------------------------------------


def _filtro_persona(modello: type[models.Model], persona: Persona) -> Q:
    """Rows of `modello` that point at the person's account or hold one of their addresses or
    phone numbers (found by the fields' types, so a new model is covered)."""
    condizione = Q(pk__in=[])
    for f in modello._meta.concrete_fields:
        if isinstance(f, models.ForeignKey) and f.related_model._meta.label == "accounts.Utente" and persona.utente_id:
            if f.name not in _FK_DEL_PERSONALE:
                condizione |= Q(**{f.attname: persona.utente_id})
        elif isinstance(f, models.EmailField) or f.name in ("indirizzo", "mittente"):
            for email in persona.emails:
                condizione |= Q(**{f"{f.name}__iexact": email})
        if f.name in ("telefono", "indirizzo", "mittente") and isinstance(f, models.CharField):
            for cifre in persona.telefoni:
                condizione |= Q(**{f"{f.name}__endswith": cifre[-4:]})  # refined in Python below
    return condizione


def _della_persona(riga: models.Model, persona: Persona) -> bool:
    for campo in ("telefono", "indirizzo", "mittente"):
        valore = getattr(riga, campo, "")
        if isinstance(valore, str) and (cifre_telefono(valore) in persona.telefoni
                                        or valore.strip().lower() in persona.emails):
            return True
    for f in riga._meta.concrete_fields:
        if isinstance(f, models.EmailField) and (getattr(riga, f.attname) or "").lower() in persona.emails:
            return True
        if isinstance(f, models.ForeignKey) and persona.utente_id and getattr(riga, f.attname) == persona.utente_id:
            return f.name not in _FK_DEL_PERSONALE
    return False


def _righe(modello: type[models.Model], persona: Persona) -> list[models.Model]:
    return [r for r in modello._default_manager.filter(_filtro_persona(modello, persona)) if _della_persona(r, persona)]


def _maschera_righe(qs: models.QuerySet, persona: Persona, campi: Iterable[str]) -> int:
    n = 0
    for riga in qs:
        nuovi = {c: (persona.maschera_dati(getattr(riga, c)) if isinstance(getattr(riga, c), dict | list)
                     else persona.maschera(getattr(riga, c) or "")) for c in campi}
        if any(getattr(riga, c) != v for c, v in nuovi.items()):
            type(riga)._default_manager.filter(pk=riga.pk).update(**nuovi)
            n += 1
    return n


def _svuota_messaggi_in_arrivo(qs: models.QuerySet) -> int:
    """The record that a message came in stays (it stops redeliveries being processed twice);
    who sent it, what it said and its raw bytes go."""
    campi: dict[str, Any] = {"mittente": "", "oggetto": "", "dettaglio": ""}
    nomi = {f.name for f in qs.model._meta.concrete_fields}
    if "contenuto" in nomi:  # a message held for an operator: its bytes go, and it is no longer pending
        campi["contenuto"] = b""
        qs.filter(revisione="in_attesa").update(revisione="scartata", revisionato_il=timezone.now())
    return qs.update(**campi)


def _cancella_bozze(qs: models.QuerySet) -> int:
    FileBozza = _modello("portale.FileBozza")
    for f in FileBozza.objects.filter(bozza__in=qs):
        _cancella_file(f.file, f.miniatura)
    # The rating given at the end of the flow stays for the statistics; its free comment goes.
    _modello("portale.ValutazioneServizio").objects.filter(bozza__in=qs).exclude(commento="").update(commento="")
    return qs.delete()[0]


def cancella_righe(persona: Persona, *, testo_rimosso: str) -> dict[str, int]:
    """Every row outside the reports that holds the person; counts per model, for the receipt."""
    contati: dict[str, int] = {}

    def conta(etichetta: str, n: int) -> None:
        if n:
            contati[etichetta] = contati.get(etichetta, 0) + n

    # Rows that only exist to reach the person: deleted.
    for etichetta in ("comunicazioni.Iscrizione", "comunicazioni.Allerta", "comunicazioni.AbbonamentoPush",
                      "comunicazioni.Notifica", "comunicazioni.Conversazione", "comunicazioni.Preferenze",
                      "portale.LinkAccesso", "portale.IndirizzoConfermato"):
        modello = _modello(etichetta)
        pk = [r.pk for r in _righe(modello, persona)]
        modello._default_manager.filter(pk__in=pk).delete()
        conta(etichetta, len(pk))
    # Inbound messages: the record stays, emptied.
    MessaggioInArrivo = _modello("comunicazioni.MessaggioInArrivo")
    pk = [r.pk for r in _righe(MessaggioInArrivo, persona)]
    conta("comunicazioni.messaggioinarrivo", _svuota_messaggi_in_arrivo(MessaggioInArrivo.objects.filter(pk__in=pk)))
    # Letters to the mayor: the comune keeps that a letter came and its answer, not who wrote it
    # nor their words.
    MessaggioSindaco = _modello("comunicazioni.MessaggioSindaco")
    for m in _righe(MessaggioSindaco, persona):
        MessaggioSindaco.objects.filter(pk=m.pk).update(
            nome="", email="", utente=None, testo=testo_rimosso, risposta=persona.maschera(m.risposta))
        _elementi_personale(messaggio_sindaco=m).update(testo="")
        conta("comunicazioni.messaggiosindaco", 1)
    # Moderation flags they raised: the decision stays, their words and link go.
    SegnalazioneContenuto = _modello("moderazione.SegnalazioneContenuto")
    if persona.utente_id:
        conta("moderazione.segnalazionecontenuto", SegnalazioneContenuto.objects.filter(
            utente_id=persona.utente_id).update(utente=None, testo=""))
    conta("moderazione.segnalazionecontenuto", _maschera_righe(
        SegnalazioneContenuto.objects.filter(_contiene_q("testo", persona)), persona, ("testo",)))
    # Sign-in records of django-axes (the username of a citizen is their e-mail).
    nomi = {*persona.emails, persona.username} - {""}
    if apps.is_installed("axes") and nomi:
        for etichetta in ("axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog"):
            conta(etichetta, _modello(etichetta).objects.filter(username__in=nomi).delete()[0])
    if persona.utente_id:
        conta("portale.bozza", _cancella_bozze(_modello("portale.Bozza").objects.filter(utente_id=persona.utente_id)))
    return {k.lower(): v for k, v in contati.items()}


def _contiene_q(campo: str, persona: Persona) -> Q:
    condizione = Q(pk__in=[])
    for valore in (*persona.emails, *persona.parole):
        condizione |= Q(**{f"{campo}__icontains": valore})
    return condizione


# --- the person, everywhere -----------------------------------------------------------------------


def segnalazioni_della_persona(persona: Persona) -> models.QuerySet[Segnalazione]:
    """Sent while signed in, or with one of the person's addresses or phone numbers."""
    condizione = Q(pk__in=[])
    if persona.utente_id:
        condizione |= Q(segnalante_id=persona.utente_id)
    for email in persona.emails:
        condizione |= Q(segnalante_email__iexact=email)
    per_telefono = Q(pk__in=[])
    for cifre in persona.telefoni:
        per_telefono |= Q(segnalante_telefono__endswith=cifre[-4:])
    pk = set(Segnalazione.objects.filter(condizione).values_list("pk", flat=True))
    pk |= {
        p for p, telefono in Segnalazione.objects.filter(per_telefono).values_list("pk", "segnalante_telefono")
        if cifre_telefono(telefono) in persona.telefoni
    }
    return Segnalazione.objects.filter(pk__in=pk)


def cancella_persona(persona: Persona, *, testo_rimosso: str, motivo: str) -> tuple[int, dict[str, int]]:
    """Take the person out of all their reports and of every other row; in the caller's
    transaction. Returns (reports anonymised, other rows per model)."""
    from civico.gdpr import diritti

    anonimizzate = 0
    for s in segnalazioni_della_persona(persona).select_for_update(of=("self",)).select_related("ente"):
        arricchita = Persona.della_segnalazione(s)
        arricchita.utente_id = persona.utente_id
        for insieme in ("emails", "telefoni", "parole"):
            getattr(arricchita, insieme).update(getattr(persona, insieme))
        if cancella_segnalazione(s, arricchita, testo_rimosso=testo_rimosso):
            diritti.annota(s, motivo)
            anonimizzate += 1
    return anonimizzate, cancella_righe(persona, testo_rimosso=testo_rimosso)


# --- rows that expire on their own ------------------------------------------------------------


def pulisci_scaduti(adesso: datetime | None = None) -> dict[str, int]:
    """Rows not tied to a report that exist only to reach someone: sign-in links after a day
    (registered by the portal in `scadenze`), SMS conversations left half-way after a week, and
    inbound messages, outbox rows and letters to the mayor past their ente's retention period.
    Run by the retention job."""
    from civico.gdpr import diritti, scadenze

    adesso = adesso or timezone.now()
    contati = scadenze.pulisci()
    Conversazione = _modello("comunicazioni.Conversazione")

    def conta(etichetta: str, n: int) -> None:
        contati[etichetta] = contati.get(etichetta, 0) + n

    conta("comunicazioni.conversazione", Conversazione.objects.filter(
        aggiornata_il__lt=adesso - timedelta(days=7)).delete()[0])

    MessaggioInArrivo = _modello("comunicazioni.MessaggioInArrivo")
    Notifica = _modello("comunicazioni.Notifica")
    # Sign-in links through the outbox: their body is a link dead after 15 minutes.
    conta("comunicazioni.notifica", Notifica.objects.filter(
        motivo="accesso", creata_il__lt=adesso - timedelta(days=1)).delete()[0])
    # Rows of no ente (platform mail): the default retention period of an ente.
    predefiniti = _modello("enti.Ente")._meta.get_field("conservazione_contatti_mesi").default
    conta("comunicazioni.notifica", Notifica.objects.filter(
        ente__isnull=True, creata_il__lt=diritti.mesi_fa(adesso, predefiniti)).delete()[0])
    MessaggioSindaco = _modello("comunicazioni.MessaggioSindaco")
    Ente = _modello("enti.Ente")
    testo = _("[testo rimosso: periodo di conservazione scaduto]")
    # One pass per retention period, not per ente: with every comune loaded (7,899) a loop per ente
    # was some 63,000 queries a night for a handful of distinct periods.
    periodi = (Ente.objects.filter(conservazione_contatti_mesi__isnull=False)
               .values_list("conservazione_contatti_mesi", flat=True).distinct().order_by())
    for mesi in sorted(set(periodi)):
        limite = diritti.mesi_fa(adesso, mesi)
        dell_ente = {"ente__conservazione_contatti_mesi": mesi}
        vecchi = MessaggioInArrivo.objects.filter(**dell_ente, ricevuto_il__lt=limite).exclude(
            mittente="", oggetto="", dettaglio="")
        conta("comunicazioni.messaggioinarrivo", _svuota_messaggi_in_arrivo(vecchi))
        # Delivered, failed, or given up long ago: nothing will read them again.
        conta("comunicazioni.notifica", Notifica.objects.filter(**dell_ente, creata_il__lt=limite).delete()[0])
        lettere = MessaggioSindaco.objects.filter(**dell_ente, creato_il__lt=limite).exclude(testo=testo)
        _elementi_personale(messaggio_sindaco__in=lettere).update(testo="")
        conta("comunicazioni.messaggiosindaco", lettere.update(nome="", email="", utente=None, testo=testo,
                                                               risposta=""))
        conta("comunicazioni.elementopersonale", _elementi_personale(
            **dell_ente, inviato=True, creato_il__lt=limite).delete()[0])
    return {k: v for k, v in contati.items() if v}
