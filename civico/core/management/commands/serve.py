import os

import uvicorn
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Civico over ASGI with uvicorn (HOST, PORT, WEB_CONCURRENCY from the environment)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "1")))

    def handle(self, *args, **opts):
        uvicorn.run(
            "civico.asgi:application", host=opts["host"], port=opts["port"],
            workers=opts["workers"], lifespan="off", proxy_headers=True,
            log_level=os.environ.get("LOG_LEVEL", "info").lower(),
        )
