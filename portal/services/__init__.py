"""Operations that write: they validate, change objects and flush; the caller commits."""
from dataclasses import dataclass


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


@dataclass
class Page:
    """One page of a list, numbered as the pagination links show them."""

    items: list
    page: int
    per_page: int
    total: int

    @classmethod
    def of(cls, items, page, per_page):
        """The page asked for of a list already read (the last one past its end)."""
        page = min(max(page, 1), max(1, -(-len(items) // per_page)))
        return cls(items[(page - 1) * per_page:page * per_page], page, per_page, len(items))

    @property
    def pages(self):
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self):
        return self.page > 1

    @property
    def has_next(self):
        return self.page < self.pages

    @property
    def prev_num(self):
        return self.page - 1

    @property
    def next_num(self):
        return self.page + 1
