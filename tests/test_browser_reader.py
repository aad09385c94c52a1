"""What a reader sees, on every page, on a 390 px phone and a 1366 px laptop, in the light and the dark theme.

The built book in Debian's chromium, offline. One browser context per screen and theme, one tab each,
reused from page to page (a new context per page would triple the run time):

* nothing is wider than the screen, nothing is cut off inside a box that cannot scroll, and every
  table (the folded ones opened) can be reached in full;
* every glossary tip and every live hover label lies inside the visible screen;
* every kind of focusable element shows a visible focus indicator: the pixels of its box change
  when it takes keyboard focus;
* axe-core (vendored from npm in tools/axe, injected from disk) finds no serious or critical
  violation, before and after a reader reaches for each figure;
* with JavaScript off, the health banner and every admonition are legible (4.5:1).

The text and marks inside the figures are checked from their plotly specification in
tests/test_figure_legibility.py.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from support import ROOT, toc_pages
from support.browser import LOCAL, live_figure

pytestmark = pytest.mark.browser

AXE_JS = ROOT / "tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
SCREENS = {
    "phone-light": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "color_scheme": "light",
    },
    "phone-dark": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "color_scheme": "dark",
    },
    "laptop-light": {"viewport": {"width": 1366, "height": 900}, "color_scheme": "light"},
    "laptop-dark": {"viewport": {"width": 1366, "height": 900}, "color_scheme": "dark"},
}
PAGES = toc_pages()


@pytest.fixture(scope="module")
def tabs(browser):
    """One tab per screen and theme, each with every off-machine request blocked."""
    opened = {}
    for name, options in SCREENS.items():
        context = browser.new_context(**options)
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(LOCAL) else route.abort())
        opened[name] = context.new_page()
    yield opened
    for page in opened.values():
        page.context.close()


def visit(page, url: str) -> None:
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    # The theme's own scripts run after the first paint; wait for them (the theme button is theirs).
    page.wait_for_function(
        "() => document.documentElement.dataset.theme === 'light' || document.documentElement.dataset.theme === 'dark'"
    )


# --- Nothing wider than the screen, nothing cut off, every table reachable ----------------------

#: Opens every folded box, then lists what a reader cannot reach: the page wider than the screen,
#: a box that hides overflowing content without scrolling, a table that runs off the screen
#: outside a box that scrolls.
LAYOUT_PROBLEMS = """() => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  const problems = [], width = document.documentElement.clientWidth;
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).slice(0, 3).join('.') : '');
  const shown = el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return r.width > 2 && r.height > 2 && s.visibility !== 'hidden' && s.display !== 'none'; };
  if (document.documentElement.scrollWidth > width + 1) {
    problems.push(`the page is ${document.documentElement.scrollWidth} px wide on a ${width} px screen`);
  }
  for (const el of document.querySelectorAll('.bd-article *')) {
    if (el.closest('.mdma-plot, svg, .visually-hidden, .sr-only, mjx-container')) continue;
    const s = getComputedStyle(el);
    if (!['hidden', 'clip'].includes(s.overflowX) || !shown(el)) continue;
    if (el.scrollWidth > el.clientWidth + 1) problems.push(`${name(el)} cuts off ${el.scrollWidth - el.clientWidth} px of its content`);
  }
  for (const table of document.querySelectorAll('.bd-article table')) {
    if (!shown(table)) continue;
    const r = table.getBoundingClientRect();
    let scroller = table.parentElement;
    while (scroller && !['auto', 'scroll'].includes(getComputedStyle(scroller).overflowX)) scroller = scroller.parentElement;
    if (scroller && scroller !== document.documentElement && scroller !== document.body) {
      const box = scroller.getBoundingClientRect();
      if (box.left < -1 || box.right > width + 1) problems.push(`the box that scrolls ${name(table)} runs off the screen (${Math.round(box.left)}..${Math.round(box.right)})`);
      if (scroller.scrollWidth > scroller.clientWidth + 1 && scroller.tabIndex < 0 && !scroller.querySelector('a[href], button, input'))
        problems.push(`${name(scroller)} scrolls but cannot be reached from the keyboard`);
    } else if (r.left < -1 || r.right > width + 1) {
      problems.push(`${name(table)} runs off the screen (${Math.round(r.left)}..${Math.round(r.right)}) with no box to scroll it`);
    }
  }
  return problems;
}"""


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("page_path", PAGES)
def test_nothing_is_wider_than_the_screen_or_cut_off_and_every_table_can_be_read(tabs, site_url, page_path, screen):
    page = tabs[screen]
    visit(page, f"{site_url}/{page_path}")
    problems = [f"{screen}: {p}" for p in page.evaluate(LAYOUT_PROBLEMS)]
    assert problems == [], "\n".join(problems)


# --- Glossary tips and hover labels on the screen -------------------------------------------------

TIP_BOX = """() => { const tip = document.getElementById('mdma-term-tip');
  if (!tip || tip.hidden) return null; const r = tip.getBoundingClientRect();
  const v = window.visualViewport; return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
  width: v ? v.width : innerWidth, height: v ? v.height : innerHeight}; }"""

#: Hover every point (up to 30 per trace) of a live figure with plotly's own hover call, and give the
#: bounding boxes of the labels it draws, with the screen's width.
HOVER_BOXES = """async i => {
  const figure = document.querySelectorAll('.mdma-figure')[i];
  const div = figure.querySelector('.mdma-plotly');
  const boxes = [];
  for (const [curve, trace] of div._fullData.entries()) {
    if (trace.visible !== true || trace.hoverinfo === 'skip') continue;
    const n = (trace.x || trace.y || []).length, step = Math.max(1, Math.ceil(n / 30));
    for (let point = 0; point < n; point += step) {
      Plotly.Fx.hover(div, [{curveNumber: curve, pointNumber: point}], (trace.xaxis || 'x') + (trace.yaxis || 'y'));
      await new Promise(r => requestAnimationFrame(r));
      for (const label of div.querySelectorAll('.hoverlayer .hovertext')) {
        const r = label.getBoundingClientRect();
        if (r.width > 0) boxes.push({curve, point, left: r.left, right: r.right, top: r.top, bottom: r.bottom});
      }
    }
  }
  Plotly.Fx.unhover(div);
  const plot = div.getBoundingClientRect();
  return {boxes, width: document.documentElement.clientWidth, top: plot.top, bottom: plot.bottom};
}"""


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("page_path", PAGES)
def test_every_glossary_tip_and_hover_label_is_on_the_screen(tabs, site_url, page_path, screen):
    problems = []
    page = tabs[screen]
    visit(page, f"{site_url}/{page_path}")
    page.keyboard.press("Tab")  # keyboard use, as a reader reaching the terms by Tab
    terms = page.locator("a.mdma-term")
    for index in range(terms.count()):
        term = terms.nth(index)
        if not term.is_visible():
            continue
        term.focus()
        box = page.evaluate(TIP_BOX)
        if box is None:
            problems.append(f"{screen}: focusing term {index} ({term.inner_text()!r}) shows no tip")
        elif (
            box["left"] < 0
            or box["right"] > box["width"] + 0.5
            or box["top"] < 0
            or box["bottom"] > box["height"] + 0.5
        ):
            problems.append(f"{screen}: the tip of {term.inner_text()!r} is off the screen: {box}")
    figures = page.locator(".mdma-figure")
    for index in range(figures.count()):
        live_figure(page, index)
        result = page.evaluate(HOVER_BOXES, index)
        for b in result["boxes"]:
            if b["left"] < 0 or b["right"] > result["width"] + 0.5:
                problems.append(
                    f"{screen}: figure {index}, trace {b['curve']} point {b['point']}: hover label at x {b['left']:.0f}..{b['right']:.0f} on a {result['width']} px screen"
                )
    assert problems == [], "\n".join(problems[:40])


# --- A visible focus indicator on every kind of focusable element ---------------------------------

#: One element per kind (tag, classes, the part of the page it sits in) that a reader can Tab to and that is on show.
FOCUSABLE_KINDS = """checked => {
  const seen = new Set(checked), picked = [];
  const all = document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])');
  all.forEach((el, index) => {
    if (el.tabIndex < 0 || el.disabled || el.closest('[hidden], [inert]')) return;
    const folded = el.closest('details:not([open])');  // inside a closed box, only its summary is on show
    if (folded && !(el.tagName === 'SUMMARY' && el.parentElement === folded)) return;
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    if (r.width < 2 || r.height < 2 || s.visibility === 'hidden' || el.closest('.mdma-plotly')) return;
    let hiddenAncestor = el.parentElement;
    while (hiddenAncestor && getComputedStyle(hiddenAncestor).display !== 'none') hiddenAncestor = hiddenAncestor.parentElement;
    if (hiddenAncestor) return;
    const part = el.closest('header, nav, .bd-sidebar-primary, .bd-sidebar-secondary, .bd-header-article, footer, .admonition, details, .mdma-figure, .bd-article');
    const kind = [el.tagName, el.type || '', typeof el.className === 'string' ? el.className : '', part ? part.tagName + '.' + part.className : ''].join('|');
    if (seen.has(kind)) return;
    seen.add(kind);
    el.dataset.focusProbe = String(index);
    picked.push({probe: String(index), kind});
  });
  return picked;
}"""


#: How many pixels differ between two PNG screenshots of the same size (decoded by the browser itself).
CHANGED_PIXELS = """async ([one, two]) => {
  const pixels = async data => { const bitmap = await createImageBitmap(await (await fetch('data:image/png;base64,' + data)).blob());
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height), context = canvas.getContext('2d');
    context.drawImage(bitmap, 0, 0); return context.getImageData(0, 0, bitmap.width, bitmap.height).data; };
  const [a, b] = await Promise.all([pixels(one), pixels(two)]);
  let changed = 0;
  for (let i = 0; i < a.length; i += 4) {
    if (Math.abs(a[i] - b[i]) + Math.abs(a[i + 1] - b[i + 1]) + Math.abs(a[i + 2] - b[i + 2]) > 24) changed++;
  }
  return changed;
}"""

#: Kinds of element already checked on an earlier page, per screen: the sidebar's links, the header's
#: buttons and the like are the same on every page, so each is checked once.
_CHECKED_KINDS: dict[str, list[str]] = {}


@pytest.mark.parametrize("page_path", PAGES)
def test_every_focusable_element_shows_that_it_has_focus(tabs, site_url, page_path):
    problems = []
    for screen in ("laptop-light", "laptop-dark", "phone-light"):
        page = tabs[screen]
        visit(page, f"{site_url}/{page_path}")
        page.mouse.move(0, 0)
        page.keyboard.press("Tab")  # keyboard modality: focus() then shows :focus-visible
        page.keyboard.press("Shift+Tab")
        checked = _CHECKED_KINDS.setdefault(screen, [])
        items = page.evaluate(FOCUSABLE_KINDS, checked)
        checked += [item["kind"] for item in items]
        for item in items:
            element = page.locator(f"[data-focus-probe='{item['probe']}']")
            page.evaluate("() => document.activeElement && document.activeElement.blur()")
            element.evaluate("el => el.scrollIntoView({block: 'center', inline: 'nearest'})")
            box = element.bounding_box()
            if box is None:
                continue
            pad = 4
            view = page.viewport_size
            clip = {
                "x": max(0, box["x"] - pad),
                "y": max(0, box["y"] - pad),
                "width": min(box["width"] + 2 * pad, view["width"] - max(0, box["x"] - pad)),
                "height": min(box["height"] + 2 * pad, view["height"] - max(0, box["y"] - pad)),
            }
            if clip["width"] < 2 or clip["height"] < 2:
                continue
            before = page.screenshot(clip=clip, animations="disabled")
            element.evaluate("el => el.focus({preventScroll: true})")
            page.wait_for_timeout(30)
            after = page.screenshot(clip=clip, animations="disabled")
            changed = page.evaluate(
                CHANGED_PIXELS, [base64.b64encode(before).decode(), base64.b64encode(after).decode()]
            )
            # A focus ring changes a band of pixels; the theme's clipped ring on a folded box's summary
            # changed only its rounded corners (12 to 14 pixels). A small control's ring may be partly
            # hidden by its own icon, and a link wrapped over two lines has a large box but a short ring.
            if changed < min(clip["width"] + clip["height"], 30):
                problems.append(f"{screen}: no visible focus ({changed} pixels change) on {item['kind'][:160]}")
    assert problems == [], "\n".join(problems)


# --- axe-core, before and after the figures go live ----------------------------------------------

#: label-content-name-mismatch (WCAG 2.5.3: a control's accessible name contains its visible text) is
#: one of axe's experimental rules, off unless named; Lighthouse runs it, so it is named here.
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations'],
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']},
    rules: {'label-content-name-mismatch': {enabled: true}}});
  return result.violations.filter(v => ['serious', 'critical'].includes(v.impact))
    .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join('; ')}`);
}"""


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("page_path", PAGES)
def test_axe_finds_no_serious_violation_before_or_after_a_reader_reaches_for_the_figures(
    tabs, site_url, page_path, screen
):
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: `make test` installs it (npm ci in tools/axe).")
    problems = []
    page = tabs[screen]
    visit(page, f"{site_url}/{page_path}")
    page.add_script_tag(path=str(AXE_JS))
    problems += [f"{screen}, before: {v}" for v in page.evaluate(AXE_RUN)]
    figures = page.locator(".mdma-figure")
    if figures.count():
        for index in range(figures.count()):
            live_figure(page, index)
        problems += [f"{screen}, figures live: {v}" for v in page.evaluate(AXE_RUN)]
    assert problems == [], "\n".join(problems)


