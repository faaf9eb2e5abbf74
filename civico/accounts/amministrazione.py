"""The Django admin of the platform: who may enter, and what it never shows.

- The door is the backoffice's sign-in (password, then the TOTP code): the admin has no login
  form of its own. Its login URL only sends people there, and back here afterwards.
- Inside, only platform administrators (`e_amministratore_piattaforma`) with an OTP-verified
  session; everyone else, superuser flag or not, is refused.
- Secrets never reach a page: `CAMPI_SEGRETI` names them once, and every ModelAdmin registered on
  this site (ours and third-party apps') drops them from forms, lists, searches and filters.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.backends import BaseBackend
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _

from civico.accounts.permissions import e_amministratore_piattaforma

# model label → fields holding a secret, a capability or a hash of one. A private token shown
# once is a private token forever: none of these is ever displayed, searched or edited here.
# tests/sicurezza/test_admin.py fails on any new field whose name looks like a secret until it
# is listed here or declared harmless there.
CAMPI_SEGRETI: dict[str, frozenset[str]] = {
    "accounts.utente": frozenset({"password"}),  # the hash; the password form stays available
    "accounts.applicazioneclient": frozenset({"chiave_hash"}),
    "accounts.tokenaccesso": frozenset({"token_hash"}),
    "accounts.relyingparty": frozenset({"chiavi_private", "chiavi_federazione", "saml_chiave_privata"}),
    "enti.ente": frozenset({"protocollo_segreto"}),
    "otp_totp.totpdevice": frozenset({"key"}),
    "segnalazioni.segnalazione": frozenset({"token", "chiave_idempotenza"}),
    "comunicazioni.abbonamentopush": frozenset({"endpoint", "p256dh", "auth"}),
    "comunicazioni.canaliente": frozenset({"chiave_app_io"}),
    "portale.bozza": frozenset({"chiave"}),
    "portale.linkaccesso": frozenset({"nonce_hash"}),
    "moderazione.segnalazionecontenuto": frozenset({"impronta"}),
    "axes.accesslog": frozenset({"session_hash"}),
    "axes.accessattempt": frozenset({"post_data"}),
    "sessions.session": frozenset({"session_key", "session_data"}),
}


def segreti_di(model: type[Model]) -> frozenset[str]:
    return CAMPI_SEGRETI.get(model._meta.label_lower, frozenset())


def _senza(nomi: Any, segreti: frozenset[str]) -> list:
    """A list of field names (or tuples of them, as in fieldsets) without the secret ones."""
    risultato = []
    for nome in nomi or ():
        if isinstance(nome, list | tuple):
            interno = _senza(nome, segreti)
            if interno:
                risultato.append(tuple(interno))
        elif nome not in segreti:
            risultato.append(nome)
    return risultato


class NascondiSegreti:
    """Mixed into every ModelAdmin and inline of the site: secret fields disappear everywhere a
    ModelAdmin could show or match them. Field names only: a method column that printed a secret
    would still be caught by the test that looks for the values in every page."""

    def _segreti(self) -> frozenset[str]:
        return segreti_di(self.model)

    def get_fields(self, request, obj=None):
        return _senza(super().get_fields(request, obj), self._segreti())

    def get_fieldsets(self, request, obj=None):
        segreti = self._segreti()
        return [(nome, {**opzioni, "fields": _senza(opzioni.get("fields", ()), segreti)})
                for nome, opzioni in super().get_fieldsets(request, obj)]

    def get_readonly_fields(self, request, obj=None):
        return _senza(super().get_readonly_fields(request, obj), self._segreti())

    def get_exclude(self, request, obj=None):
        return [*(super().get_exclude(request, obj) or ()), *sorted(self._segreti())] or None

    def get_list_display(self, request):
        return _senza(super().get_list_display(request), self._segreti()) or ["__str__"]

    def get_list_display_links(self, request, list_display):
        collegamenti = super().get_list_display_links(request, list_display)
        return _senza(collegamenti, self._segreti()) if collegamenti else collegamenti

    def get_search_fields(self, request):
        # "token__startswith" included: a search is an oracle for the value.
        segreti = self._segreti()
        return [c for c in super().get_search_fields(request)
                if c.lstrip("^=@").split("__")[0] not in segreti]

    def get_list_filter(self, request):
        segreti = self._segreti()
        return [f for f in super().get_list_filter(request) if not (isinstance(f, str) and f in segreti)]

    def get_sortable_by(self, request):
        return _senza(super().get_sortable_by(request), self._segreti())


def _con_segreti_nascosti(classe: type) -> type:
    if issubclass(classe, NascondiSegreti):
        return classe
    return type(classe.__name__, (NascondiSegreti, classe), {"__module__": classe.__module__})


class SitoAmministrazione(admin.AdminSite):
    site_header = _("Civico · amministrazione della piattaforma")
    site_title = _("Amministrazione di Civico")
    index_title = _("Amministrazione della piattaforma")

    def has_permission(self, request: HttpRequest) -> bool:
        utente = request.user
        verificato = getattr(utente, "is_verified", lambda: False)()
        return bool(utente.is_active and verificato and e_amministratore_piattaforma(utente))

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        """No password form here: the backoffice's sign-in (with the second factor) is the door."""
        utente = request.user
        prossima = request.GET.get("next") or ""
        if not prossima.startswith(reverse("admin:index")) or not url_has_allowed_host_and_scheme(
            prossima, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            prossima = reverse("admin:index")
        if self.has_permission(request):
            return redirect(prossima)
        if utente.is_authenticated and getattr(utente, "is_verified", lambda: False)():
            raise PermissionDenied("Riservato agli amministratori della piattaforma")
        return redirect(f"{reverse('backoffice:accedi')}?{urlencode({'next': prossima})}")

    def register(self, model_or_iterable, admin_class=None, **options) -> None:
        # Here rather than in each admin.py: third-party admins (django-otp, axes, tasks) and
        # tomorrow's ones get the same treatment without anyone remembering to add it.
        classe = _con_segreti_nascosti(admin_class or admin.ModelAdmin)
        if classe.inlines:
            classe.inlines = [_con_segreti_nascosti(inline) for inline in classe.inlines]
        super().register(model_or_iterable, classe, **options)


class PermessiPiattaforma(BaseBackend):
    """Django's model permissions, which only the admin asks about: a platform administrator holds
    them all. Nobody else enters the admin (`SitoAmministrazione.has_permission`), so a stray
    `is_superuser` flag on an ente's staff account opens nothing."""

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        return e_amministratore_piattaforma(user_obj)

    def has_module_perms(self, user_obj, app_label: str) -> bool:
        return e_amministratore_piattaforma(user_obj)
