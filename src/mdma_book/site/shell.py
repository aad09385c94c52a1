"""The page shell: a page loads only the theme assets it uses, and paints before any script runs.

Jupyter Book's extensions each add their CSS and JS to every page, and the
theme's scripts loaded in ``<head>`` without ``defer``, so a phone waited for a
dozen requests before it drew any text. Deferring them was not enough: whatever
finished before the first paint (deferred scripts, which Chrome often ran before
it, and the theme's 270 KB of icon fonts) Lighthouse's mobile simulation counted
on the way to it, so the first contentful paint came out at 1.5 s or 3.3 s from
run to run. Every script on a page only adds behaviour (menus, search shortcut,
copy buttons, figures), so all of them now run just after the first paint, in
their order, and the icon fonts hold only the icons shown. At the theme's own hooks:

* :func:`trim_page_assets` on Sphinx's ``html-page-context`` (the page's lists of
  files, not the written HTML):

  - an extension's files stay only on pages whose body uses them: sphinx-design
    (``sd-`` classes; its tabs script only with tab sets), sphinx-togglebutton (toggles and dropdown admonitions),
    sphinx-copybutton (code blocks), pygments (highlighted code); sphinx-thebe's
    go while the launch buttons do not offer Thebe;
  - every script, file or inline, gets the type :data:`AFTER_PAINT_TYPE`, which
    the browser neither fetches nor runs, and :data:`RUN_AFTER_FIRST_PAINT` runs
    them in order once the page has painted its first text. Exceptions: the
    search page, whose template's own scripts run at once and need Sphinx's
    (there everything is left as the theme has it), and sphinx-design's tabs
    script, which waits for ``DOMContentLoaded`` and so stays deferred;

* ``templates/layout.html`` (a template override): the theme's own two scripts
  are held the same way; its ``fontawesome.js`` and its script preloads go; the
  search scripts load only for search-as-you-type;
* :func:`subset_icon_fonts` (``build-finished``): the theme's Font Awesome web
  fonts, 270 KB on every page, keep only the icons the site shows (5 KB);
* :func:`trim_theme_css` (``build-finished``): the theme's render-blocking stylesheet keeps only
  the rules whose classes and ids occur in a page or a script (65 KB compressed, now about 20);
* ``templates/layout.html`` links Sphinx's ``basic.css`` itself rather than the theme's
  ``theme.css``, which only imported it (a second request chained behind the first);
* :data:`PRINT_IN_LIGHT`: a page printed in the dark theme prints in the light
  one (the theme would print light text meant for a dark background on white paper).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

#: A script type the browser ignores: scripts of this type wait for :data:`RUN_AFTER_FIRST_PAINT`.
AFTER_PAINT_TYPE = "mdma/after-paint"

#: Inline script: once the page has painted its first text or image, run its held scripts in
#: document order. The paint is the browser's own first-contentful-paint entry (a frame alone
#: can come before any text shows); without paint timing, the frame after the DOM is ready;
#: the page's ``load`` at the latest. An inline script becomes a ``data:`` URL so that it keeps
#: its place among the files (a script inserted with its text would run at once).
#: Hand-written: a few lines, and no library does this for Sphinx.
RUN_AFTER_FIRST_PAINT = """(function () {
  var started = false;
  function runHeldScripts() {
    if (started) { return; }
    started = true;
    document.querySelectorAll('script[type="%(type)s"]').forEach(function (held) {
      var script = document.createElement("script");
      Array.prototype.forEach.call(held.attributes, function (attribute) {
        if (attribute.name !== "type" && attribute.name !== "src") { script.setAttribute(attribute.name, attribute.value); }
      });
      script.async = false;
      script.src = held.src || "data:text/javascript;charset=utf-8," + encodeURIComponent(held.textContent);
      held.replaceWith(script);
    });
  }
  function soon() { setTimeout(runHeldScripts, 0); }
  addEventListener("load", soon);
  if (window.PerformanceObserver && (PerformanceObserver.supportedEntryTypes || []).indexOf("paint") >= 0) {
    new PerformanceObserver(function (entries, observer) {
      if (entries.getEntriesByName("first-contentful-paint").length) { observer.disconnect(); soon(); }
    }).observe({ type: "paint", buffered: true });
  } else {
    document.addEventListener("DOMContentLoaded", function () { requestAnimationFrame(soon); });
  }
})();""" % {"type": AFTER_PAINT_TYPE}

#: Inline script: print in the light theme, then switch back. The theme's colours hang on
#: ``data-theme``, which only a script can change; a few lines, so no library for it.
PRINT_IN_LIGHT = """(function () {
  var root = document.documentElement;
  addEventListener("beforeprint", function () {
    // The folded tables behind the figures print open.
    document.querySelectorAll("details.sd-dropdown:not([open])").forEach(function (d) { d.open = true; d.dataset.printOpened = "1"; });
    // Pictures a reader never scrolled to are lazy; printing needs every one of them now.
    document.querySelectorAll('img[loading="lazy"]').forEach(function (img) { img.loading = "eager"; });
    if (root.dataset.theme === "dark") { root.dataset.printedFrom = "dark"; root.dataset.theme = "light"; }
  });
  addEventListener("afterprint", function () {
    document.querySelectorAll("details[data-print-opened]").forEach(function (d) { d.open = false; delete d.dataset.printOpened; });
    if (root.dataset.printedFrom) { root.dataset.theme = root.dataset.printedFrom; delete root.dataset.printedFrom; }
  });
})();"""
#: Scripts of the shell itself, which run at once.
SHELL_SCRIPTS = (RUN_AFTER_FIRST_PAINT, PRINT_IN_LIGHT)
#: Script files that wait for ``DOMContentLoaded`` and so cannot run later: they stay deferred.
NEED_DOM_CONTENT_LOADED = ("design-tabs.js",)

#: Files of an extension, and what in a page's body shows that the page uses it.
OPTIONAL_ASSETS = {
    "sphinx-design": (("sphinx-design",), ('class="sd-',)),
    # Its tabs script only serves tab sets; a page with dropdowns or cards alone does without it
    # (on the evidence chapter it was a 340 ms task just after the first paint on Lighthouse's phone).
    "sphinx-design-tabs": (("design-tabs.js",), ("sd-tab",)),
    "togglebutton": (
        ("togglebutton",),
        ('class="toggle', "admonition dropdown", "dropdown admonition", "toggle-hidden"),
    ),
    "copybutton": (("copybutton", "clipboard.min.js"), ('class="highlight',)),
    "pygments": (("pygments.css",), ('class="highlight',)),
}
THEBE_FILES = ("sphinx-thebe",)
#: Inline scripts that belong to a dropped extension, by what their body starts with.
#: PRIVATE DETAIL (see "Private details" below): an inline script carries no name of the
#: extension that added it, so it is known by the first characters its extension writes.
INLINE_OF = {
    "togglebutton": ("let toggleHint", "let toggleOpenOnPrint", "var togglebuttonSelector"),
    "thebe": ("const THEBE_JS_URL",),
}


def _name(asset) -> str:
    return _asset_fields(asset)[0] or ""


def _body(asset) -> str:
    return _asset_fields(asset)[1].get("body", "")


def dropped_extensions(body: str, thebe_enabled: bool) -> set[str]:
    """The optional extensions a page with this ``body`` does not use."""
    unused = {name for name, (_, markers) in OPTIONAL_ASSETS.items() if not any(marker in body for marker in markers)}
    return unused if thebe_enabled else unused | {"thebe"}


def _belongs_to(asset, extensions: set[str]) -> bool:
    name, body = _name(asset), _body(asset)
    for extension in extensions:
        files = THEBE_FILES if extension == "thebe" else OPTIONAL_ASSETS[extension][0]
        if name and any(part in name for part in files):
            return True
        if not name and body.startswith(INLINE_OF.get(extension, ())):
            return True
    return False


def trim_page_assets(app, pagename, templatename, context, doctree) -> None:
    """Drop the page's unused extension assets; hold its scripts until after the first paint (``html-page-context``)."""
    thebe_enabled = bool(app.config.html_theme_options.get("launch_buttons", {}).get("thebe"))
    unused = dropped_extensions(context.get("body", ""), thebe_enabled)
    for key in ("css_files", "script_files"):
        if key in context:
            context[key][:] = [asset for asset in context[key] if not _belongs_to(asset, unused)]
    if pagename == "search":
        return  # the search page's own scripts (from its template) run at once and need Sphinx's
    scripts = _configuration_first(list(context.get("script_files", [])))
    # New asset objects: the builder shares one object per file between all pages.
    context["script_files"][:] = [_held(script) for script in scripts]


