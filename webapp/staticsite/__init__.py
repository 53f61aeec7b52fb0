"""Reader pages published as files (STATIC_SITE_DIR), for nginx to serve at the speed of files.

The wagtail-bakery pattern: on each change readers see (publish, withdraw, a scheduled release,
a renamed summary or topic) a job renders the affected reader pages *through the app itself*
and writes the answers as files, atomically, with .gz and .br siblings (`writer`, `pages`).
What the app would not show (nothing unapproved, nothing before its release time) it cannot
write. nginx (`deploy/nginx.conf`) serves a file when there is one and asks the app otherwise,
so a missing file is never wrong, only slower: a withdrawal removes the page's files at once.
"""
