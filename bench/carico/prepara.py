"""Run with the fault test's environment: migrate, every comune, Alessandria active, an API key.

Prints the key on the last line. Called by carico.py in a subprocess (Django settings from env).
"""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civico.settings")
django.setup()

from django.core.management import call_command  # noqa: E402

from civico.accounts.chiavi import crea_applicazione  # noqa: E402
from civico.demo.loader import crea_catalogo  # noqa: E402
from civico.enti.confini import carica_comuni  # noqa: E402
from civico.enti.models import Ente  # noqa: E402

call_command("migrate", verbosity=0, skip_checks=True)
carica_comuni()
ente = Ente.objects.get(codice_istat="006003")
ente.attivo, ente.sigla, ente.email = True, "AL", "urp@al.example.org"
ente.save()
crea_catalogo(ente, completo=True)
_, chiave = crea_applicazione("prova di carico", limite_al_minuto=1_000_000)
print(chiave)
