"""A whole case lifecycle across the processes that ``scripts/multinode`` started (issue 7).

Only HTTP and WebSocket, as any client would: urllib for the REST API and the admin, the
``websockets`` package for ``/ws/notifications/``. Requests alternate between the two app servers
and nginx in front of them; the WebSocket clients sit on one server (or nginx) and receive what
requests to the *other* server caused, dispatched by the Celery worker (the app servers run with
``ZEREN_TASKS_EAGER=0`` and never dispatch inline). Pausing the worker (SIGSTOP) shows it: a step
commits, nothing arrives, the worker resumes, the notification arrives. A deadline warning is
raised by ``cases.run_deadlines``, sent by beat and run by the worker.

Every step prints one line; any failure prints why and exits 1. Writes a JSON summary (``--result``)
for the backup/restore check that follows in ``scripts/multinode``. The HTTP, WebSocket and admin
clients are in ``scripts/_multinode_client.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import re
import signal
import sys
import time

from _multinode_client import DEADLINE_TIMEOUT, PASSWORD, WARNING_DAYS, AdminSession, Failed, Inbox, Node, Reply, call, expect

# --- the scenario -----------------------------------------------------------------------------


class Run:
    def __init__(self, args) -> None:
        self.apps = [Node(f"app{i + 1}", url.rstrip("/")) for i, url in enumerate(args.app)]
        self.proxy = Node("nginx", args.proxy.rstrip("/"), proxy=True) if args.proxy else None
        self.rotation = ([self.proxy] if self.proxy else []) + self.apps
        self.turn = 0
        self.step = 0
        self.worker_pid = args.worker_pid
        self.worker_log = args.worker_log
        self.tokens: dict[str, str] = {}
        self.result: dict = {"steps": []}

    def next_node(self) -> Node:
        node = self.rotation[self.turn % len(self.rotation)]
        self.turn += 1
        return node

    def say(self, what: str, detail: str = "") -> None:
        self.step += 1
        line = f"[{self.step:02d}] {what}" + (f" — {detail}" if detail else "")
        self.result["steps"].append(line)
        print(line, flush=True)

    def api(self, method: str, path: str, user: str, body=None, status: int = 200, node: Node | None = None) -> Reply:
        node = node or self.next_node()
        return expect(
            call(node, method, f"/api/v1{path}", token=self.tokens[user], body=body), status, f"{method} {path} as {user}"
        )

    def transition(self, case_id: int, user: str, name: str, node: Node | None = None, **payload) -> Reply:
        reply = self.api("POST", f"/cases/{case_id}/transitions/", user, {"name": name, **payload}, node=node)
        return reply

    def worker_dispatches(self) -> list[int]:
        """The counts the worker's dispatch tasks returned, from its log."""
        with open(self.worker_log, encoding="utf-8", errors="replace") as f:
            return [
                int(n) for n in re.findall(r"notifications\.dispatch_outbox\[[^\]]+\] succeeded in [\d.e-]+s: (\d+)", f.read())
            ]

    def worker_deadline_runs(self) -> list[dict]:
        with open(self.worker_log, encoding="utf-8", errors="replace") as f:
            found = re.findall(r"cases\.run_deadlines\[[^\]]+\] succeeded in [\d.e-]+s: (\{[^}]*\})", f.read())
        return [json.loads(s.replace("'", '"')) for s in found]

    async def main(self) -> None:
        # 1. every way in answers
        for node in self.apps + ([self.proxy] if self.proxy else []):
            reply = call(node, "GET", "/api/v1/")
            if reply.status != 401:
                raise Failed(f"{node.name} at {node.base}: expected 401 without a token, got {reply.status}")
        self.say(
            "app servers and nginx answer" if self.proxy else "app servers answer (no nginx)",
            ", ".join(f"{n.name} {n.base}" for n in self.rotation),
        )

        if self.proxy:
            await self.check_proxy()

        # 2. tokens, each from another way in
        for user in ("audit_officer", "discipline_officer", "discipline_leader", "discipline_leader2", "organization_officer"):
            node = self.next_node()
            reply = expect(
                call(node, "POST", "/api/v1/auth/token/", body={"username": user, "password": PASSWORD}), 200, f"token {user}"
            )
            self.tokens[user] = reply.body["token"]
        self.say("API tokens", f"{len(self.tokens)} users, spread over {len(self.rotation)} ways in")

        # 3. WebSocket clients: the leader and the source agency on app2, the executing department via nginx
        ws_base = {n.name: n.base.replace("http://", "ws://") for n in self.rotation}
        second = self.apps[-1]
        watch = self.proxy or self.apps[0]
        leader = Inbox(
            "discipline_leader@" + second.name,
            f"{ws_base[second.name]}/ws/notifications/?token={self.tokens['discipline_leader']}",
        )
        source = Inbox(
            "audit_officer@" + second.name, f"{ws_base[second.name]}/ws/notifications/?token={self.tokens['audit_officer']}"
        )
        executor = Inbox(
            "organization_officer@" + watch.name,
            f"{ws_base[watch.name]}/ws/notifications/?token={self.tokens['organization_officer']}",
        )
        inboxes = [leader, source, executor]
        for inbox in inboxes:
            await inbox.open()
        self.say("WebSocket clients subscribed", ", ".join(i.name for i in inboxes))
        try:
            await self.lifecycle(leader, source, executor)
        finally:
            for inbox in inboxes:
                await inbox.close()

    async def check_proxy(self) -> None:
        proxy = self.proxy
        assert proxy is not None  # run only when there is a proxy
        upstreams = {call(proxy, "GET", "/api/v1/").headers.get("X-Upstream") for _ in range(4)}
        if len(upstreams) < len(self.apps):
            raise Failed(f"nginx used only {upstreams} of {len(self.apps)} upstreams")
        static = call(proxy, "GET", "/static/web/zeren.css")
        if static.status != 200 or static.headers.get("X-Upstream"):
            raise Failed(
                f"/static/ should be served by nginx from disk: HTTP {static.status}, upstream {static.headers.get('X-Upstream')}"
            )
        big = call(proxy, "POST", "/api/v1/leads/", raw=b"x" * (12 * 1024 * 1024))
        fits = call(proxy, "POST", "/api/v1/leads/", raw=b"x" * (10 * 1024 * 1024 + 4096))
        if big.status != 413 or fits.status == 413:
            raise Failed(f"client_max_body_size: 12 MB → {big.status} (want 413), 10 MB → {fits.status} (want it passed on)")
        self.say(
            "nginx",
            f"round robin over {sorted(upstreams)}; /static/ from disk; 12 MB body refused (413), "  # type: ignore[type-var]  # every upstream names itself in X-Upstream
            f"a 10 MB evidence-sized body passed on (HTTP {fits.status} from the app)",
        )

    async def lifecycle(self, leader: Inbox, source: Inbox, executor: Inbox) -> None:
        first, second = self.apps[0], self.apps[-1]

        # The county lengthens the warning lead time (a versioned policy row, through the admin,
        # with a session and CSRF that must hold whichever upstream serves each request).
        admin = AdminSession(self.proxy or first)
        admin.login("admin", PASSWORD)
        valid_from = (dt.date.today() - dt.timedelta(days=1)).isoformat()
        admin.add(
            "cases/deadlinepolicy",
            {
                "code": "deadline_warning",
                "amount": str(WARNING_DAYS),
                "unit": "days",
                "citation": f"multinode demo: warn {WARNING_DAYS} days ahead",
                "valid_from": valid_from,
                "valid_to": "",
                "note": "",
            },
        )
        self.say(
            f"admin sets the deadline warning to {WARNING_DAYS} days",
            "session + CSRF via " + ", ".join(dict.fromkeys(admin.vias)),
        )

        cadre = self.api("GET", "/cadres/?role=township_head", "discipline_officer").body["results"][0]
        before = len(self.worker_dispatches())

        reply = self.api(
            "POST",
            "/leads/",
            "audit_officer",
            {
                "title": "多节点演示线索",
                "facts": "审计发现未按期开展安全检查。",
                "source_kind": "audit",
                "subjects": [cadre["id"]],
            },
            status=201,
            node=first,
        )
        case_id, number = reply.body["id"], reply.body["number"]
        self.result["case"] = {"id": case_id, "number": number}
        message, waited = await leader.wait("lead_routed", case_id)
        self.say(
            f"lead {number} referred by audit_officer",
            f"via {reply.via}; {leader.name} told in {waited:.2f} s: {message['text']}",
        )

        reply = self.transition(
            case_id, "discipline_officer", "accept", node=second, team=["discipline_officer", "discipline_officer2"]
        )
        self.say("accept (立案)", f"via {reply.via} → {reply.body['state']}")

        detail = self.api("GET", f"/cases/{case_id}/", "discipline_officer").body
        subject = detail["subjects"][0]["id"]
        reply = self.api(
            "PUT",
            f"/cases/{case_id}/subjects/{subject}/findings/",
            "discipline_officer",
            {"circumstances": ["26.1"], "conduct_date": (dt.date.today() - dt.timedelta(days=30)).isoformat()},
        )
        self.say(
            "findings recorded (26.1)",
            f"via {reply.via}; rule engine: {reply.body['outcome']}, allowed {reply.body['allowed_measures']}",
        )

        reply = self.transition(case_id, "discipline_officer", "submit_findings")
        self.say("submit_findings", f"via {reply.via} → {reply.body['state']}")
        reply = self.transition(case_id, "discipline_officer", "conclude")
        self.say("conclude", f"via {reply.via} → {reply.body['state']}")

        reply = self.transition(
            case_id, "discipline_officer", "propose", node=first, measures=[{"subject": subject, "measure": "admonishment"}]
        )
        message, waited = await leader.wait("approval_requested", case_id)
        self.say(
            "propose (诫勉)", f"via {reply.via} → {reply.body['state']}; {leader.name} told in {waited:.2f} s: {message['text']}"
        )

        version = reply.body["version"]
        reply = self.transition(case_id, "discipline_leader2", "approve", node=first, version=version)
        message, waited = await leader.wait("task_waiting", case_id, "已批准")
        self.say(
            "approve by the other leader (discipline_leader2)",
            f"via {reply.via} → {reply.body['state']}; {leader.name} told in {waited:.2f} s: {message['text']}",
        )
        outcome, _ = await source.wait("referral_outcome", case_id, "问责决定")
        self.say("the referring agency learns the decision", f"{source.name}: {outcome['text']}")

        reply = self.transition(case_id, "discipline_officer", "deliver", delivered_on=dt.date.today().isoformat())
        message, waited = await executor.wait("execution_assigned", case_id)
        self.say("deliver", f"via {reply.via} → {reply.body['state']}; {executor.name} told in {waited:.2f} s: {message['text']}")

        # Beat sends cases.run_deadlines every few seconds; the worker raises the warnings for the
        # new execution tasks (due in one month, inside the 40-day lead time) and dispatches them.
        message, waited = await executor.wait("deadline_near", case_id, timeout=DEADLINE_TIMEOUT)
        runs = [r for r in self.worker_deadline_runs() if r.get("warning", 0) > 0]
        if not runs:
            raise Failed("the worker's log shows no cases.run_deadlines run that raised a warning")
        self.say(
            "deadline warning from beat + worker",
            f"{executor.name} told after {waited:.1f} s: {message['text']}; worker runs: {runs}",
        )

        executions = self.api("GET", f"/executions/?case={case_id}", "discipline_officer").body["results"]
        done = []
        for task in executions:
            user = {"organization": "organization_officer", "discipline": "discipline_officer"}[task["department"]["kind"]]
            reply = self.api("POST", f"/executions/{task['id']}/complete/", user, {"note": "已执行"})
            done.append(f"{task['kind']}:{task['id']} by {user} via {reply.via}")
        self.say(f"{len(executions)} execution and archive tasks completed", "; ".join(done))

        # Close with the worker paused: the step commits but nobody is told until it resumes.
        await self.close_with_worker_paused(case_id, source)

        for node in self.rotation:
            state = self.api("GET", f"/cases/{case_id}/", "discipline_officer", node=node).body["state"]
            if state != "closed":
                raise Failed(f"{node.name} sees case {case_id} in state {state}")
        history = self.api("GET", f"/cases/{case_id}/history/", "discipline_officer").body
        kinds = [e["kind"] for e in history["events"]]
        if kinds[0] != "lead" or kinds[-1] != "close" or "deadline_warning" not in kinds:
            raise Failed(f"unexpected event trail: {kinds}")
        listed = self.api("GET", "/notifications/", "discipline_leader").body["results"]
        mine = sorted({n["kind"] for n in listed if n["case"] == case_id})
        self.say(
            "every way in reads the case as closed",
            f"{len(kinds)} events ({', '.join(dict.fromkeys(kinds))}); discipline_leader's notifications for it: {mine}",
        )

        counts = self.worker_dispatches()[before:]
        if not any(counts):
            raise Failed("the worker's log shows no dispatch that created notifications")
        self.result["worker_dispatches"] = {"tasks": len(counts), "notifications": sum(counts)}
        self.say(
            "dispatched by the Celery worker", f"{len(counts)} dispatch tasks since the lead, {sum(counts)} notifications created"
        )

    async def close_with_worker_paused(self, case_id: int, source: Inbox) -> None:
        if not self.worker_pid:
            reply = self.transition(case_id, "discipline_officer", "close", node=self.apps[0])
            message, waited = await source.wait("referral_outcome", case_id, "已结案")
            self.say("close", f"via {reply.via} → {reply.body['state']}; {source.name} told in {waited:.2f} s: {message['text']}")
            return
        # The main process first (it hands tasks out), then its pool processes, so that no task
        # already handed out can run its query after the close commits.
        paused = [self.worker_pid]
        os.kill(self.worker_pid, signal.SIGSTOP)
        try:
            paused += _children(self.worker_pid)
            for pid in paused[1:]:
                os.kill(pid, signal.SIGSTOP)
            reply = self.transition(case_id, "discipline_officer", "close", node=self.apps[0])
            await asyncio.sleep(3)
            if source.find("referral_outcome", case_id, "已结案"):
                raise Failed("the close was dispatched while the worker was paused: something dispatches inline")
        finally:
            for pid in reversed(paused):
                os.kill(pid, signal.SIGCONT)
        message, waited = await source.wait("referral_outcome", case_id, "已结案")
        self.say(
            "close with the worker paused (SIGSTOP)",
            f"via {reply.via} → {reply.body['state']}; {len(paused)} worker processes stopped, nothing for 3 s; resumed, "
            f"{source.name} told {waited:.2f} s later: {message['text']}",
        )


def _children(pid: int) -> list[int]:
    """The worker's pool processes (Linux /proc)."""
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                found += [int(child) for child in f.read().split()]
    except OSError:
        pass
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--app", action="append", required=True, help="an app server's base URL (twice or more)")
    parser.add_argument("--proxy", default="", help="nginx's base URL, if it runs")
    parser.add_argument("--worker-pid", type=int, default=0, help="the Celery worker's main process (paused once)")
    parser.add_argument("--worker-log", required=True)
    parser.add_argument("--result", default="")
    args = parser.parse_args()
    run = Run(args)
    started = time.monotonic()
    try:
        asyncio.run(run.main())
    except Failed as failure:
        print(f"FAILED: {failure}", file=sys.stderr, flush=True)
        return 1
    run.result["seconds"] = round(time.monotonic() - started, 1)
    if args.result:
        with open(args.result, "w", encoding="utf-8") as f:
            json.dump(run.result, f, ensure_ascii=False, indent=2)
    print(f"lifecycle: {run.step} steps passed in {run.result['seconds']} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
