"""The lesson texts, as data: `en/NN-slug.md` and `zh/NN-slug.md`, one file per lesson and language.

To add a lesson, drop a Markdown file with the next number into both folders (a lesson missing
from one language is served from the other, flagged) and restart the server. The format, and
the checks a file must pass to load, are in `app.api.lessons`.
"""
