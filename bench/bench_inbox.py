"""Benchmark of the backoffice inbox on a big comune: 100,000 open reports in PostgreSQL.

On demand, never in the test suite. Uses a PostgreSQL database of its own (created if missing,
never the development or test one), fills it once with bulk-created reports of one ente, then
renders the inbox with Django's test client as a signed-in (OTP-verified) operator: median and
90th percentile over the runs, and the number of queries of one render. Run:
    .venv/bin/python bench/bench_inbox.py [--url postgresql://postgres@127.0.0.1:5432/bench_backoffice]
                                          [--segnalazioni 100000] [--giri 20] [--ricrea]
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

RADICE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RADICE))
URL_PREDEFINITO = "postgresql://postgres@127.0.0.1:5432/bench_backoffice"
CENTRO = (44.9130, 8.6150)  # Alessandria
OBIETTIVO_MS = 300


def crea_database(url: str) -> None:
    import psycopg

    base, nome = url.rsplit("/", 1)
    if nome in ("", "postgres", "test", "civico"):
        raise SystemExit(f"Scegli un database dedicato al benchmark, non «{nome}».")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (nome,)).fetchone():
            conn.execute(f'CREATE DATABASE "{nome}"')


def prepara_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civico.settings")
    os.environ.setdefault("CIVICO_DEBUG", "0")  # as in production: no query log, no template debug
    os.environ.setdefault("CIVICO_VAR_DIR", str(RADICE / "var" / "bench"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def mondo(quante: int, ricrea: bool):
    """Alessandria with the demo catalogue, an operator, and `quante` open reports."""
    import h3
    from django.conf import settings
    from django.utils import timezone

    from civico.accounts.models import Incarico, Ruolo, Utente
    from civico.catalogo.models import Categoria, Ufficio
    from civico.demo.loader import crea_catalogo
    from civico.enti.models import Ente
    from civico.segnalazioni.models import Canale, Priorita, Segnalazione
    from civico.stati import Stato

    ente, _ = Ente.objects.get_or_create(
        codice_istat="006003",
        defaults={"nome": "Alessandria", "slug": "alessandria", "codice_catastale": "A182", "sigla": "AL",
                  "provincia": "AL", "attivo": True, "email": "urp@comune.alessandria.it"},
    )
    crea_catalogo(ente, completo=True)
    utente, creato = Utente.objects.get_or_create(username="bench.operatore", defaults={"first_name": "Bench"})
    if creato:
        utente.set_password(secrets.token_urlsafe(16))
        utente.save()
    Incarico.objects.get_or_create(utente=utente, ruolo=Ruolo.OPERATORE, ente=ente, ufficio=None)
    colleghi = []
    for n in range(8):
        collega, _ = Utente.objects.get_or_create(username=f"bench.collega{n}", defaults={"first_name": f"Collega {n}"})
        Incarico.objects.get_or_create(utente=collega, ruolo=Ruolo.OPERATORE, ente=ente, ufficio=None)
        colleghi.append(collega)

    esistenti = Segnalazione.objects.filter(ente=ente).count()
    if ricrea and esistenti:
        from django.db import connection

        with connection.cursor() as cursor:  # events point at reports and refuse ORM deletes
            cursor.execute("TRUNCATE segnalazioni_evento, segnalazioni_allegato, segnalazioni_segnalazione CASCADE")
        esistenti = 0
    if esistenti >= quante:
        return ente, utente

    rng = random.Random(2026)
    categorie = list(Categoria.objects.filter(ente=ente))
    uffici = {u.pk: u for u in Ufficio.objects.filter(ente=ente)}
    stati = [(Stato.SUBMITTED, 40), (Stato.ACCEPTED, 30), (Stato.IN_PROGRESS, 25), (Stato.REOPENED, 5)]
    canali = [(Canale.WEB, 45), (Canale.APP, 35), (Canale.EMAIL, 8), (Canale.PHONE, 8), (Canale.COUNTER, 4)]
    priorita = [(Priorita.NORMALE, 80), (Priorita.ALTA, 12), (Priorita.BASSA, 5), (Priorita.URGENTE, 3)]
    adesso = timezone.now()
    anno = timezone.localdate().year
    print(f"creo {quante - esistenti} segnalazioni aperte…", flush=True)
    inizio = time.perf_counter()
    lotto: list[Segnalazione] = []
    for numero in range(esistenti + 1, quante + 1):
        categoria = rng.choice(categorie)
        lat = CENTRO[0] + rng.uniform(-0.05, 0.05)
        lon = CENTRO[1] + rng.uniform(-0.07, 0.07)
        creata = adesso - timedelta(days=rng.uniform(0, 365))
        lotto.append(Segnalazione(
            ente=ente, codice=f"AL-{anno}-{numero:06d}", anno=anno, numero=numero, token=secrets.token_urlsafe(24),
            categoria=categoria, ufficio=uffici.get(categoria.ufficio_predefinito_id),
            stato=_a_caso(rng, stati), priorita=_a_caso(rng, priorita), canale=_a_caso(rng, canali),
            titolo=f"{categoria.nome}: segnalazione {numero}", descrizione="Segnalazione del benchmark.",
            lat=lat, lon=lon, indirizzo=f"Via di prova {numero % 300}",
            cella_h3=h3.latlng_to_cell(lat, lon, settings.CIVICO["H3_RESOLUTION"]),
            segnalante_nome="Cittadino", segnalante_email=f"c{numero}@example.org",
            assegnatario=rng.choice(colleghi) if rng.random() < 0.4 else None,
            creata_il=creata, aggiornata_il=creata, scadenza=(creata + timedelta(days=30)).date(),
        ))
        if len(lotto) == 5000:
            Segnalazione.objects.bulk_create(lotto)
            lotto = []
    Segnalazione.objects.bulk_create(lotto)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE segnalazioni_segnalazione")
    print(f"  fatto in {time.perf_counter() - inizio:.1f} s", flush=True)
    return ente, utente


def _a_caso(rng: random.Random, pesi: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in pesi], weights=[p for _, p in pesi])[0]


def cliente_verificato(utente):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(user=utente, name="bench", defaults={"confirmed": True})
    client = Client()
    client.force_login(utente)
    sessione = client.session
    sessione[DEVICE_ID_SESSION_KEY] = device.persistent_id
    sessione.save()
    return client


def misura(client, url: str, giri: int) -> tuple[list[float], int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):  # warm-up: caches, connections, prepared plans
        client.get(url)
    tempi = []
    for _ in range(giri):
        inizio = time.perf_counter()
        risposta = client.get(url)
        tempi.append((time.perf_counter() - inizio) * 1000)
        assert risposta.status_code == 200, risposta.status_code
    with CaptureQueriesContext(connection) as catturate:
        client.get(url)
    return tempi, len(catturate.captured_queries), len(risposta.content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("CIVICO_BENCH_DATABASE_URL", URL_PREDEFINITO))
    parser.add_argument("--segnalazioni", type=int, default=100_000)
    parser.add_argument("--giri", type=int, default=20)
    parser.add_argument("--ricrea", action="store_true", help="cancella e ricrea le segnalazioni")
    args = parser.parse_args()

    crea_database(args.url)
    prepara_django(args.url)
    from civico.segnalazioni.models import Segnalazione

    ente, utente = mondo(args.segnalazioni, args.ricrea)
    totale = Segnalazione.objects.filter(ente=ente).count()
    client = cliente_verificato(utente)
    categoria = ente.categorie.order_by("id").first()
    anno = Segnalazione.objects.filter(ente=ente).values_list("anno", flat=True).first()
    casi = [
        ("casella (Da prendere in carico, 50 per pagina)", "/backoffice/"),
        ("Tutte, per priorità, 100 per pagina", "/backoffice/?scheda=tutte&ordine=priorita&per_pagina=100"),
        ("In ritardo, una categoria, pagina 20", f"/backoffice/?scheda=in_ritardo&categoria={categoria.pk}&pagina=20"),
        ("ricerca di testo «segnalazione 4242»", "/backoffice/?scheda=tutte&q=segnalazione%204242"),
        ("ricerca di una parola assente «voragine»", "/backoffice/?scheda=tutte&q=voragine"),
        ("ricerca di un codice «al-…-004242»", f"/backoffice/?scheda=tutte&q=al-{anno}-004242"),
        ("non assegnate, per scadenza", "/backoffice/?scheda=tutte&assegnatario=nessuno&ordine=scadenza"),
    ]
    print(f"\nInbox di {ente.nome}: {totale:,} segnalazioni aperte; {args.giri} giri per caso "
          f"(PostgreSQL, test client, DEBUG={os.environ['CIVICO_DEBUG'] == '1'})")
    print("carico della macchina (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    print(f"{'caso':<52} {'mediana':>9} {'p90':>9} {'query':>6} {'KB':>6}")
    mediane = []
    for nome, url in casi:
        tempi, query, peso = misura(client, url, args.giri)
        mediana = statistics.median(tempi)
        p90 = statistics.quantiles(tempi, n=10)[-1] if len(tempi) > 1 else tempi[0]
        mediane.append(mediana)
        print(f"{nome:<52} {mediana:>7.1f}ms {p90:>7.1f}ms {query:>6} {peso / 1024:>6.0f}")
    print("carico della macchina (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    esito = "raggiunto" if mediane[0] < OBIETTIVO_MS else "NON raggiunto"
    print(f"\nObiettivo: mediana della casella < {OBIETTIVO_MS} ms: {esito} ({mediane[0]:.1f} ms).")


if __name__ == "__main__":
    main()
