"""Reading the quarterly CSV of official reports: one row per goal."""
import codecs
import csv
import io

from portal.translation import lazy_gettext as _l

from .structure import FileFormatError

CSV_HEADER = ("code", "status", "progress_pct", "delivered", "narrative", "sources", "cause",
              "pim", "devengado", "cui")
SOURCE_SEPARATOR = "|"


def line_label(number):
    return _l("line %(number)s", number=number)


def read_text(data):
    """The file's text as a spreadsheet saved it: UTF-8 (with or without its mark), or the
    Windows code page a Spanish-locale Excel writes "CSV (delimitado por comas)" in."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data[:4096]:
        raise FileFormatError(line_label(1), _l(
            "the file is UTF-16 text (“Unicode text”); save it as “CSV UTF-8” and try again"))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:  # bytes Windows-1252 leaves undefined: Latin-1 has them all
        return data.decode("latin-1")


def separator(first_line):
    """A comma, or the semicolon (or tab) a spreadsheet in a Spanish locale separates with,
    whichever splits the header into its columns."""
    for candidate in (",", ";", "\t"):
        if len(first_line.split(candidate)) == len(CSV_HEADER):
            return candidate
    return ","


def parse_reports_csv(data):
    """Rows as (line, fields) and the rows' shape errors as (line, message).

    A file that cannot be read as text, is empty or lacks the header raises FileFormatError.
    """
    text = read_text(data)
    if not text.strip():
        raise FileFormatError(line_label(1), _l("the file is empty"))
    delimiter = separator(text.splitlines()[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = tuple(cell.strip().lower() for cell in next(reader))
    if header != CSV_HEADER:
        raise FileFormatError(line_label(1), _l(
            "the first line must be exactly: %(header)s (or the same names separated by "
            "semicolons)", header=",".join(CSV_HEADER)))
    rows, errors = [], []
    line = reader.line_num + 1
    try:
        for record in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in record[1:]):
                continue  # empty, or a goal of the template left as it came: nothing to say
            if len(record) != len(CSV_HEADER):
                errors.append((start, _l("the row has %(count)s fields; it needs %(expected)s",
                                         count=len(record), expected=len(CSV_HEADER))))
                continue
            rows.append((start, fields_of(record)))
    except csv.Error as error:
        raise FileFormatError(line_label(reader.line_num), _l(
            "the CSV cannot be read (%(reason)s)", reason=str(error))) from None
    return rows, errors


def fields_of(cells):
    """One row's cells as the report's fields; the sources split on the separator."""
    fields = dict(zip(CSV_HEADER, cells, strict=True))
    fields["sources"] = [s for s in fields["sources"].split(SOURCE_SEPARATOR) if s.strip()]
    return fields


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
