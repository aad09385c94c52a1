"""The page shell: each page loads only the theme's scripts and styles it uses, and no script blocks rendering.

Jupyter Book's extensions each add their CSS and JS to every page, and the
theme's scripts load in ``<head>`` without ``defer``, so a phone waited for a
dozen requests before it drew any text. :func:`trim_page_assets` runs on
Sphinx's ``html-page-context`` (the theme's own lists of files, not the written
HTML), and the template ``templates/layout.html`` drops the search scripts
that only search-as-you-type needs.

* an extension's files stay only on pages whose body uses them: sphinx-design
  (``sd-`` classes), sphinx-togglebutton (toggles and dropdown admonitions),
  sphinx-copybutton (code blocks), pygments (highlighted code);
* sphinx-thebe's files go when the book's launch buttons do not offer Thebe;
* a page printed in the dark theme prints in the light one (:data:`PRINT_IN_LIGHT`):
  the theme would print light text meant for a dark background on white paper;
* every remaining script file is deferred, except on the search page, whose
  template loads the search scripts undeferred after Sphinx's. Inline scripts that set
  ``DOCUMENTATION_OPTIONS`` become module scripts, which run in order after
  the deferred file that defines it.
"""

from __future__ import annotations

#: Inline script: print in the light theme, then switch back. The theme's colours hang on
#: ``data-theme``, which only a script can change; six lines, so no library for it.
PRINT_IN_LIGHT = """(function () {
  var root = document.documentElement;
  addEventListener("beforeprint", function () {
    if (root.dataset.theme === "dark") { root.dataset.printedFrom = "dark"; root.dataset.theme = "light"; }
  });
  addEventListener("afterprint", function () {
    if (root.dataset.printedFrom) { root.dataset.theme = root.dataset.printedFrom; delete root.dataset.printedFrom; }
  });
})();"""

#: Files of an extension, and what in a page's body shows that the page uses it.
OPTIONAL_ASSETS = {
    "sphinx-design": (("sphinx-design", "design-tabs.js"), ('class="sd-', "sd-tab")),
    "togglebutton": (("togglebutton",), ('class="toggle', "admonition dropdown", "toggle-hidden")),
    "copybutton": (("copybutton", "clipboard.min.js"), ('class="highlight',)),
    "pygments": (("pygments.css",), ('class="highlight',)),
}
THEBE_FILES = ("sphinx-thebe",)
#: Inline scripts that belong to a dropped extension, by what their body starts with.
INLINE_OF = {"togglebutton": ("let toggleHint", "let toggleOpenOnPrint", "var togglebuttonSelector"), "thebe": ("const THEBE_JS_URL",)}


def _name(asset) -> str:
    return getattr(asset, "filename", None) or ""


def _body(asset) -> str:
    return getattr(asset, "attributes", {}).get("body", "")


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
    """Drop the page's unused extension assets; defer every script file (``html-page-context``)."""
    thebe_enabled = bool(app.config.html_theme_options.get("launch_buttons", {}).get("thebe"))
    unused = dropped_extensions(context.get("body", ""), thebe_enabled)
    for key in ("css_files", "script_files"):
        if key in context:
            context[key][:] = [asset for asset in context[key] if not _belongs_to(asset, unused)]
    if pagename == "search":
        return  # the search page's own scripts (from its template) run at once and need Sphinx's
    # New asset objects: the builder shares one object per file between all pages.
    context["script_files"][:] = [_deferred(script) for script in context.get("script_files", [])]


def _deferred(script):
    """A copy of ``script`` that runs after parsing: ``defer`` for a file, a module for an inline script that needs one."""
    from sphinx.builders.html._assets import _JavaScript

    attributes = dict(script.attributes)
    if _name(script):
        if "async" in attributes:
            return script
        attributes["defer"] = "defer"
    elif _body(script).startswith("DOCUMENTATION_OPTIONS."):
        attributes["type"] = "module"
    else:
        return script
    return _JavaScript(script.filename, priority=script.priority, **attributes)
