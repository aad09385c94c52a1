"""Names that vulture (the dead-code check in `make check`) cannot see being used, reviewed one by one.

Each is called by name by a framework, not by this code. Anything else that nothing uses
is dead code: delete it rather than add it here.
"""

# http.server calls these on the handlers and servers that serve the built site (build, bench, tests).
_.log_message
_.do_GET
_.handle_error
client_address

# Sphinx passes an event's arguments by position: a hook need not read them all.
templatename
docnames

# pytest reads these by name.
pytestmark
pytest_collection_modifyitems

# Class attributes a framework reads: pybtex's style, docutils' directive, myst-nb's renderer plugin.
_.default_label_style
_.option_spec
_.mime_priority_overrides

# Attributes set on a library's objects for the library to read: pandera's schema, Sphinx's
# configuration (sphinx-notfound-page), pypdf's writer, fontTools' subsetting options, a notebook cell.
_.report_duplicates
_.notfound_urls_prefix
_.page_mode
_.flavor
_.layout_features
_.id
