"""`civico run`: the worker in the background and the web server in the foreground."""

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Avvia il worker e il server web insieme (usato da `make run`)."

    def handle(self, *args, **opts):
        host = os.environ.get("HOST", "127.0.0.1")
        port = os.environ.get("PORT", "8000")
        base = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
        db = settings.DATABASES["default"]
        self.stdout.write(self.style.SUCCESS("\nCivico è pronto:"))
        self.stdout.write(f"  portale          {base}/")
        self.stdout.write(f"  esempio          {base}/segnalazioni/AL-{_anno()}-000001/")
        self.stdout.write(f"  amministrazione  {base}/admin/")
        self.stdout.write(f"  stato            {base}/healthz")
        self.stdout.write(f"  database         {db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}\n")
        worker = subprocess.Popen([sys.executable, "-m", "civico.cli", "worker", "--verbosity", "0"])
        try:
            call_command("serve", host=host, port=int(port))
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()


def _anno() -> int:
    from django.utils import timezone

    return timezone.localdate().year
