from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from civico.moderazione import esca as _esca
from civico.moderazione.testo import pubblico as _pubblico

register = template.Library()


@register.simple_tag
def esca() -> str:
    """The honeypot and the signed render time; see civico.moderazione.esca."""
    return format_html(
        '<div class="d-none"><label for="id_{campo}">{etichetta}</label>'
        '<input type="text" name="{campo}" id="id_{campo}" value="" tabindex="-1" autocomplete="off"></div>'
        '<input type="hidden" name="{tempo}" value="{gettone}">',
        campo=_esca.CAMPO_ESCA, etichetta=_("Non compilare questo campo"), tempo=_esca.CAMPO_TEMPO,
        gettone=_esca.gettone(),
    )


@register.inclusion_tag("moderazione/_segnala.html", takes_context=True)
def segnala_contenuto(context, s) -> dict:
    """The "Segnala contenuto inappropriato" box of a public report's page."""
    from civico.moderazione.models import Motivo

    return {"s": s, "motivi": Motivo.choices, "request": context.get("request"),
            "csrf_token": context.get("csrf_token")}


@register.filter
def pubblico(testo: str | None) -> str:
    """A citizen's text through the masking gate, for pages that show it as it was stored
    (a letter to the mayor published with consent: the mayor's office reads the original)."""
    return _pubblico(testo or "")
