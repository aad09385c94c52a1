"""The Phase 3 figure shows the data it is given, with a working outcome menu."""

from __future__ import annotations

import json

import pytest

from mdma_book import evidence, figures, prose
from mdma_book.site import plotly_mime as render


@pytest.fixture(scope="module")
def phase3():
    return evidence.phase3_outcomes()


@pytest.fixture(scope="module")
def figure(phase3):
    return figures.phase3_outcome_rates(phase3)


def test_one_trace_per_arm_and_outcome(figure):
    assert len(figure.data) == len(evidence.PTSD_OUTCOMES) * len(evidence.ARMS)


def test_initial_outcome_is_visible_and_others_hidden(figure):
    visible = [t.meta["outcome"] for t in figure.data if t.visible]
    assert visible == ["loss_of_diagnosis", "loss_of_diagnosis"]


def test_bar_heights_are_the_data_percentages(figure, phase3):
    mdma = next(t for t in figure.data if t.meta["outcome"] == "remission" and t.name.startswith("MDMA"))
    rows = phase3[(phase3.outcome == "remission") & (phase3.arm == "MDMA-assisted therapy")]
    assert list(mdma.y) == pytest.approx(list(rows.events / rows.total * 100))
    assert list(mdma.x) == list(rows.study)


def test_dropdown_switches_visibility_and_title(figure):
    menu = figure.layout.updatemenus[0]
    assert [b.label for b in menu.buttons] == [evidence.OUTCOMES[o] for o in evidence.PTSD_OUTCOMES]
    for button in menu.buttons:
        visible, layout = button.args
        shown = {t.meta["outcome"] for t, v in zip(figure.data, visible["visible"], strict=True) if v}
        assert len(shown) == 1
        assert button.label.split()[0].lower() in layout["title.text"].lower()


def test_hover_gives_counts_interval_and_source(figure):
    hover = next(t for t in figure.data if t.meta["outcome"] == "remission").hovertext[0]
    assert "14 of 42" in hover and "95% CI" in hover and "Mitchell et al., 2021" in hover


def test_unknown_outcome_is_refused(phase3):
    with pytest.raises(ValueError, match="unknown outcome"):
        figures.phase3_outcome_rates(phase3, initial_outcome="cure")


def test_prose_numbers_come_from_the_data(phase3):
    numbers = prose.phase3_numbers(phase3)
    assert numbers["mapp1_remission_mdma_n"] == "14 of 42"
    assert numbers["mapp1_remission_mdma_pct"] == "33%"
    assert numbers["mapp2_loss_of_diagnosis_placebo_n"] == "20 of 42"


def test_figure_html_is_inert_json_that_cannot_close_its_script(figure):
    fig_dict = figure.to_plotly_json()
    fig_dict["layout"]["title"]["text"] = "</script><script>alert(1)</script>"
    snippet = render.figure_html(fig_dict, div_id="fig-test")
    assert snippet.count("</script>") == 1
    spec = snippet.split('id="fig-test-spec">')[1].rsplit("</script>", 1)[0]
    # Shown as the text it is, never read as markup by plotly (see safe_text).
    assert json.loads(spec)["layout"]["title"]["text"] == "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
    assert f'class="{render.FIGURE_CLASS}' in snippet


def test_myst_nb_plugin_turns_plotly_json_into_html(figure):
    class Data:
        mime_type = render.PLOTLY_MIME_TYPE
        content = figure.to_plotly_json()

    class Renderer:  # outside Sphinx (plain docutils): no environment, so no static renditions
        class renderer:
            sphinx_env = None

    nodes = render.PlotlyMimeRenderPlugin.handle_mime(Renderer, Data, inline=False)
    assert render.FIGURE_CLASS in nodes[0].astext()
    Data.mime_type = "text/plain"
    assert render.PlotlyMimeRenderPlugin.handle_mime(Renderer, Data, inline=False) is None
