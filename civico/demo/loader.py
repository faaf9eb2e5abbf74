"""The demo: every comune of Italy known, three active comuni with offices, categories, staff and
a year of plausible reports. Idempotent: a second run finds everything in place and changes nothing.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import random
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import shapely
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from civico.accounts import chiavi
from civico.accounts.models import ApplicazioneClient, Incarico, Ruolo, Utente
from civico.accounts.permissions import Attore
from civico.catalogo.models import Categoria, Domanda, RegolaInstradamento, Ufficio
from civico.comunicazioni import consegna
from civico.demo import catalogo_demo as C
from civico.enti.confini import carica_comuni
from civico.enti.models import Ente
from civico.patrimonio.alberi import importa_alberi
from civico.segnalazioni import intake, workflow
from civico.segnalazioni.models import Canale, Segnalazione
from civico.territorio.importer import importa_stradario
from civico.territorio.models import NumeroCivico

PASSWORD_DEMO = "Civico-demo-2026"
Progress = Callable[[str], None]


def carica_demo(segnalazioni_alessandria: int = 300, progress: Progress = print, *, storico: bool = True) -> dict:
    inizio = time.perf_counter()
    progress("comuni d'Italia e confini…")
    comuni = carica_comuni(progress=progress)
    enti = _attiva_enti()
    for ente in enti.values():
        crea_catalogo(ente, completo=ente.sigla == "AL")
    al = enti["AL"]
    progress("stradario e alberi di Alessandria…")
    stradario = importa_stradario(al, progress=progress)
    alberi = importa_alberi(al, progress=progress)
    _regola_sobborghi(al)
    account = _staff(enti)
    chiave_api = _applicazione_demo()
    canali = _canali_demo(enti)
    progress("segnalazioni dimostrative…")
    # A year of past reports: nobody is told now (no outbox backlog, no mail to demo reporters).
    with consegna.storia_passata():
        create = _segnalazioni(al, segnalazioni_alessandria, progress)
        for sigla in ("CM", "NL"):
            create += _segnalazioni(enti[sigla], max(segnalazioni_alessandria // 6, 1), progress)
    storiche = _storico_municipium(al, progress) if storico else 0
    return {
        "comuni": comuni, "enti_attivi": [e.nome for e in enti.values()], "stradario": stradario,
        "alberi": alberi, "account": account, "segnalazioni_create": create, "chiave_api": chiave_api,
        "storico_importate": storiche, "canali": canali,
        "segnalazioni_totali": Segnalazione.objects.count(), "secondi": time.perf_counter() - inizio,
    }


def testo_riepilogo(r: dict) -> str:
    righe = [
        f"Demo pronta in {r['secondi']:.1f} s: comuni attivi {', '.join(r['enti_attivi'])}; "
        f"segnalazioni {r['segnalazioni_totali']} (nuove {r['segnalazioni_create']}; "
        f"dallo storico Municipium 2023–2024 di Alessandria: {r.get('storico_importate', 0)} nuove).",
        f"Account dimostrativi (password per tutti: {PASSWORD_DEMO}):",
    ]
    righe += [f"  {u:<24} {ruolo}" for u, ruolo in r["account"]]
    righe.append(f"Chiave API dell'applicazione «Demo app» (Open311 api_key): {r['chiave_api']}")
    righe += [f"  {nome}: segnalazioni per SMS al {numero}, per e-mail a {email}"
              for nome, numero, email in r.get("canali", [])]
    return "\n".join(righe)


# Demo numbers of the SMS gateway (the inbound webhook's "to"): Casale Monferrato and Novi Ligure have
# no street gazetteer, so their SMS and e-mail reports show the "da localizzare" path.
NUMERI_SMS_DEMO = {"AL": "+390131000001", "CM": "+390142000001", "NL": "+390143000001"}


def _canali_demo(enti: dict[str, Ente]) -> list[tuple[str, str, str]]:
    """Each demo comune's inbound SMS number (kept if an administrator changed it: idempotent)."""
    from civico.comunicazioni.models import CanaliEnte

    righe = []
    for sigla, numero in NUMERI_SMS_DEMO.items():
        canali, _creati = CanaliEnte.objects.get_or_create(ente=enti[sigla])
        if not canali.numero_sms:
            canali.numero_sms = numero
            canali.save(update_fields=["numero_sms"])
        righe.append((enti[sigla].nome, canali.numero_sms, f"{enti[sigla].slug}@{_dominio(enti[sigla])}"))
    return righe


