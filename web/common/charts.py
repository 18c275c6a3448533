"""The case's process chart: viewflow's own SVG renderer, laid out for reading.

viewflow lays the hub-and-spoke ``CaseFlow`` out with the stages in alphabetical order around
the ``route`` switch, 1700 px tall. Here the same grid is re-placed: the stages in the order of
the proceeding in one column, the parallel execution branches to their right, smaller boxes;
then viewflow computes edges, labels and the SVG as usual. Statuses come from
``calc_cell_status``, except that an open task always wins (viewflow keeps a stage "done" when
it is reopened, e.g. a proposal sent back), so the step waiting now is the one highlighted.
"""

from __future__ import annotations

from django.utils.safestring import mark_safe
from viewflow.workflow import chart

from cases.lifecycle.spec import STAGES as SPEC_STAGES
from workflows.flows import CaseFlow

# The waiting stages in the order of the proceeding (``cases.lifecycle.spec``), one per row.
STAGES = [stage.node for stage in SPEC_STAGES if stage.human]
BRANCHES = ["execute_organization", "execute_discipline", "execute_notice", "archive_integrity", "archive_personnel"]

# (row, col) of every node of CaseFlow.
PLACES = {
    "start": (0, 0),
    "route": (0, 1),
    **{name: (row, 2) for row, name in enumerate(STAGES)},
    "execution": (2, 3),
    **{name: (row, 4) for row, name in enumerate(BRANCHES)},
    "executed": (2, 5),
    "closing": (2, 6),
    "end": (0, 7),
}
TASK_WIDTH, TASK_HEIGHT = 132, 56
GAP = chart.GAP_SIZE
TASK_SVG = f'<rect class="task" width="{TASK_WIDTH}" height="{TASK_HEIGHT}" rx="6" ry="6"/>'


def _place(grid) -> None:
    """Positions as ``chart.init_shapes`` computes them, for our rows, columns and sizes."""
    cells = list(grid.cells)
    for cell in cells:
        cell.row, cell.col = PLACES[cell.node.name]
        if cell.shape.width == 150:  # a task box: make it compact
            cell.shape.width, cell.shape.height, cell.shape.svg = TASK_WIDTH, TASK_HEIGHT, TASK_SVG
        cell.shape.text = []
    rows = [0] * (max(c.row for c in cells) + 1)
    cols = [0] * (max(c.col for c in cells) + 1)
    for cell in cells:
        rows[cell.row] = max(rows[cell.row], cell.shape.height)
        cols[cell.col] = max(cols[cell.col], cell.shape.width)
    for cell in cells:
        cell.x = sum(cols[: cell.col]) + GAP * cell.col
        cell.y = sum(rows[: cell.row]) + GAP * cell.row
        cell.width, cell.height = cols[cell.col], rows[cell.row]
        cell.shape.x = max(1, cell.x + (cell.width - cell.shape.width) // 2)
        cell.shape.y = max(1, cell.y + (cell.height - cell.shape.height) // 2)
    grid.width = sum(cols) + GAP * len(cols)
    grid.height = sum(rows) + GAP * len(rows)


def case_chart_svg(process, open_tasks) -> str:
    """Inline SVG of the case flow with each node's status; "" when the case has no process."""
    if process is None:
        return ""
    grid = chart.calc_layout_data(CaseFlow)
    _place(grid)
    chart.calc_edges(grid)
    chart.calc_text(grid)
    chart.calc_cell_status(CaseFlow, grid, process.pk)
    by_name = {cell.node.name: cell for cell in grid.cells}
    for task in open_tasks:
        if task.process_id == process.pk and task.flow_task.name in by_name:
            by_name[task.flow_task.name].status = task.status
    # Safe: viewflow renders the SVG from its own template, which escapes the titles.
    return mark_safe(chart.grid_to_svg(grid))