def _configuration_first(scripts: list) -> list:
    """Move each extension's inline configuration (``var togglebuttonSelector`` ...) before its library.

    Sphinx writes the configuration after the library, which used to be fine because the
    library waited for ``DOMContentLoaded``. Held until after the first paint, the library
    runs when the document is already loaded, at once, and would read configuration that
    does not exist yet.
    """
    for extension, starts in INLINE_OF.items():
        files = THEBE_FILES if extension == "thebe" else OPTIONAL_ASSETS[extension][0]
        library = next((i for i, s in enumerate(scripts) if _name(s) and any(part in _name(s) for part in files)), None)
        if library is None:
            continue
        config = [s for s in scripts[library + 1 :] if not _name(s) and _body(s).startswith(starts)]
        rest = [s for s in scripts if s not in config]
        library = rest.index(scripts[library])
        scripts = rest[:library] + config + rest[library:]
    return scripts


def _held(script):
    """A copy of ``script`` that waits for the first paint (or is deferred, if it needs ``DOMContentLoaded``)."""
    name, (_, attributes, priority) = _name(script), _asset_fields(script)
    if "async" in attributes or (not name and _body(script) in SHELL_SCRIPTS):
        return script
    if name and any(part in name for part in NEED_DOM_CONTENT_LOADED):
        attributes["defer"] = "defer"
    else:
        attributes["type"] = AFTER_PAINT_TYPE
    return _script_asset(_asset_fields(script)[0], priority, attributes)