def _applicazione_demo() -> str:
    """The "Demo app" client: its key is CIVICO_DEMO_API_KEY when set, else generated once and
    kept under var/ (development only) so every `make run` can print it."""
    import os

    file_chiave = settings.VAR_DIR / "demo_api_key"
    chiave = os.environ.get("CIVICO_DEMO_API_KEY", "").strip()
    if not chiave and file_chiave.exists():
        chiave = file_chiave.read_text().strip()
    app = ApplicazioneClient.objects.filter(nome="Demo app").first()
    if app is None:
        app, chiave = chiavi.crea_applicazione("Demo app", chiave=chiave or None, contatto="demo@example.org")
    elif not chiave or chiavi.applicazione_per_chiave(chiave) != app:
        chiave = chiave or chiavi.nuovo_segreto("cv")
        chiavi.imposta_chiave(app, chiave)
    if not os.environ.get("CIVICO_DEMO_API_KEY"):
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        file_chiave.write_text(chiave)
        file_chiave.chmod(0o600)
    return chiave


def _attiva_enti() -> dict[str, Ente]:
    enti = {}
    for istat, sigla, email, telefono, sito in C.ENTI_ATTIVI:
        ente = Ente.objects.get(codice_istat=istat)
        giorno, mese = C.SANTI_PATRONI.get(sigla, (None, None))
        campi = {"attivo": True, "sigla": sigla, "email": email, "telefono": telefono, "sito_web": sito,
                 "santo_patrono_giorno": giorno, "santo_patrono_mese": mese}
        if any(getattr(ente, k) != v for k, v in campi.items()):
            for k, v in campi.items():
                setattr(ente, k, v)
            ente.save()
        enti[sigla] = ente
    return enti


def _dominio(ente: Ente) -> str:
    return ente.email.split("@", 1)[1]


@transaction.atomic
def crea_catalogo(ente: Ente, *, completo: bool) -> None:
    """Offices, categories and questions of the demo (also the tests' factory)."""
    uffici = {}
    for nome, (email, orari) in C.UFFICI.items():
        uffici[nome], _ = Ufficio.objects.get_or_create(
            ente=ente, nome=nome,
            defaults={"email": email.format(dominio=_dominio(ente)), "orari": orari, "telefono": ente.telefono},
        )
    for ordine, (codice, nome, gruppo, ufficio, giorni, foto, parole, domande, _titoli) in enumerate(C.CATEGORIE):
        if not completo and codice not in C.CATEGORIE_COMUNI_MINORI:
            continue
        categoria, creata = Categoria.objects.get_or_create(
            ente=ente, codice=codice,
            defaults={
                "nome": nome, "gruppo": gruppo, "ufficio_predefinito": uffici[ufficio],
                "giorni_risposta": giorni, "foto_obbligatoria": foto, "parole_chiave": parole,
                "ordine": ordine, "descrizione": f"Segnalazioni di tipo «{nome.lower()}».",
                **_in_inglese(codice, gruppo),
            },
        )
        if creata:
            for n, (dcod, testo, tipo, obbligatoria, valori) in enumerate(domande, start=1):
                testo_en, nomi_en = C.INGLESE_DOMANDE.get((codice, dcod), ("", {}))
                Domanda.objects.create(
                    categoria=categoria, codice=dcod, testo=testo, testo_en=testo_en, tipo=tipo,
                    obbligatoria=obbligatoria, ordine=n, valori=_valori_in_inglese(valori, nomi_en),
                )
        elif not categoria.nome_en:
            _aggiungi_inglese(categoria, gruppo)


def _valori_in_inglese(valori: list[dict], nomi_en: dict[str, str]) -> list[dict]:
    return [{**v, "name_en": nomi_en[v["key"]]} if v["key"] in nomi_en else v for v in valori]


