"""Charts drawn on the server as SVG: no script, readable by screen readers, printable.

Every chart carries a <title> and a <desc> that state its figures, and writes each figure
as text beside what it draws, so the numbers are there for whoever cannot see the shapes.
"""
import hashlib
from math import cos, radians

from flask_babel import format_decimal
from flask_babel import gettext as _
from markupsafe import Markup, escape

# Text is drawn at its CSS size whatever the width of the screen: the picture has no viewBox,
# so nothing scales its labels down on a phone. What runs across (bars, the line, positions)
# is in percentages of the width; heights are in pixels.
LABEL_LINE = 18  # a label and its figure, above their bar
BAR_HEIGHT = 14
GAP = 12


def number(value):
    return format_decimal(value, format="#,##0.#")


def _svg(title, description, height, body, kind="chart-bars"):
    uid = hashlib.sha1(f"{title}|{body}".encode()).hexdigest()[:10]
    return Markup(
        f'<svg class="chart {kind}" role="img" width="100%" height="{height}" '
        f'aria-labelledby="chart-{uid}-title chart-{uid}-desc" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="chart-{uid}-title">{escape(title)}</title>'
        f'<desc id="chart-{uid}-desc">{escape(description)}</desc>{body}</svg>')


def bars(title, rows, maximum):
    """Horizontal bars, each under its label and figure. ``rows`` are (label, value, css
    class, the figure as text)."""
    row_height = LABEL_LINE + BAR_HEIGHT + GAP
    height = len(rows) * row_height
    scale = 100 / (maximum or 1)
    parts = []
    for index, (label, value, css, text) in enumerate(rows):
        y = index * row_height
        width = max(float(value) * scale, 0)
        parts.append(
            f'<text class="chart-label" x="0" y="{y + LABEL_LINE - 5}">{escape(label)}</text>'
            f'<text class="chart-value" x="100%" y="{y + LABEL_LINE - 5}" text-anchor="end">'
            f'{escape(text)}</text>'
            f'<rect class="chart-track" x="0" y="{y + LABEL_LINE}" width="{maximum * scale:.1f}%" '
            f'height="{BAR_HEIGHT}"/>'
            f'<rect class="chart-bar chart-{escape(css)}" x="0" y="{y + LABEL_LINE}" '
            f'width="{width:.1f}%" height="{BAR_HEIGHT}"/>')
    figures = "; ".join(f"{label}: {text}" for label, _v, _c, text in rows)
    return _svg(f"{title}. {figures}", figures, height, "".join(parts))


def progress_bars(title, rows):
    """Progress in % of several things: rows are (label, percent)."""
    return bars(title, [(label, value, "progress", f"{number(value)} %")
                        for label, value in rows], 100)


def status_bars(title, rows):
    """How many goals have each status: rows are (label, count, status machine name)."""
    return bars(title, [(label, value, f"status-{status}", number(value))
                        for label, value, status in rows],
                max((value for _l, value, _s in rows), default=1))


def delivered_against_target(title, delivered, target):
    text = _("%(delivered)s of %(target)s", delivered=number(delivered), target=number(target))
    return bars(title, [(_("Delivered"), delivered, "delivered", text)],
                max(target, delivered, 1))


def official_against_citizens(title, progress, rating):
    """Official progress beside the residents' average rating, on one scale: 1 star is 0 %,
    5 stars 100 %. Each bar is labelled with its own figure."""
    rows = []
    if progress is not None:
        rows.append((_("Official progress"), float(progress), "official",
                     f"{number(progress)} %"))
    if rating is not None:
        rows.append((_("Residents' rating"), (rating - 1) / 4 * 100, "citizens",
                     _("%(average)s of 5", average=format_decimal(rating, format="0.0"))))
    return bars(title, rows, 100) if rows else Markup("")