# --- Private details of Sphinx 7.4 and the theme, fenced here ------------------------
# The versions these rely on are checked when the build starts (mdma_book.site.WRITTEN_FOR).
# What stays private, and why no public hook serves:
#
# * _script_asset: a page's scripts reach ``html-page-context`` as Sphinx's own asset objects
#   (``sphinx.builders.html._assets._JavaScript``), which the builder shares between pages. To
#   give one page's script another type, the shell needs a new object of that class: Sphinx's
#   public ``app.add_js_file`` adds a script to every page (or, during this event, appends one
#   to the end of the page), but cannot change or reorder one that is already listed.
# * INLINE_OF (above): inline scripts are known by their first characters (no name, see there).
# * templates/layout.html: the theme's ``body_post()`` macro writes its two ``<script defer``
#   tags with no option for their type, so the template replaces that text of its output.
# * ICON_FONTS (below): where pydata-sphinx-theme 0.17 puts its Font Awesome web fonts in the
#   built site, and the form of its stylesheet's icon rules; no setting names either.
# * bundle_own_css (below) makes the page's one stylesheet of the book's own CSS as Sphinx's
#   ``sphinx.builders.html._assets._CascadingStyleSheet``, for the same reason as _script_asset:
#   it must take the place (and priority) of the files it replaces in the page's list.
# * templates/layout.html edits the output of the theme's head_pre_assets() macro (the
#   ``theme.css`` link becomes one to ``basic.css``): the macro has no option for it.
# * templates/article-header-buttons.html edits the output of sphinx-book-theme's button macros
#   (its launch menu's logo ``<img>`` tags gain ``loading="lazy" fetchpriority="low"``), which
#   have no option for an image's attributes, and imports them from the theme by its own relative path.
# * trim_theme_css (below) relies on Bootstrap 5.3's script building only its tooltip and
#   popover classes from pieces (BUILT_CLASSES); every other class it sets is a string in it.
# * _asset_fields and _asset_key read ``filename``, ``attributes`` and ``priority`` of those asset
#   objects (no public accessor): the shell reads them, and extension._dedupe_scripts uses the key to
#   drop the inline script Sphinx 7.4 lists twice (sphinx-doc/sphinx#13402; gone in Sphinx 8).


def _script_asset(filename, priority, attributes):
    from sphinx.builders.html._assets import _JavaScript  # private: see above

    return _JavaScript(filename, priority=priority, **attributes)


def _stylesheet_asset(filename, priority):
    from sphinx.builders.html._assets import _CascadingStyleSheet  # private: see above

    return _CascadingStyleSheet(filename, priority=priority)


def _asset_fields(asset) -> tuple[str, dict, int]:
    """An asset's file name (None or "" for an inline script), a copy of its attributes and its priority."""
    return (
        getattr(asset, "filename", None),
        dict(getattr(asset, "attributes", {})),
        getattr(asset, "priority", 500),
    )


