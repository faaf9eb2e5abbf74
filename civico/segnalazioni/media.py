"""Validation and re-encoding of report attachments (photos and PDF documents).

Pure functions, no database: the intake service calls them before its transaction and then
saves the bytes. The type is decided from the content, never from the name or the declared
type; photos are re-encoded as plain JPEG so no metadata (EXIF, GPS, ICC, XMP) is published, and
PDFs are rebuilt with their pages only, without anything that acts (scripts, links, forms, files).
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import io
import logging
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, NoReturn, Protocol

from django.conf import settings
from django.utils import formats
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from PIL import ExifTags, Image, ImageOps

from civico.errors import InvalidData
from civico.segnalazioni.models import TipoAllegato

logger = logging.getLogger(__name__)

MAX_PIXELS = 40_000_000  # decoded RGB ≈ 120 MB: the most one upload may cost in memory
LATO_MAX = 2560
LATO_MINIATURA = 400
QUALITA_JPEG = 85
QUALITA_MINIATURA = 80
BLOCCO = 64 * 1024

_FORMATI_IMMAGINE = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "gif": "GIF"}
_MARCHI_HEIF = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs",
                b"mif1", b"msf1"}
_MARCHI_AVIF = {b"avif", b"avis"}


class _Leggibile(Protocol):
    def read(self, n: int = -1, /) -> bytes: ...


@dataclass(frozen=True)
class AllegatoPreparato:
    tipo: TipoAllegato
    nome_file: str  # generated from the content, never the user's name
    nome_originale: str
    contenuto: bytes
    content_type: str
    miniatura: bytes | None
    larghezza: int | None
    altezza: int | None
    sha256: str  # of `contenuto`, the bytes actually stored
    gps: tuple[float, float] | None  # (lat, lon) from the original EXIF, to suggest the place
    # A photo checked but not yet re-encoded (`prepara_allegato(..., differita=True)`): `contenuto`
    # is the upload as sent, to be stored privately and re-encoded by the worker
    # (`segnalazioni.elaborazione`); larghezza/altezza are what the re-encoded photo will measure.
    da_elaborare: bool = False

    @property
    def dimensione(self) -> int:
        return len(self.contenuto)


def verifica_numero_allegati(n: int) -> None:
    massimo = settings.CIVICO["MAX_FILES_PER_REPORT"]
    if n > massimo:
        messaggio = lazy(
            lambda: ngettext(
                "Puoi allegare al massimo %(massimo)d file.",
                "Puoi allegare al massimo %(massimo)d file.",
                massimo,
            ) % {"massimo": massimo},
            str,
        )()
        raise InvalidData({"allegati": [messaggio]})


def vaglia_allegati(allegati: Iterable[tuple[str, bytes | None]], *, posti: int,
                    ) -> tuple[list[tuple[str, bytes]], list[str]]:
    """What a message brought, checked as intake will check it: the first `posti` good files, and
    "name: reason" for each refused one (None: a part that could not be read), for the reply."""
    buoni: list[tuple[str, bytes]] = []
    scartati: list[str] = []
    for nome, contenuto in allegati:
        if contenuto is None:
            scartati.append(f"{nome}: {_('illeggibile')}")
            continue
        if len(buoni) >= posti:
            scartati.append(f"{nome}: {_('troppi allegati')}")
            continue
        try:
            prepara_allegato(nome, contenuto)
        except InvalidData as exc:
            scartati.append(f"{nome}: {exc}")
            continue
        buoni.append((nome, contenuto))
    return buoni, scartati


def prepara_allegato(
    nome: str,
    dati: bytes | bytearray | memoryview | _Leggibile,
    content_type_dichiarato: str | None = None,  # accepted for callers, never trusted
    *,
    differita: bool = False,
) -> AllegatoPreparato:
    """Check one file and make it safe to show. `differita`: a photo is only checked here (type,
    pixel limit from the header, a decode at 1/8 scale for JPEG) and comes back as sent, marked
    `da_elaborare`, for the worker to re-encode; what is not an image is refused all the same."""
    nome_originale = _nome_sicuro(nome)
    mostrato = nome_originale or "—"
    contenuto = _leggi(dati, mostrato, settings.CIVICO["MAX_FILE_BYTES"])
    if not contenuto:
        _rifiuta(_("Il file \"%(nome)s\" è vuoto."), nome=mostrato)
    formato = _riconosci(contenuto, mostrato)
    if formato == "pdf":
        return _preparato(TipoAllegato.DOCUMENTO, nome_originale, _ricostruisci_pdf(contenuto, mostrato),
                          "application/pdf", ".pdf", None, None, None, None)
    if differita:
        (larghezza, altezza), gps = _vaglia_foto(contenuto, formato, mostrato)
        return _preparato(TipoAllegato.FOTO, nome_originale, contenuto, f"image/{formato}", f".{formato}",
                          None, larghezza, altezza, gps, da_elaborare=True)
    jpeg, miniatura, (larghezza, altezza), gps = _ricodifica(contenuto, formato, mostrato)
    return _preparato(TipoAllegato.FOTO, nome_originale, jpeg, "image/jpeg", ".jpg",
                      miniatura, larghezza, altezza, gps)


def _preparato(
    tipo: TipoAllegato, nome_originale: str, contenuto: bytes, content_type: str, estensione: str,
    miniatura: bytes | None, larghezza: int | None, altezza: int | None,
    gps: tuple[float, float] | None, *, da_elaborare: bool = False,
) -> AllegatoPreparato:
    sha = hashlib.sha256(contenuto).hexdigest()
    return AllegatoPreparato(
        tipo=tipo, nome_file=f"{sha[:16]}{estensione}", nome_originale=nome_originale,
        contenuto=contenuto, content_type=content_type, miniatura=miniatura,
        larghezza=larghezza, altezza=altezza, sha256=sha, gps=gps, da_elaborare=da_elaborare,
    )


# --- Messages: formatted when shown, so the reader's language (and number format) applies.

def _rifiuta(testo: Promise, **valori: Any) -> NoReturn:
    messaggio = lazy(lambda: str(testo) % valori, str)()
    raise InvalidData({"allegati": [messaggio]})


def _dimensione(n: int, *, compatta: bool = False) -> Promise:
    """Human size in binary units ("40,0 MB"); `compatta` drops a ",0" (for round limits)."""

    def testo() -> str:
        if n < 1024:
            return ngettext("%(n)d byte", "%(n)d byte", n) % {"n": n}
        valore, unita = (n / 1024, "KB") if n < 1024 * 1024 else (n / 1024 / 1024, "MB")
        decimali = 0 if compatta and valore == int(valore) else 1
        return f"{formats.number_format(valore, decimali)} {unita}"

    return lazy(testo, str)()


# --- Reading with a cap.

def _leggi(dati: bytes | bytearray | memoryview | _Leggibile, nome: str, massimo: int) -> bytes:
    if isinstance(dati, bytes | bytearray | memoryview):
        if len(dati) > massimo:
            _troppo_grande(nome, len(dati), massimo)
        return bytes(dati)
    dichiarata = _dimensione_nota(dati)
    if dichiarata is not None and dichiarata > massimo:
        _troppo_grande(nome, dichiarata, massimo)
    parti: list[bytes] = []
    letti = 0
    for blocco in _blocchi(dati):
        letti += len(blocco)
        if letti > massimo:  # the stream lied about its size, or had none: stop here
            _troppo_grande(nome, None, massimo)
        parti.append(blocco)
    return b"".join(parti)


def _blocchi(dati: _Leggibile) -> Iterator[bytes]:
    chunks = getattr(dati, "chunks", None)
    if callable(chunks):  # a Django File/UploadedFile: rewinds and streams from disk
        yield from chunks(BLOCCO)
        return
    while blocco := dati.read(BLOCCO):
        yield blocco


def _dimensione_nota(dati: Any) -> int | None:
    try:
        size = getattr(dati, "size", None)
        if isinstance(size, int):
            return size
        if callable(getattr(dati, "seekable", None)) and dati.seekable():
            inizio = dati.tell()
            fine = dati.seek(0, io.SEEK_END)
            dati.seek(inizio)
            return fine - inizio
    except (OSError, ValueError, AttributeError):
        pass
    return None


def _troppo_grande(nome: str, dimensione: int | None, massimo: int) -> NoReturn:
    limite = _dimensione(massimo, compatta=True)
    if dimensione is None:
        _rifiuta(_("Il file \"%(nome)s\" è troppo grande: il massimo è %(massimo)s."),
                 nome=nome, massimo=limite)
    _rifiuta(_("Il file \"%(nome)s\" è troppo grande: %(dimensione)s; il massimo è %(massimo)s."),
             nome=nome, dimensione=_dimensione(dimensione), massimo=limite)


def _nome_sicuro(nome: str) -> str:
    """Last path component, no control or format characters, at most 255 characters."""
    nome = unicodedata.normalize("NFC", str(nome or ""))
    nome = "".join(c for c in nome if not unicodedata.category(c).startswith("C"))
    nome = re.split(r"[/\\]", nome)[-1]
    nome = " ".join(nome.split()).lstrip(".")
    if len(nome) > 255:
        base, punto, estensione = nome.rpartition(".")
        if punto and 0 < len(estensione) <= 10:
            nome = f"{base[:254 - len(estensione)]}.{estensione}"
        else:
            nome = nome[:255]
    return nome


# --- Recognising the content.

def _riconosci(dati: bytes, nome: str) -> str:
    if dati.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if dati.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if dati[:4] == b"RIFF" and dati[8:12] == b"WEBP":
        return "webp"
    if dati[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if dati.startswith(b"%PDF-"):
        if b"%%EOF" not in dati[-1024:]:
            _rifiuta(_("Il file \"%(nome)s\" è danneggiato o non è un PDF valido."), nome=nome)
        return "pdf"
    if dati[4:8] == b"ftyp" and dati[8:12] in _MARCHI_HEIF | _MARCHI_AVIF:
        formato = "AVIF" if dati[8:12] in _MARCHI_AVIF else "HEIC"
        _rifiuta(_("Il file \"%(nome)s\" è in formato %(formato)s, che non è supportato: "
                   "salvalo come JPEG e riprova."), nome=nome, formato=formato)
    inizio = dati[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if inizio.startswith(b"<") and b"<svg" in inizio:
        _rifiuta(_("Il file \"%(nome)s\" è un'immagine SVG, che non è accettata perché può "
                   "contenere codice: usa JPEG, PNG o WebP."), nome=nome)
    _rifiuta(_("Il file \"%(nome)s\" non è un'immagine (JPEG, PNG o WebP) né un PDF."), nome=nome)


# --- Photos.

_DANNEGGIATO = _("Il file \"%(nome)s\" è danneggiato o non è un'immagine valida.")
_TROPPI_PIXEL = _("L'immagine \"%(nome)s\" ha troppi pixel: il massimo è %(mp)d megapixel.")


def _apri(dati: bytes, formato: str) -> Image.Image:
    """The image with its header read and nothing decoded; a decompression bomb is refused from
    the header's size, before any pixel is."""
    img = Image.open(io.BytesIO(dati), formats=[_FORMATI_IMMAGINE[formato]])
    larghezza, altezza = img.size
    if larghezza * altezza > MAX_PIXELS:
        raise Image.DecompressionBombError
    return img


