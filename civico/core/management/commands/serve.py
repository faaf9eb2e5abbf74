"""`civico serve`: Django over ASGI with uvicorn, N worker processes (see docs/deploy.md)."""

import os
from pathlib import Path

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Civico over ASGI with uvicorn (HOST, PORT, WEB_CONCURRENCY from the environment)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "1")))

    def handle(self, *args, **opts):
        cartella = prepara_metriche(opts["port"])
        if opts["verbosity"] > 1:
            self.stderr.write(f"Metriche Prometheus multiprocesso in {cartella}")
        json = settings.CIVICO.get("LOG_RICHIESTE")
        uvicorn.run(
            "civico.asgi:application", host=opts["host"], port=opts["port"],
            workers=opts["workers"], lifespan="off", proxy_headers=True,
            forwarded_allow_ips=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
            log_level=os.environ.get("LOG_LEVEL", "info").lower(),
            log_config=settings.LOGGING,
            # Civico's middleware writes the request lines (with route and request id) in JSON mode.
            access_log=not json,
            # Live pages (SSE) never end by themselves: a restart waits this long, then closes them.
            timeout_graceful_shutdown=int(os.environ.get("CIVICO_GRACEFUL_TIMEOUT", "10")),
        )


def prepara_metriche(porta: int) -> Path:
    """One directory of prometheus_client multiprocess files per server, emptied at start.

    Set before uvicorn starts its workers, which inherit it: their counters are summed at each
    scrape. Files of a previous run would add old counts to the new ones, hence the wipe.
    """
    cartella = Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or settings.VAR_DIR / "prometheus" / str(porta))
    cartella.mkdir(parents=True, exist_ok=True)
    for vecchio in cartella.glob("*.db"):
        vecchio.unlink(missing_ok=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(cartella)
    return cartella
