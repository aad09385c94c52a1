"""How a plotly figure reaches the static book: a picture first, native controls, plotly.js on demand.

This module and the page script ``static/figures.js`` are the one place for it.
Any plotly figure a chapter outputs goes through :class:`PlotlyMimeRenderPlugin`
and gets, with nothing asked of its builder:

* **static renditions**: SVG images drawn at build time by kaleido (with the
  system's chromium, no download), at a phone and a desktop width, in the
  light and the dark theme's text colour, with the figure's description as alt
  text. The page shows them at once, with JavaScript off, in print and in
  reader mode;
* **native controls**: the figure's plotly ``updatemenus`` (a dropdown becomes
  a ``<select>``, a button row a radio group) and ``sliders`` (an
  ``<input type="range">``), written into the HTML with a visible label (the
  menu's or slider's ``name``) and an ``aria-live`` status line. Builders keep
  declaring their states as plotly menus, so a live notebook (which shows
  plotly's own menus) and the book never disagree;
* the figure as inert JSON, which ``figures.js`` draws with the self-hosted
  plotly.js only when a reader reaches for the figure (hover, focus, a tap or
  a control), in the image's place and at its size, so nothing shifts.

plotly >= 6 gives a notebook output only its own JSON mime type, which myst-nb
cannot render: without the plugin the figure would silently vanish.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import re
import uuid
from pathlib import Path

from mdma_book import safe_text
from mdma_book.page_figure import (  # noqa: F401 (re-exported: the renderer's one import for tests and the site)
    DEFAULT_HEIGHT,
    NARROW_LAYOUT,
    PAGE_MARGIN_TOP,
    PAGE_TITLE_Y,
    THEME_FONT_COLOURS,
    at_width,
    description,
    figure_height,
    page_layout,
    plain_text,
    recolour,
    static_figure,
    wrap_hover,
)
from mdma_book.theme import DARK_COLOURS, PLOTLY_MIME_TYPE, plotly_config

# plotly is imported inside the functions that use it: the Sphinx extension imports this
# module for FIGURE_CLASS on every build, and a build with nothing to render needs no plotly.

#: CSS class the Sphinx extension looks for to decide that a page has a figure.
FIGURE_CLASS = "mdma-figure"


#: Rendition widths in px, near the text column's width on the common 390 px phone (358 px)
#: and 1366 px desktop (757 px). The column is 328-470 px wide on a phone (viewport < 500 px)
#: and at most 790 px elsewhere; a rendition is scaled down to its column, never up.
RENDITION_WIDTHS = {"narrow": 358, "wide": 760}
NARROW_MEDIA = "(max-width: 499px)"

# --- Static renditions --------------------------------------------------------

#: kaleido's tabs: a figure's four renditions are drawn two at a time (chromium lays one out while the
#: other is sent or read back).
KALEIDO_TABS = 2

_kaleido_started = False
#: The build's one drawing thread (see :func:`write_renditions`) and the drawings it has not finished, by key.
_drawer = None
_pending: dict[str, object] = {}


def _start_kaleido() -> None:
    """Start kaleido's browser once per process (Debian's ``/usr/bin/chromium``, plotly.js from the plotly package)."""
    global _kaleido_started
    if _kaleido_started:
        return
    import kaleido

    # kaleido's browser driver logs its housekeeping at INFO level into the build log; keep its warnings.
    logging.getLogger("choreographer").setLevel(logging.WARNING)
    try:
        kaleido.start_sync_server(n=KALEIDO_TABS, silence_warnings=True)
    except Exception as error:  # choreographer raises its own error types when it finds no browser
        raise RuntimeError(
            "The figures' static renditions need Debian's chromium: `make book` installs it when run "
            "as root, or run `sudo apt-get install chromium` and build again."
        ) from error
    _kaleido_started = True


def _rendition_jobs(fig_dict: dict) -> list[tuple[tuple[str, str], dict, dict]]:
    """((width name, theme), the figure as that rendition draws it, kaleido's options) for each SVG rendition."""
    heights = rendition_heights(fig_dict)
    return [
        (
            (name, theme),
            static_figure(at_width(fig_dict, name), theme),
            {"format": "svg", "width": width, "height": heights[name]},
        )
        for name, width in RENDITION_WIDTHS.items()
        for theme in THEME_FONT_COLOURS
    ]


def _draw(jobs: list, folder: Path, names: dict[tuple[str, str], str]) -> None:
    """Draw the renditions with kaleido into ``folder``, each under its final name only once it is complete.

    A build stopped mid-drawing leaves at most a ``.part`` file, never a truncated picture under a
    name that a later build would take as drawn.
    """
    import kaleido

    _start_kaleido()
    parts = {which: folder / f".{names[which]}.part" for which, _, _ in jobs}
    try:
        kaleido.write_fig_from_object_sync(
            [{"fig": fig, "path": parts[which], "opts": opts} for which, fig, opts in jobs], cancel_on_error=True
        )
    except BaseException:
        for part in parts.values():
            part.unlink(missing_ok=True)
        raise
    for which, part in parts.items():
        part.replace(folder / names[which])


def rendition_heights(fig_dict: dict) -> dict[str, int]:
    """The figure's height in px on the page at each rendition width (a figure with a narrow layout has its own there)."""
    return {name: figure_height(page_layout(at_width(fig_dict, name).get("layout", {}))) for name in RENDITION_WIDTHS}


def write_renditions(fig_dict: dict, folder: Path, wait: bool = True) -> dict[tuple[str, str], str]:
    """Write the figure's SVG renditions into ``folder`` (once: names hash the figure and how it is drawn); return their file names.

    With ``wait=False`` (the build) the names are returned at once and the pictures are drawn
    in one background thread while Sphinx reads and writes the pages, which need only the
    names; :func:`wait_for_renditions` waits for them (the build does before copying them
    into the site). kaleido's chromium runs in processes of its own, so the drawing uses the
    core Sphinx leaves free.
    """
    from plotly.io.json import to_json_plotly

    fig_dict = safe_text.plotly_figure(fig_dict)  # data in titles and labels shows as text in the pictures too
    drawn_as = to_json_plotly([fig_dict, RENDITION_WIDTHS, THEME_FONT_COLOURS])
    key = hashlib.sha256(drawn_as.encode()).hexdigest()[:20]
    names = {(w, t): f"{key}-{w}-{t}.svg" for w in RENDITION_WIDTHS for t in THEME_FONT_COLOURS}
    if key in _pending or all((folder / name).exists() for name in names.values()):
        return names
    folder.mkdir(parents=True, exist_ok=True)
    jobs = _rendition_jobs(fig_dict)  # copies, made here: the page may go on to change its figure
    if wait:
        _draw(jobs, folder, names)
    else:
        global _drawer
        if _drawer is None:
            from concurrent.futures import ThreadPoolExecutor

            _drawer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mdma-renditions")
        _pending[key] = _drawer.submit(_draw, jobs, folder, names)
    return names


def wait_for_renditions() -> None:
    """Wait until every rendition :func:`write_renditions` queued is drawn; raise the first drawing's error."""
    try:
        for future in list(_pending.values()):
            future.result()
    finally:
        _pending.clear()


def stop_renderer() -> None:
    """Drop drawings not yet started, wait for the one under way, and close kaleido's browser if it was started."""
    global _drawer, _kaleido_started
    if _drawer is not None:
        _drawer.shutdown(wait=True, cancel_futures=True)
        _drawer = None
    _pending.clear()
    if _kaleido_started:
        import kaleido

        kaleido.stop_sync_server(silence_warnings=True)
        _kaleido_started = False


def _pictures(urls: dict[tuple[str, str], str], alt: str, heights: dict[str, int], first: bool = True) -> str:
    """One ``<picture>`` per theme (CSS shows the one matching the page), each choosing its width by media query.

    The light one is what a page without JavaScript, print and reader mode show: the page's first
    figure loads it at once; a later figure, below the first screen, loads it lazily and at low
    priority (on a phone, three pictures at once competed with the stylesheets for the first paint;
    the plot box keeps its height, so nothing moves when it arrives). The dark one loads lazily, so
    only dark pages fetch it, and carries ``hidden``, so reader modes (which ignore the page's CSS)
    leave it out.
    """
    alt = html.escape(alt)
    pictures = []
    light = "" if first else ' loading="lazy" fetchpriority="low"'
    for theme, extra in (("light", ("", light)), ("dark", (" hidden", ' loading="lazy"'))):
        pictures.append(
            f'<picture class="mdma-static mdma-static-{theme}"{extra[0]}>'
            f'<source media="{NARROW_MEDIA}" srcset="{urls["narrow", theme]}" width="{RENDITION_WIDTHS["narrow"]}" height="{heights["narrow"]}">'
            f'<img src="{urls["wide", theme]}" alt="{alt}" width="{RENDITION_WIDTHS["wide"]}" height="{heights["wide"]}"'
            f' decoding="async"{extra[1]}></picture>'
        )
    return "".join(pictures)


# --- Native controls ----------------------------------------------------------


def _control_label(control: dict, fallback: str) -> str:
    prefix = (control.get("currentvalue") or {}).get("prefix", "")
    return html.escape(control.get("name") or prefix.strip().rstrip(":") or fallback)


def controls_html(div_id: str, layout: dict) -> str:
    """Native HTML controls for the figure's plotly menus and sliders ('' if it has none).

    A dropdown menu becomes a labelled ``<select>``, a row of buttons a radio
    group in a ``<fieldset>``, a slider an ``<input type="range">`` whose
    ``aria-valuetext`` and ``<output>`` give the step's label. Each names its
    menu or slider by index (``data-menu`` / ``data-slider``) for ``figures.js``.
    """
    parts = []
    for index, menu in enumerate(layout.get("updatemenus", [])):
        buttons = menu.get("buttons", [])
        active = menu.get("active", 0)
        control_id = f"{div_id}-menu{index}"
        label = _control_label(menu, "View")
        if menu.get("type", "dropdown") == "dropdown":
            options = "".join(
                f'<option value="{i}"{" selected" if i == active else ""}>{html.escape(plain_text(b.get("label", "")))}</option>'
                for i, b in enumerate(buttons)
            )
            parts.append(
                f'<div class="mdma-control"><label for="{control_id}">{label}</label>'
                f'<select id="{control_id}" data-menu="{index}">{options}</select></div>'
            )
        else:
            radios = "".join(
                f'<label class="mdma-option"><input type="radio" name="{control_id}" value="{i}" data-menu="{index}"'
                f"{' checked' if i == active else ''}>{html.escape(plain_text(b.get('label', '')))}</label>"
                for i, b in enumerate(buttons)
            )
            parts.append(f'<fieldset class="mdma-control mdma-radios"><legend>{label}</legend>{radios}</fieldset>')
    for index, slider in enumerate(layout.get("sliders", [])):
        steps = slider.get("steps", [])
        active = slider.get("active", 0)
        control_id = f"{div_id}-slider{index}"
        step_label = html.escape(plain_text(steps[active].get("label", "")) if steps else "")
        # Every step's label, so the slider names its value before the live chart (and its specification) loads.
        step_labels = html.escape(json.dumps([plain_text(step.get("label", "")) for step in steps]))
        parts.append(
            f'<div class="mdma-control mdma-range"><label for="{control_id}">{_control_label(slider, "Step")}</label>'
            f'<input type="range" id="{control_id}" data-slider="{index}" min="0" max="{max(len(steps) - 1, 0)}" step="1"'
            f' value="{active}" aria-valuetext="{step_label}" data-step-labels="{step_labels}"><output for="{control_id}">{step_label}</output></div>'
        )
    if not parts:
        return ""
    # pst-js-only: the theme hides these when JavaScript is off, where they could not change the figure.
    return f'<div class="mdma-controls pst-js-only">{"".join(parts)}</div>'


# --- The figure's HTML ---------------------------------------------------------


def figure_html(
    fig_dict: dict,
    image_urls: dict[tuple[str, str], str] | None = None,
    div_id: str | None = None,
    first_on_page: bool = True,
    spec_url: str | None = None,
) -> str:
    """The HTML of one figure: native controls, the static pictures (if any), a status line, and the figure as JSON.

    ``image_urls`` maps (width name, theme) to each rendition's URL, as
    :func:`write_renditions` names them; without it the figure has no static
    picture and is drawn only once plotly.js loads. A figure after the page's first
    loads its picture lazily (see :func:`_pictures`). With ``spec_url`` (the file
    :func:`write_spec` wrote) the page names the specification, which figures.js loads
    when a reader reaches for the figure; without it the JSON is inline.
    """
    div_id = div_id or f"fig-{uuid.uuid4().hex[:12]}"
    spec = figure_spec(fig_dict)
    layout = spec["layout"]
    heights = rendition_heights(spec)
    pictures = _pictures(image_urls, description(layout), heights, first_on_page) if image_urls else ""
    if spec_url:
        where, inline = f' data-spec="{html.escape(spec_url)}"', ""
    else:
        # "</" inside a <script> block would end it early; JSON allows "<\/".
        from plotly.io.json import to_json_plotly

        spec_json = to_json_plotly(spec).replace("</", "<\\/")
        where, inline = "", f'<script type="application/json" id="{div_id}-spec">{spec_json}</script>\n'
    return (
        f'<div id="{div_id}" class="{FIGURE_CLASS}"{where} data-dark-colours="{html.escape(json.dumps(DARK_COLOURS))}">'
        f"{controls_html(div_id, layout)}"
        f'<div class="mdma-plot"{_plot_style(heights)}>{pictures}</div>'
        f'<p class="mdma-status visually-hidden" aria-live="polite"></p>'
        f"</div>\n{inline}"
    )


def _plot_style(heights: dict[str, int]) -> str:
    """The plot box's height, which the picture and the live chart fill: at the narrow width (figures.css)
    a figure with a narrow layout of its own height takes that one."""
    if heights["narrow"] == heights["wide"]:
        return f' style="height:{heights["wide"]}px"'
    return f' style="height:{heights["wide"]}px;--mdma-narrow-height:{heights["narrow"]}px" data-narrow-height'


def figure_spec(fig_dict: dict) -> dict:
    """What the page draws live: the figure's data, its layout for the page, frames and plotly's configuration."""
    fig_dict = wrap_hover(safe_text.plotly_figure(fig_dict))  # data in hover text and titles shows as text
    return {
        "data": fig_dict.get("data", []),
        "layout": page_layout(fig_dict.get("layout", {})),
        "frames": fig_dict.get("frames", []),
        "config": plotly_config(),
    }


#: A figure's live specification in its own file: a script that hands it to figures.js. A script,
#: not a JSON file to fetch(), so that a site opened from the disk (file://) draws it too.
SPEC_SCRIPT = "mdmaFigureSpec(document.currentScript, {spec});\n"


def write_spec(fig_dict: dict, folder: Path) -> str:
    """Write the figure's :func:`figure_spec` into ``folder`` as :data:`SPEC_SCRIPT` (once: the name hashes it); return its name."""
    from plotly.io.json import to_json_plotly

    text = SPEC_SCRIPT.format(spec=to_json_plotly(figure_spec(fig_dict)))
    name = f"{hashlib.sha256(text.encode()).hexdigest()[:20]}-spec.js"
    if not (folder / name).exists():
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return name


def built_figure_specs(page: Path) -> list[tuple[str, dict]]:
    """(figure id, specification) of every figure in a built page, from its spec file or its inline JSON."""
    text = page.read_text(encoding="utf-8")
    found = []
    for figure_id, url in re.findall(r'<div id="([^"]+)" class="mdma-figure" data-spec="([^"]+)"', text):
        script = (page.parent / html.unescape(url)).read_text(encoding="utf-8")
        found.append((figure_id, json.loads(script[script.index("{") : script.rindex("}") + 1])))
    for figure_id, body in re.findall(r'<script type="application/json" id="([^"]+)-spec">(.*?)</script>', text, re.S):
        found.append((figure_id, json.loads(body.replace("<\\/", "</"))))
    return found


# --- The myst-nb plugin --------------------------------------------------------

#: Where the renditions go in the built site, and (under the doctree folder) where a build keeps them.
RENDITIONS_URL_DIR = "_images/mdma"
RENDITIONS_CACHE_DIR = "mdma_renditions"


def renditions_cache(env) -> Path:
    """The folder a Sphinx build writes renditions to before they are copied into the site.

    It sits beside the doctrees, which keep the pages that name the renditions:
    a page read from a kept doctree still finds its images after ``_build/html`` is gone.
    """
    return Path(env.doctreedir) / RENDITIONS_CACHE_DIR


class PlotlyMimeRenderPlugin:
    """myst-nb mime renderer: draw plotly's own JSON output as :func:`figure_html`.

    Registered under the ``myst_nb.mime_renderers`` entry point (pyproject.toml).
    The notebook keeps plotly's standard output, so JupyterLab draws it with
    plotly's own extension and menus. In a Sphinx build the renditions are
    written to :func:`renditions_cache` and recorded in the environment
    (``env.mdma_renditions``), and the Sphinx extension copies them into the site.
    """

    mime_priority_overrides = [(builder, PLOTLY_MIME_TYPE, 5) for builder in ("html", "dirhtml", "singlehtml")]

    @staticmethod
    def handle_mime(renderer, data, inline):
        if data.mime_type != PLOTLY_MIME_TYPE:
            return None
        from docutils import nodes  # only needed inside a Sphinx build

        content = data.content
        fig_dict = json.loads(content) if isinstance(content, (str, bytes)) else content
        env = renderer.renderer.sphinx_env
        # Count the page's figures on the document being read: only its first loads its picture at once.
        document = getattr(renderer.renderer, "document", None)  # None outside a parse (as in a test)
        index = getattr(document, "mdma_figures", 0)
        if document is not None:
            document.mdma_figures = index + 1
        urls = spec_url = None
        if env is not None:
            names = write_renditions(fig_dict, renditions_cache(env), wait=False)  # drawn while the build goes on
            # The live specification (70 KB of the evidence chapter's 245) waits in a file of its own.
            spec_name = write_spec(fig_dict, renditions_cache(env))
            if not hasattr(env, "mdma_renditions"):
                env.mdma_renditions = {}
            env.mdma_renditions.setdefault(env.docname, set()).update([*names.values(), spec_name])
            up = "../" * env.docname.count("/")
            urls = {which: f"{up}{RENDITIONS_URL_DIR}/{name}" for which, name in names.items()}
            spec_url = f"{up}{RENDITIONS_URL_DIR}/{spec_name}"
        markup = figure_html(fig_dict, urls, first_on_page=index == 0, spec_url=spec_url)
        return [nodes.raw("", markup, format="html", classes=["output", "text_html"])]