def progress_over_quarters(title, quarters, points):
    """A step chart of physical progress over the plan's quarters.

    ``quarters`` are all the plan's quarters in order; ``points`` maps a quarter to its
    reported progress; the line holds a value until the next report. Each grid line's
    percentage is written above it at the left.
    """
    # The plot's margins are percentages of the width: on the left, room for the grid's
    # figures; on the right, for half the latest figure.
    height, top, bottom, left, right = 220, 22, 30, 12, 5
    step = (100 - left - right) / max(len(quarters) - 1, 1)

    def y_of(value):
        return top + (height - top - bottom) * (1 - float(value) / 100)

    grid, line, parts = [], [], []
    for value in (0, 25, 50, 75, 100):
        y = y_of(value)
        grid.append(f'<line class="chart-grid" x1="0" x2="100%" y1="{y:.1f}" y2="{y:.1f}"/>'
                    f'<text class="chart-axis" x="0" y="{y - 4:.1f}">{value} %</text>')
    reported = [quarter for quarter in quarters if quarter in points]
    last = None  # where the line stands: (x %, y)
    for index, quarter in enumerate(quarters):
        x = left + index * step
        if quarter.endswith("T1"):
            parts.append(f'<text class="chart-axis" x="{x:.1f}%" y="{height - 8}">'
                         f'{quarter[:4]}</text>')
        if quarter in points:
            y = y_of(points[quarter])
            if last:
                line.append(_segment(last, (x, last[1])) + _segment((x, last[1]), (x, y)))
            last = (x, y)
            latest = " chart-latest" if quarter == reported[-1] else ""
            parts.append(f'<circle class="chart-point" cx="{x:.1f}%" cy="{y:.1f}" r="4"/>'
                         f'<text class="chart-value{latest}" x="{x:.1f}%" y="{y - 8:.1f}" '
                         f'text-anchor="middle">{number(points[quarter])} %</text>')
    if last:
        line.append(_segment(last, (100 - right, last[1])))
    figures = "; ".join(f"{q}: {number(points[q])} %" for q in quarters if q in points)
    description = figures or _("No progress reported yet.")
    return _svg(f"{title}. {description}", description, height, "".join(line + grid + parts),
                "chart-steps")


def _segment(start, end):
    """A straight piece of the step chart's line, from and to (x %, y)."""
    return (f'<line class="chart-line" x1="{start[0]:.1f}%" y1="{start[1]:.1f}" '
            f'x2="{end[0]:.1f}%" y2="{end[1]:.1f}"/>')


def plan_figures(progress, labels):
    """The charts of a set of goals: one function per picture pages show."""
    return _Figures(progress, labels)


class _Figures:
    def __init__(self, progress, labels):
        self.progress = progress
        self.labels = labels

    def progress_of(self, title, groups):
        """Average progress of groups of goals: ``groups`` are (label, goals)."""
        return progress_bars(title, [(label, self.progress.summary(goals).average or 0)
                                     for label, goals in groups])

    def statuses_of(self, title, goals):
        summary = self.progress.summary(goals)
        return status_bars(title, [(self.labels[status], count, status)
                                   for status, count in summary.statuses()])


# A map's width in its own units; its height follows the area drawn.
MAP_WIDTH = 400
# Progress classes of a map's points, lowest first; a municipality without a plan is "none".
MAP_CLASSES = ("none", "p0", "p25", "p50", "p75")


def map_class(average):
    """The class of a point: none without a plan, else its progress by quarter of the way."""
    if average is None:
        return "none"
    return MAP_CLASSES[1 + min(int(average) // 25, 3)]


def points_map(title, description, points):
    """Points at their (longitude, latitude), in the box they span, projected as the plate
    carrée corrected for the middle latitude: one path of dots per class, so that a country
    of 1,600 points is a few kilobytes. ``points`` are (longitude, latitude, class), and
    a name to write beside it where the map has few."""
    if not points:
        return Markup("")
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    across = cos(radians((north + south) / 2))
    span = max((east - west) * across, north - south, 0.05)
    scale = MAP_WIDTH / span
    margin = 8 if len(points) > 30 else 24
    width = (east - west) * across * scale + 2 * margin
    height = (north - south) * scale + 2 * margin
    paths = {css: [] for css in MAP_CLASSES}
    labels = []
    for longitude, latitude, css, *label in points:
        x = (longitude - west) * across * scale + margin
        y = (north - latitude) * scale + margin
        paths[css].append(f"M{x:.1f} {y:.1f}h0")
        if label:  # a few points are named beside themselves, inward
            anchor, dx = ("end", -10) if x > width / 2 else ("start", 10)
            labels.append(f'<text class="map-label" x="{x + dx:.1f}" y="{y + 5:.1f}" '
                          f'text-anchor="{anchor}">{escape(label[0])}</text>')
    dot = 6 if len(points) > 200 else 12
    body = "".join(f'<path class="map-{css}" stroke-width="{dot}" d="{"".join(moves)}"/>'
                   for css, moves in paths.items() if moves) + "".join(labels)
    uid = hashlib.sha1(f"{title}|{body}".encode()).hexdigest()[:10]
    return Markup(
        f'<svg class="map" role="img" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'aria-labelledby="map-{uid}-title map-{uid}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="map-{uid}-title">{escape(title)}</title>'
        f'<desc id="map-{uid}-desc">{escape(description)}</desc>{body}</svg>')
