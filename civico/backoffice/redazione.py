"""Photo redaction: staff black out faces and number plates before a photo is public.

Service functions (`oscura`, `approva`, `nascondi`, `da_revisionare`); the redaction page is in
`views_redazione`. The rectangles come from the page as fractions of the photo (0–1), so what the
person drew on a scaled preview lands on the full-size image. The unredacted original is kept
private in `Allegato.originale` or destroyed, as the ente chose (`Ente.conserva_originali_foto`);
where the ente holds new photos until reviewed (`Ente.foto_in_revisione`), a photo becomes
public only here.
"""

from __future__ import annotations

import hashlib
import io
import json

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageOps

from civico.accounts.models import Utente
from civico.accounts.permissions import Attore, puo_lavorare
from civico.errors import InvalidData, NotAllowed
from civico.segnalazioni import eventi
from civico.segnalazioni.models import Allegato, Segnalazione, TipoAllegato, TipoEvento, Visibilita

MAX_RETTANGOLI = 50
LATO_MINIATURA = 400
QUALITA_JPEG = 85

Rettangolo = tuple[float, float, float, float]  # x, y, width, height as fractions of the photo


def leggi_rettangoli(testo: str) -> list[Rettangolo]:
    """The page's JSON list of {x, y, w, h}; InvalidData on anything else (never a 500)."""
    try:
        dati = json.loads(testo or "[]")
        if not isinstance(dati, list) or len(dati) > MAX_RETTANGOLI:
            raise ValueError
        rettangoli = []
        for r in dati:
            x, y, w, h = (float(r[k]) for k in ("x", "y", "w", "h"))
            x, y = min(max(x, 0.0), 1.0), min(max(y, 0.0), 1.0)
            w, h = min(max(w, 0.0), 1.0 - x), min(max(h, 0.0), 1.0 - y)
            if w > 0 and h > 0:
                rettangoli.append((x, y, w, h))
        return rettangoli
    except (ValueError, TypeError, KeyError, json.JSONDecodeError) as exc:
        raise InvalidData({"rettangoli": [_("Le zone da oscurare non sono valide: disegnale di nuovo.")]}) from exc


def _controlla(utente: Utente, a: Allegato) -> None:
    if a.tipo != TipoAllegato.FOTO:
        raise InvalidData({"rettangoli": [_("Si possono oscurare solo le foto.")]})
    if not puo_lavorare(utente, a.segnalazione):
        raise NotAllowed(_("Non puoi modificare le foto di questa segnalazione."))


def _jpeg(img: Image.Image, qualita: int = QUALITA_JPEG) -> bytes:
    buffer = io.BytesIO()
    img.convert("RGB").save(buffer, "JPEG", quality=qualita, optimize=True)  # no EXIF: none passed
    return buffer.getvalue()


def applica(contenuto: bytes, rettangoli: list[Rettangolo]) -> Image.Image:
    """The photo with solid black rectangles: pixels replaced, not blurred (blur can be undone)."""
    img = ImageOps.exif_transpose(Image.open(io.BytesIO(contenuto))).convert("RGB")
    disegno = ImageDraw.Draw(img)
    larghezza, altezza = img.size
    for x, y, w, h in rettangoli:
        disegno.rectangle(
            [int(x * larghezza), int(y * altezza), int((x + w) * larghezza + 0.999) - 1,
             int((y + h) * altezza + 0.999) - 1],
            fill=(0, 0, 0),
        )
    return img


def oscura(a: Allegato, rettangoli: list[Rettangolo], utente: Utente) -> Allegato:
    """Black out the rectangles, keep or destroy the original, mark the photo reviewed (and
    public when its report is). Records an internal event naming who did it."""
    with transaction.atomic():
        a = Allegato.objects.select_for_update().select_related("segnalazione__ente").get(pk=a.pk)
        s: Segnalazione = a.segnalazione
        _controlla(utente, a)
        if not rettangoli:
            raise InvalidData({"rettangoli": [_("Disegna almeno una zona da oscurare.")]})
        if a.in_elaborazione:  # not re-encoded yet: nothing to draw on (segnalazioni.elaborazione)
            raise InvalidData({"rettangoli": [_("La foto è ancora in elaborazione: riprova tra qualche minuto.")]})
        with a.file.open("rb") as f:
            corrente = f.read()
        img = applica(corrente, rettangoli)
        contenuto = _jpeg(img)
        miniatura = img.copy()
        miniatura.thumbnail((LATO_MINIATURA, LATO_MINIATURA), Image.Resampling.LANCZOS)
        sha = hashlib.sha256(contenuto).hexdigest()
        da_eliminare = [a.miniatura.name] if a.miniatura else []
        if s.ente.conserva_originali_foto and not a.originale:
            a.originale.save(f"orig-{a.sha256[:16]}.jpg", ContentFile(corrente), save=False)
        elif not s.ente.conserva_originali_foto and a.originale:
            da_eliminare.append(a.originale.name)
            a.originale = ""
        da_eliminare.append(a.file.name)
        a.file.save(f"{sha[:16]}.jpg", ContentFile(contenuto), save=False)
        a.miniatura.save(f"min-{sha[:16]}.jpg", ContentFile(_jpeg(miniatura, 80)), save=False)
        a.sha256, a.dimensione, (a.larghezza, a.altezza) = sha, len(contenuto), img.size
        a.sha256_caricato = ""  # the URL given out before processing now answers 404, as every old one
        a.revisionato_il = timezone.now()
        a.pubblico = s.pubblica
        a.save()
        eventi.registra(
            s, TipoEvento.INTERNAL_NOTE, Attore.staff(utente), quando=a.revisionato_il,
            visibilita=Visibilita.INTERNA,
            testo=_("Foto oscurata in %(n)d zone prima della pubblicazione.") % {"n": len(rettangoli)},
            dati={"allegato_id": a.pk, "redazione": len(rettangoli),
                  "originale": "conservato" if a.originale else "distrutto"},
        )
        # Old files go only once the new ones are committed: a rollback keeps a working photo.
        transaction.on_commit(lambda: [default_storage.delete(n) for n in da_eliminare if n])
    return a


def approva(a: Allegato, utente: Utente) -> Allegato:
    """Reviewed, nothing to hide: public when its report is."""
    with transaction.atomic():
        a = Allegato.objects.select_for_update().select_related("segnalazione").get(pk=a.pk)
        _controlla(utente, a)
        a.revisionato_il, a.pubblico = timezone.now(), a.segnalazione.pubblica
        a.save(update_fields=["revisionato_il", "pubblico"])
    return a


def nascondi(a: Allegato, utente: Utente) -> Allegato:
    """Take a photo off the public pages (reviewed: it must not come back by itself)."""
    with transaction.atomic():
        a = Allegato.objects.select_for_update().select_related("segnalazione").get(pk=a.pk)
        _controlla(utente, a)
        a.revisionato_il, a.pubblico = timezone.now(), False
        a.save(update_fields=["revisionato_il", "pubblico"])
    return a


def da_revisionare(s: Segnalazione) -> list[Allegato]:
    return list(s.allegati.filter(tipo=TipoAllegato.FOTO, revisionato_il__isnull=True).order_by("id"))
