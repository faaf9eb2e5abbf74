"""The data subject's rights (GDPR) as services: a copy of my data (art. 15 and 20), the erasure
of my account (art. 17), and the anonymisation of reporters' contact data (retention, art. 5.1.e).

Reports are the comune's records and stay, anonymised: what goes is what names the person —
the account, its sign-in records and subscriptions, the reporter fields of their reports, the
private texts they wrote to the office and the contact data inside events.
"""

from __future__ import annotations

import io
import json
import logging
import secrets
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.apps import apps
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from civico.accounts.models import RicevutaCancellazione, Utente
from civico.gdpr import cancellazione
from civico.segnalazioni import eventi
from civico.segnalazioni.models import Allegato, Evento, Segnalazione, TipoEvento, Visibilita

log = logging.getLogger(__name__)

# Columns that are secrets or machine bookkeeping, never part of a copy of one's data.
_ESCLUSI = ("password", "hash", "token", "segreto", "chiave", "nonce", "p256dh", "auth")
# Apps whose rows are the ente's own records (offices, staff, configuration), not the citizen's.
_APP_ESCLUSE = {"enti", "catalogo", "territorio", "admin", "sessions", "contenttypes", "auth", "otp_totp",
                "otp_static", "django_tasks_db", "demo"}


def _emails(utente: Utente) -> set[str]:
    indirizzi = {utente.email.lower()} if utente.email else set()
    IndirizzoConfermato = apps.get_model("portale", "IndirizzoConfermato")
    indirizzi |= {e.lower() for e in IndirizzoConfermato.objects.filter(utente=utente).values_list("email", flat=True)}
    return indirizzi


def segnalazioni_di(utente: Utente) -> models.QuerySet[Segnalazione]:
    """Sent while signed in, or with one of the person's addresses or phone numbers: the same
    reports the erasure reaches (`cancellazione.segnalazioni_della_persona`)."""
    persona = cancellazione.Persona.dell_account(utente)
    return cancellazione.segnalazioni_della_persona(persona).select_related("ente", "categoria")


# --- Art. 15/20: a copy of my data -------------------------------------------------------------


def _riga(obj: models.Model) -> dict[str, Any]:
    dati: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if any(parola in f.name for parola in _ESCLUSI):
            continue
        valore = getattr(obj, f.attname)
        if isinstance(f, models.FileField):
            valore = valore.name if valore else ""
        dati[f.name] = valore
    return dati


def _altri_dati(utente: Utente, emails: set[str]) -> dict[str, list[dict]]:
    """Every other row that points at the account or holds one of its addresses, per model:
    subscriptions, preferences, alerts, messages to the mayor… (found by introspection, so a
    new model is covered without touching this file)."""
    trovati: dict[str, list[dict]] = {}
    for modello in apps.get_models():
        meta = modello._meta
        if meta.app_label in _APP_ESCLUSE or modello in (Utente, Segnalazione, Evento, Allegato):
            continue
        condizione = Q()
        for f in meta.concrete_fields:
            if isinstance(f, models.ForeignKey) and f.related_model is Utente:
                condizione |= Q(**{f.name: utente})
            elif isinstance(f, models.EmailField) and emails:
                for email in emails:
                    condizione |= Q(**{f"{f.name}__iexact": email})
        if not condizione:
            continue
        righe = [_riga(o) for o in modello._default_manager.filter(condizione)[:1000]]
        if righe:
            trovati[f"{meta.app_label}.{meta.model_name}"] = righe
    return trovati


def _segnalazione(s: Segnalazione) -> dict[str, Any]:
    return {
        "codice": s.codice, "comune": s.ente.nome, "categoria": s.categoria.nome, "stato": s.stato,
        "titolo": s.titolo, "descrizione": s.descrizione, "indirizzo": s.indirizzo, "lat": s.lat, "lon": s.lon,
        "creata_il": s.creata_il, "chiusa_il": s.chiusa_il, "canale": s.canale, "risposte": s.risposte,
        "segnalante_nome": s.segnalante_nome, "segnalante_email": s.segnalante_email,
        "segnalante_telefono": s.segnalante_telefono, "pubblica": s.pubblica,
        "cronologia": [
            {"quando": e.creato_il, "tipo": e.tipo, "testo": e.testo, "chi": str(eventi.chi(e)),
             "visibilita": e.visibilita}
            for e in eventi.cronologia_del_segnalante(s)
        ],
        "allegati": [f"allegati/{s.codice}/{a.pk}-{_nome_file(a)}" for a in s.allegati.all()],
    }


def _nome_file(a: Allegato) -> str:
    return (a.nome_originale or a.file.name.rsplit("/", 1)[-1]).replace("/", "_")[:120]


