"""Reads of Chapters 4–5 (issue 12, part 3): who sees which rows (``scope``), the year's results,
the pages' lists and a cadre's record extras (``assessment``), Art. 25 candidates (``rewards``).
``appraisal.services`` only writes; the API and the pages read through here."""
