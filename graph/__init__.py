"""Records → RDF → store → SPARQL.

- ``vocab``: the RDF namespaces (``JX`` is a DefinedNamespace: a typo raises)
- ``iris``: stable instance IRIs under a configurable base
- ``frameworks``: category label → SKOS concept (ontology/frameworks.ttl)
- ``units``: unit as written → QUDT or jx: unit
- ``mapping``: ``SourceRecord`` → triples (per-file graph + shared descriptions)
- ``store`` / ``base`` / ``remote``: ``open_store`` — embedded Oxigraph or a SPARQL 1.1 server
- ``results``: query results as Python values and SPARQL result formats
- ``validate``: SHACL (ontology/shapes.ttl)
- ``ingest_workers``: files parsed, mapped and audited in forked worker processes (the
  ingest's worker step; ``search.indexed_ingest`` drives it)

See docs/graph.md.
"""
