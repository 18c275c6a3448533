"""The case pages, one module per part: ``list`` (list and export), ``page`` (the case page),
``transitions``, ``findings``, ``filings`` (立案), ``appeals`` and ``executions``."""
