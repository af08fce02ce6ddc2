"""Turning what people typed into safe HTML: paragraphs, and links made clickable."""
import re
import unicodedata

import nh3
from markupsafe import Markup, escape

LINK = re.compile(r"\bhttps?://[^\s<>\"']*[^\s<>\"'.,;:!?)\]]", re.IGNORECASE)


def _line(line):
    """One line, escaped, its links found in the raw text and written as anchors."""
    parts, last = [], 0
    for match in LINK.finditer(line):
        parts.append(escape(line[last:match.start()]))
        parts.append(Markup('<a href="{0}">{0}</a>').format(match.group(0)))
        last = match.end()
    parts.append(escape(line[last:]))
    return "".join(str(part) for part in parts)


def user_text(text):
    """Plain text as paragraphs with clickable links; no markup a user types survives.

    The text is escaped first, then only our own tags are added, and nh3 cleans the result
    as a second line of defence.
    """
    paragraphs = [p for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    html = "".join(
        "<p>" + "<br>".join(_line(line) for line in p.strip().split("\n")) + "</p>"
        for p in paragraphs)
    return Markup(nh3.clean(html, tags={"p", "br", "a"}, attributes={"a": {"href"}},
                            url_schemes={"http", "https"}, link_rel="nofollow ugc noopener"))


def slug_of(name):
    """An address made of a name: lower case, no accents, words joined by hyphens."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:80]


def containing(column, word):
    """``column`` LIKE a pattern holding ``word`` as written, its wildcards escaped; the same
    on SQLite and PostgreSQL for texts stored folded (``fold``)."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(f"%{escaped}%", escape="\\")
