"""Memory of a serving process, without a server: `django.setup()`, the URLconf (every view a
worker imports at its first request) and one classification by the day-one model; prints VmRSS
(MB), the modules loaded and whether scikit-learn, SciPy or pysaml2 are among them (issue #8).

    .venv/bin/python bench/memoria_processo.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

RADICE = Path(__file__).resolve().parent.parent


def vm_rss_mb() -> float:
    for riga in Path("/proc/self/status").read_text().splitlines():
        if riga.startswith("VmRSS:"):
            return int(riga.split()[1]) / 1024
    return 0.0


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civico.settings")
    import django

    django.setup()
    dopo_setup = vm_rss_mb()
    from django.conf import settings
    from django.urls import get_resolver

    get_resolver(settings.ROOT_URLCONF).url_patterns  # noqa: B018 - what a worker's first request imports
    from civico.triage.modello import modello_giorno_uno

    modello_giorno_uno().probabilita("lampione spento in via Roma da tre sere")
    pesanti = {nome: nome in sys.modules for nome in ("sklearn", "scipy", "saml2", "xmlschema")}
    print(f"VmRSS after django.setup(): {dopo_setup:.1f} MB; after URLconf + one classification: "
          f"{vm_rss_mb():.1f} MB; {len(sys.modules)} modules; loaded: {pesanti}; "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
