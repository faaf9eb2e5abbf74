from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AnalisiConfig(AppConfig):
    name = "civico.analisi"
    label = "analisi"
    verbose_name = _("Analisi e dati aperti")

    def ready(self) -> None:
        from civico.analisi.aggregati import assicura_trigger, registra_funzioni

        # SQLite rebuilds a table to alter it, dropping its triggers: put them back after every migrate.
        post_migrate.connect(assicura_trigger, sender=self, dispatch_uid="analisi_aggregati_trigger")
        # The map's triggers call an H3 function: SQLite gets it on every connection.
        connection_created.connect(registra_funzioni, dispatch_uid="analisi_funzioni_sqlite")
