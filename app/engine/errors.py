"""The engine's one error type: a message key and its parameters, readable in either language.

`str(err)` is the English sentence; the web edge renders `err.key` from the catalogue of the
request's language instead. Subclassing ValueError keeps `except ValueError` callers working.
"""

from app.i18n import Lang, translate


class EngineError(ValueError):
    """A request the engine refuses: `key` names the catalogue message, `params` fill it."""

    def __init__(self, key: str, **params: object) -> None:
        self.key, self.params = key, params
        super().__init__(self.render("en"))

    def render(self, lang: Lang) -> str:
        """The message in `lang`; a parameter that is itself an EngineError is rendered too."""
        params = {
            name: value.render(lang) if isinstance(value, EngineError) else value
            for name, value in self.params.items()
        }
        return translate(lang, self.key, **params)
