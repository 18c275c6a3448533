"""Character bigrams against jieba segmentation for case search (issue 16), on a seeded database.

Reads the search documents (``cases_casesearch``, written by migration 0028) of a bench database
and compares, on the same documents:

- tokenizing time per document: ``cases.search.grams`` against ``jieba.cut_for_search``
  (jieba's search mode, which also emits the shorter words inside a long one);
- index size and build time: the GIN index over the grams, and the same GIN index over
  jieba's tokens (a table ``bench_jieba`` built here and dropped afterwards);
- what each finds and how fast: for each query, the cases whose document contains it (the truth,
  what the bigram index plus its ``LIKE`` recheck answer) against those whose jieba tokens hold
  every token jieba makes of the query.

jieba is not one of Zeren's requirements: ``pip install --target DIR jieba`` and run with
``PYTHONPATH=DIR``.

    .venv/bin/python bench/search_compare.py --db zeren_bench_100k [--limit 100000] [--out x.json]
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import PG, emit, summary

QUERIES = ["鑫磊", "铸", "燃气", "王伟", "王", "鑫磊铸造", "爆炸", "隐患排查"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--limit", type=int, default=0, help="build the jieba index on the first N documents only")
    parser.add_argument("--out")
    args = parser.parse_args()
    import jieba
    import psycopg

    jieba.setLogLevel(60)
    t0 = time.perf_counter()
    jieba.initialize()
    load_s = time.perf_counter() - t0
    from cases.search import grams, normalize

    with psycopg.connect(f"{PG}/{args.db}", autocommit=True) as conn, conn.cursor() as cur:
        cur.execute("VACUUM ANALYZE cases_casesearch")
        cur.execute("SELECT count(*) FROM cases_casesearch")
        total = cur.fetchone()[0]
        limit = args.limit or total
        cur.execute("SELECT case_id, document FROM cases_casesearch ORDER BY case_id LIMIT %s", (limit,))
        docs = cur.fetchall()

        def tokens_jieba(text: str) -> set[str]:
            return {t for line in text.split("\n") for t in jieba.cut_for_search(line) if t.strip()}

        t0 = time.perf_counter()
        for _id, doc in docs:
            grams(doc)
        grams_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        buf = io.StringIO()
        for case_id, doc in docs:
            buf.write(f"{case_id}\t{' '.join(sorted(tokens_jieba(doc))).replace(chr(92), chr(92) * 2)}\n")
        jieba_s = time.perf_counter() - t0
        cur.execute("DROP TABLE IF EXISTS bench_jieba")
        cur.execute("CREATE TABLE bench_jieba (case_id bigint PRIMARY KEY, tokens text NOT NULL)")
        with cur.copy("COPY bench_jieba (case_id, tokens) FROM STDIN") as copy:
            copy.write(buf.getvalue())
        t0 = time.perf_counter()
        cur.execute("CREATE INDEX bench_jieba_idx ON bench_jieba USING gin (string_to_array(tokens, ' '))")
        jieba_index_s = time.perf_counter() - t0
        cur.execute("VACUUM ANALYZE bench_jieba")
        cur.execute(
            "SELECT pg_relation_size('bench_jieba_idx'), pg_relation_size('case_search_grams_idx'),"
            " (SELECT avg(array_length(string_to_array(tokens, ' '), 1)) FROM bench_jieba),"
            " (SELECT avg(array_length(string_to_array(grams, ' '), 1)) FROM cases_casesearch)"
        )
        jieba_bytes, grams_bytes, jieba_per_doc, grams_per_doc = cur.fetchone()
        ids = [d[0] for d in docs]
        lo, hi = ids[0], ids[-1]
        queries = {}
        for q in QUERIES:
            needle = normalize(q)
            qj = sorted({t for t in jieba.cut_for_search(needle) if t.strip()})
            from cases.search import query_grams

            qg = query_grams(q)

            def timed(sql: str, params: tuple) -> tuple[int, dict]:
                cur.execute(sql, params)
                n = cur.fetchone()[0]
                times = []
                for _ in range(7):
                    t = time.perf_counter()
                    cur.execute(sql, params)
                    cur.fetchone()
                    times.append((time.perf_counter() - t) * 1000)
                return n, summary(times)

            # The truth on the compared documents (counted, not timed); the bigram index on all.
            cur.execute(
                "SELECT count(*) FROM cases_casesearch WHERE case_id BETWEEN %s AND %s AND document LIKE %s",
                (lo, hi, f"%{needle}%"),
            )
            truth = cur.fetchone()[0]
            by_grams, t_grams = timed(
                "SELECT count(*) FROM cases_casesearch WHERE string_to_array(grams, ' ') @> %s::text[] AND document LIKE %s",
                (qg, f"%{needle}%"),
            )
            by_jieba, t_jieba = timed("SELECT count(*) FROM bench_jieba WHERE string_to_array(tokens, ' ') @> %s::text[]", (qj,))
            queries[q] = {
                "compared documents containing it": truth,
                "bigrams (all documents)": {"found": by_grams, "grams": qg, **t_grams},
                "jieba (compared documents)": {
                    "found": by_jieba,
                    "tokens": qj,
                    "recall": round(by_jieba / truth, 3) if truth else None,
                    **t_jieba,
                },
            }
        cur.execute("DROP TABLE bench_jieba")
    return emit(
        {
            "database": args.db,
            "documents": total,
            "compared": len(docs),
            "jieba_dictionary_load_s": round(load_s, 2),
            "tokenize_ms_per_doc": {
                "bigrams": round(grams_s * 1000 / len(docs), 4),
                "jieba": round(jieba_s * 1000 / len(docs), 4),
            },
            "tokens_per_doc": {"bigrams": float(grams_per_doc), "jieba": float(jieba_per_doc)},
            "gin_index_bytes": {"bigrams (all documents)": grams_bytes, "jieba (compared documents)": jieba_bytes},
            "jieba_index_build_s": round(jieba_index_s, 1),
            "queries": queries,
            "measured_at": time.strftime("%Y-%m-%d %H:%M:%S"),
        },
        args.out,
    )


if __name__ == "__main__":
    main()
