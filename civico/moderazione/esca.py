"""Honeypot and minimum fill time for public forms.

`{% esca %}` (templatetags/moderazione.py) adds two fields to a form: `sito_web`, hidden from
people (Bootstrap's `d-none` class, not an inline style, so the CSP stays strict) but filled by
naive bots, and `modulo_t`, a signed timestamp of when the page was rendered. `EscaMiddleware`
(for the views in `VISTE_PROTETTE`) or `@protetto` on a view refuses a POST whose honeypot is
filled, whose timestamp was forged, or that came back sooner than
`CIVICO["MODULI_SECONDI_MINIMI"]` seconds (no person reads and fills a form that fast).

A POST without `modulo_t` (an old page, a script) is refused only when
`CIVICO["MODULI_TOKEN_OBBLIGATORIO"]` is on: production's default, see docs/security.md.
"""

from __future__ import annotations

import functools
import logging

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

CAMPO_ESCA = "sito_web"
CAMPO_TEMPO = "modulo_t"
_SALE = "civico.moderazione.esca"
_VALIDITA_S = 24 * 3600  # a page left open for a day is stale: the form is shown again

logger = logging.getLogger(__name__)

# The public forms that carry {% esca %}: the reporting flow's final step, the mayor's line and
# the sign-in e-mail form. More with CIVICO["MODULI_PROTETTI"].
VISTE_PROTETTE = frozenset({"portale:flusso_invia", "comunicazioni:scrivi_al_sindaco", "portale:area_accedi"})


def _impostazione(nome: str, predefinito):
    return getattr(settings, "CIVICO", {}).get(nome, predefinito)


def gettone() -> str:
    """The signed render time to put in the form."""
    return signing.TimestampSigner(salt=_SALE).sign("modulo")


def verifica(request: HttpRequest) -> str | None:
    """None if the POST looks human, else the reason (for the log and the page)."""
    if request.POST.get(CAMPO_ESCA, ""):
        return "esca"
    valore = request.POST.get(CAMPO_TEMPO, "")
    if not valore:
        return "senza_tempo" if _impostazione("MODULI_TOKEN_OBBLIGATORIO", True) else None
    minimo = float(_impostazione("MODULI_SECONDI_MINIMI", 3))
    firmatario = signing.TimestampSigner(salt=_SALE)
    try:
        firmatario.unsign(valore, max_age=_VALIDITA_S)
    except signing.SignatureExpired:
        return "scaduto"
    except signing.BadSignature:
        return "falsificato"
    if minimo > 0:
        try:
            firmatario.unsign(valore, max_age=minimo)
        except signing.SignatureExpired:
            return None  # older than the minimum: a person had time to read and type
        return "troppo_veloce"
    return None


def protetto(vista):
    """Decorator for the view receiving a public form that carries `{% esca %}`."""

    @functools.wraps(vista)
    def avvolta(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "POST":
            motivo = verifica(request)
            if motivo is not None:
                logger.info("Modulo rifiutato (%s): %s", motivo, request.path)
                return rifiutato(request, motivo)
        return vista(request, *args, **kwargs)

    return avvolta


def rifiutato(request: HttpRequest, motivo: str) -> HttpResponse:
    if motivo == "troppo_veloce":
        messaggio = _("Il modulo è stato inviato troppo in fretta. Attendi qualche secondo, "
                      "controlla i dati e invialo di nuovo.")
    elif motivo == "scaduto":
        messaggio = _("La pagina era aperta da troppo tempo. Torna indietro, ricarica la pagina e invia di nuovo.")
    else:
        messaggio = _("Il modulo non è stato accettato perché sembra inviato da un programma automatico. "
                      "Se sei una persona, torna indietro, ricarica la pagina e riprova.")
    indietro = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(indietro, allowed_hosts={request.get_host()}):
        indietro = "/"
    return render(request, "moderazione/modulo_rifiutato.html",
                  {"messaggio": messaggio, "indietro": indietro}, status=400)


class EscaMiddleware:
    """Checks the POSTs to the protected views (after CSRF and the rate limits)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if request.method != "POST":
            return None
        match = getattr(request, "resolver_match", None)
        protette = VISTE_PROTETTE | set(_impostazione("MODULI_PROTETTI", ()))
        if match is None or match.view_name not in protette:
            return None
        motivo = verifica(request)
        if motivo is None:
            return None
        logger.info("Modulo rifiutato (%s): %s", motivo, request.path)
        return rifiutato(request, motivo)
