"""One module per resource; each page's data function feeds both its template and its JSON twin."""
