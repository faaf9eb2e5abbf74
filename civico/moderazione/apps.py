from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerazioneConfig(AppConfig):
    """Abuse resistance: citizens' flags, the staff's moderation queue, bans, masking of personal
    data and profanity in public text, honeypots on public forms."""

    name = "civico.moderazione"
    label = "moderazione"
    verbose_name = _("Moderazione")
