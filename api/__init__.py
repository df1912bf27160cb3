"""The outside face of jixiao: CLI, HTTP routes and web pages. No domain logic here."""
