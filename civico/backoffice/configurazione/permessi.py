"""Who may open these pages. Views get the `Ente` object, already checked, instead of its slug."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from civico.accounts.permissions import Attore
from civico.accounts.staff import staff_richiesto
from civico.catalogo.configurazione import puo_configurare
from civico.enti.models import Ente
from civico.errors import NotAllowed
from civico.segnalazioni.interventi import lavora_nell_ente

Vista = Callable[..., HttpResponse]


def _con_ente(controllo: Callable[[HttpRequest, Ente], bool]) -> Callable[[Vista], Vista]:
    def decoratore(vista: Vista) -> Vista:
        # Signed in with both factors (TOTP) and holding a role, like every backoffice page.
        @staff_richiesto
        @wraps(vista)
        def controllata(request: HttpRequest, ente: str, *args, **kwargs) -> HttpResponse:
            oggetto = get_object_or_404(Ente, slug=ente)
            if not controllo(request, oggetto):
                raise PermissionDenied
            try:
                return vista(request, oggetto, *args, **kwargs)
            except NotAllowed as errore:
                raise PermissionDenied(str(errore)) from errore

        return controllata

    return decoratore


# The ente's administrators and the platform administrators.
configuratore_richiesto = _con_ente(lambda request, ente: puo_configurare(request.user, ente))
# Anyone with a working role in the ente (work orders).
operativo_richiesto = _con_ente(lambda request, ente: lavora_nell_ente(Attore.staff(request.user), ente))
