"""POST requests: from the spec's form fields to `intake.NuovaSegnalazione`, and back from the
domain's errors to the spec's list of errors naming the client's own parameter names."""

from __future__ import annotations

import re
from typing import Any

from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from civico.catalogo.models import Categoria
from civico.enti.models import Ente
from civico.errors import DomainError, InvalidData
from civico.open311.risposte import Errore
from civico.segnalazioni.intake import NuovaSegnalazione, scegli_lingua
from civico.segnalazioni.models import Canale
from civico.testo import MAX_TITOLO, memorizzabile

_ATTRIBUTO = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
_FINE_FRASE = re.compile(r"[.!?…](?=\s)")
# Our fields (intake's error keys) → the Open311 parameter the client sent.
PARAMETRI = {
    "posizione": "lat/long",
    "indirizzo": "address_string",
    "titolo": "description",
    "descrizione": "description",
    "nome": "first_name/last_name",
    "email": "email",
    "telefono": "phone",
    "url_media_esterno": "media_url",
    "categoria": "service_code",
    "allegati": "media",
    "chiave_idempotenza": "Idempotency-Key",
    "lat": "lat",
    "lon": "long",
}


def nuova_segnalazione(dati: QueryDict, ente: Ente, categoria: Categoria, *,
                       lingue: tuple[str | None, ...] = ()) -> NuovaSegnalazione:
    """The report a POST describes. Checks only what intake cannot: the form's own shape.
    The reporter's language: `lang` or `locale` (the convention of Open311 clients), else `lingue`
    (the query string's, then Accept-Language)."""
    for chiave, valori in dati.lists():
        if not all(memorizzabile(v) for v in [chiave, *valori]):
            raise Errore(400, _("%(nome)s: contiene caratteri non ammessi.") % {"nome": chiave[:60]})
    descrizione = dati.get("description", "")
    nome = " ".join(p for p in (dati.get("first_name", "").strip(), dati.get("last_name", "").strip()) if p)
    return NuovaSegnalazione(
        lat=dati.get("lat", "").strip() or None,
        lon=dati.get("long", "").strip() or None,
        titolo=titolo(descrizione, categoria.nome),
        categoria=categoria.codice,
        descrizione=descrizione,
        canale=Canale.OPEN311,
        indirizzo=dati.get("address_string", ""),
        risposte=attributi(dati),
        nome=nome,
        email=dati.get("email", ""),
        telefono=dati.get("phone", ""),
        ente=ente,
        dati_client={k: dati.get(k, "").strip() for k in ("device_id", "account_id") if dati.get(k, "").strip()},
        url_media_esterno=dati.get("media_url", ""),
        lingua=scegli_lingua(dati.get("lang"), dati.get("locale"), *lingue),
    )


def titolo(descrizione: str, ripiego: str) -> str:
    """Open311 has no title: the description's first line or sentence, else the service name."""
    righe = (descrizione or "").strip().splitlines()
    prima = righe[0].strip() if righe else ""
    fine = _FINE_FRASE.search(prima)
    if fine:
        prima = prima[: fine.start() + 1]
    prima = prima.rstrip(".").strip()
    if len(prima) > MAX_TITOLO:
        prima = prima[: MAX_TITOLO - 1].rstrip() + "…"
    return prima or ripiego


def attributi(dati: QueryDict) -> dict[str, Any]:
    """`attribute[CODE]=v` and `attribute[CODE][]=v1&attribute[CODE][]=v2` (lists)."""
    risposte: dict[str, Any] = {}
    for chiave, valori in dati.lists():
        m = _ATTRIBUTO.match(chiave)
        if not m:
            continue
        codice, lista = m.group(1), bool(m.group(2))
        valori = [v for v in valori if v.strip()]
        precedenti = risposte.get(codice)
        if lista or len(valori) > 1 or precedenti is not None:
            gia = precedenti if isinstance(precedenti, list) else [] if precedenti is None else [precedenti]
            risposte[codice] = [*gia, *valori]
        elif valori:
            risposte[codice] = valori[0]
    return risposte


def allegati(files: MultiValueDict) -> list[tuple[str, Any]]:
    """The uploaded `media` file(s) (our extension; multipart/form-data)."""
    return [(f.name or "media", f) for f in files.getlist("media")]


def errori_di_dominio(e: DomainError) -> Errore:
    """One Open311 error per message, naming the parameter it is about."""
    if isinstance(e, InvalidData):
        descrizioni: list[str] = []
        for campo, messaggi in e.as_dict().items():
            for m in messaggi:
                testo = f"{parametro(campo)}: {m}"
                if testo not in descrizioni:
                    descrizioni.append(testo)
        return Errore(400, *descrizioni)
    testo = f"{parametro(e.field)}: {e}" if e.field else str(e)
    return Errore(403 if e.status == 403 else 400, testo)


def parametro(campo: str) -> str:
    if campo.startswith("risposte."):
        return f"attribute[{campo.removeprefix('risposte.')}]"
    return PARAMETRI.get(campo, campo)
