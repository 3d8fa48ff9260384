"""`auditor serve`: the verifier's workbench, a web page to audit, review, decide and sign off.

Upload PDFs (or audit a folder the server was given), follow the audits, browse the archive (the batch's SQLite
database: a batch run and the workbench see the same results), open a report (its pages with every finding's
box, the stage chart, each finding's working, what the parser read), record decisions about findings (confirm,
accept with a reason, comment) and the verification record (verifier, date, conclusion), print it and export it
(xlsx, csv, `[[waivers]]`).

Modules: settings (what the server runs with), words (the page's words in Chinese and English), security (token,
allowed hosts, CSRF, upload limits, headers), jobs (audits in the batch's isolated workers, from a thread),
archive (the archive's queries), pages (page images and the parser's reading, each in an isolated worker),
views (what a report page shows), exports (xlsx, csv, waivers), app (the FastAPI application and its routes).
Only the `serve` command imports this package; FastAPI, Jinja2 and uvicorn are the `serve` extra.
"""
