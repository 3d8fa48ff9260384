"""auditor: audit product carbon-footprint (PCF) report PDFs.

    from auditor import audit
    result = audit("report.pdf")          # a pydantic ReportResult
    for f in result.findings: ...

`audit`, `audit_many` and `parse` are imported on first use, so `import auditor` stays fast.
"""
from .version import __version__

__all__ = ["__version__", "audit", "audit_many", "parse"]


def __getattr__(name: str):
    if name in ("audit", "audit_many", "parse"):
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'auditor' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
