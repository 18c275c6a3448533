"""Print the tables of ``bench/README.md`` from a run: ``.venv/bin/python bench/report.py bench/results/run-….json``."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def ms(value) -> str:
    return "—" if value is None else f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 else f"{value:.0f}"


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else max(Path(__file__).parent.joinpath("results").glob("run-*.json"))
    r = json.loads(path.read_text())
    out = [
        f"Run `{path.name}`: {r['seconds']:.0f} s; load average {r['load_at_start'][0]:.2f} at the start, {r['load_at_end'][0]:.2f} at the end.",
        "",
    ]

    out += ["| goal | this run | met |", "|---|---|---|"]
    for g in r.get("goals", []):
        out.append(f"| {g['goal']} | {g['figure']} | {'yes' if g['met'] else '**no**'} |")
    out.append("")

    t = r.get("transitions")
    if t:
        floor = dict(t["floor"]["1 client"])
        floor["p50_ms"] = (t["floor"]["1 client"]["p50_ms"] + t["floor again"]["1 client"]["p50_ms"]) / 2  # as run.py
        out += [
            "Floor (UPDATE + 2 INSERTs + durable COMMIT, psycopg, Zeren's tables): "
            f"1 client p50 {ms(t['floor']['1 client']['p50_ms'])} ms, p95 {ms(floor['p95_ms'])} ms; 4 clients "
            f"{t['floor']['4 clients']['tx_per_s']:.0f} tx/s (p50 {ms(t['floor']['4 clients']['p50_ms'])} ms); "
            f"again at the end of the part: p50 {ms(t['floor again']['1 client']['p50_ms'])} ms; ratios below are to their mean, "
            f"{ms(floor['p50_ms'])} ms.",
            "",
            "| one transition (`inquire`) | p50 ms | p95 ms | × floor | queries | rows written |",
            "|---|---|---|---|---|---|",
        ]
        for name, v in t["one transition"].items():
            out.append(
                f"| {name} | {ms(v['p50_ms'])} | {ms(v['p95_ms'])} | {v['p50_ms'] / floor['p50_ms']:.1f} | {v['queries']} | {v['rows_written']} |"
            )
        w1 = t["W1 in process"]
        out += [
            "",
            f"W1, the lifecycle through the API in process ({w1['cases']} cases, {w1['seconds']} s, {w1['errors']} errors):",
            "",
            "| endpoint | p50 ms | p95 ms | × floor | queries | rows written |",
            "|---|---|---|---|---|---|",
        ]
        for name, v in w1["endpoints"].items():
            out.append(
                f"| {name} | {ms(v['p50_ms'])} | {ms(v['p95_ms'])} | {v['p50_ms'] / floor['p50_ms']:.1f} | "
                f"{'/'.join(map(str, v['queries']))} | {'/'.join(map(str, v['rows_written']))} |"
            )
        h = t["W1 over HTTP"]
        out += [
            "",
            f"W1 over HTTP: {h['clients']} clients, {h['servers']} daphne processes, {h['seconds']} s: {h['cases_closed']} cases closed, "
            f"{h['transitions_per_s']} transitions/s, {h['requests_per_s']} requests/s, {h['server_errors']} server errors.",
            "",
            "| endpoint (HTTP) | p50 ms | p95 ms |",
            "|---|---|---|",
        ]
        for name, v in h["endpoints"].items():
            out.append(f"| {name} | {ms(v['p50_ms'])} | {ms(v['p95_ms'])} |")
        d, f = t["W2 distinct"], t["W2 fight"]
        out += [
            "",
            f"W2: {d['workers']} worker processes on distinct cases: {d['transitions_per_s']} transitions/s "
            f"({100 * d['transitions_per_s'] / t['floor']['4 clients']['tx_per_s']:.1f} % of the floor's {t['floor']['4 clients']['tx_per_s']:.0f} tx/s), "
            f"{d['errors']} errors. {f['clients']} clients over HTTP fighting over one case, {f['rounds']} rounds: statuses {f['statuses']}, "
            f"{len(f['rounds_with_not_exactly_one_winner'])} rounds without exactly one winner, {f['server_errors']} server errors, "
            f"{len(f['cases_with_missing_or_duplicated_rows'])} cases with a missing or duplicated event or history row.",
            "",
        ]

    reads = r.get("reads", {})
    if reads:
        sizes = list(reads)
        out += [
            "W3–W5 at "
            + ", ".join(f"{s} ({reads[s]['cases']:,} cases, {reads[s]['history_rows']:,} history rows)" for s in sizes)
            + ":",
            "",
            "| request | " + " | ".join(f"{s} p50 / p95 ms" for s in sizes) + " | growth 1M/100k (p50) | queries | count |",
            "|---|" + "---|" * len(sizes) + "---|---|---|",
        ]
        for w in ("W3", "W4", "W5"):
            for name in reads[sizes[0]][w]:
                cells = [f"{ms(reads[s][w][name]['p50_ms'])} / {ms(reads[s][w][name]['p95_ms'])}" for s in sizes]
                growth = (
                    reads["1m"][w][name]["p50_ms"] / reads["100k"][w][name]["p50_ms"]
                    if "1m" in reads and "100k" in reads
                    else None
                )
                queries = "/".join(str(reads[s][w][name]["queries"]) for s in sizes)
                counts = "/".join(
                    ("≈" if reads[s][w][name].get("count_estimated") else "") + str(reads[s][w][name].get("count") or "")
                    for s in sizes
                )
                scans = sum(len(reads[s][w][name]["seq_scans_on_big_tables"]) for s in sizes)
                out.append(
                    f"| {w} {name}{' (seq scan!)' if scans else ''} | "
                    + " | ".join(cells)
                    + f" | {growth:.2f} | {queries} | {counts.strip('/')} |"
                )
        out.append("")

    n = r.get("notifications")
    if n:
        out += [
            f"W6 ({n.get('servers', 1)} daphne processes, a Celery worker dispatching, clients in their own process; {n['rounds']} rounds per size, one commit every {n['interval_s']} s):",
            "",
            "| clients | commit → receipt p50 / p99 ms | last receipt p50 / p99 ms | floor: group_send to N, last receipt p50 / p99 ms | delivered / expected | lost | duplicated | reconnects |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for size, v in n["sizes"].items():
            fl = v["floor_group_send_last"]
            out.append(
                f"| {size} | {ms(v['commit_to_receipt']['p50_ms'])} / {ms(v['commit_to_receipt']['p99_ms'])} | "
                f"{ms(v['last_receipt']['p50_ms'])} / {ms(v['last_receipt']['p99_ms'])} | {ms(fl['p50_ms'])} / {ms(fl['p99_ms'])} | "
                f"{v['delivered']} / {v['expected']} | {v['lost']} | {v['duplicated']} | {v['reconnects']} |"
            )
        rtt = n["floor_publish_subscribe_rtt"]
        out += ["", f"Floor: Redis PUBLISH → SUBSCRIBE round trip p50 {ms(rtt['p50_ms'])} ms, p99 {ms(rtt['p99_ms'])} ms.", ""]
    print("\n".join(out))


if __name__ == "__main__":
    main()
