"""The quarterly reports as an Excel workbook (.xlsx): the template offices fill in, and
reading it back with the same columns as the CSV."""
import io
import zipfile
from datetime import date, datetime

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from portal.translation import lazy_gettext as _l

from .reports_csv import CSV_HEADER, fields_of, line_label, parse_reports_csv
from .structure import FileFormatError

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET = "reportes"


def _row(number):
    return _l("row %(number)s", number=number)


def _text(value):
    """A cell as the text the CSV would hold: numbers without a float's noise."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.6f}".rstrip("0")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def parse_reports_xlsx(data):
    """Rows as (row number, fields) and the rows' shape errors, from the workbook's first
    sheet (or the one named "reportes"); the first row is the header."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise FileFormatError(_row(1), _l(
            "the workbook cannot be opened; save it again as “Excel workbook (.xlsx)”")) from None
    try:
        sheet = workbook[SHEET] if SHEET in workbook.sheetnames else workbook.worksheets[0]
        cells = sheet.iter_rows(values_only=True)
        header = tuple(_text(value).strip().lower() for value in next(cells, ()))
        while header and not header[-1]:
            header = header[:-1]
        if header != CSV_HEADER:
            raise FileFormatError(_row(1), _l("the first row must hold exactly these columns: "
                                              "%(header)s", header=", ".join(CSV_HEADER)))
        rows, errors = [], []
        for number, values in enumerate(cells, start=2):
            texts = [_text(value) for value in values]
            if not any(text.strip() for text in texts[1:]):
                continue  # empty, or a goal of the template left as it came: nothing to say
            if any(text.strip() for text in texts[len(CSV_HEADER):]):
                errors.append((number, _l("the row has values beyond column %(column)s, "
                                          "“%(name)s”", column="J", name=CSV_HEADER[-1])))
                continue
            texts = (texts + [""] * len(CSV_HEADER))[:len(CSV_HEADER)]
            rows.append((number, fields_of(texts)))
        return rows, errors
    finally:
        workbook.close()


# Where each column of the template is, and how it is typed.
COLUMN = {name: chr(ord("A") + index) for index, name in enumerate(CSV_HEADER)}


def template_xlsx(goals, statuses, goal_heading, text_heading):
    """A workbook with one row per goal, its code filled in: the status a drop-down list,
    the figures typed as numbers, and a second sheet with each goal's words."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(CSV_HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for goal in goals:
        sheet.append([goal.code])
    last = len(goals) + 1

    def check(kind, column, **options):
        validation = DataValidation(type=kind, allow_blank=True, showErrorMessage=True,
                                    **options)
        sheet.add_data_validation(validation)
        validation.add(f"{COLUMN[column]}2:{COLUMN[column]}{last}")

    check("list", "status", formula1='"' + ",".join(statuses) + '"')
    check("decimal", "progress_pct", operator="between", formula1="0", formula2="100")
    check("whole", "delivered", operator="greaterThanOrEqual", formula1="0")
    for column in ("pim", "devengado"):
        check("decimal", column, operator="greaterThanOrEqual", formula1="0")
    formats = {"progress_pct": "0.00", "delivered": "0", "pim": "#,##0.00",
               "devengado": "#,##0.00", "cui": "@"}  # a CUI is a code: kept as text
    for column, number_format in formats.items():
        for (cell,) in sheet[f"{COLUMN[column]}2:{COLUMN[column]}{last}"]:
            cell.number_format = number_format
    widths = {"code": 8, "status": 24, "narrative": 60, "sources": 40, "cause": 30}
    for column in CSV_HEADER:
        sheet.column_dimensions[COLUMN[column]].width = widths.get(column, 14)
    sheet.freeze_panes = "B2"

    words = workbook.create_sheet("metas")
    words.append([goal_heading, text_heading])
    for cell in words[1]:
        cell.font = Font(bold=True)
    for goal in goals:
        words.append([goal.code, goal.text])
    words.column_dimensions["B"].width = 100
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


ZIP = b"PK\x03\x04"  # an .xlsx workbook is a zip
OLD_EXCEL = b"\xd0\xcf\x11\xe0"  # the .xls of Excel 97–2003


def parse_reports(data):
    """A quarter's reports from a CSV or an .xlsx workbook, told apart by their content,
    never their name: (rows, errors, place), ``place`` naming a row in the file's terms."""
    if data.startswith(OLD_EXCEL):
        raise FileFormatError(_row(1), _l(
            "the file is an old Excel workbook (.xls); save it as “Excel workbook (.xlsx)” "
            "or as “CSV UTF-8” and try again"))
    if data.startswith(ZIP):
        return (*parse_reports_xlsx(data), _row)
    return (*parse_reports_csv(data), line_label)
