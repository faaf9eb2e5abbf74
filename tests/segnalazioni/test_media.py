"""Attachment rules: type from content, size caps, re-encoding without metadata, safe PDFs."""

from __future__ import annotations

import hashlib
import io
import re
import zlib

import pikepdf
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation
from PIL import Image

from civico.errors import InvalidData
from civico.segnalazioni import media
from civico.segnalazioni.media import prepara_allegato, verifica_numero_allegati
from civico.segnalazioni.models import TipoAllegato
from tests.segnalazioni import immagini, pdf_attivi

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _italiano():
    with translation.override("it"):
        yield


def rifiuto(nome: str, dati, **kwargs) -> str:
    with pytest.raises(InvalidData) as e:
        prepara_allegato(nome, dati, **kwargs)
    assert list(e.value.errors) == ["allegati"]
    return str(e.value.errors["allegati"][0])


def apri(dati: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(dati))
    img.load()
    return img


class FlussoContato(io.RawIOBase):
    """A stream of `totale` bytes that counts what was read and never holds them all."""

    def __init__(self, totale: int, inizio: bytes = b"\xff\xd8\xff", size: int | None = None):
        self.totale, self.inizio, self.letti = totale, inizio, 0
        if size is not None:
            self.size = size

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        resto = self.totale - self.letti
        n = resto if n < 0 else min(n, resto)
        blocco = (self.inizio + bytes(n))[:n] if self.letti == 0 else bytes(n)
        self.letti += len(blocco)
        return blocco


# --- Photos.

def test_jpeg_con_gps_ed_orientamento_perde_ogni_metadato():
    p = prepara_allegato("buca.jpg", immagini.jpeg(400, 200, orientamento=6, gps=True, icc=True))

    assert p.tipo == TipoAllegato.FOTO and p.content_type == "image/jpeg"
    assert p.gps == pytest.approx(immagini.ALESSANDRIA, abs=1e-6)
    assert p.gps == pytest.approx((44.9126, 8.6148), abs=1e-4)
    img = apri(p.contenuto)
    assert img.format == "JPEG"
    assert len(img.getexif()) == 0
    assert not {"exif", "icc_profile", "xmp"} & set(img.info)
    assert b"Exif" not in p.contenuto and b"ICC_PROFILE" not in p.contenuto
    # Orientation 6 means "rotate 90° clockwise": the red left half ends up on top.
    assert img.size == (200, 400) == (p.larghezza, p.altezza)
    r, _, b = img.getpixel((100, 50))
    assert r > 200 and b < 60
    r, _, b = img.getpixel((100, 350))
    assert b > 200 and r < 60


def test_sha_e_nome_file_vengono_dal_contenuto_salvato_non_dal_nome_utente():
    p = prepara_allegato("Mario Rossi - buca via Roma.jpg", immagini.jpeg())

    assert p.sha256 == hashlib.sha256(p.contenuto).hexdigest()
    assert p.nome_file == f"{p.sha256[:16]}.jpg"
    assert re.fullmatch(r"[0-9a-f]{16}\.jpg", p.nome_file)
    assert p.nome_originale == "Mario Rossi - buca via Roma.jpg"
    assert p.dimensione == len(p.contenuto)


def test_nome_originale_ripulito():
    p = prepara_allegato("../../etc/pass\x00wd\u202e.jpg", immagini.jpeg())
    assert p.nome_originale == "passwd.jpg"
    lungo = prepara_allegato("a" * 400 + ".jpeg", immagini.jpeg()).nome_originale
    assert len(lungo) == 255 and lungo.endswith(".jpeg")


def test_png_con_trasparenza_diventa_jpeg_su_fondo_bianco():
    img = Image.new("RGBA", (60, 40), (0, 0, 0, 0))
    img.paste((0, 128, 0, 255), (0, 0, 30, 40))
    p = prepara_allegato("logo.png", immagini.salva(img, "PNG"))

    out = apri(p.contenuto)
    assert p.content_type == "image/jpeg" and out.format == "JPEG" and out.mode == "RGB"
    assert all(c > 245 for c in out.getpixel((50, 20)))  # transparent → white, not black
    assert out.getpixel((10, 20))[1] > 100
    assert p.nome_file.endswith(".jpg") and p.gps is None


