"""Backoffice pages of part 2: the ente's configuration, work orders (interventi), the protocol
callback. An app of its own so its templates and static files are found (APP_DIRS)."""
