"""The registry of SAML2 identity providers (the SPID IdPs and CIE's SAML IdP).

A JSON file of their metadata, never fetched at run time: the platform admin refreshes it with
`civico aggiorna_idp_spid --da <file-or-url>` (AgID publishes the SPID list as one
EntitiesDescriptor). Read from `settings.SAML_REGISTRO_IDP` when that file exists, else the copy
shipped in the package."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from defusedxml import ElementTree
from django.conf import settings
from django.utils import timezone

NS_MD = "urn:oasis:names:tc:SAML:2.0:metadata"
NS_MDUI = "urn:oasis:names:tc:SAML:metadata:ui"
SPEDITO = Path(__file__).parent / "data" / "idp_saml.json"
TIPI = ("spid", "cie")


@dataclass(frozen=True)
class IdpSaml:
    entity_id: str
    nome: str
    tipo: str  # "spid" or "cie"
    metadata: str  # its EntityDescriptor, as published


_letto: dict[tuple[str, int, int], list[IdpSaml]] = {}


def percorso() -> Path:
    proprio = Path(settings.SAML_REGISTRO_IDP)
    return proprio if proprio.exists() else SPEDITO


def registrati(tipo: str | None = None) -> list[IdpSaml]:
    """The identity providers of the registry (re-read only when the file changes)."""
    file = percorso()
    stato = file.stat()
    chiave = (str(file), stato.st_mtime_ns, stato.st_size)
    if chiave not in _letto:
        dati = json.loads(file.read_text(encoding="utf-8"))
        _letto.clear()
        _letto[chiave] = [IdpSaml(**voce) for voce in dati.get("idp", [])]
    tutti = _letto[chiave]
    return [i for i in tutti if i.tipo == tipo] if tipo else list(tutti)


def cerca(entity_id: str) -> IdpSaml | None:
    return next((i for i in registrati() if i.entity_id == entity_id), None)


def da_metadata(xml: bytes | str, tipo: str) -> list[IdpSaml]:
    """The identity providers in a metadata document (one EntityDescriptor or an EntitiesDescriptor)."""
    if tipo not in TIPI:
        raise ValueError(f"tipo {tipo!r}: uno di {TIPI}")
    radice = ElementTree.fromstring(xml.encode() if isinstance(xml, str) else xml)
    if radice.tag == f"{{{NS_MD}}}EntityDescriptor":
        entita = [radice]
    else:
        entita = radice.iter(f"{{{NS_MD}}}EntityDescriptor")
    trovati = []
    for ed in entita:
        if ed.find(f"{{{NS_MD}}}IDPSSODescriptor") is None:
            continue
        nome = ed.findtext(f".//{{{NS_MDUI}}}DisplayName") or ed.findtext(
            f"{{{NS_MD}}}Organization/{{{NS_MD}}}OrganizationDisplayName") or ed.get("entityID")
        trovati.append(IdpSaml(
            entity_id=ed.get("entityID"), nome=nome.strip(), tipo=tipo,
            metadata=ElementTree.tostring(ed, encoding="unicode"),
        ))
    return trovati


def aggiorna(nuovi: list[IdpSaml], tipo: str, fonte: str, destinazione: Path | None = None) -> Path:
    """Replace the providers of `tipo` in the registry with `nuovi`; the others stay."""
    destinazione = destinazione or Path(settings.SAML_REGISTRO_IDP)
    altri = [i for i in registrati() if i.tipo != tipo]
    dati = {
        "aggiornato_il": timezone.now().isoformat(), "fonte": fonte,
        "idp": [i.__dict__ for i in sorted(altri + nuovi, key=lambda i: (i.tipo, i.nome.lower()))],
    }
    destinazione.parent.mkdir(parents=True, exist_ok=True)
    temporaneo = destinazione.with_suffix(".tmp")
    temporaneo.write_text(json.dumps(dati, ensure_ascii=False, indent=1), encoding="utf-8")
    temporaneo.replace(destinazione)  # atomic: a reader never sees half a registry
    return destinazione
