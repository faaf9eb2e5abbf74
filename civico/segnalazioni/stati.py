"""The states of a report. Kept apart from the workflow so models can import them cheaply."""

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
