"""Moderation's doors: flag a report, hide or restore it, ban contacts, mask public text.

Hiding a report sets it non-public (its page, photos, feeds, Open311 and the API stop showing
it) and appends an internal event with the reason; restoring undoes exactly that. Only staff who
work on the report (`permissions.puo_lavorare`) may do either; bans belong to the ente's
administrators (`puo_configurare`), bans valid everywhere to the platform's.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civico.accounts.models import Utente
from civico.accounts.permissions import (
    Attore,
    e_amministratore_piattaforma,
    puo_configurare,
    puo_lavorare,
)
from civico.core.memoria import Memoria
from civico.enti.models import Ente
from civico.errors import Conflict, InvalidData, NotAllowed
from civico.formati.telefono import normalizza_telefono
from civico.moderazione.models import (
    Divieto,
    EsitoSegnalazione,
    Motivo,
    SegnalazioneContenuto,
    TestoOriginale,
    TipoDivieto,
)
from civico.segnalazioni import eventi
from civico.segnalazioni.models import Segnalazione, TipoEvento, Visibilita
from civico.testo import memorizzabile

MAX_MOTIVO = 300
NASCOSTA = "nascosta"
RIPRISTINATA = "ripristinata"


# --- Masking (the gate itself is `cancello`) ------------------------------------------------------


def originali(s: Segnalazione, utente: Utente | None) -> dict[str, str]:
    """The masked fields' original words, for staff who work on the report only."""
    if not puo_lavorare(utente, s):
        return {}
    return dict(TestoOriginale.objects.filter(segnalazione=s).values_list("campo", "testo"))


# --- Bans ----------------------------------------------------------------------------------------


def normalizza(tipo: str, valore: str) -> str:
    valore = (valore or "").strip().lower()
    if tipo == TipoDivieto.TELEFONO:
        return normalizza_telefono(valore) if any(c.isdigit() for c in valore) else ""
    if tipo == TipoDivieto.DOMINIO:
        return valore.lstrip("@").rstrip(".")
    return valore


def vietato(ente: Ente | None, *, email: str = "", telefono: str = "") -> str | None:
    """The kind of ban that refuses these contacts in this ente (or anywhere), or None."""
    cercati: list[tuple[str, str]] = []
    if email and "@" in email:
        cercati.append((TipoDivieto.EMAIL, normalizza(TipoDivieto.EMAIL, email)))
        dominio = email.rsplit("@", 1)[1].strip().lower()
        # A ban on example.com also covers mail.example.com.
        parti = dominio.split(".")
        cercati += [(TipoDivieto.DOMINIO, ".".join(parti[i:])) for i in range(len(parti) - 1)]
    if telefono:
        numero = normalizza(TipoDivieto.TELEFONO, telefono)
        if numero:
            cercati.append((TipoDivieto.TELEFONO, numero))
    if not cercati:
        return None
    attivi = _divieti_attivi()
    validi = [
        (pk, tipo)
        for cercato in cercati
        for pk, tipo, ente_id in attivi.get(cercato, ())
        if ente is None or ente_id is None or ente_id == ente.pk
    ]
    return min(validi)[1] if validi else None  # the oldest ban, as the database would list it


# Every intake asks: the active bans are kept per process, and saving or deleting one (banning,
# revoking) makes them stale at once (civico.core.memoria).
_memoria = Memoria("divieti", ("moderazione.Divieto",), ttl_s=60)


_Indice = dict[tuple[str, str], tuple[tuple[int, str, int | None], ...]]


def _divieti_attivi() -> _Indice:
    """(kind, normalised value) → the active bans on it: (id, kind, ente id or None)."""

    def carica() -> _Indice:
        indice: dict[tuple[str, str], list[tuple[int, str, int | None]]] = {}
        attivi = Divieto.objects.using(DEFAULT_DB_ALIAS).filter(attivo=True).order_by("pk")
        for pk, tipo, valore, ente_id in attivi.values_list("pk", "tipo", "valore", "ente_id"):
            indice.setdefault((tipo, valore), []).append((pk, tipo, ente_id))
        return {k: tuple(v) for k, v in indice.items()}

    return _memoria.prendi("attivi", carica)


def verifica_contatti(ente: Ente | None, email: str, telefono: str, errori: dict) -> None:
    """Intake's hook: a banned e-mail, domain or phone adds a clear error to `errori`."""
    tipo = vietato(ente, email=email, telefono=telefono)
    if tipo is None:
        return
    campo = "telefono" if tipo == TipoDivieto.TELEFONO else "email"
    errori.setdefault(campo, []).append(messaggio_divieto())


