"""Importing the history of reports from other platforms (Municipium, any CSV with a mapping).

One engine (`motore.importa`) for every source: a file-level pass that refuses an unusable file
before anything is written (`lettura`), a row pass that checks each row and reports its problems
by line number (`righe`), and one transaction that writes reports and their events in bulk
(`scrittura`). `municipium.importa_municipium` is the entry point for the Municipium export.
See docs/import.md.
"""
