"""Reports (segnalazioni), their media (allegati) and their append-only history (eventi)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils.translation import gettext_lazy as _

from civico.catalogo.models import Categoria, Ufficio
from civico.enti.models import Ente
from civico.stati import Stato

if TYPE_CHECKING:
    from civico.accounts.models import Utente
    from civico.accounts.permissions import Attore


class Canale(models.TextChoices):
    WEB = "web", _("Web")
    APP = "app", _("App")
    OPEN311 = "open311", _("Open311")
    API = "api", _("API")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    PHONE = "phone", _("Telefono")
    POST = "post", _("Posta")
    COUNTER = "counter", _("Sportello")


class Priorita(models.TextChoices):
    BASSA = "bassa", _("Bassa")
    NORMALE = "normale", _("Normale")
    ALTA = "alta", _("Alta")
    URGENTE = "urgente", _("Urgente")


# The inbox sorts by urgency: a number the database can index (urgente first), kept by the
# database itself from `priorita` so no writer can forget it.
LIVELLO_PRIORITA = Case(
    When(priorita=Priorita.URGENTE, then=Value(0)),
    When(priorita=Priorita.ALTA, then=Value(1)),
    When(priorita=Priorita.NORMALE, then=Value(2)),
    default=Value(3),
)


def condizione_pubblica(via: str = "", *, ente: Ente | None = None, ente_per_id: str = "") -> Q:
    """The one rule of what the public sees of reports: marked public (`pubblica`: off when
    moderation hides it or its category is private) and of an active comune.

    `via`: the path to the report from another model ("segnalazione__" from Evento, Allegato).
    `ente`: the caller already keeps to this one ente; its flag is read here, so no join to enti.
    `ente_per_id`: the lookup holding the ente's id, compared with the active enti's ids (read
    now) instead of joining enti: big aggregate scans stay on the (ente, …) indexes.
    For one report already loaded, the same rule is `Segnalazione.visibile_al_pubblico`.
    """
    pubblica = Q(**{f"{via}pubblica": True})
    if ente is not None:
        return pubblica if ente.attivo else Q(pk__in=[])
    if ente_per_id:
        attivi = list(Ente.objects.filter(attivo=True).values_list("pk", flat=True))
        return pubblica & Q(**{f"{ente_per_id}__in": attivi})
    return pubblica & Q(**{f"{via}ente__attivo": True})


class SegnalazioneQuerySet(models.QuerySet):
    """Who sees which reports, said once (like Signalen's `filter_for_user`)."""

    def pubbliche(self, ente: Ente | None = None, *, enti_per_id: bool = False) -> Self:
        """What the public may see (`condizione_pubblica`); of one ente if given.
        `enti_per_id`: match the active enti by id rather than by a join (dashboards' scans)."""
        if ente is not None:
            return self.filter(condizione_pubblica(ente=ente), ente=ente)
        return self.filter(condizione_pubblica(ente_per_id="ente_id" if enti_per_id else ""))

    def visibili_a(self, attore: Attore | Utente | None) -> Self:
        """What this person may open in the backoffice: the enti and offices of their staff roles
        (the rule itself is `permissions.filtro_visibili`). A reporter reaches their own reports
        through the private link or their area, not through this: for them, and for anyone
        without a staff role, nothing."""
        from civico.accounts.permissions import Attore, filtro_visibili

        if isinstance(attore, Attore):
            attore = None if attore.segnalante else attore.utente
        return self.filter(filtro_visibili(attore))

    def per_assegnatario(self, scelta: str, utente: Utente, *, io: str, per: str) -> Self:
        """The staff lists' filter by assignee: "nessuno" (nobody), `io` (the person asking: "me"
        in the back office, "io" in the API), else one person by the lookup `per` (id or username)."""
        if scelta == "nessuno":
            return self.filter(assegnatario__isnull=True)
        if scelta == io:
            return self.filter(assegnatario=utente)
        return self.filter(**{per: scelta})


class Segnalazione(models.Model):
    ente = models.ForeignKey(Ente, on_delete=models.PROTECT, related_name="segnalazioni")
    # Human tracking code, e.g. AL-2026-000123: unique per ente and year, and overall.
    codice = models.CharField(_("codice"), max_length=32, unique=True)
    # An opaque public identifier (API tokens, links that must not reveal counts).
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    anno = models.PositiveIntegerField()
    numero = models.PositiveIntegerField()
    # Unguessable token of the reporter's private link.
    token = models.CharField(max_length=64, unique=True, editable=False)
    categoria = models.ForeignKey(Categoria, on_delete=models.PROTECT, related_name="segnalazioni")
    ufficio = models.ForeignKey(
        Ufficio, on_delete=models.PROTECT, related_name="segnalazioni", null=True, blank=True
    )
    stato = models.CharField(_("stato"), max_length=20, choices=Stato.choices, default=Stato.SUBMITTED)
    priorita = models.CharField(
        _("priorità"), max_length=10, choices=Priorita.choices, default=Priorita.NORMALE
    )
    livello_priorita = models.GeneratedField(
        expression=LIVELLO_PRIORITA, output_field=models.PositiveSmallIntegerField(), db_persist=True
    )
    titolo = models.CharField(_("titolo"), max_length=200)
    descrizione = models.TextField(_("descrizione"), blank=True)
    # Empty for reports imported from platforms that did not record a place (kept, off the maps),
    # and for those still to be placed by the office (`da_localizzare`).
    lat = models.FloatField(_("latitudine"), null=True, blank=True)
    lon = models.FloatField(_("longitudine"), null=True, blank=True)
    indirizzo = models.CharField(_("indirizzo"), max_length=250, blank=True)
    # Arrived with the place in words only (SMS, e-mail, chat to a comune without a street
    # gazetteer): the office places it on the map (segnalazioni/localizzazione.py); `indirizzo`
    # holds the words meanwhile.
    da_localizzare = models.BooleanField(_("da localizzare"), default=False)
    cap = models.CharField(_("CAP"), max_length=5, blank=True)
    cella_h3 = models.CharField(_("cella H3"), max_length=16, db_index=True, blank=True)
    canale = models.CharField(_("canale"), max_length=10, choices=Canale.choices)
    risposte = models.JSONField(_("risposte alle domande aggiuntive"), default=dict, blank=True)
    # The reporter: private, never shown on a public page.
    segnalante = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="segnalazioni",
    )
    segnalante_nome = models.CharField(_("nome del segnalante"), max_length=160, blank=True)
    segnalante_email = models.EmailField(_("e-mail del segnalante"), blank=True)
    segnalante_telefono = models.CharField(_("telefono del segnalante"), max_length=40, blank=True)
    # The language the reporter used at intake ("it"/"en"): every message to them is in it.
    lingua = models.CharField(_("lingua del segnalante"), max_length=5, default="it")
    assegnatario = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="segnalazioni_assegnate", verbose_name=_("operatore assegnato"),
    )
    # The client application that submitted it (Open311/API), and what it told us about itself.
    applicazione = models.ForeignKey(
        "accounts.ApplicazioneClient", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="segnalazioni",
    )
    dati_client = models.JSONField(default=dict, blank=True)
    url_media_esterno = models.URLField(_("foto su un altro sito"), max_length=500, blank=True)
    # Latest public text of the timeline (Open311 status_notes). A projection of the events,
    # written by eventi.registra in the same transaction, so lists need no event query.
    nota_pubblica = models.TextField(blank=True)
    duplicato_di = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicati"
    )
    pubblica = models.BooleanField(_("visibile al pubblico"), default=True)
    creata_il = models.DateTimeField(_("creata il"), db_index=True)
    aggiornata_il = models.DateTimeField(_("aggiornata il"))
    # The SLA deadline: set by the rules (sla.py), moved only by pauses; lateness and escalation read it.
    scadenza = models.DateField(_("data prevista di risoluzione"), null=True, blank=True)
    # The date the office promises citizens (sla.imposta_data_prevista): shown publicly, never
    # read for lateness, so an office cannot move its own legal deadline.
    data_prevista = models.DateField(_("data promessa dall'ufficio"), null=True, blank=True)
    # Optimistic locking: every write bumps it; a writer that read an older one is refused.
    versione = models.PositiveIntegerField(default=1)
    chiave_idempotenza = models.CharField(max_length=128, null=True, blank=True, unique=True)
    impronta_richiesta = models.CharField(max_length=64, blank=True)
    # SLA clock (civico.segnalazioni.sla): paused while the office waits for the reporter's answer;
    # the days it stood still push `scadenza` forward.
    in_attesa_dal = models.DateTimeField(_("in attesa del segnalante dal"), null=True, blank=True)
    giorni_sospesi = models.PositiveIntegerField(_("giorni di sospensione"), default=0)
    # When the office managers were told it is overdue: each deadline is escalated once.
    sollecitata_il = models.DateTimeField(_("sollecitata il"), null=True, blank=True)
    # When the ente's dirigenti were told it is still late (second level, solleciti.py).
    sollecitata_dirigenti_il = models.DateTimeField(_("sollecitata ai dirigenti il"), null=True, blank=True)
    numero_protocollo = models.CharField(_("numero di protocollo"), max_length=64, blank=True)
    # When it left the open states (first time since the last reopening): statistics read it directly.
    chiusa_il = models.DateTimeField(_("chiusa il"), null=True, blank=True)
    # Imported from another platform: its name and the report's id there (re-imports update, never duplicate).
    origine = models.CharField(_("piattaforma di origine"), max_length=30, blank=True)
    id_origine = models.CharField(_("identificativo di origine"), max_length=64, blank=True)
    # Inherited backlog (segnalazioni.pregresso): imported still open and older than the ente's
    # chosen age. Visible and workable, but out of the overdue counts and alerts unless the ente says so.
    pregressa = models.BooleanField(_("arretrato ereditato"), default=False)

    objects = SegnalazioneQuerySet.as_manager()

    class Meta:
        verbose_name = _("segnalazione")
        verbose_name_plural = _("segnalazioni")
        ordering = ["-creata_il"]
        constraints = [
            models.UniqueConstraint(fields=["ente", "anno", "numero"], name="numero_unico_per_anno"),
            models.UniqueConstraint(
                fields=["ente", "origine", "id_origine"], condition=~models.Q(id_origine=""),
                name="origine_unica_per_ente",
            ),
        ]
        indexes = [
            models.Index(fields=["ente", "stato", "creata_il"], name="segn_ente_stato_data"),
            models.Index(fields=["ente", "creata_il"], name="segn_ente_creata"),
            models.Index(fields=["ente", "chiusa_il"], name="segn_ente_chiusa"),
            models.Index(fields=["ente", "scadenza"], name="segn_ente_scadenza"),
            models.Index(fields=["ente", "cella_h3"], name="segn_ente_cella"),
            models.Index(fields=["ente", "ufficio", "stato"], name="segn_ente_ufficio_stato"),
            models.Index(fields=["ente", "aggiornata_il"], name="segn_ente_aggiornata"),
            models.Index(fields=["ente", "livello_priorita", "-creata_il", "-id"], name="segn_ente_priorita"),
        ]

    def __str__(self) -> str:
        return f"{self.codice} · {self.titolo}"

    @property
    def visibile_al_pubblico(self) -> bool:
        """`condizione_pubblica` for this one loaded report (whether its public page exists): what
        templates ask, instead of reading `pubblica` by hand. Keep the two rules together."""
        return self.pubblica and self.ente.attivo