def _asset_key(asset) -> tuple:
    """What tells two listed scripts apart but for priority (a plain string is its own file name)."""
    name = asset if isinstance(asset, str) else _asset_fields(asset)[0]
    return (name or None, tuple(sorted(_asset_fields(asset)[1].items())))


# --- Icon fonts ------------------------------------------------------------------

#: The theme's Font Awesome web fonts (in the built site) and the stylesheet that maps icon classes to glyphs.
ICON_FONTS = "_static/vendor/fontawesome/webfonts"
ICON_CLASS_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+:+before,?)+)\{content:"\\([0-9a-f]{2,5})\s?"\}')
ICON_CLASS = re.compile(r"\bfa-[a-z0-9-]+\b")
PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


def icon_codepoints(site: Path) -> set[int]:
    """The Font Awesome glyphs the built ``site`` can show.

    Those of every ``fa-*`` class named in a page or a script (the theme's
    ``fontawesome.js``, which names them all, is not loaded), and every glyph the
    stylesheets write out themselves (the theme's admonition and link icons).
    """
    classes = {}
    used = set()
    for stylesheet in site.rglob("*.css"):
        css = stylesheet.read_text(encoding="utf-8", errors="replace")
        for selectors, code in ICON_CLASS_RULE.findall(css):
            for name in re.findall(r"\.(fa-[a-z0-9-]+)", selectors):
                classes[name] = int(code, 16)
        used |= {ord(char) for char in PRIVATE_USE.findall(ICON_CLASS_RULE.sub("", css))}
    names = set()
    for path in [*site.rglob("*.html"), *site.rglob("*.js")]:
        if path.name != "fontawesome.js":
            names |= set(ICON_CLASS.findall(path.read_text(encoding="utf-8", errors="replace")))
    return used | {classes[name] for name in names if name in classes}


def subset_icon_fonts(site: Path) -> None:
    """Cut the built site's Font Awesome ``.woff2`` files down to :func:`icon_codepoints` (fontTools).

    The full fonts are 300 KB; a page showed about twenty of their two thousand
    icons. Browsers that cannot read woff2 still get the theme's full ``.ttf``.
    """
    from fontTools import subset

    fonts = sorted((site / ICON_FONTS).glob("*.woff2"))
    codepoints = icon_codepoints(site)
    if not fonts or not codepoints:
        return
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    for font_path in fonts:
        font = subset.load_font(str(font_path), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=codepoints)
        subsetter.subset(font)
        subset.save_font(font, str(font_path), options)


# --- The book's own stylesheets: one file per page ----------------------------------

#: The book's own stylesheets, by the folder of ``_static`` they are published in, and where their sources are.
OWN_CSS = {
    "mdma/": Path(__file__).parent / "static",
    "mdma-learning/": Path(__file__).parent / "learning_static",
    "mdma-safety/": Path(__file__).parent / "safety_static",
}
#: Where the bundles go, inside ``_static``.
BUNDLE_DIR = "mdma/pages"


def _own_source(filename: str) -> Path | None:
    name = filename.removeprefix("_static/")
    for folder, source in OWN_CSS.items():
        if name.startswith(folder):
            return source / name[len(folder) :]
    return None


def bundle_own_css(app, pagename, templatename, context, doctree) -> None:
    """Serve the book's own stylesheets as one file per page (``html-page-context``, after the others).

    A figure page linked five of them (book, figures, tables, glossary tips, live panels), each a
    render-blocking request of a few hundred bytes to two kilobytes; on Lighthouse's phone every
    extra stylesheet before the first paint cost time. The page links one file instead, named
    after its content (so it caches like the theme's own ``?v=`` links), written when the page is.
    It takes the place of the last of them, so it still comes after the extensions' stylesheets
    it overrides. Pages that use the same stylesheets share one bundle.
    """
    css_files = context.get("css_files")
    if not css_files or app.builder.format != "html":
        return
    own = [(i, asset, _own_source(_name(asset))) for i, asset in enumerate(css_files)]
    own = [(i, asset, source) for i, asset, source in own if source is not None and source.is_file()]
    if len(own) < 2:
        return
    text = "".join(f"/* {source.name} */\n{source.read_text(encoding='utf-8')}\n" for _, _, source in own)
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    target = Path(app.outdir) / "_static" / BUNDLE_DIR / f"{digest}.css"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    last = own[-1][0]
    bundled = {i for i, _, _ in own}
    bundle = _stylesheet_asset(f"_static/{BUNDLE_DIR}/{digest}.css", _asset_fields(css_files[last])[2])
    css_files[:] = [
        bundle if i == last else asset for i, asset in enumerate(css_files) if i not in bundled or i == last
    ]