def _vaglia_foto(dati: bytes, formato: str, nome: str) -> tuple[tuple[int, int], tuple[float, float] | None]:
    """The request's share of a photo the worker will re-encode: that it is one (its header; a
    JPEG's scan must reach its end-of-image marker, so a cut upload is refused here; other formats
    have their structure checked), within the pixel limit, its GPS for the place, and the size it
    will have once upright and shrunk. No pixel is decoded: even at 1/8 scale libjpeg reads every
    block (5 ms of the 25 ms a report with a photo may cost, issue #21); a JPEG damaged inside its
    scan passes and is dropped by the worker, logged (segnalazioni.elaborazione)."""
    try:
        img = _apri(dati, formato)
        larghezza, altezza = img.size
        gps = _gps(img)
        with contextlib.suppress(Exception):  # as _orientata: a malformed EXIF keeps the photo as stored
            if img.getexif().get(ExifTags.Base.Orientation) in (5, 6, 7, 8):
                larghezza, altezza = altezza, larghezza
        if img.format in ("JPEG", "MPO"):
            if not _scansione_completa(dati):
                raise OSError("JPEG troncato")
        else:
            img.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _rifiuta(_TROPPI_PIXEL, nome=nome, mp=MAX_PIXELS // 1_000_000)
    except (OSError, SyntaxError, ValueError, EOFError):
        _rifiuta(_DANNEGGIATO, nome=nome)
    scala = min(1.0, LATO_MAX / max(larghezza, altezza))
    return (max(1, round(larghezza * scala)), max(1, round(altezza * scala))), gps


def _scansione_completa(dati: bytes) -> bool:
    """Whether a JPEG's first scan is followed by an end-of-image marker. The segments before it
    are walked by their lengths (an EXIF thumbnail, a JPEG itself, hides in one); inside the scan
    a 0xFF byte is always stuffed or a restart marker, so FF D9 there is the real end."""
    i = 2
    while i + 4 <= len(dati):
        if dati[i] != 0xFF:
            return False
        marcatore = dati[i + 1]
        if marcatore == 0xFF:  # fill byte before a marker
            i += 1
            continue
        lunghezza = int.from_bytes(dati[i + 2:i + 4], "big")
        if marcatore == 0xDA:  # start of scan
            return dati.find(b"\xff\xd9", i + 2 + lunghezza) != -1
        i += 2 + lunghezza
    return False


def segnaposto_in_elaborazione() -> bytes:
    """What any viewer gets for a photo the worker has not re-encoded yet: never the bytes as
    sent (they may carry the position and the camera in EXIF, or a wrong orientation)."""
    testo = html.escape(str(_("Foto in elaborazione")))
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300" viewBox="0 0 400 300">'
        '<rect width="400" height="300" fill="#e8ebef"/>'
        f'<text x="200" y="155" font-family="sans-serif" font-size="22" fill="#5c6f82" '
        f'text-anchor="middle">{testo}</text></svg>'
    ).encode()