class ContatoreCodici(models.Model):
    """The last number given per ente and year: a row lock makes numbering gap-free and safe."""

    ente = models.ForeignKey(Ente, on_delete=models.CASCADE)
    anno = models.PositiveIntegerField()
    ultimo = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ente", "anno"], name="contatore_unico_per_anno")
        ]

    def __str__(self) -> str:
        return f"{self.ente_id}/{self.anno}: {self.ultimo}"


class TipoAllegato(models.TextChoices):
    FOTO = "foto", _("Foto")
    DOCUMENTO = "documento", _("Documento")


def _percorso_allegato(istanza: Allegato, nome: str) -> str:
    return f"segnalazioni/{istanza.segnalazione.ente_id}/{istanza.segnalazione.anno}/{nome}"


class Allegato(models.Model):
    segnalazione = models.ForeignKey(Segnalazione, on_delete=models.CASCADE, related_name="allegati")
    tipo = models.CharField(_("tipo"), max_length=10, choices=TipoAllegato.choices)
    file = models.FileField(upload_to=_percorso_allegato, max_length=255)
    miniatura = models.FileField(upload_to=_percorso_allegato, max_length=255, blank=True)
    nome_originale = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100)
    dimensione = models.PositiveIntegerField()
    larghezza = models.PositiveIntegerField(null=True, blank=True)
    altezza = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64)
    # Photos are public unless the report is not; documents never are.
    pubblico = models.BooleanField(default=True)
    creato_il = models.DateTimeField(auto_now_add=True)
    # Photo redaction: the unredacted original, private (empty once destroyed or never redacted),
    # and when staff reviewed the photo (held private until then where the ente asks for review).
    originale = models.FileField(upload_to=_percorso_allegato, max_length=255, blank=True)
    revisionato_il = models.DateTimeField(null=True, blank=True)
    # A photo as uploaded, private, until the worker re-encodes it (segnalazioni.elaborazione):
    # meanwhile `file` is empty and every viewer gets a placeholder; emptied once processed.
    grezzo = models.FileField(upload_to=_percorso_allegato, max_length=255, blank=True)
    # The upload's hash, kept once the worker re-encodes the photo: pages and API answers rendered
    # meanwhile link `?v=` its version, which then redirects to the current one. Empty when no such
    # URL was given out (re-encoded in the request) and once redacted (the old link must not lead on).
    sha256_caricato = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("allegato")
        verbose_name_plural = _("allegati")
        ordering = ["id"]
        # The few photos still to re-encode, for the sweeper and /metrics, among millions processed.
        indexes = [models.Index(fields=["creato_il"], condition=~models.Q(grezzo=""),
                                name="allegati_in_elaborazione")]

    def __str__(self) -> str:
        return f"{self.get_tipo_display()} {self.pk}"

    @property
    def in_elaborazione(self) -> bool:
        """Uploaded, not yet re-encoded: nobody but the system may see its bytes."""
        return bool(self.grezzo)


