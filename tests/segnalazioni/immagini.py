"""Real images and PDFs built in memory, for tests that need attachments."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import ExifTags, Image, ImageCms
from PIL.TiffImagePlugin import IFDRational

# Alessandria, 44°54'45.4"N 8°36'53.3"E.
ALESSANDRIA_DMS = ((44, 54, IFDRational(454, 10)), (8, 36, IFDRational(533, 10)))
ALESSANDRIA = (44 + 54 / 60 + 45.4 / 3600, 8 + 36 / 60 + 53.3 / 3600)


def jpeg(
    larghezza: int = 400,
    altezza: int = 200,
    *,
    orientamento: int | None = None,
    gps: bool = False,
    icc: bool = False,
) -> bytes:
    """A JPEG whose left half is red and right half blue, so a rotation shows."""
    img = Image.new("RGB", (larghezza, altezza), (255, 0, 0))
    img.paste((0, 0, 255), (larghezza // 2, 0, larghezza, altezza))
    exif = Image.Exif()
    if orientamento:
        exif[ExifTags.Base.Orientation] = orientamento
    if gps:
        (lat, lon) = ALESSANDRIA_DMS
        ifd = exif.get_ifd(ExifTags.IFD.GPSInfo)
        ifd[ExifTags.GPS.GPSLatitudeRef] = "N"
        ifd[ExifTags.GPS.GPSLatitude] = tuple(IFDRational(v) for v in lat)
        ifd[ExifTags.GPS.GPSLongitudeRef] = "E"
        ifd[ExifTags.GPS.GPSLongitude] = tuple(IFDRational(v) for v in lon)
    extra = {"icc_profile": ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()}
    return salva(img, "JPEG", exif=exif, **(extra if icc else {}))


def rumore_jpeg(lato: int = 200) -> bytes:
    """A JPEG full of noise: large enough that cutting it in half cuts the pixel data."""
    import random

    rnd = random.Random(1)
    return salva(Image.frombytes("RGB", (lato, lato), rnd.randbytes(lato * lato * 3)), "JPEG")


def salva(img: Image.Image, formato: str, **opzioni) -> bytes:
    uscita = io.BytesIO()
    img.save(uscita, formato, **opzioni)
    return uscita.getvalue()


def png_dichiarato(larghezza: int, altezza: int) -> bytes:
    """A tiny PNG whose header claims a huge size: what a decompression bomb looks like."""

    def chunk(tipo: bytes, dati: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(tipo + dati))
        return struct.pack(">I", len(dati)) + tipo + dati + crc

    ihdr = struct.pack(">IIBBBBB", larghezza, altezza, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def pdf(*oggetti_extra: bytes, catalogo_extra: bytes = b"") -> bytes:
    """A minimal valid one-page PDF, with a correct xref table."""
    oggetti = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalogo_extra + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        *oggetti_extra,
    ]
    corpo = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    posizioni = []
    for i, oggetto in enumerate(oggetti, start=1):
        posizioni.append(len(corpo))
        corpo += b"%d 0 obj\n" % i + oggetto + b"\nendobj\n"
    xref = len(corpo)
    corpo += b"xref\n0 %d\n0000000000 65535 f \n" % (len(oggetti) + 1)
    corpo += b"".join(b"%010d 00000 n \n" % p for p in posizioni)
    corpo += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(oggetti) + 1, xref,
    )
    return corpo


def stream(dizionario: bytes, dati: bytes) -> bytes:
    return b"<< %s /Length %d >>\nstream\n" % (dizionario, len(dati)) + dati + b"\nendstream"
