"""The mechanism diagram's data form one consistent, fully sourced graph, and the figure shows it."""

from __future__ import annotations

import pandas as pd
import pytest

from mdma_book import evidence, explainer_figures, mechanism
from mdma_book.safe_text import myst


@pytest.fixture(scope="module")
def graph():
    return mechanism.mechanism_graph()


def test_every_edge_joins_two_existing_nodes(graph):
    nodes, edges = graph
    assert set(edges["from_node"]) | set(edges["to_node"]) <= set(nodes["node_id"])


def test_no_node_is_an_orphan(graph):
    nodes, edges = graph
    assert set(nodes["node_id"]) <= set(edges["from_node"]) | set(edges["to_node"])


def test_every_item_has_a_source_key_in_references_bib(graph):
    keys = evidence.bibliography_keys()
    for table in graph:
        assert table["source_key"].notna().all()
        assert set(table["source_key"]) <= keys
        assert table["locator"].str.len().gt(0).all()


def test_the_path_runs_from_mdma_to_outcomes_with_a_side_effect_branch(graph):
    nodes, edges = graph
    links = set(zip(edges["from_node"], edges["to_node"]))
    for transporter, messenger in [("sert", "serotonin"), ("net", "noradrenaline"), ("dat", "dopamine")]:
        assert ("mdma", transporter) in links and (transporter, messenger) in links
    assert {("therapy", "ptsd"), ("therapy", "depression")} <= links
    side_effects = set(nodes[nodes["pathways"].fillna("").str.contains("side_effects")]["node_id"])
    assert {"heart_rate", "blood_pressure", "temperature", "jaw"} <= side_effects


def test_sources_are_hedged_where_the_book_says_they_must_be(graph):
    nodes, edges = graph
    amygdala = nodes.set_index("node_id").loc["amygdala"]
    assert "healthy volunteers" in amygdala.explanation and "blood flow" in amygdala.label.lower()
    oxytocin_link = edges[(edges.from_node == "oxytocin") & (edges.to_node == "closeness")].iloc[0]
    assert oxytocin_link.evidence == "hypothesis" and "limited support" in oxytocin_link.explanation
    assert "clear thinking" not in " ".join(nodes["label"]).lower()


def _write(tmp_path, name, frame):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def test_an_edge_to_a_missing_node_and_an_orphan_are_reported(tmp_path):
    data = mechanism.data_dir()
    nodes = pd.read_csv(data / "mechanism_nodes.csv", dtype=str)
    edges = pd.read_csv(data / "mechanism_edges.csv", dtype=str)
    edges.loc[0, "to_node"] = "nowhere"  # mdma -> sert now points at nothing
    nodes_path, edges_path = _write(tmp_path, "nodes.csv", nodes), _write(tmp_path, "edges.csv", edges)
    with pytest.raises(evidence.DataValidationError) as caught:
        mechanism.mechanism_graph(nodes_path, edges_path)
    message = str(caught.value)
    # The foreign key declared in data/datapackage.json: the edge's own line, column and value.
    assert (
        f"{edges_path}, line 2, column 'to_node': to_node is not a node_id in mechanism_nodes.csv (value 'nowhere')"
        in message
    )
    assert "'sert' has no arrow in or out" not in message  # sert still has its arrow to serotonin
    edges.loc[0, "to_node"] = "sert"  # the file's keys resolve again: the graph checks run
    edges = edges[edges["from_node"] != "therapy"]
    edges = edges[edges["to_node"] != "depression"]
    with pytest.raises(evidence.DataValidationError, match="'depression' has no arrow in or out"):
        mechanism.mechanism_graph(nodes_path, _write(tmp_path, "edges.csv", edges))


def test_unknown_pathway_and_evidence_kind_are_named(tmp_path):
    data = mechanism.data_dir()
    nodes = pd.read_csv(data / "mechanism_nodes.csv", dtype=str)
    nodes.loc[1, "pathways"] = "fear;joy"
    nodes.loc[2, "evidence"] = "anecdote"
    path = _write(tmp_path, "nodes.csv", nodes)
    with pytest.raises(evidence.DataValidationError) as caught:
        mechanism.mechanism_graph(path, data / "mechanism_edges.csv")
    assert f"{path}, line 3, column 'pathways'" in str(caught.value)
    assert f"{path}, line 4, column 'evidence'" in str(caught.value)


def test_text_list_names_every_node_and_edge_with_a_citation(graph):
    nodes, edges = graph
    text = mechanism.mechanism_text(nodes, edges)
    assert all(f"**{myst(label)}**" in text for label in nodes["label"])
    assert text.count("Leads to") == len(edges)
    assert text.count("{cite:p}") == len(nodes) + len(edges)


@pytest.fixture(scope="module")
def figure(graph):
    return explainer_figures.mechanism_diagram(*graph)


def test_one_trace_per_edge_and_one_box_per_node_with_hover(figure, graph):
    nodes, edges = graph
    edge_traces = [t for t in figure.data if t.meta]
    assert len(edge_traces) == len(edges)
    assert len(figure.layout.annotations) == len(nodes)
    assert all("Source:" in a.hovertext and "Evidence:" in a.hovertext for a in figure.layout.annotations)
    assert all("Source:" in t.hovertext[1] for t in edge_traces)


def test_pathway_buttons_dim_everything_outside_the_pathway(figure, graph):
    nodes, edges = graph
    buttons = figure.layout.updatemenus[0].buttons
    assert [b.label for b in buttons] == ["All", *mechanism.PATHWAYS.values()]
    assert set(buttons[0].args[0]["opacity"]) == {1.0}
    side = next(b for b in buttons if b.label == "Side effects")
    trace_style, layout, indices = side.args
    for edge, opacity in zip(edges.itertuples(), trace_style["opacity"], strict=True):
        assert (opacity == 1.0) == mechanism.in_pathway(edge.pathways, "side_effects")
    for i, node in enumerate(nodes.itertuples()):
        assert (layout[f"annotations[{i}].opacity"] == 1.0) == mechanism.in_pathway(node.pathways, "side_effects")
    assert "side effects" in layout["title.text"]
    assert len(indices) == len(edges)


@pytest.mark.parametrize("table", ["mechanism_nodes", "mechanism_edges"])
def test_the_pathway_buttons_are_exactly_the_declared_pattern_alternatives(table):
    import re

    from mdma_book import datapackage

    pattern = datapackage.field(table, "pathways")["constraints"]["pattern"]
    alternatives = set(re.fullmatch(r"\(([^()]*)\)\(;\(\1\)\)\*", pattern).group(1).split("|"))
    assert alternatives == set(mechanism.PATHWAYS)


def test_a_bad_pathway_is_reported_once(tmp_path):
    import shutil

    from support.data import refusal

    from mdma_book.paths import data_dir

    nodes = tmp_path / "mechanism_nodes.csv"
    shutil.copy(data_dir() / "mechanism_nodes.csv", nodes)
    text = nodes.read_text(encoding="utf-8")
    for pathway in mechanism.PATHWAYS:
        if f",{pathway}," in text:
            nodes.write_text(text.replace(f",{pathway},", ",fearr,", 1), encoding="utf-8")
            break
    message = refusal(mechanism.mechanism_graph, nodes)
    (line,) = [line for line in message.splitlines() if "column 'pathways'" in line]
    assert line.count("pathways") == 2 and "; " not in line, message  # the column and one message, not two
