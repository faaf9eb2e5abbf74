"""Public dashboards and open data (mounted before the portal, whose `<slug:ente>/` pages would catch these)."""

urlpatterns: list = []