def test_webp_e_gif_animata_diventano_immagini_ferme():
    webp = prepara_allegato("x.webp", immagini.salva(Image.new("RGB", (50, 50), "red"), "WEBP"))
    assert apri(webp.contenuto).format == "JPEG"

    fotogrammi = [Image.new("RGB", (30, 30), c) for c in ("red", "blue")]
    gif = immagini.salva(fotogrammi[0], "GIF", save_all=True, append_images=fotogrammi[1:])
    out = apri(prepara_allegato("anim.gif", gif).contenuto)
    assert getattr(out, "n_frames", 1) == 1
    r, _, b = out.getpixel((15, 15))
    assert r > 200 and b < 60  # the first frame


def test_grandi_immagini_ridotte_e_miniatura_entro_400px():
    p = prepara_allegato("panorama.jpg", immagini.jpeg(3000, 1000))

    assert (p.larghezza, p.altezza) == apri(p.contenuto).size
    assert max(p.larghezza, p.altezza) == 2560
    assert p.miniatura is not None
    mini = apri(p.miniatura)
    assert mini.format == "JPEG" and max(mini.size) <= 400 and max(mini.size) == 400
    assert len(mini.getexif()) == 0


def test_tipo_deciso_dal_contenuto_non_dal_nome_ne_dal_tipo_dichiarato():
    p = prepara_allegato("documento.pdf", immagini.jpeg(), "application/pdf")
    assert p.tipo == TipoAllegato.FOTO and p.content_type == "image/jpeg"


def test_file_like_e_uploaded_file_accettati():
    dati = immagini.jpeg()
    assert prepara_allegato("a.jpg", io.BytesIO(dati)).tipo == TipoAllegato.FOTO
    upload = SimpleUploadedFile("a.jpg", dati, content_type="image/jpeg")
    upload.read(10)  # a form may have peeked already: chunks() rewinds
    assert prepara_allegato("a.jpg", upload).tipo == TipoAllegato.FOTO


# --- Refusals.

def test_file_troppo_grande_rifiutato_con_le_dimensioni():
    dati = b"\xff\xd8\xff" + bytes(40 * MB - 3)
    assert rifiuto("x.jpg", dati) == (
        'Il file "x.jpg" è troppo grande: 40,0 MB; il massimo è 10 MB.'
    )


def test_flusso_con_dimensione_nota_rifiutato_senza_leggerlo():
    flusso = FlussoContato(40 * MB, size=40 * MB)
    assert rifiuto("x.jpg", flusso) == (
        'Il file "x.jpg" è troppo grande: 40,0 MB; il massimo è 10 MB.'
    )
    assert flusso.letti == 0


def test_flusso_senza_dimensione_letto_solo_fino_al_limite():
    flusso = FlussoContato(40 * MB)
    assert rifiuto("x.jpg", flusso) == 'Il file "x.jpg" è troppo grande: il massimo è 10 MB.'
    assert flusso.letti <= 10 * MB + media.BLOCCO


def test_il_limite_viene_dalle_impostazioni():
    with override_settings(CIVICO={**settings.CIVICO, "MAX_FILE_BYTES": 1536}):
        assert rifiuto("x.jpg", immagini.rumore_jpeg(100)).endswith("il massimo è 1,5 KB.")


def test_file_vuoto_rifiutato():
    assert rifiuto("vuoto.jpg", b"") == 'Il file "vuoto.jpg" è vuoto.'


@pytest.mark.parametrize(
    "dati",
    [
        b"MZ\x90\x00" + bytes(range(256)) * 4,  # a Windows executable
        b"PK\x03\x04" + bytes(200),  # a zip
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        b"BM" + bytes(100),  # BMP: an image, but not one we accept
    ],
)
def test_contenuto_non_ammesso_rifiutato_nominando_il_file(dati):
    assert rifiuto("foto.jpg", dati, content_type_dichiarato="image/jpeg") == (
        "Il file \"foto.jpg\" non è un'immagine (JPEG, PNG o WebP) né un PDF."
    )


def test_svg_rifiutato():
    svg = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>'
    messaggio = rifiuto("disegno.svg", svg)
    assert '"disegno.svg"' in messaggio and "SVG" in messaggio


def test_heic_rifiutato_suggerendo_jpeg():
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(100)
    messaggio = rifiuto("IMG_0001.HEIC", heic)
    assert '"IMG_0001.HEIC"' in messaggio and "HEIC" in messaggio and "JPEG" in messaggio


