"""The mechanism diagram's data: nodes and edges, each with its evidence and source.

``data/mechanism_nodes.csv`` holds one row per box of the diagram and
``data/mechanism_edges.csv`` one row per arrow. Each row carries a one-line
explanation, the kind of evidence behind it and a citation key. Loading checks
each file against its schema and then the graph as a whole: every arrow joins
two existing boxes, and no box is left without an arrow.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from mdma_book.evidence import DataValidationError, bibliography_keys, load_table, row_lines, sourced_checks
from mdma_book.paths import data_dir
from mdma_book.safe_text import myst
from mdma_book.table_schema import declared_schema

#: Kinds of evidence, strongest first, with how the book names them to readers.
EVIDENCE = {
    "human trial": "human trial",
    "human lab study": "laboratory study in people",
    "cell or animal study": "study in cells or animals",
    "hypothesis": "hypothesis, not established by the sources",
}
#: The same, in the few words of the diagram's legend.
EVIDENCE_SHORT = {
    "human trial": "human trial",
    "human lab study": "laboratory study in people",
    "cell or animal study": "study in cells or animals",
    "hypothesis": "hypothesis",
}

#: Pathways the diagram can highlight, with their button labels.
PATHWAYS = {"fear": "Fear", "closeness": "Closeness", "side_effects": "Side effects"}


def _shared_checks(bib_keys: frozenset[str]) -> dict[str, pa.Check]:
    # ``pathways`` is checked by its declared pattern alone (tests/test_mechanism.py: it names PATHWAYS)
    return sourced_checks(bib_keys)


def nodes_schema(bib_keys: frozenset[str]) -> pa.DataFrameSchema:
    """Schema of ``mechanism_nodes.csv``: one row per box, placed at (x, y); y grows downwards."""
    return declared_schema("mechanism_nodes", _shared_checks(bib_keys), ordered=False)


def edges_schema(bib_keys: frozenset[str]) -> pa.DataFrameSchema:
    """Schema of ``mechanism_edges.csv``: one row per arrow, from one node to another."""
    return declared_schema("mechanism_edges", _shared_checks(bib_keys), ordered=False)


def graph_problems(nodes: pd.DataFrame, edges: pd.DataFrame) -> list[str]:
    """Return what is wrong with the graph as a whole (empty when it is consistent).

    Checks that every arrow starts and ends at a node that exists, that no arrow
    points back at its own node, and that every node has at least one arrow.
    """
    problems = []
    known = set(nodes["node_id"])
    for line, edge in zip(row_lines(edges), edges.itertuples(), strict=True):
        for end in ("from_node", "to_node"):
            if getattr(edge, end) not in known:
                problems.append(f"edge on line {line}: {end} '{getattr(edge, end)}' is not a node")
        if edge.from_node == edge.to_node:
            problems.append(f"edge on line {line}: points from '{edge.from_node}' to itself")
    joined = set(edges["from_node"]) | set(edges["to_node"])
    for line, node_id in zip(row_lines(nodes), nodes["node_id"], strict=True):
        if node_id not in joined:
            problems.append(f"node on line {line}: '{node_id}' has no arrow in or out")
    return problems


def mechanism_nodes(path: Path | None = None) -> pd.DataFrame:
    """The boxes of the mechanism diagram (``data/mechanism_nodes.csv``), validated on their own."""
    return load_table(path or data_dir() / "mechanism_nodes.csv", nodes_schema(bibliography_keys()))


def mechanism_edges(path: Path | None = None) -> pd.DataFrame:
    """The arrows of the mechanism diagram (``data/mechanism_edges.csv``), validated against the nodes beside them."""
    return load_table(path or data_dir() / "mechanism_edges.csv", edges_schema(bibliography_keys()))


def mechanism_graph(
    nodes_path: Path | None = None, edges_path: Path | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the validated (nodes, edges) of the mechanism diagram.

    Raises :class:`DataValidationError` naming the file and line of a bad row
    or of an inconsistency between the two files.
    """
    nodes_path = nodes_path or data_dir() / "mechanism_nodes.csv"
    edges_path = edges_path or data_dir() / "mechanism_edges.csv"
    keys = bibliography_keys()
    nodes = load_table(nodes_path, nodes_schema(keys))
    edges = load_table(edges_path, edges_schema(keys), references={"mechanism_nodes": nodes_path})
    problems = graph_problems(nodes, edges)
    if problems:
        raise DataValidationError(f"{nodes_path} and {edges_path} do not form one diagram:\n" + "\n".join(problems))
    return nodes, edges


def in_pathway(pathways: object, pathway: str) -> bool:
    """Whether a row's ``pathways`` cell (';'-separated, or empty) includes ``pathway``."""
    return isinstance(pathways, str) and pathway in pathways.split(";")


def reading_order(nodes: pd.DataFrame) -> pd.DataFrame:
    """Nodes from the top of the diagram to the bottom, left to right within a row."""
    return nodes.sort_values(["y", "x"], kind="stable")


def mechanism_text(nodes: pd.DataFrame, edges: pd.DataFrame) -> str:
    """The diagram as a nested MyST list: each box, then the arrows leaving it.

    Every item states its evidence kind and cites its source with ``{cite:p}``,
    so it is a full text alternative to the figure. Data values are escaped
    (:func:`mdma_book.safe_text.myst`): only the code writes markup.
    """
    labels = dict(zip(nodes["node_id"], nodes["label"], strict=True))
    lines = []
    for node in reading_order(nodes).itertuples():
        lines.append(
            f"- **{myst(node.label)}** ({EVIDENCE[node.evidence]}). {myst(node.explanation)} {{cite:p}}`{node.source_key}`"
        )
        for edge in edges[edges["from_node"] == node.node_id].itertuples():
            lines.append(
                f"  - Leads to **{myst(labels[edge.to_node])}** ({EVIDENCE[edge.evidence]}). "
                f"{myst(edge.explanation)} {{cite:p}}`{edge.source_key}`"
            )
    return "\n".join(lines)
