"""Photos and documents of a draft, kept in Django storage under `bozze/<uuid>/`.

They pass the same media rules as a report's attachments when uploaded, so the citizen hears
at once about a file too big or not an image; what is stored is the cleaned copy (re-encoded
JPEG without EXIF), so no location or camera data waits in the drafts folder.
"""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from civico.portale.models import Bozza, FileBozza
from civico.segnalazioni import media
from civico.segnalazioni.models import TipoAllegato
from civico.territorio.distanza import distanza_m

# A photo taken farther than this from the place given proposes its own position.
SCARTO_PROPOSTA_M = 25


def aggiungi(bozza: Bozza, nome: str, contenuto: Any) -> FileBozza:
    """Check and store one file; raises InvalidData {"allegati": [...]} with a clear message."""
    media.verifica_numero_allegati(bozza.file.count() + 1)
    p = media.prepara_allegato(nome, contenuto)
    f = FileBozza(
        bozza=bozza, tipo=p.tipo, nome_originale=p.nome_originale, dimensione=p.dimensione,
        lat=p.gps[0] if p.gps else None, lon=p.gps[1] if p.gps else None,
    )
    salvati: list[str] = []
    try:
        f.file.save(p.nome_file, ContentFile(p.contenuto), save=False)
        salvati.append(f.file.name)
        if p.miniatura:
            f.miniatura.save(f"min-{p.nome_file}", ContentFile(p.miniatura), save=False)
            salvati.append(f.miniatura.name)
        f.save()
    except BaseException:
        for nome_file in salvati:
            f.file.storage.delete(nome_file)
        raise
    return f


def trova(bozza: Bozza, pk: int) -> FileBozza | None:
    return bozza.file.filter(pk=pk).first()


def rimuovi(bozza: Bozza, pk: int) -> bool:
    f = trova(bozza, pk)
    if f is None:
        return False
    _cancella([f])
    return True


def elenco(bozza: Bozza) -> list[FileBozza]:
    return list(bozza.file.all())


def ha_foto(bozza: Bozza) -> bool:
    return bozza.file.filter(tipo=TipoAllegato.FOTO).exists()


def elimina_tutti(bozza: Bozza) -> None:
    """After submission (intake keeps its own copies) or when the draft expires."""
    _cancella(list(FileBozza.objects.filter(bozza_id=bozza.pk)))


def _cancella(file: list[FileBozza]) -> None:
    nomi = [n for f in file for n in (f.file.name, f.miniatura.name) if n]
    FileBozza.objects.filter(pk__in=[f.pk for f in file]).delete()
    storage = FileBozza._meta.get_field("file").storage

    def dopo() -> None:
        for nome in nomi:
            storage.delete(nome)

    transaction.on_commit(dopo)


def proposta_di_luogo(bozza: Bozza) -> FileBozza | None:
    """The first photo whose EXIF position is away from the place given (or when there is none)."""
    punto = (bozza.dati.get("luogo") or {}).get("punto")
    for f in bozza.file.filter(lat__isnull=False, lon__isnull=False):
        if not punto or distanza_m(punto[0], punto[1], f.lat, f.lon) > SCARTO_PROPOSTA_M:
            return f
    return None
