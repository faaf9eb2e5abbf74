"""Django's admin app, on Civico's own site (civico.accounts.amministrazione.SitoAmministrazione).

Kept apart from `apps.py`: a module holding two AppConfigs would leave Django unable to pick the
default one for `civico.accounts`.
"""

from django.contrib.admin.apps import AdminConfig


class AmministrazioneConfig(AdminConfig):
    # Every `admin.register` (ours and third-party apps') lands on this site.
    default_site = "civico.accounts.amministrazione.SitoAmministrazione"