def _ricodifica(
    dati: bytes, formato: str, nome: str
) -> tuple[bytes, bytes, tuple[int, int], tuple[float, float] | None]:
    danneggiato = _DANNEGGIATO
    try:
        img = _apri(dati, formato)
        larghezza, altezza = img.size
        if img.format in ("JPEG", "MPO"):  # decode at a reduced scale when we'd shrink anyway
            scala = min(1.0, LATO_MAX / max(larghezza, altezza))
            img.draft(None, (math.ceil(larghezza * scala), math.ceil(altezza * scala)))
        img.load()  # first frame only: an animated GIF or WebP becomes a still
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _rifiuta(_TROPPI_PIXEL, nome=nome, mp=MAX_PIXELS // 1_000_000)
    except (OSError, SyntaxError, ValueError, EOFError):
        _rifiuta(danneggiato, nome=nome)
    try:
        gps = _gps(img)
        img = _orientata(img)
        img.thumbnail((LATO_MAX, LATO_MAX), Image.Resampling.LANCZOS)
        img = _in_srgb(img)
        contenuto, dimensioni = _jpeg(img, QUALITA_JPEG), img.size
        # The thumbnail from the same decoded image, shrunk in place (the photo is encoded
        # already): averaging whole blocks of pixels first (reducing_gap=1) leaves Lanczos only
        # the last, small step; a sixth of the cost, and no visible difference at 400 pixels.
        img.thumbnail((LATO_MINIATURA, LATO_MINIATURA), Image.Resampling.LANCZOS, reducing_gap=1.0)
        return contenuto, _jpeg(img, QUALITA_MINIATURA), dimensioni, gps
    except (OSError, SyntaxError, ValueError, EOFError):
        _rifiuta(danneggiato, nome=nome)


def _orientata(img: Image.Image) -> Image.Image:
    with contextlib.suppress(Exception):  # a malformed EXIF must not cost the photo; keep it as stored
        ImageOps.exif_transpose(img, in_place=True)  # in place: no copy of an upright photo
    return img


def _gps(img: Image.Image) -> tuple[float, float] | None:
    """(lat, lon) from EXIF GPS; anything malformed or implausible is ignored."""
    try:
        ifd = img.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        lat = _gradi(ifd[ExifTags.GPS.GPSLatitude], ifd[ExifTags.GPS.GPSLatitudeRef], "NS")
        lon = _gradi(ifd[ExifTags.GPS.GPSLongitude], ifd[ExifTags.GPS.GPSLongitudeRef], "EW")
    except Exception:  # EXIF is user-supplied bytes: any failure just means "no position"
        return None
    if lat is None or lon is None or abs(lat) > 90 or abs(lon) > 180 or (lat, lon) == (0, 0):
        return None
    return round(lat, 7), round(lon, 7)


def _gradi(dms: Any, riferimento: Any, positivo_negativo: str) -> float | None:
    if isinstance(riferimento, bytes):
        riferimento = riferimento.decode("ascii", "replace")
    riferimento = str(riferimento).strip("\x00 ").upper()
    if riferimento not in positivo_negativo or len(riferimento) != 1:
        return None
    g, m, s = (float(v) for v in dms)
    if not all(math.isfinite(v) and v >= 0 for v in (g, m, s)) or m >= 60 or s >= 60:
        return None
    valore = g + m / 60 + s / 3600
    return -valore if riferimento == positivo_negativo[1] else valore


def _in_srgb(img: Image.Image) -> Image.Image:
    """Plain RGB: alpha flattened on white, colours converted to sRGB if a profile says how."""
    icc = img.info.get("icc_profile")
    if img.mode == "CMYK":
        return _profilo_srgb(img, icc) or img.convert("RGB")
    if img.mode in ("I", "F") or img.mode.startswith("I;16"):  # 16-bit grey would clip to white
        img = img.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    if img.has_transparency_data:
        rgba = img.convert("RGBA")
        img = Image.new("RGB", rgba.size, (255, 255, 255))
        img.paste(rgba, mask=rgba.getchannel("A"))
    elif img.mode != "RGB":  # an RGB photo is used as decoded, not copied
        img = img.convert("RGB")
    return _profilo_srgb(img, icc) or img


def _profilo_srgb(img: Image.Image, icc: bytes | None) -> Image.Image | None:
    if not icc:
        return None
    try:
        from PIL import ImageCms

        sorgente = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.profileToProfile(
            img, sorgente, ImageCms.createProfile("sRGB"), outputMode="RGB"
        )
    except Exception:  # no LittleCMS, or a profile not matching the pixels: keep the values
        return None


def _jpeg(img: Image.Image, qualita: int) -> bytes:
    # A fresh image carries no info/metadata at all; not zero-filled first: the paste covers it.
    pulita = Image.new("RGB", img.size, None)
    pulita.paste(img)
    uscita = io.BytesIO()
    pulita.save(uscita, "JPEG", quality=qualita, optimize=True)
    return uscita.getvalue()


# --- PDF documents: rebuilt, never stored as sent.

# What makes a PDF act rather than show: actions (JavaScript, launching programs, submitting
# forms, opening links or other files), embedded files, multimedia, forms (AcroForm, XFA).
_CHIAVI_ATTIVE = frozenset({
    "/OpenAction", "/AA", "/JavaScript", "/JS", "/URI", "/Launch", "/SubmitForm", "/ImportData",
    "/GoToR", "/GoToE", "/EmbeddedFiles", "/EmbeddedFile", "/RichMedia", "/RichMediaContent",
    "/RichMediaSettings", "/XFA", "/AcroForm", "/FS", "/PA", "/Next",
})


_CHIAVI_DELLA_PAGINA = frozenset({
    "/Type", "/Parent", "/Resources", "/Contents", "/MediaBox", "/CropBox", "/BleedBox", "/TrimBox",
    "/ArtBox", "/Rotate", "/UserUnit", "/Group",
})
# Annotations that act (open a link, hold a file or a form field, play media): dropped wherever found.
_ANNOTAZIONI_ATTIVE = frozenset({"/Link", "/Widget", "/FileAttachment", "/RichMedia", "/Screen", "/Movie",
                                 "/Sound", "/3D"})


def _ricostruisci_pdf(dati: bytes, nome: str) -> bytes:
    """A fresh PDF with the pages only (pikepdf/qpdf): the document catalogue, where open
    actions, scripts, embedded files and forms live, is not carried over; annotations are
    flattened into the page (what they show stays, what they do goes); every remaining action
    or active key is removed. A PDF that cannot be opened (password, broken) is refused."""
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(dati)) as originale, pikepdf.new() as nuovo:
            if len(originale.pages) == 0:
                raise pikepdf.PdfError("nessuna pagina")
            with contextlib.suppress(Exception):  # no appearance to keep is no reason to refuse
                originale.flatten_annotations("all")
            for pagina in originale.pages:
                # Only the keys that draw the page: annotations, and whatever a damaged or crafted
                # file hides under a key no viewer knows (a mangled "/Annots"), stay behind.
                for chiave in list(pagina.obj.keys()):  # noqa: SIM118 — a pikepdf object's keys
                    if chiave not in _CHIAVI_DELLA_PAGINA:
                        del pagina.obj[chiave]
                nuovo.pages.append(pagina)
            _togli_contenuti_attivi(nuovo)
            uscita = io.BytesIO()
            # Streams are copied as they are (never inflated here: no decompression bomb).
            nuovo.save(uscita, stream_decode_level=pikepdf.StreamDecodeLevel.none,
                       deterministic_id=True, fix_metadata_version=False)
            return uscita.getvalue()
    except pikepdf.PasswordError:
        _rifiuta(_("Il file \"%(nome)s\" è protetto da password: allega un PDF senza protezione."),
                 nome=nome)
    except Exception as exc:  # noqa: BLE001 — whatever qpdf makes of the sender's bytes, never a 500
        logger.info("PDF non ricostruibile (%s): %s", type(exc).__name__, str(exc)[:200])
        _rifiuta(_("Il file \"%(nome)s\" è danneggiato o non è un PDF valido."), nome=nome)


