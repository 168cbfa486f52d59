"""Reports: jinja2 rendering of the HTML that leaders read (templates live in reports/)."""
