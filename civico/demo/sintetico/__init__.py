"""Synthetic load for benchmarks: realistic reports and histories derived from Alessandria's open data.

`semina.semina(reports, enti)` is the entry point (`civico bench seed`).
"""
