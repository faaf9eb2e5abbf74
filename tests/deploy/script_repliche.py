"""Run by test_repliche in a subprocess whose DATABASE_URL is a private primary and whose
CIVICO_DATABASE_REPLICA_URLS is its streaming standby. Prints one JSON object of observations."""

import json
import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civico.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import DatabaseError, connections, transaction  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import RequestFactory  # noqa: E402

from civico.core import battito, repliche  # noqa: E402
from civico.core.models import Battito  # noqa: E402
from civico.core.repliche import COOKIE, ReplicheMiddleware, letture_dalle_repliche  # noqa: E402


def in_recupero(alias: str) -> bool:
    with connections[alias].cursor() as c:
        c.execute("SELECT pg_is_in_recovery()")
        return c.fetchone()[0]


def sulla_replica(nome: str) -> bool:
    try:
        with connections["replica_1"].cursor() as c:
            c.execute("SELECT count(*) FROM core_battito WHERE nome = %s", [nome])
            return c.fetchone()[0] == 1
    except DatabaseError:  # the table itself may not be replayed yet
        return False


call_command("migrate", "core", verbosity=0, skip_checks=True)
esito: dict = {"primary_in_recovery": in_recupero("default"), "replica_in_recovery": in_recupero("replica_1")}

battito.batti("scritto-sul-primario")  # no request, no opt-in: the primary
fine = time.monotonic() + 20
while not sulla_replica("scritto-sul-primario") and time.monotonic() < fine:
    time.sleep(0.05)
esito["replayed_in_s"] = round(20 - (fine - time.monotonic()), 2)

with letture_dalle_repliche():
    qs = Battito.objects.filter(nome="scritto-sul-primario")
    esito["read_alias"] = qs.db
    esito["read_found"] = qs.exists()
    esito["read_in_recovery"] = in_recupero(qs.db)
    with transaction.atomic():
        esito["alias_in_transaction"] = Battito.objects.all().db
    battito.batti("scritto-nella-stessa-richiesta")
    esito["alias_after_write"] = Battito.objects.all().db
    esito["found_after_write"] = Battito.objects.filter(nome="scritto-nella-stessa-richiesta").exists()
esito["alias_outside_requests"] = Battito.objects.all().db

with letture_dalle_repliche():
    esito["aliases_with_one_replica_down"] = sorted({Battito.objects.all().db for _ in range(20)})
esito["skipped"] = sorted(repliche._fuori_uso)


def vista(request):
    letti = Battito.objects.filter(nome="scritto-sul-primario")
    alias = letti.db
    if request.method == "POST":
        battito.batti("dal-post")
        alias = Battito.objects.all().db
    return HttpResponse(json.dumps({"alias": alias, "in_recovery": in_recupero(alias), "found": letti.exists()}))


middleware = ReplicheMiddleware(vista)
rf = RequestFactory()
get = middleware(rf.get("/"))
post = middleware(rf.post("/"))
rf.cookies[COOKIE] = post.cookies[COOKIE].value if COOKIE in post.cookies else ""
get_dopo = middleware(rf.get("/"))
esito["http_get"] = json.loads(get.content)
esito["http_post"] = json.loads(post.content)
esito["http_post_sets_cookie"] = COOKIE in post.cookies
esito["http_get_with_cookie"] = json.loads(get_dopo.content)
json.dump(esito, sys.stdout)
