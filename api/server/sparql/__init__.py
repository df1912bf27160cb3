"""The SPARQL 1.1 Protocol endpoint: negotiation, guards, a killable query worker pool."""
