"""Notifications: who is told, exactly once, over the API and the WebSocket (issue 5)."""

from __future__ import annotations

import threading

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connection
from rest_framework.authtoken.models import Token

from cases.codes import CaseState
from cases.models import CaseEvent
from cases.services.lifecycle import case_transition
from cases.tests.scenarios import case_in_state, new_lead
from config.asgi import application
from notifications.consumers import CLOSE_UNAUTHENTICATED
from notifications.models import Notification
from notifications.services import dispatch_pending


def _texts(username: str, kind: str | None = None) -> list[str]:
    qs = Notification.objects.filter(recipient__username=username)
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.order_by("id").values_list("text", flat=True))


@pytest.mark.django_db
class TestWhoIsTold:
    def test_a_lead_tells_the_handling_department_not_the_sender(self, world, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            case = new_lead(world)
        assert any(case.number in t for t in _texts("discipline_officer", "lead_routed"))
        assert any(case.number in t for t in _texts("discipline_leader", "lead_routed"))
        assert _texts("emergency_officer") == []  # the sender acted; it is not told of its own step
        assert _texts("organization_officer") == []

    def test_a_proposal_asks_the_leaders_and_a_rejection_tells_the_proposer(self, world, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            case = case_in_state(world, CaseState.APPROVING)
        assert any(case.number in t for t in _texts("discipline_leader", "approval_requested"))
        assert _texts("discipline_officer2", "approval_requested") == []
        with django_capture_on_commit_callbacks(execute=True):
            case_transition(
                case_id=case.pk, name="reject", payload={"reason": "偏轻"}, acting_user=world.users["discipline_leader"]
            )
        assert any("偏轻" in t for t in _texts("discipline_officer", "proposal_rejected"))

    def test_delivery_tells_the_executing_departments_and_the_outcome_reaches_the_sender(
        self, world, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            case = case_in_state(world, CaseState.EXECUTING)
        assert any(case.number in t for t in _texts("organization_officer", "execution_assigned"))
        assert any("已作出问责决定" in t for t in _texts("emergency_officer", "referral_outcome"))

    def test_a_transfer_tells_the_target_and_its_outcome_tells_the_sender(self, world, api, django_capture_on_commit_callbacks):
        case = new_lead(world)
        with django_capture_on_commit_callbacks(execute=True):
            case_transition(
                case_id=case.pk,
                name="transfer",
                payload={"to_department": world.departments["pl-organization"].pk, "reason": "组织处理"},
                acting_user=world.users["discipline_officer"],
            )
        assert _texts("organization_officer", "referral_received")
        referral = case.referrals.get()
        with django_capture_on_commit_callbacks(execute=True):
            api("organization_officer").post(f"/api/v1/referrals/{referral.pk}/return/", {"reason": "不属本部门"}, format="json")
        assert any("已退回" in t and "不属本部门" in t for t in _texts("discipline_officer2", "referral_outcome"))

    def test_an_appeal_tells_the_deciding_leaders(self, world, api, django_capture_on_commit_callbacks):
        case = case_in_state(world, CaseState.EXECUTING)
        from core.persistence import local_today

        with django_capture_on_commit_callbacks(execute=True):
            api("discipline_officer").post(
                "/api/v1/appeals/",
                {"case": case.pk, "subject": case.subjects.get().pk, "filed_on": local_today().isoformat(), "grounds": "不服"},
                format="json",
            )
        assert _texts("discipline_leader", "appeal_filed") and not _texts("discipline_officer2", "appeal_filed")

    def test_nothing_is_notified_before_the_commit(self, world):
        # The test transaction never commits: the events wait in the outbox.
        case = new_lead(world)
        assert Notification.objects.count() == 0
        assert CaseEvent.objects.filter(case=case, dispatched_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_dispatching_twice_creates_each_notification_once(world):
    new_lead(world)
    created = dispatch_pending()
    assert created == Notification.objects.count() > 0
    assert dispatch_pending() == 0
    assert Notification.objects.count() == created


@pytest.mark.django_db(transaction=True)
def test_concurrent_dispatchers_never_duplicate(world):
    for _ in range(5):
        new_lead(world)
    CaseEvent.objects.update(dispatched_at=None)
    Notification.objects.all().delete()
    barrier = threading.Barrier(4)

    def worker():
        try:
            barrier.wait(timeout=10)
            dispatch_pending()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    pairs = list(Notification.objects.values_list("event_id", "recipient_id"))
    assert len(pairs) == len(set(pairs)) > 0
    assert not CaseEvent.objects.filter(dispatched_at__isnull=True).exists()


@pytest.mark.django_db
def test_the_api_lists_newest_first_and_marks_read(world, api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first, second = new_lead(world), new_lead(world)
    client = api("discipline_officer")
    body = client.get("/api/v1/notifications/").json()
    assert [n["case"] for n in body["results"][:2]] == [second.pk, first.pk]
    assert set(body["results"][0]) >= {"id", "kind", "text", "case", "created_at", "read_at"}
    assert body["unread"] == 2
    nid = body["results"][0]["id"]
    read = client.post(f"/api/v1/notifications/{nid}/read/").json()
    assert read["read_at"] is not None
    assert client.get("/api/v1/notifications/?unread=1").json()["count"] == 1
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 1}
    # Someone else's notification is not there to read.
    assert api("discipline_leader").post(f"/api/v1/notifications/{nid}/read/").status_code == 404


@pytest.mark.django_db
def test_email_is_off_by_default_and_sent_when_chosen(world, api, mailoutbox, django_capture_on_commit_callbacks):
    client = api("discipline_officer")
    assert client.get("/api/v1/notifications/preferences/").json() == {"email": False}
    with django_capture_on_commit_callbacks(execute=True):
        new_lead(world)
    assert mailoutbox == []
    assert client.put("/api/v1/notifications/preferences/", {"email": True}, format="json").json() == {"email": True}
    with django_capture_on_commit_callbacks(execute=True):
        new_lead(world)
    assert [m.to for m in mailoutbox] == [["discipline_officer@zeren.invalid"]]
    assert client.put("/api/v1/notifications/preferences/", {"email": "yes"}, format="json").status_code == 400


# --- the WebSocket consumer ----------------------------------------------------------------------


def _token(user) -> str:
    return Token.objects.get_or_create(user=user)[0].key


async def _connect(path: str):
    communicator = WebsocketCommunicator(application, path, headers=[(b"origin", b"http://127.0.0.1")])
    connected, code = await communicator.connect()
    return communicator, connected, code


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_websocket_refuses_a_connection_without_credentials(world):
    for path in ("/ws/notifications/", "/ws/notifications/?token=nonsense"):
        communicator, connected, _ = await _connect(path)
        assert connected
        message = await communicator.receive_json_from(timeout=5)
        assert message["type"] == "error" and message["code"] == CLOSE_UNAUTHENTICATED
        closing = await communicator.receive_output(timeout=5)
        assert closing == {"type": "websocket.close", "code": CLOSE_UNAUTHENTICATED}


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_websocket_pushes_live_and_replays_what_was_missed(world):
    officer = world.users["discipline_officer"]
    token = await sync_to_async(_token)(officer)
    communicator, connected, _ = await _connect(f"/ws/notifications/?token={token}&since=0")
    assert connected
    assert await communicator.receive_json_from(timeout=5) == {"type": "unread", "count": 0}

    case = await sync_to_async(new_lead)(world)  # commits (transactional test): dispatched on commit
    message = await communicator.receive_json_from(timeout=5)
    assert message["type"] == "notification" and message["case"] == case.pk and message["kind"] == "lead_routed"
    assert set(message) >= {"id", "kind", "text", "case"}
    # One frame per notification: the unread count rides in it (a department-wide push).
    assert message["unread"] == 1
    assert await communicator.receive_nothing(timeout=0.3)
    last_seen = message["id"]
    await communicator.disconnect()

    # While the client is away, two more leads arrive.
    missed = [await sync_to_async(new_lead)(world) for _ in range(2)]
    communicator, connected, _ = await _connect(f"/ws/notifications/?token={token}&since={last_seen}")
    assert connected
    replayed = [await communicator.receive_json_from(timeout=5) for _ in range(2)]
    assert [m["case"] for m in replayed] == [c.pk for c in missed]
    assert replayed[0]["id"] < replayed[1]["id"]
    assert all("unread" not in m for m in replayed)  # the count follows the replay, once
    assert (await communicator.receive_json_from(timeout=5)) == {"type": "unread", "count": 3}
    assert await communicator.receive_nothing(timeout=0.3)
    await communicator.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_personal_notification_carries_its_unread_count_and_marking_read_pushes_the_count(world):
    """The per-user path (a row for no department): one frame with the count in it; marking read
    pushes a standalone ``unread`` frame."""
    from notifications.services import mark_read, push_websocket

    officer = world.users["discipline_officer"]
    token = await sync_to_async(_token)(officer)
    communicator, connected, _ = await _connect(f"/ws/notifications/?token={token}")
    assert connected
    assert await communicator.receive_json_from(timeout=5) == {"type": "unread", "count": 0}

    def personal(n: int) -> list[Notification]:
        rows = [Notification.objects.create(recipient=officer, kind="test", text=f"私人提醒 {i}") for i in range(n)]
        push_websocket(rows)
        return rows

    rows = await sync_to_async(personal)(2)
    frames = [await communicator.receive_json_from(timeout=5) for _ in range(2)]
    assert [(f["type"], f["id"], f["unread"]) for f in frames] == [("notification", r.pk, 2) for r in rows]
    assert await communicator.receive_nothing(timeout=0.3)

    await sync_to_async(mark_read)(user=officer, notification_ids=[rows[0].pk])
    assert await communicator.receive_json_from(timeout=5) == {"type": "unread", "count": 1}
    await communicator.disconnect()