def _aggiungi_inglese(categoria: Categoria, gruppo: str) -> None:
    """A demo loaded before the catalogue had English: fill it in, leave any other change alone."""
    Categoria.objects.filter(pk=categoria.pk).update(**_in_inglese(categoria.codice, gruppo))
    for d in categoria.domande.filter(testo_en=""):
        testo_en, nomi_en = C.INGLESE_DOMANDE.get((categoria.codice, d.codice), ("", {}))
        if testo_en:
            Domanda.objects.filter(pk=d.pk).update(testo_en=testo_en, valori=_valori_in_inglese(d.valori, nomi_en))


def _in_inglese(codice: str, gruppo: str) -> dict[str, str]:
    """The English fields of a demo category (empty where none: the Italian is shown)."""
    nome_en = C.INGLESE_CATEGORIE.get(codice, "")
    return {
        "nome_en": nome_en, "gruppo_en": C.INGLESE_GRUPPI.get(gruppo, ""),
        "descrizione_en": f"Reports about «{nome_en.lower()}»." if nome_en else "",
    }


def _regola_sobborghi(ente: Ente) -> None:
    """A real zone rule: green areas of the Spinetta Marengo suburb go to their own team."""
    if RegolaInstradamento.objects.filter(ente=ente, nome__startswith="Verde nei sobborghi").exists():
        return
    punti = list(
        NumeroCivico.objects.filter(ente=ente, quartiere="Spinetta Marengo").values_list("lon", "lat")
    )
    if len(punti) < 3:
        return
    zona = shapely.convex_hull(shapely.multipoints(punti)).buffer(0.002)
    ufficio, _ = Ufficio.objects.get_or_create(
        ente=ente, nome=C.VERDE_SOBBORGHI,
        defaults={"email": f"verde.fraschetta@{_dominio(ente)}", "orari": "Mar e Gio 8:30–12:30"},
    )
    RegolaInstradamento.objects.create(
        ente=ente, nome="Verde nei sobborghi: Spinetta Marengo",
        categoria=Categoria.objects.get(ente=ente, codice="verde-pubblico"), ufficio=ufficio,
        zona=shapely.geometry.mapping(zona), priorita=10,
    )


def _staff(enti: dict[str, Ente]) -> list[tuple[str, str]]:
    al = enti["AL"]
    strade = Ufficio.objects.get(ente=al, nome=C.STRADE)
    persone = [
        ("admin", "Amministratore della piattaforma", Ruolo.PLATFORM_ADMIN, None, None),
        ("al.amministratore", "Amministratore del Comune di Alessandria", Ruolo.ENTE_ADMIN, al, None),
        ("al.responsabile.strade", f"Responsabile, {C.STRADE}", Ruolo.OFFICE_MANAGER, al, strade),
        ("al.operatore", "Operatore, Comune di Alessandria", Ruolo.OPERATORE, al, None),
        ("al.sindaco", "Ufficio del sindaco di Alessandria", Ruolo.SINDACO, al, None),
        ("al.osservatore", "Osservatore (sola lettura)", Ruolo.OSSERVATORE, al, None),
        ("cm.operatore", "Operatore, Comune di Casale Monferrato", Ruolo.OPERATORE, enti["CM"], None),
        ("nl.operatore", "Operatore, Comune di Novi Ligure", Ruolo.OPERATORE, enti["NL"], None),
    ]
    for username, descrizione, ruolo, ente, ufficio in persone:
        utente, creato = Utente.objects.get_or_create(
            username=username,
            defaults={"first_name": descrizione, "is_staff": True,
                      "is_superuser": ruolo == Ruolo.PLATFORM_ADMIN, "email": f"{username}@example.org"},
        )
        if creato:
            utente.set_password(PASSWORD_DEMO)
            utente.save()
        Incarico.objects.get_or_create(utente=utente, ruolo=ruolo, ente=ente, ufficio=ufficio)
    return [(p[0], p[1]) for p in persone]


# --- Reports ---------------------------------------------------------------------------------

NOMI = ["Giulia Ferrari", "Marco Bianchi", "Sara Colombo", "Luca Ricci", "Anna Romano",
        "Paolo Gallo", "Elena Costa", "Davide Fontana", "Chiara Greco", "Matteo Conti"]