def _annotazione_attiva(valore) -> bool:
    import pikepdf

    return isinstance(valore, pikepdf.Dictionary) and str(valore.get("/Subtype", "")) in _ANNOTAZIONI_ATTIVE


def _togli_contenuti_attivi(pdf) -> None:
    """Walk every object reachable from the pages (iteratively: nesting is the sender's choice)
    and delete the active keys, any `/A` action and any active annotation, wherever it sits."""
    import pikepdf

    da_visitare: list = [pdf.Root, pdf.trailer]
    visti: set[tuple[int, int]] = set()
    while da_visitare:
        oggetto = da_visitare.pop()
        if oggetto.is_indirect:
            if oggetto.objgen in visti:
                continue
            visti.add(oggetto.objgen)
        if isinstance(oggetto, pikepdf.Array):
            for i in reversed(range(len(oggetto))):
                if _annotazione_attiva(oggetto[i]):
                    del oggetto[i]
            da_visitare.extend(v for v in oggetto if isinstance(v, pikepdf.Array | pikepdf.Dictionary | pikepdf.Stream))
            continue
        if not isinstance(oggetto, pikepdf.Dictionary | pikepdf.Stream):
            continue
        for chiave in list(oggetto.keys()):
            valore = oggetto[chiave]
            if chiave in _CHIAVI_ATTIVE or chiave == "/A" or _annotazione_attiva(valore) or (
                chiave == "/S" and str(valore) in _CHIAVI_ATTIVE
            ):
                del oggetto[chiave]
            elif isinstance(valore, pikepdf.Array | pikepdf.Dictionary | pikepdf.Stream):
                da_visitare.append(valore)