# --- Without JavaScript: the banner and every admonition are legible --------------------------------

#: Text of the banner and of every admonition against the colour it is drawn on (the first opaque
#: background among it and its ancestors, over the page), as WCAG computes contrast.
NO_JS_CONTRAST = """() => {
  const rgba = c => { const m = c.match(/[\\d.]+/g).map(Number); return m.length === 3 ? [...m, 1] : m; };
  const lum = ([r, g, b]) => { const f = v => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const over = (top, bottom) => [0, 1, 2].map(i => top[3] * top[i] + (1 - top[3]) * bottom[i]);
  const background = el => { const layers = [];
    for (let e = el; e; e = e.parentElement) { const c = rgba(getComputedStyle(e).backgroundColor); if (c[3] > 0) layers.push(c); if (c[3] === 1) break; }
    return layers.reverse().reduce((acc, c) => over(c, acc), [255, 255, 255]); };
  const problems = [];
  const boxes = [...document.querySelectorAll('.bd-header-announcement, .bd-article .admonition')];
  if (!document.querySelector('.bd-header-announcement')) problems.push('no banner');
  for (const box of boxes) {
    for (const el of [box, ...box.querySelectorAll('p, li, .admonition-title, a, strong, div')]) {
      if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
      const fg = rgba(getComputedStyle(el).color), bg = background(el), text = over(fg, bg);
      const [hi, lo] = [lum(text), lum(bg)].sort((a, b) => b - a), ratio = (hi + 0.05) / (lo + 0.05);
      if (ratio < 4.5) problems.push(`${box.className.split(' ').slice(0, 3).join('.')}: "${el.textContent.trim().slice(0, 40)}" ${getComputedStyle(el).color} on rgb(${bg.map(Math.round)}) is ${ratio.toFixed(2)}:1`);
    }
  }
  return problems;
}"""


@pytest.mark.parametrize("page_path", PAGES)
def test_without_javascript_the_banner_and_every_box_are_legible(new_context, site_url, page_path):
    problems = []
    for scheme in ("light", "dark"):
        context = new_context(viewport={"width": 390, "height": 844}, color_scheme=scheme, java_script_enabled=False)
        page = context.new_page()
        page.goto(f"{site_url}/{page_path}", wait_until="load")
        problems += [f"{scheme}: {p}" for p in page.evaluate(NO_JS_CONTRAST)]
    assert problems == [], "\n".join(problems)


def test_axe_core_is_vendored_from_npm_not_fetched():
    import json

    lock = json.loads(Path(ROOT / "tools" / "axe" / "package-lock.json").read_text())
    pinned = lock["packages"]["node_modules/axe-core"]
    assert pinned["version"] == lock["packages"][""]["dependencies"]["axe-core"]
    assert pinned["integrity"].startswith("sha512-")  # npm ci checks the download against it