class TipoEvento(models.TextChoices):
    CREATED = "created", _("Segnalazione ricevuta")
    COMMENT = "comment", _("Messaggio del segnalante")
    ROUTED = "routed", _("Assegnata a un ufficio")
    STATE_CHANGED = "state_changed", _("Cambio di stato")
    RECLASSIFIED = "reclassified", _("Categoria cambiata")
    REROUTED = "rerouted", _("Ufficio cambiato")
    PUBLIC_ANSWER = "public_answer", _("Risposta pubblica")
    INTERNAL_NOTE = "internal_note", _("Nota interna")
    MEDIA_ADDED = "media_added", _("Allegato aggiunto")
    MERGED = "merged", _("Unita a un'altra segnalazione")
    PRIORITY_CHANGED = "priority_changed", _("Priorità cambiata")
    ASSIGNED = "assigned", _("Assegnata a un operatore")
    INFO_REQUESTED = "info_requested", _("Richiesta di informazioni al segnalante")
    SLA_RESUMED = "sla_resumed", _("Ripreso il conteggio dei tempi")
    ESCALATED = "escalated", _("Sollecito ai responsabili")
    WORK_ORDER = "work_order", _("Inserita in un intervento")
    PROTOCOL = "protocol", _("Protocollata")
    DEADLINE_SET = "deadline_set", _("Data prevista cambiata")
    LOCATED = "located", _("Posizionata sulla mappa")


