"""Precomputed dashboards: the figures of the default view of each comune and of the platform.

A dashboard over a million reports is a dozen GROUP BYs; most visitors open the default view
(the last twelve months, every category), so a task computes it ahead and stores it here. Any
other filter is computed on request and kept in the cache for a few minutes.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Istantanea(models.Model):
    # "ente:<id>|<from>|<to>|<category>" or "piattaforma|…" (see civico.analisi.istantanee).
    chiave = models.CharField(max_length=200, unique=True)
    dati = models.JSONField()
    calcolata_il = models.DateTimeField(_("calcolata il"))
    durata_ms = models.PositiveIntegerField(_("tempo di calcolo (ms)"), default=0)

    class Meta:
        verbose_name = _("cruscotto precalcolato")
        verbose_name_plural = _("cruscotti precalcolati")

    def __str__(self) -> str:
        return self.chiave


# --- Aggregates the dashboards read (kept current by database triggers: aggregati.py) ----------
# Integer keys without database constraints: a row is a count, never a reference to protect, and
# the triggers must be able to write it whatever happens to the catalogue. `ufficio_id` 0 = none
# (a real value, so that the unique key can be the target of an upsert on both databases).


class PerGiorno(models.Model):
    """What every day table shares: the local day, the ente, the category and the count."""

    giorno = models.DateField()
    ente = models.ForeignKey("enti.Ente", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    categoria = models.ForeignKey(
        "catalogo.Categoria", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    n = models.IntegerField(default=0)

    class Meta:
        abstract = True


class RicevuteGiorno(PerGiorno):
    """Public reports per local day of arrival and what they are now (state, category, office…)."""

    ufficio_id = models.IntegerField(default=0)
    canale = models.CharField(max_length=10)
    stato = models.CharField(max_length=20)
    pregressa = models.BooleanField(default=False)
    con_posizione = models.BooleanField(default=True)

    class Meta:
        db_table = "analisi_ricevute_giorno"
        constraints = [
            models.UniqueConstraint(
                fields=["ente", "giorno", "categoria", "ufficio_id", "canale", "stato", "pregressa", "con_posizione"],
                name="ricevute_giorno_chiave",
            )
        ]
        indexes = [models.Index(fields=["giorno"], name="ricevute_giorno_giorno")]

    def __str__(self) -> str:
        return f"{self.giorno} ente {self.ente_id} categoria {self.categoria_id} {self.stato}: {self.n}"


class RisolteGiorno(PerGiorno):
    """Resolved public reports per local day of closing, with the time it took in tenths of a day
    (a histogram exact to 0.1 day, the precision the dashboard shows) and the deadline's outcome."""

    ufficio_id = models.IntegerField(default=0)
    esito_scadenza = models.SmallIntegerField(default=0)  # 0 no deadline, 1 within it, 2 late
    decimi = models.IntegerField(default=0)  # days from arrival to resolution × 10, rounded

    class Meta:
        db_table = "analisi_risolte_giorno"
        constraints = [
            models.UniqueConstraint(
                fields=["ente", "giorno", "categoria", "ufficio_id", "esito_scadenza", "decimi"],
                name="risolte_giorno_chiave",
            )
        ]
        indexes = [models.Index(fields=["giorno"], name="risolte_giorno_giorno")]

    def __str__(self) -> str:
        return f"{self.giorno} ente {self.ente_id} categoria {self.categoria_id} {self.decimi / 10} gg: {self.n}"


class RisposteGiorno(PerGiorno):
    """The reporters' answers to «Il problema è stato risolto?» per local day of the answer, ente of
    the event and the report's current category (only answers on public reports)."""

    risolto = models.BooleanField()  # yes: `close` by the reporter; no: `reopen` by the reporter

    class Meta:
        db_table = "analisi_risposte_giorno"
        constraints = [
            models.UniqueConstraint(fields=["ente", "giorno", "categoria", "risolto"], name="risposte_giorno_chiave")
        ]

    def __str__(self) -> str:
        return f"{self.giorno} ente {self.ente_id} categoria {self.categoria_id} risolto={self.risolto}: {self.n}"


class CelleGiorno(PerGiorno):
    """Public reports with a position per local day of arrival × ente × category × H3 cell at the
    platform map's resolution (aggregati.RISOLUZIONE_MAPPA)."""

    cella = models.CharField(max_length=16)

    class Meta:
        db_table = "analisi_celle_giorno"
        constraints = [
            models.UniqueConstraint(fields=["ente", "giorno", "categoria", "cella"], name="celle_giorno_chiave")
        ]

    def __str__(self) -> str:
        return f"{self.giorno} ente {self.ente_id} {self.cella}: {self.n}"


# --- The platform's level: the day rows summed per month and category code, without the ente ---
# (triggers on the day tables keep them: aggregati.LIVELLI). Codes and office names are copied in,
# so the platform's thirty codes × twelve months replace a row per comune and day.


class PerMese(models.Model):
    """What every month table shares: the month's first day, the category code and the count."""

    mese = models.DateField()  # its first day
    codice = models.CharField(max_length=60)
    n = models.IntegerField(default=0)

    class Meta:
        abstract = True


class RicevuteMese(PerMese):
    """`RicevuteGiorno` per month of arrival × category code, all comuni together."""

    canale = models.CharField(max_length=10)
    stato = models.CharField(max_length=20)
    pregressa = models.BooleanField(default=False)
    con_posizione = models.BooleanField(default=True)

    class Meta:
        db_table = "analisi_ricevute_mese"
        constraints = [
            models.UniqueConstraint(
                fields=["mese", "codice", "canale", "stato", "pregressa", "con_posizione"], name="ricevute_mese_chiave"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mese:%Y-%m} {self.codice} {self.stato}: {self.n}"


class RisolteMese(PerMese):
    """`RisolteGiorno` per month of closing × category code × office name, all comuni together."""

    ufficio = models.CharField(max_length=160, default="")  # its name; "" none
    esito_scadenza = models.SmallIntegerField(default=0)
    decimi = models.IntegerField(default=0)

    class Meta:
        db_table = "analisi_risolte_mese"
        constraints = [
            models.UniqueConstraint(
                fields=["mese", "codice", "ufficio", "esito_scadenza", "decimi"], name="risolte_mese_chiave"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mese:%Y-%m} {self.codice} {self.ufficio} {self.decimi / 10} gg: {self.n}"


class CelleMese(PerMese):
    """`CelleGiorno` per month × category code × cell, all comuni together (the platform map)."""

    cella = models.CharField(max_length=16)

    class Meta:
        db_table = "analisi_celle_mese"
        constraints = [models.UniqueConstraint(fields=["mese", "codice", "cella"], name="celle_mese_chiave")]

    def __str__(self) -> str:
        return f"{self.mese:%Y-%m} {self.codice} {self.cella}: {self.n}"
