"""The states of a report (values and labels). A vocabulary every layer names (models of the
catalogue and of the reports, pages, APIs), so it sits in the base layer; the transitions between
them and the sets of states are `segnalazioni/workflow.py`."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stato(models.TextChoices):
    SUBMITTED = "submitted", _("Ricevuta")
    ACCEPTED = "accepted", _("Presa in carico")
    IN_PROGRESS = "in_progress", _("In lavorazione")
    RESOLVED = "resolved", _("Risolta")
    CLOSED = "closed", _("Chiusa")
    REJECTED = "rejected", _("Respinta")
    DUPLICATE = "duplicate", _("Duplicata")
    WITHDRAWN = "withdrawn", _("Annullata")
    REOPENED = "reopened", _("Riaperta")
