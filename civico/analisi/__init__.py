"""Transparency and insight: public dashboards, open data, staff hotspots, importers from other platforms."""