class Visibilita(models.TextChoices):
    PUBBLICA = "public", _("Pubblica")
    SEGNALANTE = "reporter", _("Segnalante e uffici")
    INTERNA = "internal", _("Solo uffici")


class EventoQuerySet(models.QuerySet):
    """Events are history: no bulk edits or deletes through the ORM."""

    def update(self, **kwargs):
        raise TypeError("Gli eventi non si modificano: sono la storia della segnalazione.")

    def delete(self):
        raise TypeError("Gli eventi non si cancellano: sono la storia della segnalazione.")


class Evento(models.Model):
    """One thing that happened to a report. Append-only: the source of truth of the timeline."""

    segnalazione = models.ForeignKey(
        Segnalazione, on_delete=models.DO_NOTHING, related_name="eventi", db_constraint=True
    )
    ente = models.ForeignKey(Ente, on_delete=models.DO_NOTHING, related_name="+")
    tipo = models.CharField(_("tipo"), max_length=20, choices=TipoEvento.choices)
    stato_da = models.CharField(max_length=20, choices=Stato.choices, blank=True)
    stato_a = models.CharField(max_length=20, choices=Stato.choices, blank=True)
    transizione = models.CharField(max_length=30, blank=True)
    visibilita = models.CharField(
        _("visibilità"), max_length=10, choices=Visibilita.choices, default=Visibilita.PUBBLICA
    )
    testo = models.TextField(_("testo"), blank=True)
    attore = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # How the actor appears publicly ("Ufficio Verde pubblico", "Cittadino", "Sistema").
    attore_pubblico = models.CharField(max_length=160, blank=True)
    dati = models.JSONField(default=dict, blank=True)
    creato_il = models.DateTimeField(db_index=True)

    objects = EventoQuerySet.as_manager()

    class Meta:
        verbose_name = _("evento")
        verbose_name_plural = _("eventi")
        ordering = ["creato_il", "id"]
        indexes = [models.Index(fields=["ente", "creato_il"], name="evento_ente_data")]

    def __str__(self) -> str:
        return f"{self.get_tipo_display()} · {self.creato_il:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Gli eventi non si modificano: sono la storia della segnalazione.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Gli eventi non si cancellano: sono la storia della segnalazione.")