CANALI = [(Canale.WEB, 45), (Canale.APP, 35), (Canale.EMAIL, 8), (Canale.PHONE, 8), (Canale.COUNTER, 4)]


def _segnalazioni(ente: Ente, quante: int, progress: Progress) -> int:
    rng = random.Random(f"civico-demo-{ente.sigla}")
    categorie = {c.codice: c for c in Categoria.objects.filter(ente=ente).prefetch_related("domande")}
    pesi = _pesi_categorie(categorie)
    tempi = _tempi_di_risoluzione()
    luoghi = _luoghi(ente, rng, quante)
    punti_caldi = luoghi[:len(CATEGORIE_PUNTI_CALDI)]
    operatore = Utente.objects.filter(incarichi__ente=ente, incarichi__ruolo=Ruolo.OPERATORE).first()
    esistenti = set(
        Segnalazione.objects.filter(ente=ente, chiave_idempotenza__startswith="demo-").values_list(
            "chiave_idempotenza", flat=True
        )
    )
    adesso = timezone.now()
    create = 0
    for i in range(quante):
        # Draw every random value first, so the sequence is the same whether or not it exists.
        codice = rng.choices(list(pesi), weights=list(pesi.values()))[0]
        voce = next(c for c in C.CATEGORIE if c[0] == codice)
        quando = adesso - timedelta(days=rng.uniform(1, 365), minutes=rng.randint(0, 600))
        lat, lon = luoghi[i % len(luoghi)]
        esito = rng.choices(list(C.QUOTA_STATI), weights=list(C.QUOTA_STATI.values()))[0]
        giorni = rng.choice(tempi)
        nome = rng.choice(NOMI)
        canale = rng.choices([c for c, _ in CANALI], weights=[w for _, w in CANALI])[0]
        titolo = rng.choice(voce[8])
        if i % PASSO_PUNTI_CALDI == 0 and (caldo := _punto_caldo(punti_caldi, i, categorie, rng)):
            # A place that keeps breaking: the staff's hotspot map has something to show.
            (lat, lon), codice, quando = caldo
            voce = next(c for c in C.CATEGORIE if c[0] == codice)
            titolo = voce[8][i % len(voce[8])]
        chiave = f"demo-{ente.sigla}-{i:05d}"
        if chiave in esistenti:
            continue
        categoria = categorie[codice]
        dati = intake.NuovaSegnalazione(
            lat=lat, lon=lon, titolo=titolo, categoria=codice, canale=canale, ente=ente,
            descrizione="Segnalazione dimostrativa: " + titolo.lower() + ".",
            risposte=_risposte(categoria, rng), nome=nome,
            email=nome.lower().replace(" ", ".") + "@example.org",
        )
        s = intake.submit(dati, chiave_idempotenza=chiave, quando=quando).segnalazione
        _storia(s, esito, giorni, quando, adesso, Attore.staff(operatore), rng)
        create += 1
        if create % 50 == 0:
            progress(f"{ente.nome}: {create} segnalazioni")
    return create


def _storia(s, esito, giorni, creata, adesso, operatore, rng) -> None:
    """A plausible history drawn from the real state mix and resolution times."""
    def t(frazione: float) -> datetime:
        return min(creata + timedelta(days=giorni * frazione, hours=1), adesso - timedelta(minutes=5))

    if esito == "annullata":
        if rng.random() < 0.5:
            workflow.transition(s, "withdraw", Attore.del_segnalante(), quando=t(0.1))
        else:
            workflow.transition(s, "reject", operatore, quando=t(0.2),
                                testo="Non di competenza comunale: inoltrata al gestore.")
        return
    if esito == "aperta" and rng.random() < 0.6:
        return
    workflow.transition(s, "take_in_charge", operatore, quando=t(0.1))
    if esito in ("in carico", "aperta") or creata + timedelta(days=giorni) > adesso:
        if rng.random() < 0.5:
            workflow.transition(s, "start_work", operatore, quando=t(0.3))
        return
    workflow.transition(s, "start_work", operatore, quando=t(0.3))
    workflow.transition(s, "resolve", operatore, quando=t(1.0), testo="Intervento eseguito.")
    if rng.random() < 0.5:
        workflow.transition(s, "close", Attore.di_sistema(), quando=t(1.2))


