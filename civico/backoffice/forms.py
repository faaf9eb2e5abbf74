"""Forms of the sign-in pages. The report forms are read field by field in the views: their
errors come from the domain services (`InvalidData`), not from Django form validation."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class FormAccesso(forms.Form):
    username = forms.CharField(label=_("Nome utente"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class FormCodice(forms.Form):
    codice = forms.CharField(
        label=_("Codice di verifica"), max_length=12,
        help_text=_("Le sei cifre che mostra ora l'app di autenticazione."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "pattern": "[0-9 ]*", "autofocus": True}),
    )
