"""Operations that write: they validate, change objects and flush; the caller commits."""


class DomainError(Exception):
    """A refusal the user can understand; ``message`` is already translatable."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message
