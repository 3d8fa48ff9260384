"""auditor: audit product carbon-footprint (PCF) report PDFs."""
__version__ = "0.1.0"
