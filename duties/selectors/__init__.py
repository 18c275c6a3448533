"""Reads of the duty ledger (issue 12, part 3): compliance, the department status, who sees
which cadres, and the rows the API and the pages show. Writes are ``duties.services``."""