# --- The theme's stylesheet: only the rules the site can use -------------------------

#: The theme's stylesheet (Bootstrap 5, Font Awesome's icon classes and the theme's own rules):
#: 390 KB, 65 KB compressed, render-blocking on every page, and about nine tenths of its rules
#: name a class no page of the book ever has.
THEME_CSS = "_static/styles/pydata-sphinx-theme.css"
#: Class names that Bootstrap's script builds from pieces (``bs-${name}-auto``), which no page or
#: script spells out: rules naming one are always kept.
BUILT_CLASSES = re.compile(r"^bs-|tooltip|popover")
#: At-rules whose block holds rules (and so can be trimmed like the stylesheet itself).
NESTING_AT_RULES = {"media", "supports", "layer", "container"}
WORD = re.compile(r"[A-Za-z0-9_-]+")


def site_words(site: Path) -> set[str]:
    """Every word (letters, digits, ``-`` and ``_``) of every page and script of the built ``site``.

    A class or id a page or a script can give an element is one of these words: the pages carry
    their own, and the scripts (the theme's, Bootstrap's, the book's, inline ones) add theirs as
    string literals.
    """
    words = set()
    for path in [*site.rglob("*.html"), *site.rglob("*.js")]:
        if path.name != "fontawesome.js":  # not loaded (templates/layout.html), and it names every icon
            words |= set(WORD.findall(path.read_text(encoding="utf-8", errors="replace")))
    return words


def _selector_names(selector: list) -> set[str]:
    """The class names and ids a selector requires of its elements (those inside ``:not()`` and other functions do not count)."""
    names = set()
    for before, token in zip([None, *selector], selector):
        if token.type == "ident" and before is not None and before.type == "literal" and before.value == ".":
            names.add(token.value)
        elif token.type == "hash" and token.is_identifier:
            names.add(token.value)
    return names


def _split_selectors(prelude: list) -> list[list]:
    selectors, current = [], []
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            selectors.append(current)
            current = []
        else:
            current.append(token)
    return [*selectors, current]


def _can_match(selector: list, words: set[str]) -> bool:
    return all(name in words or BUILT_CLASSES.search(name) for name in _selector_names(selector))


def used_rules(rules: list, words: set[str]) -> str:
    """The CSS text of ``rules`` (tinycss2 nodes) less every selector that names a class or id not in ``words``."""
    import tinycss2

    kept = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = [s for s in _split_selectors(rule.prelude) if _can_match(s, words)]
            if selectors:
                prelude = ",".join(tinycss2.serialize(s).strip() for s in selectors)
                kept.append(f"{prelude}{{{tinycss2.serialize(rule.content)}}}")
        elif rule.type == "at-rule" and rule.lower_at_keyword in NESTING_AT_RULES and rule.content is not None:
            inner = used_rules(tinycss2.parse_rule_list(rule.content), words)
            if inner:
                kept.append(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{{inner}}}")
        elif rule.type != "whitespace":
            kept.append(tinycss2.serialize([rule]))
    return "".join(kept)


def trim_theme_css(site: Path) -> None:
    """Rewrite the built ``site``'s theme stylesheet with only the rules its pages and scripts can use (tinycss2).

    Lighthouse's phone counted the whole file before the first paint (its "reduce unused CSS"
    estimate: about 570 ms of the evidence chapter's first contentful paint). A rule stays when
    some selector of it names only classes and ids that occur as words in a page or a script, so
    the states scripts switch on (``show``, ``collapsing``, the theme's dark mode) keep theirs;
    element, attribute and pseudo-class selectors are never dropped. Run after
    :func:`subset_icon_fonts`, which reads the icon rules of the full file.
    """
    import tinycss2

    path = site / THEME_CSS
    if not path.is_file():
        return
    rules = tinycss2.parse_stylesheet(path.read_text(encoding="utf-8"), skip_comments=False)
    path.write_text(used_rules(rules, site_words(site)), encoding="utf-8")
