"""`auditor batch`: audit archives of PCF reports into a SQLite database.

    auditor batch archive/ --jobs 4 --db results.sqlite --jsonl results.jsonl --csv summary.csv

Every PDF found becomes exactly one record in the database: audited, or an error with a code (not-a-pdf, empty,
encrypted, unreadable, parse-failed, timeout, out-of-memory, crashed, not-found). Each file is audited in its own
forked worker process with a wall-clock timeout and an address-space cap (:mod:`.isolate`), so a hostile file
costs only its own record. Workers run locally or on a Dask cluster (:mod:`.executors`); results are identical.
A second run over the same files resumes: files recorded with the same sha256, tool version, rules version and
configuration are not audited again. After the files, the reports are compared with each other
(:mod:`.crosscheck`: duplicate report numbers, near-duplicates with different values, one product with very
different totals, identical files). The database schema is in :mod:`.store`.

Modules: cli (the typer command), runner (the run), isolate (workers), executors (local, dask), store (SQLite),
crosscheck (cross-report checks), summary (the ReportSummary of a report). Importing this package is cheap.
"""
