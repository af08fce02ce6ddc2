"""Reading the quarterly CSV of official reports: one row per goal."""
import codecs
import csv
import io

from portal.translation import lazy_gettext as _l, lazy_ngettext as _nl

from .structure import FileFormatError

CSV_HEADER = ("code", "status", "progress_pct", "delivered", "narrative", "sources", "cause",
              "pim", "devengado", "cui")
SOURCE_SEPARATOR = "|"


def line_label(number):
    return _l("line %(number)s", number=number)


def is_text(text):
    """No control characters but line breaks and tabs: what a spreadsheet writes as CSV."""
    return not any(ord(c) < 32 and c not in "\t\r\n" for c in text)


def not_a_table():
    return FileFormatError(line_label(1), _l(
        "the file is neither a CSV nor an Excel workbook (.xlsx); choose the CSV or the "
        "workbook of the reports and try again"))


def read_text(data):
    """The file's text as a spreadsheet saved it: UTF-8 (with or without its mark), or the
    Windows code page a Spanish-locale Excel writes "CSV (delimitado por comas)" in. A photo
    or any other file given a .csv name is told so, not read as text."""
    head = data[:4096]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head:
        encoding = "utf-16" if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) \
            else "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
        if is_text(head[:len(head) // 2 * 2].decode(encoding, errors="replace")):
            raise FileFormatError(line_label(1), _l(
                "the file is UTF-16 text (“Unicode text”); save it as “CSV UTF-8” and try "
                "again"))
        raise not_a_table()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:  # bytes Windows-1252 leaves undefined: Latin-1 has them all
            text = data.decode("latin-1")
    if not is_text(text[:4096]):
        raise not_a_table()
    return text


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
                errors.append((start, _nl("the row has %(num)s field; it needs %(expected)s",
                                          "the row has %(num)s fields; it needs %(expected)s",
                                          len(record), expected=len(CSV_HEADER))))
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
