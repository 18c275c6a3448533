"""Production's static files storage: whitenoise's compression, kept between runs.

``collectstatic`` copies only the files that changed, but whitenoise compresses every file again
at each run (about 60 MB, minutes of CPU on two cores). This storage reuses the ``.br`` / ``.gz``
variants it wrote before: whitenoise stamps each variant with its original's modification time,
and ``collectstatic`` gives a file it copies anew a fresh one, so a variant whose time equals its
original's was made from that very file.
"""

from __future__ import annotations

import os
from typing import Any

from whitenoise.compress import Compressor
from whitenoise.storage import CompressedStaticFilesStorage


class CachedCompressor(Compressor):
    """A whitenoise compressor that returns the variants of an unchanged file instead of
    compressing it again."""

    def compress(self, path: str) -> list[str]:
        try:
            mtime = os.stat(path).st_mtime
        except FileNotFoundError:
            return super().compress(path)

        def current(suffix: str) -> bool:
            try:
                return os.stat(path + suffix).st_mtime == mtime
            except FileNotFoundError:
                return False

        # The first variant whitenoise writes is the one that decides: brotli when available
        # (no brotli variant means it was not worth it, and then none is written), else gzip. A
        # file no variant was worth it for is compressed again: those are few and small.
        first = ".br" if self.use_brotli else ".gz"
        if not current(first):
            return super().compress(path)
        variants = [path + first]
        if self.use_brotli and self.use_gzip and current(".gz"):
            variants.append(path + ".gz")
        return variants


class CachedCompressedStaticFilesStorage(CompressedStaticFilesStorage):
    def create_compressor(self, **kwargs: Any) -> Compressor:
        return CachedCompressor(**kwargs)