def test_jpeg_troncato_rifiutato_come_danneggiato():
    intero = immagini.rumore_jpeg()
    assert rifiuto("x.jpg", intero[: len(intero) // 2]) == (
        "Il file \"x.jpg\" è danneggiato o non è un'immagine valida."
    )
    assert "danneggiato" in rifiuto("y.png", b"\x89PNG\r\n\x1a\n" + bytes(50))


@pytest.mark.parametrize("lato", [(50_000, 50_000), (7_000, 6_000)])
def test_bomba_di_decompressione_rifiutata(lato):
    # 50000² trips Pillow's own guard; 42 MP passes Pillow's but not ours (40 MP).
    assert rifiuto("bomba.png", immagini.png_dichiarato(*lato)) == (
        'L\'immagine "bomba.png" ha troppi pixel: il massimo è 40 megapixel.'
    )


def test_troppi_allegati_rifiutati():
    verifica_numero_allegati(5)
    with pytest.raises(InvalidData) as e:
        verifica_numero_allegati(6)
    assert e.value.as_dict() == {"allegati": ["Puoi allegare al massimo 5 file."]}


# --- PDF documents.

def test_pdf_valido_ricostruito_e_leggibile():
    dati = pdf_attivi.base()
    p = prepara_allegato("verbale.pdf", dati, "application/octet-stream")

    assert p.tipo == TipoAllegato.DOCUMENTO and p.content_type == "application/pdf"
    [testo] = pdf_attivi.pagine_e_testo(p.contenuto)[1]
    assert pdf_attivi.TESTO.encode() in testo
    assert p.miniatura is None and p.gps is None and p.larghezza is None
    assert re.fullmatch(r"[0-9a-f]{16}\.pdf", p.nome_file)
    assert p.sha256 == hashlib.sha256(p.contenuto).hexdigest()


def test_pdf_con_dati_binari_che_sembrano_js_accettato():
    # Compressed page content may contain the bytes "/JS " by chance: that is no action, and the
    # page's stream is copied as it is (never inflated).
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.pages[0].obj.Contents = pdf.make_stream(b"\x01/JS \x02" * 10, Filter=pikepdf.Name.FlateDecode)
    uscita = io.BytesIO()
    pdf.save(uscita)
    assert b"\x01/JS \x02" * 10 in prepara_allegato("scansione.pdf", uscita.getvalue()).contenuto


@pytest.mark.parametrize(
    "dati",
    [
        immagini.pdf(
            b"<< /S /JavaScript /JS (app.alert(1)) >>", catalogo_extra=b"/OpenAction 4 0 R"
        ),
        immagini.pdf(b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>", catalogo_extra=b"/OpenAction 4 0 R"),
        immagini.pdf(b"<< /S /Launch /F (calc.exe) >>", catalogo_extra=b"/OpenAction 4 0 R"),
        # Modern PDFs keep dictionaries in compressed object streams.
        immagini.pdf(immagini.stream(
            b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode",
            zlib.compress(b"5 0 << /S /JavaScript /JS (app.alert(1)) >>"),
        ), catalogo_extra=b"/OpenAction 5 0 R"),
    ],
)
def test_pdf_con_codice_eseguibile_ricostruito_senza(dati):
    contenuto = prepara_allegato("modulo.pdf", dati).contenuto
    assert pdf_attivi.attivi(contenuto) == set()
    assert pdf_attivi.pagine_e_testo(contenuto)[0] == 1


def test_pdf_illeggibile_rifiutato():
    dati = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
    assert rifiuto("rotto.pdf", dati) == 'Il file "rotto.pdf" è danneggiato o non è un PDF valido.'


def test_pdf_senza_eof_rifiutato_come_danneggiato():
    dati = immagini.pdf()
    assert rifiuto("x.pdf", dati[: len(dati) - 20]) == (
        'Il file "x.pdf" è danneggiato o non è un PDF valido.'
    )


def test_messaggi_traducibili_e_pigri():
    with pytest.raises(InvalidData) as e:
        prepara_allegato("x.jpg", b"MZ")
    messaggio = e.value.errors["allegati"][0]
    assert not isinstance(messaggio, str)  # a lazy Promise, formatted in the reader's language
    assert '"x.jpg"' in str(messaggio)
