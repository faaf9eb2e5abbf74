"""`civico run`: the web server and the worker as two child processes, supervised.

SIGTERM or Ctrl+C stops both (the worker finishes its current task) and then this process; if
this process is killed, the children go too (`civico.core.processi`). Outside production it
also runs the development mail catcher, readable at /dev/posta/ (`civico.core.posta_sviluppo`).
"""

import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from civico.core import posta_sviluppo, processi


class Command(BaseCommand):
    help = "Avvia il worker e il server web insieme (usato da `make run`)."

    def handle(self, *args, **opts):
        host = os.environ.get("HOST", "127.0.0.1")
        port = os.environ.get("PORT", "8000")
        base = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
        posta = posta_sviluppo.avvia() if posta_sviluppo.attiva() else None
        db = settings.DATABASES["default"]
        self.stdout.write(self.style.SUCCESS("\nCivico è pronto:"))
        self.stdout.write(f"  portale          {base}/")
        self.stdout.write(f"  esempio          {base}/segnalazioni/AL-{_anno()}-000001/")
        self.stdout.write(f"  amministrazione  {base}/admin/")
        self.stdout.write(f"  stato            {base}/healthz")
        if posta is not None:
            self.stdout.write(f"  posta inviata    {base}/dev/posta/  (SMTP 127.0.0.1:{posta.port})")
        self.stdout.write(f"  database         {db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}\n")
        self.stdout.flush()
        civico = [sys.executable, "-m", "civico.cli"]
        figli = [
            processi.figlio([*civico, "worker", "--verbosity", "0"]),
            processi.figlio([*civico, "serve", "--host", host, "--port", str(port)]),
        ]
        try:
            codice = processi.sorveglia(figli, attesa_s=float(os.environ.get("CIVICO_STOP_TIMEOUT", "30")))
        finally:
            if posta is not None:
                posta.stop()
        if codice:
            sys.exit(codice)


def _anno() -> int:
    from django.utils import timezone

    return timezone.localdate().year