def esporta(utente: Utente) -> bytes:
    """A zip with `dati.json` (machine-readable, art. 20) and the files of the person's reports."""
    emails = _emails(utente)
    segnalazioni = list(segnalazioni_di(utente).prefetch_related("allegati").order_by("creata_il"))
    dati = {
        "generato_il": timezone.now(),
        "account": {
            "username": utente.username, "nome": utente.first_name, "cognome": utente.last_name,
            "email": utente.email, "telefono": utente.telefono, "codice_fiscale": utente.codice_fiscale,
            "iscritto_il": utente.date_joined, "ultimo_accesso": utente.last_login,
            "indirizzi_confermati": sorted(emails),
        },
        "segnalazioni": [_segnalazione(s) for s in segnalazioni],
        "altri_dati": _altri_dati(utente, emails),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archivio:
        archivio.writestr("dati.json", json.dumps(dati, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
        archivio.writestr("LEGGIMI.txt", _("Copia dei tuoi dati personali conservati da Civico (artt. 15 e 20 del "
                                           "GDPR). dati.json è in formato JSON; la cartella allegati contiene le "
                                           "foto e i documenti delle tue segnalazioni.\n"))
        for s in segnalazioni:
            for a in s.allegati.all():
                # The unredacted original, where kept, is the person's own photo: it belongs here.
                # A photo not yet re-encoded: the upload as sent, the person's own too.
                sorgente = a.originale or a.file or a.grezzo
                try:
                    with sorgente.open("rb") as f:
                        archivio.writestr(f"allegati/{s.codice}/{a.pk}-{_nome_file(a)}", f.read())
                except OSError:
                    log.warning("allegato %s mancante nell'archivio", a.pk)
    return buffer.getvalue()


# --- Anonymisation of a report (erasure and retention share it) -------------------------------


def testo_rimosso_su_richiesta() -> str:
    return _("[testo rimosso su richiesta]")


def testo_rimosso_per_conservazione() -> str:
    return _("[testo rimosso: periodo di conservazione scaduto]")


def anonimizza_segnalazione(s: Segnalazione, *, motivo: str, testo_rimosso: str | None = None) -> bool:
    """Take whoever sent report `s` (locked by the caller) out of it and of what hangs on it
    (`cancellazione.cancella_segnalazione`); note why in an internal event. True if there was
    something."""
    persona = cancellazione.Persona.della_segnalazione(s)
    if not cancellazione.cancella_segnalazione(s, persona, testo_rimosso=testo_rimosso or testo_rimosso_su_richiesta()):
        return False
    annota(s, motivo)
    return True


def annota(s: Segnalazione, motivo: str) -> None:
    """The internal event that says why the report was anonymised (also the retention job's mark)."""
    adesso = timezone.now()
    eventi.aggiorna(s, adesso)
    s.save(update_fields=["versione", "aggiornata_il"])
    eventi.registra(s, TipoEvento.INTERNAL_NOTE, _attore_sistema(), quando=adesso, visibilita=Visibilita.INTERNA,
                    testo=motivo, dati={"privacy": "anonimizzata"})


def _attore_sistema():
    from civico.accounts.permissions import Attore

    return Attore.di_sistema()


# --- Art. 17: erase my account -------------------------------------------------------------------


@dataclass
class Cancellazione:
    numero: str
    eseguita_il: datetime
    segnalazioni_anonimizzate: int
    altri_dati: dict[str, int] = field(default_factory=dict)


def cancella_account(utente: Utente) -> Cancellazione:
    """Erase the citizen's account and anonymise everything that names them; e-mail a receipt.

    Staff accounts are refused: their actions are the ente's records (they leave through the
    ente's administrator)."""
    from civico.accounts.permissions import ha_incarichi
    from civico.errors import NotAllowed

    if utente.is_staff or utente.is_superuser or ha_incarichi(utente):
        raise NotAllowed(_("Questo account è del personale del comune: chiedi all'amministratore dell'ente."))
    destinatario = utente.email
    with transaction.atomic():
        utente = Utente.objects.select_for_update().get(pk=utente.pk)
        emails = _emails(utente)
        anonimizzate, altri = cancellazione.cancella_persona(
            cancellazione.Persona.dell_account(utente), testo_rimosso=testo_rimosso_su_richiesta(),
            motivo=_("Dati del segnalante cancellati su sua richiesta (art. 17 GDPR)."),
        )
        for etichetta, n in _cancella_altri(utente, emails).items():  # rows of models added since
            altri[etichetta] = altri.get(etichetta, 0) + n
        adesso = timezone.now()
        ricevuta = RicevutaCancellazione.objects.create(
            numero=f"CANC-{adesso:%Y}-{secrets.token_hex(5).upper()}", eseguita_il=adesso,
            riepilogo={"segnalazioni_anonimizzate": anonimizzate, **altri},
        )
        utente.delete()
    esito = Cancellazione(ricevuta.numero, ricevuta.eseguita_il, anonimizzate, altri)
    if destinatario:
        transaction.on_commit(lambda: _invia_ricevuta(destinatario, esito))
    log.info("account cancellato, ricevuta %s", ricevuta.numero)
    return esito


def _cancella_altri(utente: Utente, emails: set[str]) -> dict[str, int]:
    """The safety net after `cancellazione.cancella_persona`: any other e-mail column holding the
    person's addresses (a model added since): deleted when the address is what the row is for,
    blanked otherwise. Rows pointing at the account go with it (CASCADE) or lose the link (SET_NULL)."""
    contati: dict[str, int] = {}
    if not emails:
        return contati
    for modello in apps.get_models():
        meta = modello._meta
        if meta.app_label in _APP_ESCLUSE or modello in (Utente, Segnalazione, Evento, Allegato):
            continue
        for f in meta.concrete_fields:
            if not isinstance(f, models.EmailField):
                continue
            condizione = Q()
            for email in emails:
                condizione |= Q(**{f"{f.name}__iexact": email})
            qs = modello._default_manager.filter(condizione)
            if f.blank and not f.unique:
                n = qs.update(**{f.name: ""}) if not _solo_recapito(modello) else qs.delete()[0]
            else:
                n = qs.delete()[0]
            if n:
                contati[f"{meta.app_label}.{meta.model_name}"] = n
    return contati


def _solo_recapito(modello: type[models.Model]) -> bool:
    """Subscriptions and alerts exist to reach an address: without it they are void."""
    return modello._meta.model_name in {"iscrizione", "allerta", "linkaccesso", "indirizzoconfermato"}


def _invia_ricevuta(email: str, esito: Cancellazione) -> None:
    try:
        send_mail(
            _("Civico: il tuo account è stato cancellato"),
            render_to_string("accounts/email_cancellazione.txt", {"esito": esito}),
            None, [email],
        )
    except OSError:
        log.warning("ricevuta di cancellazione %s non inviata", esito.numero)


# --- Retention: contact data anonymised N months after closing -------------------------------


def da_anonimizzare(adesso: datetime | None = None) -> models.QuerySet[Segnalazione]:
    """Closed reports of enti with a retention period, closed longer ago than it, not yet
    anonymised (no internal event says so): the reporter's fields are not the only trace of them
    (typed address, originals, their texts in the history, outbox rows)."""
    adesso = adesso or timezone.now()
    Ente = apps.get_model("enti", "Ente")
    condizione = Q(pk__in=[])
    for ente_id, mesi in Ente.objects.filter(attivo=True, conservazione_contatti_mesi__isnull=False).values_list(
        "pk", "conservazione_contatti_mesi"
    ):
        condizione |= Q(ente_id=ente_id, chiusa_il__lt=mesi_fa(adesso, mesi))
    gia_fatta = Evento.objects.filter(segnalazione=OuterRef("pk"), tipo=TipoEvento.INTERNAL_NOTE,
                                      dati__privacy="anonimizzata")
    return Segnalazione.objects.filter(condizione).filter(chiusa_il__isnull=False).exclude(Exists(gia_fatta))


def mesi_fa(adesso: datetime, mesi: int) -> datetime:
    anno, mese = divmod(adesso.year * 12 + adesso.month - 1 - mesi, 12)
    giorno = min(adesso.day, 28)
    return adesso.replace(year=anno, month=mese + 1, day=giorno)


def applica_conservazione(adesso: datetime | None = None, limite: int = 5000) -> int:
    """Anonymise what the retention periods say; each report in its own transaction, with an
    internal event that says why (also when there was nothing left to take: the event marks it
    done). Then the rows that expire on their own (`cancellazione.pulisci_scaduti`: sign-in links,
    SMS conversations, inbound messages, outbox rows, letters to the mayor). Returns how many
    reports had something anonymised. Idempotent."""
    fatte = 0
    for pk in list(da_anonimizzare(adesso).values_list("pk", flat=True)[:limite]):
        with transaction.atomic():
            s = Segnalazione.objects.select_for_update().select_related("ente").get(pk=pk)
            motivo = _("Recapiti del segnalante anonimizzati: conservazione di %(mesi)d mesi dalla chiusura.") % {
                "mesi": s.ente.conservazione_contatti_mesi}
            persona = cancellazione.Persona.della_segnalazione(s)
            toccata = cancellazione.cancella_segnalazione(s, persona, testo_rimosso=testo_rimosso_per_conservazione())
            toccata |= cancellazione.chiudi_per_conservazione(s)
            annota(s, motivo)
            fatte += toccata
    scaduti = cancellazione.pulisci_scaduti(adesso)
    log.info("conservazione: %d segnalazioni anonimizzate, altre righe %s", fatte, scaduti)
    return fatte
