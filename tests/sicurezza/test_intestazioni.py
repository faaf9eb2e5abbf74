"""Security headers: the CSP on every page, no inline script anywhere, safe headers on uploads,
and `manage.py check --deploy` clean with a production environment."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from civico.segnalazioni.models import Allegato
from tests import factories
from tests.segnalazioni.immagini import jpeg

RADICE = Path(__file__).resolve().parents[2]


def test_pages_carry_a_strict_content_security_policy(client, alessandria):
    csp = client.get(f"/{alessandria.slug}/")["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-eval" not in csp and "'unsafe-inline'" not in csp.split("style-src-attr")[0]
    assert "https://tile.openstreetmap.org" in csp


def test_no_template_has_inline_script_or_event_handlers():
    colpevoli = []
    for template in (RADICE / "civico").rglob("templates/**/*.html"):
        if "/email/" in str(template):
            continue  # e-mails are not pages: no script runs in them
        testo = template.read_text()
        for m in re.finditer(r"<script\b([^>]*)>", testo):
            attributi = m.group(1)
            if "src=" not in attributi and "application/json" not in attributi and "ld+json" not in attributi:
                colpevoli.append(f"{template}: <script{m.group(1)}>")
        if re.search(r"\son[a-z]+\s*=\s*[\"']", testo):
            colpevoli.append(f"{template}: on…= handler")
    assert not colpevoli, colpevoli


def test_uploaded_photos_are_served_with_safe_headers(client, alessandria):
    dati = factories.intake.NuovaSegnalazione(
        lat=factories.PIAZZA_LIBERTA[0], lon=factories.PIAZZA_LIBERTA[1], titolo="Buca", categoria="buche",
        risposte={"dimensione": "grande"}, ente=alessandria,
    )
    s = factories.intake.submit(dati, [("buca.jpg", jpeg())]).segnalazione
    foto = Allegato.objects.get(segnalazione=s)
    for url in (f"/allegati/{foto.pk}/", f"/allegati/{foto.pk}/miniatura/"):
        r = client.get(url)
        assert r.status_code == 200
        assert r["X-Content-Type-Options"] == "nosniff"
        assert r["Content-Disposition"].startswith("inline")
        assert "sandbox" in r["Content-Security-Policy"] and "default-src 'none'" in r["Content-Security-Policy"]


def test_check_deploy_passes_with_a_production_environment(tmp_path):
    env = {
        **os.environ, "CIVICO_ENV": "production", "SECRET_KEY": "k" * 20 + "Z9!x#q" + "s" * 30,
        "ALLOWED_HOSTS": "civico.example.org", "CIVICO_VAR_DIR": str(tmp_path), "DATABASE_URL": "sqlite:///:memory:",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    env.pop("CIVICO_DEBUG", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests for Playwright, never in production
    esito = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                           cwd=RADICE, env=env, capture_output=True, text=True)
    assert esito.returncode == 0, esito.stdout + esito.stderr
    assert "WARNINGS" not in esito.stdout + esito.stderr
