"""The privacy section of the personal area: download my data, delete my account (GDPR).

Thin: the rights themselves are services of `civico.gdpr.diritti`."""

from __future__ import annotations

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from civico.errors import DomainError
from civico.gdpr import diritti

PAROLA_DI_CONFERMA = "CANCELLA"
RICEVUTA = "ricevuta_cancellazione"


def _accesso(request: HttpRequest) -> HttpResponse:
    return redirect(reverse("portale:area") + "?next=" + reverse("portale:area_privacy"))


@never_cache
@require_GET
def pagina(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return _accesso(request)
    return render(request, "portale/area/privacy.html", {"parola": PAROLA_DI_CONFERMA})


@never_cache
@require_GET
def scarica(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return _accesso(request)
    risposta = HttpResponse(diritti.esporta(request.user), content_type="application/zip")
    risposta["Content-Disposition"] = f'attachment; filename="civico-i-miei-dati-{timezone.localdate():%Y%m%d}.zip"'
    risposta["Cache-Control"] = "private, no-store"
    return risposta


@never_cache
@require_POST
def cancella(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return _accesso(request)
    if request.POST.get("conferma", "").strip().upper() != PAROLA_DI_CONFERMA:
        errore = _("Per confermare scrivi %(parola)s nel campo.") % {"parola": PAROLA_DI_CONFERMA}
        return render(request, "portale/area/privacy.html", {"parola": PAROLA_DI_CONFERMA, "errore": errore},
                      status=400)
    try:
        esito = diritti.cancella_account(request.user)
    except DomainError as exc:
        return render(request, "portale/area/privacy.html", {"parola": PAROLA_DI_CONFERMA, "errore": str(exc)},
                      status=403)
    logout(request)
    request.session[RICEVUTA] = {"numero": esito.numero, "quando": esito.eseguita_il.isoformat(),
                                 "segnalazioni": esito.segnalazioni_anonimizzate}
    return redirect("portale:area_privacy_cancellato")


@never_cache
@require_GET
def cancellato(request: HttpRequest) -> HttpResponse:
    ricevuta = request.session.get(RICEVUTA)
    if not ricevuta:
        return redirect("portale:area")
    return render(request, "portale/area/cancellato.html", {"ricevuta": ricevuta})
