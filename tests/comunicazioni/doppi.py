"""A Web Push service for tests: plain HTTP POST to the endpoint, without the encryption and
VAPID signature that need pywebpush. The push service itself is a real local HTTP server."""

from civico.comunicazioni.canali.http import richiesta


class PushInChiaro:
    def invia(self, endpoint: str, p256dh: str, auth: str, payload: bytes) -> int:
        return richiesta("POST", endpoint, dati={"payload": payload.decode()}).stato
