"""Reading the quarterly CSV of official reports: one row per goal."""
import csv
import io

from portal.translation import lazy_gettext as _l

from .structure import FileFormatError

CSV_HEADER = ("code", "status", "progress_pct", "delivered", "narrative", "sources", "cause",
              "pim", "devengado", "cui")
SOURCE_SEPARATOR = "|"


def _line(number):
    return _l("line %(number)s", number=number)


def parse_reports_csv(data):
    """Rows as (line, fields) and the rows' shape errors as (line, message).

    A file that is not UTF-8, is empty or lacks the header raises FileFormatError.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise FileFormatError(_line(line), _l(
            "the file is not UTF-8 text; save it as “CSV UTF-8” and try again")) from None
    if not text.strip():
        raise FileFormatError(_line(1), _l("the file is empty"))
    reader = csv.reader(io.StringIO(text, newline=""))
    header = tuple(cell.strip().lower() for cell in next(reader))
    if header != CSV_HEADER:
        raise FileFormatError(_line(1), _l("the first line must be exactly: %(header)s",
                                           header=",".join(CSV_HEADER)))
    rows, errors = [], []
    line = reader.line_num + 1
    try:
        for record in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(CSV_HEADER):
                errors.append((start, _l("the row has %(count)s fields; it needs %(expected)s",
                                         count=len(record), expected=len(CSV_HEADER))))
                continue
            fields = dict(zip(CSV_HEADER, record, strict=True))
            fields["sources"] = [s for s in fields["sources"].split(SOURCE_SEPARATOR) if s.strip()]
            rows.append((start, fields))
    except csv.Error as error:
        raise FileFormatError(_line(reader.line_num), _l(
            "the CSV cannot be read (%(reason)s)", reason=str(error))) from None
    return rows, errors


def template_csv(goals):
    """A CSV with the header and one row per goal, its code filled in.

    It starts with a byte-order mark: without it a spreadsheet takes UTF-8 for the
    system's code page and mangles every accent typed into the file.
    """
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for goal in goals:
        writer.writerow([goal.code] + [""] * (len(CSV_HEADER) - 1))
    return out.getvalue()
