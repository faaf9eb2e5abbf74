"""Admin for enti: find a comune among ~7,900, switch it on or off, look at its boundary."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from civico.enti.models import Ente


class _ElencoSenzaConfini(ChangeList):
    # Boundaries are large: the list of 7,900 comuni never needs them.
    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).defer("confine")


def _vertici(geometria: dict) -> int:
    def conta(c) -> int:
        return 1 if c and isinstance(c[0], int | float) else sum(conta(x) for x in c)

    return conta(geometria.get("coordinates", []))


@admin.register(Ente)
class EnteAdmin(admin.ModelAdmin):
    list_display = [
        "nome", "provincia", "regione", "codice_istat", "codice_catastale", "sigla", "attivo",
    ]
    list_filter = ["attivo", "regione"]
    search_fields = ["nome", "codice_istat", "codice_catastale", "sigla"]
    readonly_fields = ["confine_riassunto", "confine_json", "confine_aggiornato_il"]
    exclude = ["confine"]  # edited by the loader, shown read-only below
    actions = ["attiva", "disattiva"]
    list_per_page = 100
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["nome", "slug", "attivo", "sigla", "fuso_orario"]}),
        (_("Codici e territorio"), {"fields": [
            "codice_istat", "codice_catastale", "provincia", "regione",
            "confine_riassunto", "confine_aggiornato_il", "confine_json",
        ]}),
        (_("Contatti"), {"fields": ["email", "pec", "telefono", "sito_web", "indirizzo"]}),
    ]

    def get_changelist(self, request, **kwargs):
        return _ElencoSenzaConfini

    @admin.display(description=_("confine"))
    def confine_riassunto(self, ente: Ente) -> str:
        if not ente.confine:
            return _("nessun confine")
        return f"{ente.confine.get('type')}, {_vertici(ente.confine)} vertici"

    @admin.display(description=_("confine (GeoJSON)"))
    def confine_json(self, ente: Ente) -> str:
        if not ente.confine:
            return "—"
        return format_html(
            '<pre style="max-height:20em;overflow:auto;white-space:pre-wrap">{}</pre>',
            json.dumps(ente.confine),
        )

    def _imposta(self, request, queryset, attivo: bool) -> None:
        # update() sends no signals, which is right: the geo index does not hold active flags.
        n = queryset.update(attivo=attivo)
        testo = (
            ngettext("%(n)d ente attivato.", "%(n)d enti attivati.", n)
            if attivo
            else ngettext("%(n)d ente disattivato.", "%(n)d enti disattivati.", n)
        )
        self.message_user(request, testo % {"n": n}, messages.SUCCESS)

    @admin.action(description=_("Attiva su Civico"))
    def attiva(self, request, queryset) -> None:
        self._imposta(request, queryset, True)

    @admin.action(description=_("Disattiva su Civico"))
    def disattiva(self, request, queryset) -> None:
        self._imposta(request, queryset, False)
