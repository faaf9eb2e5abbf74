"""Every staff URL (backoffice, configurazione, interventi, moderazione, analisi and communications
staff pages, Django admin), enumerated from the URL configuration, refuses strangers.

Unauthenticated: 302 to a sign-in page. A citizen with a verified second factor but no role:
403 (or, for the Django admin, its sign-in page). An operator of another comune, on URLs naming
Alessandria's objects: 403 or 404. A new staff URL is covered by being added: nothing to list."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from civico.accounts.models import ApplicazioneClient, Incarico, Ruolo, TokenAccesso
from civico.backoffice.models import VistaSalvata
from civico.catalogo.models import Categoria, Domanda, ModelloRisposta, RegolaInstradamento, Ufficio
from civico.moderazione.models import Divieto
from civico.segnalazioni.models import Allegato
from tests import factories
from tests.backoffice.conftest import entra_verificato
from tests.segnalazioni.immagini import jpeg

# Doors in, and webhooks authenticated by a signature: not staff pages.
PUBBLICHE = {
    "backoffice:accedi", "backoffice:codice", "backoffice:attiva", "backoffice:attiva_link", "backoffice:esci",
    "configurazione:protocollo_callback", "admin:login", "admin:logout",
}
PREFISSI_STAFF = ("backoffice/", "admin/")


def _percorsi(risolutore=None, prefisso="", spazio=""):
    risolutore = risolutore or get_resolver()
    for p in risolutore.url_patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(x for x in (spazio, p.namespace) if x)
            yield from _percorsi(p, prefisso + str(p.pattern), ns)
        elif isinstance(p, URLPattern) and p.name:
            yield prefisso + str(p.pattern), f"{spazio}:{p.name}" if spazio else p.name, p


def staff_urls():
    visti = set()
    for rotta, nome, pattern in _percorsi():
        modulo = getattr(pattern.callback, "__module__", "")
        staff = rotta.lstrip("^").startswith(PREFISSI_STAFF) or ".staff" in modulo or "backoffice" in modulo
        if staff and nome not in PUBBLICHE and nome not in visti:
            visti.add(nome)
            yield nome, rotta, pattern


STAFF = sorted(staff_urls(), key=lambda t: t[0])


def test_the_enumeration_finds_the_staff_areas():
    nomi = {n for n, _r, _p in STAFF}
    for atteso in ("backoffice:casella", "configurazione:categorie", "interventi:elenco", "moderazione:coda",
                   "moderazione:divieti", "admin:index"):
        assert atteso in nomi
    assert len(nomi) > 60


@pytest.fixture
def mondo(alessandria, casale):
    s = factories.segnalazione(alessandria)
    dati = factories.intake.NuovaSegnalazione(
        lat=factories.PIAZZA_LIBERTA[0], lon=factories.PIAZZA_LIBERTA[1], titolo="Con foto", categoria="buche",
        risposte={"dimensione": "grande"}, ente=alessandria)
    con_foto = factories.intake.submit(dati, [("a.jpg", jpeg())]).segnalazione
    operatore = factories.staff("al.op.perm", Ruolo.OPERATORE, alessandria)
    amministratore = factories.staff("al.adm.perm", Ruolo.ENTE_ADMIN, alessandria)
    categoria = Categoria.objects.filter(ente=alessandria).first()
    oggetti = {
        "ufficio": Ufficio.objects.filter(ente=alessandria).first(),
        "categoria": categoria,
        "domanda": Domanda.objects.filter(categoria__ente=alessandria).first(),
        "regola": RegolaInstradamento.objects.filter(ente=alessandria).first()
        if hasattr(RegolaInstradamento, "ente") else None,
        "modello": ModelloRisposta.objects.filter(ente=alessandria).first()
        if hasattr(ModelloRisposta, "ente") else None,
        "incarico": Incarico.objects.filter(utente=operatore).first(),
        "applicazione": ApplicazioneClient.objects.create(nome="App AL", ente=alessandria, prefisso="cvperm0000",
                                                          chiave_hash="x" * 64),
        "token": TokenAccesso.objects.create(utente=operatore, nome="Token AL", ente=alessandria,
                                             prefisso="cvt_perm000", token_hash="y" * 64),
        "vista": VistaSalvata.objects.create(utente=operatore, nome="Mia", **_campi_vista()),
        "allegato": Allegato.objects.filter(segnalazione=con_foto).first(),
        "divieto": Divieto.objects.create(tipo="email", valore="x@y.it", ente=alessandria, motivo="prova",
                                          creato_da=amministratore),
    }
    return {"ente": alessandria, "s": s, "oggetti": oggetti}


def _campi_vista() -> dict:
    return {"querystring": "stato=submitted"}


def _oggetto(nome_vista: str, mondo) -> object | None:
    o = mondo["oggetti"]
    for chiave, parole in (
        ("allegato", ("allegato", "miniatura", "redazione")), ("vista", ("vista",)), ("divieto", ("divieto",)),
        ("domanda", ("domanda",)), ("regola", ("regola",)), ("modello", ("modello",)),
        ("incarico", ("incarico",)), ("applicazione", ("applicazione",)), ("token", ("token",)),
        ("ufficio", ("ufficio",)),
        ("categoria", ("categoria",)),
    ):
        if any(p in nome_vista.split(":")[-1] for p in parole):
            return o[chiave]
    return None


def _url(nome: str, rotta: str, mondo) -> str:
    def valore(m: re.Match) -> str:
        conv, param = (m.group(1) or ""), m.group(2)
        if param == "ente":
            return mondo["ente"].slug
        if param == "codice":
            return mondo["s"].codice
        if param == "nome":
            return "nascondi" if nome.startswith("moderazione") else "prendi_in_carico"
        if param == "categoria":
            return str(mondo["oggetti"]["categoria"].pk)
        if param == "app_label":
            return "segnalazioni"
        if param == "formato":
            return "csv"
        if param == "pk":
            oggetto = _oggetto(nome, mondo)
            return str(oggetto.pk if oggetto is not None else 999999)
        return "1" if conv in ("int", "") or "id" in param else "x"

    url = re.sub(r"<(?:(\w+):)?(\w+)>", valore, rotta)
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: "1", url)  # admin's regex routes
    return "/" + url.lstrip("^").rstrip("$").replace("\\", "")


def _richiesta(client, url: str):
    r = client.get(url)
    return client.post(url) if r.status_code == 405 else r


@pytest.fixture(autouse=True)
def _veloce(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CIVICO = {**settings.CIVICO, "LIMITI": {"scrittura": {"ip": (100_000, 60)}}}


def test_every_staff_url_sends_strangers_to_sign_in_and_refuses_the_wrong_roles(client, mondo, casale):
    cittadino = factories.UtenteFactory(username="cittadino.perm", email="c@example.org")
    altro = factories.staff("cm.op.perm", Ruolo.OPERATORE, casale)
    errori = []
    for nome, rotta, _p in STAFF:
        url = _url(nome, rotta, mondo)
        client.logout()
        r = _richiesta(client, url)
        accedi = "/admin/login/" if url.startswith("/admin/") else "/backoffice/accedi/"
        if r.status_code != 302 or accedi not in r["Location"]:
            errori.append(f"anonimo {nome} {url}: {r.status_code} {r.get('Location')}")

        entra_verificato(client, cittadino)
        r = _richiesta(client, url)
        ok = r.status_code in (403, 404) or (url.startswith("/admin/") and r.status_code == 302
                                              and "/admin/login/" in r["Location"])
        if not ok:
            errori.append(f"cittadino {nome} {url}: {r.status_code}")

        if "<" in rotta or "(?P" in rotta:
            entra_verificato(client, altro)
            r = _richiesta(client, url)
            ok = r.status_code in (403, 404) or (url.startswith("/admin/") and r.status_code == 302)
            if not ok:
                errori.append(f"operatore di Casale {nome} {url}: {r.status_code}")
    assert not errori, "\n".join(errori)
