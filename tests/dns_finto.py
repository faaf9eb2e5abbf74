"""A DNS we control for chosen names (there is no real DNS in tests): `dns["nome"] = ["ip", …]`.

Each lookup of a name with several answers takes the next one (the last repeats), which is how a
rebinding attacker's DNS behaves: public at the check, internal at the connection."""

from __future__ import annotations

import socket

import pytest


@pytest.fixture
def dns(monkeypatch) -> dict[str, list[str]]:
    tabella: dict[str, list[str]] = {}
    vero = socket.getaddrinfo

    def getaddrinfo(host, porta, *args, **kwargs):
        if isinstance(host, str) and host.lower().rstrip(".") in tabella:
            risposte = tabella[host.lower().rstrip(".")]
            ip = risposte.pop(0) if len(risposte) > 1 else risposte[0]
            if ":" in ip:
                return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", (ip, porta, 0, 0))]
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, porta))]
        return vero(host, porta, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return tabella