def messaggio_divieto():
    return _("Questo recapito non può più inviare segnalazioni o messaggi a causa di abusi ripetuti. "
             "Se pensi sia un errore, contatta l'ufficio relazioni con il pubblico del comune.")


def vieta(utente: Utente, tipo: str, valore: str, motivo: str, ente: Ente | None) -> Divieto:
    if ente is None and not e_amministratore_piattaforma(utente):
        raise NotAllowed(_("Solo gli amministratori della piattaforma possono vietare un recapito ovunque."))
    if ente is not None and not puo_configurare(utente, ente):
        raise NotAllowed(_("Solo gli amministratori del comune possono vietare un recapito."))
    errori: dict[str, list] = {}
    if tipo not in TipoDivieto.values:
        errori["tipo"] = [_("Scegli che cosa vietare: e-mail, telefono o dominio.")]
    normale = normalizza(tipo, valore)
    if not normale or len(normale) > 254 or (tipo == TipoDivieto.EMAIL and "@" not in normale) or (
        tipo == TipoDivieto.DOMINIO and ("." not in normale or "@" in normale)
    ):
        errori["valore"] = [_("Il recapito da vietare non è valido.")]
    motivo = (motivo or "").strip()
    if not motivo:
        errori["motivo"] = [_("Indica il motivo del divieto.")]
    elif len(motivo) > MAX_MOTIVO:
        errori["motivo"] = [_("Il motivo è troppo lungo (massimo %(n)d caratteri).") % {"n": MAX_MOTIVO}]
    if errori:
        raise InvalidData(errori)
    divieto, _creato = Divieto.objects.update_or_create(
        tipo=tipo, valore=normale, ente=ente,
        defaults={"motivo": motivo, "creato_da": utente, "attivo": True},
    )
    return divieto


def revoca(utente: Utente, divieto: Divieto) -> None:
    if divieto.ente is None and not e_amministratore_piattaforma(utente):
        raise NotAllowed(_("Solo gli amministratori della piattaforma possono revocare questo divieto."))
    if divieto.ente is not None and not puo_configurare(utente, divieto.ente):
        raise NotAllowed(_("Solo gli amministratori del comune possono revocare un divieto."))
    divieto.attivo = False
    divieto.save(update_fields=["attivo"])


def divieti_gestibili(utente: Utente) -> QuerySet[Divieto]:
    from civico.accounts.permissions import enti_configurabili

    qs = Divieto.objects.filter(attivo=True).select_related("ente").order_by("-creato_il")
    if e_amministratore_piattaforma(utente):
        return qs
    return qs.filter(ente__in=enti_configurabili(utente))


# --- Citizens' flags -----------------------------------------------------------------------------


def impronta(ip: str, utente: Utente | None) -> str:
    """Who flagged, as a keyed hash: one flag per person per report, no address stored."""
    chi = f"u{utente.pk}" if utente is not None and utente.is_authenticated else f"ip{ip}"
    return hmac.new(settings.SECRET_KEY.encode(), chi.encode(), hashlib.sha256).hexdigest()


def segnala_contenuto(s: Segnalazione, motivo: str, testo: str, *, ip: str, utente: Utente | None) -> bool:
    """A citizen flags a public report. False when this person had already flagged it."""
    errori: dict[str, list] = {}
    if motivo not in Motivo.values:
        errori["motivo"] = [_("Scegli il motivo della segnalazione.")]
    testo = (testo or "").strip()
    if len(testo) > 500:
        errori["testo"] = [_("Il testo è troppo lungo (massimo 500 caratteri).")]
    if not memorizzabile(testo):
        errori["testo"] = [_("Il testo contiene caratteri non validi.")]
    if errori:
        raise InvalidData(errori)
    try:
        with transaction.atomic():
            SegnalazioneContenuto.objects.create(
                segnalazione=s, motivo=motivo, testo=testo, impronta=impronta(ip, utente),
                utente=utente if utente is not None and utente.is_authenticated else None,
            )
    except IntegrityError:
        return False
    return True


def coda(utente: Utente) -> QuerySet[Segnalazione]:
    """The moderation queue: reports this person sees with open flags, most flagged first;
    and the reports hidden by moderation (to restore them)."""
    aperte = Q(segnalazioni_contenuto__esito=EsitoSegnalazione.APERTA)
    return (
        Segnalazione.objects.visibili_a(utente)
        .filter(aperte)
        .select_related("ente", "categoria")
        .annotate(segnalazioni_aperte=Count("segnalazioni_contenuto", filter=aperte))
        .order_by("-segnalazioni_aperte", "-creata_il")
        .distinct()
    )


