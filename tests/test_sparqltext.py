"""What the protocol needs to know about query and update text (graph/sparqltext.py)."""
from __future__ import annotations

import pytest

from graph.sparqltext import DatasetConflict, apply_using, has_dataset_clause


@pytest.mark.parametrize(("query", "expected"), [
    ("SELECT * FROM <http://g> WHERE { ?s ?p ?o }", True),
    ("ask from named <http://g> { }", True),
    ("CONSTRUCT { ?s ?p ?o } FROM <g> WHERE { ?s ?p ?o }", True),
    ("SELECT ?from WHERE { ?s ex:from $from ; from:x _:from }", False),
    ('SELECT * WHERE { ?s ?p "FROM <x>" . ?s ?q """\nFROM <y>\n""" } # FROM <z>', False),
    ("SELECT * WHERE { ?s ?p <http://example.org/FROM> . ?s ?q \"x\"@from }", False),
])
def test_dataset_clause(query, expected):
    assert has_dataset_clause(query) is expected


def test_using_goes_before_every_modify_where_and_not_into_delete_where():
    update = ('PREFIX ex: <http://ex/> INSERT { ?s a ex:B } WHERE { ?s a ex:A . FILTER(?s != "WHERE") } ;\n'
              "DELETE WHERE { ?a ?b ?c } ;\nDELETE { ?s ?p ?o } WHERE { { SELECT ?s WHERE { ?s ?p ?o } } }")
    out = apply_using(update, ["http://d"], ["http://n"])
    assert out.count("USING <http://d> USING NAMED <http://n> WHERE") == 2
    assert "DELETE WHERE { ?a ?b ?c }" in out
    assert '"WHERE"' in out and "{ SELECT ?s WHERE" in out  # inside braces and strings: untouched
    assert apply_using(update) == update


@pytest.mark.parametrize("update", [
    "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } USING <http://g> WHERE { ?s ?p ?o }",
])
def test_using_parameters_conflict_with_the_updates_own_dataset(update):
    with pytest.raises(DatasetConflict):
        apply_using(update, ["http://d"])
