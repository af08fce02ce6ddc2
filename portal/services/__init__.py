"""Operations that write: they validate, change objects and flush; the caller commits."""


class DomainError(Exception):
    """A refusal the user can understand; ``message`` is already translatable. ``field``
    names what the refusal is about (a form field's name), when it is about one."""

    def __init__(self, message, field=None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class SentAgain(DomainError):
    """The same thing, sent again moments after it was recorded: ``earlier`` stands."""

    def __init__(self, earlier):
        from .submissions import SENT_BEFORE

        super().__init__(SENT_BEFORE)
        self.earlier = earlier
