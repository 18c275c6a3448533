"""``bench/seed.py`` writes cases, events and viewflow tasks in SQL without Django, so it restates
two things the lifecycle table defines: the flow node each state waits in, and the transitions a
case takes to reach each state. This ties them to ``cases.lifecycle.spec``: a change of a stage
or a transition that the benchmark seed does not follow fails here instead of seeding rows that
no real case could have."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from cases.codes import CaseState
from cases.lifecycle.spec import BY_NAME, TASK_STAGES
from workflows.branches import BRANCHES

SEED = Path(__file__).resolve().parents[2] / "bench" / "seed.py"


def _seed_module():
    spec = importlib.util.spec_from_file_location("bench_seed_under_test", SEED)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # only constants and functions at import (main() is guarded)
    return module


def test_the_seed_waits_in_the_flow_node_of_each_state():
    seed = _seed_module()
    for state, node in seed.STAGE.items():
        if state == CaseState.EXECUTING:
            assert node in BRANCHES, "an executing case waits in one of the execution branches"
        else:
            assert TASK_STAGES[state].node == node, state
    waiting = set(TASK_STAGES) - {CaseState.EXECUTING}
    assert waiting <= set(seed.STAGE), "every waiting state has its node in the seed"


def test_the_seed_reaches_each_state_by_transitions_the_lifecycle_allows():
    seed = _seed_module()
    assert set(seed.PATHS) == {s.value for s in CaseState}
    for target, path in seed.PATHS.items():
        assert path[0] == ("lead", CaseState.RECEIVED)
        state = CaseState.RECEIVED
        for name, reached in path[1:]:
            row = BY_NAME[name]
            assert state in row.sources and reached in row.targets, (target, name, state, reached)
            state = CaseState(reached)
        assert state == target