def nascoste(utente: Utente) -> QuerySet[Segnalazione]:
    return (
        Segnalazione.objects.visibili_a(utente)
        .filter(pk__in=_ultime_decisioni(NASCOSTA), pubblica=False)
        .select_related("ente", "categoria")
        .order_by("-aggiornata_il")
    )


def _ultime_decisioni(decisione: str, segnalazione_id: int | None = None) -> list[int]:
    """Reports whose latest hide/restore event is `decisione`."""
    from civico.segnalazioni.models import Evento

    qs = Evento.objects.filter(tipo=TipoEvento.INTERNAL_NOTE, dati__moderazione__in=[NASCOSTA, RIPRISTINATA])
    if segnalazione_id is not None:
        qs = qs.filter(segnalazione_id=segnalazione_id)
    ultime: dict[int, str] = {}
    for sid, dati in (
        qs.order_by("segnalazione_id", "creato_il", "id").values_list("segnalazione_id", "dati")
    ):
        ultime[sid] = dati.get("moderazione")
    return [sid for sid, d in ultime.items() if d == decisione]


def nascosta_da_moderazione(s: Segnalazione) -> bool:
    return not s.pubblica and s.pk in _ultime_decisioni(NASCOSTA, s.pk)


def _motivo(motivo: str) -> str:
    motivo = (motivo or "").strip()
    if not motivo:
        raise InvalidData({"motivo": [_("Indica il motivo: resta nella cronologia interna.")]})
    if len(motivo) > MAX_MOTIVO or not memorizzabile(motivo):
        raise InvalidData({"motivo": [_("Il motivo è troppo lungo (massimo %(n)d caratteri).") % {"n": MAX_MOTIVO}]})
    return motivo


def _decidi(s: Segnalazione, utente: Utente, esito: str) -> None:
    SegnalazioneContenuto.objects.filter(segnalazione=s, esito=EsitoSegnalazione.APERTA).update(
        esito=esito, gestita_da=utente, gestita_il=timezone.now()
    )


def _da_moderare(segnalazione: Segnalazione, utente: Utente) -> Segnalazione:
    """The report, locked for this transaction, if this person may moderate it."""
    if not puo_lavorare(utente, segnalazione):
        raise NotAllowed(_("Solo gli uffici che lavorano la segnalazione possono moderarla."))
    return Segnalazione.objects.select_for_update().get(pk=segnalazione.pk)


def _annota(s: Segnalazione, utente: Utente, testo: str, esito: str, motivo: str) -> None:
    """Every moderation decision is an internal event with its reason."""
    eventi.registra(s, TipoEvento.INTERNAL_NOTE, Attore.staff(utente), quando=timezone.now(),
                    visibilita=Visibilita.INTERNA, testo=testo % {"m": motivo},
                    dati={"moderazione": esito, "motivo": motivo})


def nascondi(segnalazione: Segnalazione, utente: Utente, motivo: str) -> Segnalazione:
    """Hide a public report (abusive content): not public any more, flags accepted, an event."""
    motivo = _motivo(motivo)
    with transaction.atomic():
        s = _da_moderare(segnalazione, utente)
        if not s.pubblica:
            raise Conflict(_("La segnalazione non è pubblica: non c'è niente da nascondere."))
        Segnalazione.objects.filter(pk=s.pk).update(pubblica=False, versione=F("versione") + 1)
        s.refresh_from_db()
        _decidi(s, utente, EsitoSegnalazione.ACCOLTA)
        _annota(s, utente, _("Nascosta dalla moderazione: %(m)s"), NASCOSTA, motivo)
    return s


def ripristina(segnalazione: Segnalazione, utente: Utente, motivo: str) -> Segnalazione:
    """Make public again a report that moderation hid (only that: a category's private reports stay private)."""
    motivo = _motivo(motivo)
    with transaction.atomic():
        s = _da_moderare(segnalazione, utente)
        if not nascosta_da_moderazione(s):
            raise Conflict(_("La segnalazione non è stata nascosta dalla moderazione."))
        Segnalazione.objects.filter(pk=s.pk).update(pubblica=True, versione=F("versione") + 1)
        s.refresh_from_db()
        _annota(s, utente, _("Ripristinata dalla moderazione: %(m)s"), RIPRISTINATA, motivo)
    return s


def respingi(segnalazione: Segnalazione, utente: Utente, motivo: str) -> None:
    """The flags were unfounded: close them, the report stays public; an internal event."""
    motivo = _motivo(motivo)
    with transaction.atomic():
        s = _da_moderare(segnalazione, utente)
        _decidi(s, utente, EsitoSegnalazione.RESPINTA)
        _annota(s, utente, _("Segnalazioni di contenuto respinte: %(m)s"), "respinta", motivo)
