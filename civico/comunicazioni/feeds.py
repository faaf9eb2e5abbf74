"""The Atom feed of an ente's avvisi in force: /<ente-slug>/avvisi.atom."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from civico.comunicazioni.avvisi import avvisi_attivi
from civico.enti.models import Ente


class FeedAvvisi(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, ente: str) -> Ente:
        return get_object_or_404(Ente, slug=ente, attivo=True)

    def title(self, ente: Ente) -> str:
        return _("Avvisi del Comune di %(nome)s") % {"nome": ente.nome}

    def link(self, ente: Ente) -> str:
        return f"/{ente.slug}/avvisi.atom"

    def subtitle(self, ente: Ente) -> str:
        return _("Lavori, chiusure, emergenze e comunicazioni del comune.")

    def items(self, ente: Ente):
        return avvisi_attivi(ente)[:50]

    def item_title(self, avviso) -> str:
        return f"{avviso.get_tipo_display()}: {avviso.titolo}"

    def item_description(self, avviso) -> str:
        return avviso.testo

    def item_link(self, avviso) -> str:
        return f"/{avviso.ente.slug}/#avviso-{avviso.pk}"  # the comune's home lists the avvisi

    def item_guid(self, avviso) -> str:
        return f"avviso-{avviso.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, avviso):
        return avviso.valido_dal

    def item_updateddate(self, avviso):
        return avviso.aggiornato_il

    def item_categories(self, avviso):
        return [avviso.get_tipo_display()]
