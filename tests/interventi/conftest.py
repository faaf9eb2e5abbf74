from tests.configurazione.cablaggio import accedi, pagine  # noqa: F401
