from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background worker (django-tasks, database queue)."

    def handle(self, *args, **opts):
        call_command("db_worker", interval=1, reload=False, verbosity=opts.get("verbosity", 1))
