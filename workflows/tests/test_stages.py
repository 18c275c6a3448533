"""``CaseFlow`` is built from the lifecycle's ``Stage`` rows: a titled task node per waiting
stage, and a ``route`` switch that opens the node of every stage row."""

from __future__ import annotations

from viewflow.workflow import flow

from cases.lifecycle.spec import STAGES
from workflows.flows import LEADER_NODES, STAGE_BY_STATE, CaseFlow


def test_every_stage_row_is_a_node_of_the_case_flow_opened_by_the_route_switch():
    opened = {edge.dst.name for edge in CaseFlow.route._outgoing()}
    for stage in STAGES:
        node = getattr(CaseFlow, stage.node)
        assert node.flow_class is CaseFlow and node.name == stage.node
        assert stage.node in opened, stage.node
        if stage.human:
            assert isinstance(node, flow.View) and node.task_title == stage.title
            assert STAGE_BY_STATE[stage.state] == stage.node
            assert "route" in {edge.dst.name for edge in node._outgoing()}
    assert opened == {s.node for s in STAGES} | {"end"}
    assert LEADER_NODES == {"approval"}