def _risposte(categoria: Categoria, rng: random.Random) -> dict:
    risposte = {}
    for d in categoria.domande.all():
        if d.tipo == "number":
            risposte[d.codice] = rng.randint(1, 6)
        elif d.tipo == "singlevaluelist":
            risposte[d.codice] = rng.choice(d.valori)["key"]
        elif d.tipo == "multivaluelist":
            risposte[d.codice] = [rng.choice(d.valori)["key"]]
    return risposte


def _file_municipium() -> Path:
    return settings.CIVICO["DATA_DIR"] / "alessandria" / "segnalazioni-municipium-2023-2024.csv.gz"


def _storico_municipium(al: Ente, progress: Progress) -> int:
    """Alessandria's real 2023–2024 reports, through the importer (idempotent by Municipium id).
    When every row is already in, the file is not re-read: `make run` stays fast."""
    from civico.analisi.importazione.municipium import importa_municipium

    presenti = Segnalazione.objects.filter(ente=al, origine="municipium").count()
    if presenti and presenti >= len(_leggi_municipium()):
        return 0
    progress("storico 2023–2024 di Alessandria (esportazione Municipium)…")
    riepilogo = importa_municipium(_file_municipium(), al)
    for problema in riepilogo.scartate[:5]:
        progress(f"riga {problema.riga} scartata: {problema.motivo}")
    return riepilogo.importate


def _leggi_municipium() -> list[dict]:
    with gzip.open(_file_municipium(), "rt", encoding="utf-8") as f:
        return list(csv.DictReader(io.StringIO(f.read()), delimiter=";"))


def _pesi_categorie(categorie: dict[str, Categoria]) -> dict[str, int]:
    per_nome = {c.nome: c.codice for c in categorie.values()}
    pesi = {codice: 1 for codice in categorie}
    for riga in _leggi_municipium():
        codice = per_nome.get(riga["Categoria"])
        if codice:
            pesi[codice] += 1
    return pesi


def _tempi_di_risoluzione() -> list[int]:
    tempi = [
        (date.fromisoformat(r["Chiusa"]) - date.fromisoformat(r["Creato"])).days
        for r in _leggi_municipium() if r["Chiusa"]
    ]
    return [max(t, 1) for t in tempi] or [8]


# Every PASSO_PUNTI_CALDI-th demo report comes back to one of a few places, with the category that
# place keeps having, in the last five months: real comuni have such places, and the hotspots,
# recurring problems and one-click work orders need them to show anything.
PASSO_PUNTI_CALDI = 5
CATEGORIE_PUNTI_CALDI = ("buche", "illuminazione-pubblica", "verde-pubblico", "tombini", "arredo-urbano")


def _punto_caldo(punti: list[tuple[float, float]], i: int, categorie: dict, rng: random.Random):
    """(point within ~40 m of the place, its category, when) for the i-th report, or None."""
    n = (i // PASSO_PUNTI_CALDI) % len(CATEGORIE_PUNTI_CALDI)
    nord, est, giorni = rng.uniform(-30, 30), rng.uniform(-30, 30), rng.uniform(1, 150)
    codice = CATEGORIE_PUNTI_CALDI[n]
    if n >= len(punti) or codice not in categorie:
        return None
    lat, lon = punti[n]
    punto = (lat + nord / 111_195, lon + est / (111_195 * math.cos(math.radians(lat))))
    return punto, codice, timezone.now() - timedelta(days=giorni)


def _luoghi(ente: Ente, rng: random.Random, quante: int) -> list[tuple[float, float]]:
    """Real house-number positions where the gazetteer has them, else points inside the boundary."""
    civici = list(NumeroCivico.objects.filter(ente=ente).order_by("id").values_list("lat", "lon"))
    if civici:
        return [rng.choice(civici) for _ in range(quante)]
    confine = shapely.geometry.shape(ente.confine)
    minx, miny, maxx, maxy = confine.bounds
    punti: list[tuple[float, float]] = []
    while len(punti) < quante:
        lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if confine.contains(shapely.Point(lon, lat)):
            punti.append((lat, lon))
    return punti
