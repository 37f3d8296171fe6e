"""The error a network request can raise; its sentences (`network.*`) live in the catalogues."""

from app.engine.errors import EngineError


class NetworkError(EngineError):
    """A network request the engine refuses: `key` names its `network.*` catalogue message.

    A ValueError (through EngineError), so the web edge maps it to 422 like any engine error;
    `str(err)` is the English sentence, `err.render("zh")` the Chinese one.
    """
