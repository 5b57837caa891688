"""A datasette plugin: the store's search functions in every datasette connection.

Registered through the `datasette` entry point in pyproject.toml, so with workercrawl
installed, `datasette data/workercrawl.db -m datasette/metadata.yml` can run the canned
`search` query: workercrawl_match(:q) segments the query the way the articles were
segmented, workercrawl_snippet(body, :q) cuts a snippet from the original text.
"""

from datasette import hookimpl

from .search import register_functions


@hookimpl
def prepare_connection(conn):
    register_functions(conn)