class StatoIntervento(models.TextChoices):
    APERTO = "aperto", _("Aperto")
    CHIUSO = "chiuso", _("Chiuso")
    ANNULLATO = "annullato", _("Annullato")


class Intervento(models.Model):
    """A work order: one crew or contractor fixing several reports, with its date and costs."""

    ente = models.ForeignKey(Ente, on_delete=models.PROTECT, related_name="interventi")
    titolo = models.CharField(_("titolo"), max_length=200)
    squadra_o_ditta = models.CharField(_("squadra o ditta"), max_length=200, blank=True)
    data_prevista = models.DateField(_("data prevista"), null=True, blank=True)
    costo_stimato = models.DecimalField(_("costo stimato (€)"), max_digits=12, decimal_places=2, null=True, blank=True)
    costo_effettivo = models.DecimalField(
        _("costo effettivo (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    stato = models.CharField(
        _("stato"), max_length=10, choices=StatoIntervento.choices, default=StatoIntervento.APERTO
    )
    segnalazioni = models.ManyToManyField(Segnalazione, related_name="interventi", blank=True)
    creato_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    creato_il = models.DateTimeField(_("creato il"))
    chiuso_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    chiuso_il = models.DateTimeField(_("chiuso il"), null=True, blank=True)
    note = models.TextField(_("note interne"), blank=True)

    class Meta:
        verbose_name = _("intervento")
        verbose_name_plural = _("interventi")
        ordering = ["-creato_il"]
        indexes = [models.Index(fields=["ente", "stato"], name="intervento_ente_stato")]

    def __str__(self) -> str:
        return self.titolo


class TipoEventoIntervento(models.TextChoices):
    CREATO = "creato", _("Creato")
    MODIFICATO = "modificato", _("Modificato")
    AGGIUNTE = "aggiunte", _("Segnalazioni aggiunte")
    RIMOSSA = "rimossa", _("Segnalazione tolta")
    ANNULLATO = "annullato", _("Annullato")
    CHIUSO = "chiuso", _("Chiuso")


class EventoIntervento(models.Model):
    """One change to a work order (who, when, what changed from what). Append-only, like `Evento`."""

    # An order's history goes with the order (orders are never deleted by the pages; the admin may).
    intervento = models.ForeignKey(Intervento, on_delete=models.CASCADE, related_name="eventi")
    tipo = models.CharField(_("tipo"), max_length=12, choices=TipoEventoIntervento.choices)
    attore = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    testo = models.TextField(_("testo"), blank=True)  # a reason (cancelling, removing a report)
    # {"campi": {name: [before, after]}} for edits, {"codici": [...]} for reports added or removed.
    dati = models.JSONField(default=dict, blank=True)
    creato_il = models.DateTimeField(_("quando"))

    class Meta:
        verbose_name = _("evento di un intervento")
        verbose_name_plural = _("eventi degli interventi")
        ordering = ["creato_il", "id"]

    def __str__(self) -> str:
        return f"{self.get_tipo_display()} · {self.creato_il:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Gli eventi di un intervento non si modificano: sono la sua storia.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Gli eventi di un intervento non si cancellano: sono la sua storia.")
