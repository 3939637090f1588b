"""The offline template of one assessment: an XLSX workbook to fill in and upload back.

Sheet `responses` has the import columns of DESIGN §5 (country, cycle, actor, indicator,
value, evidence, perspective), one row per indicator in scope, prefilled with the current
answers — so uploading it unchanged imports cleanly and changes nothing — followed by three
helper columns (question, allowed values, documents — the names of the files attached to
each answer as evidence) that the importer ignores. Sheet `instructions`
says how to fill it in.

Text cells are stored as text with Excel's quote prefix, never as formulas, so a value
that begins with = + - or @ is neither run by a spreadsheet nor altered on its way back.
"""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from assessments.models import Assessment
from assessments.stocktake import sheet as stock_sheet
from assessments.values import format_value
from coherence.choices import AnswerType

COLUMNS = ("country", "cycle", "actor", "indicator", "value", "evidence", "perspective")
HELPERS = ("question", "allowed values", "documents")
WIDTHS = {"evidence": 50, "question": 70, "allowed values": 34, "indicator": 12, "documents": 40}

_LISTS = {
    AnswerType.YES_NO: ["yes", "no"],
    AnswerType.THREE_LEVEL: ["0", "5", "10"],
    AnswerType.SCALE: ["0", "1", "2", "3", "4"],
}


def allowed_values(indicator) -> str:
    """The values a cell accepts, in the reader's language."""
    described = {
        AnswerType.YES_NO: _("yes or no"),
        AnswerType.THREE_LEVEL: _("0, 5 or 10"),
        AnswerType.SCALE: _("a whole number from 0 to 4"),
        AnswerType.PERCENT: _("a number from 0 to 100"),
    }[indicator.answer_type]
    if indicator.allow_na:
        described = _("%(values)s, or n/a") % {"values": described}
    return _("%(values)s; empty = unanswered") % {"values": described}


def _cell_value(indicator, answer):
    if answer is None:
        return None
    text = format_value(indicator.answer_type, answer.value, answer.na)
    if text in ("", "n/a", "yes", "no"):
        return text or None
    number = float(text)
    return int(number) if number.is_integer() else number


def _text(cell, value) -> None:
    """Store text as text: no formula, shown as typed."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if value[:1] in ("=", "+", "-", "@"):
            cell.quotePrefix = True


def filename(assessment: Assessment) -> str:
    return f"coherence-{assessment.country_id}-{assessment.cycle}-{assessment.actor.code}.xlsx"


def template_bytes(assessment: Assessment, indicators, answers, documents=None) -> bytes:
    """The workbook of `assessment`. `indicators`: its framework's indicators in page
    order; `answers`: its answers (indicator_id → Answer); `documents`: indicator code →
    the names of the files attached to its answer."""
    documents = documents or {}
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "responses"
    header = [*COLUMNS, *HELPERS]
    for column, name in enumerate(header, 1):
        cell = sheet.cell(row=1, column=column, value=name)
        cell.font = Font(bold=True)
    validations: dict[tuple, DataValidation] = {}
    value_column = get_column_letter(COLUMNS.index("value") + 1)
    row = 1
    for indicator in indicators:
        if not indicator.in_scope(assessment.perspective):
            continue
        row += 1
        answer = answers.get(indicator.pk)
        values = [
            assessment.country_id,
            assessment.cycle,
            assessment.actor.code,
            indicator.code,
            _cell_value(indicator, answer),
            (answer.evidence if answer else "") or None,
            assessment.perspective,
            indicator.translated("question"),
            allowed_values(indicator),
            "; ".join(documents.get(indicator.code, [])) or None,
        ]
        for column, value in enumerate(values, 1):
            _text(sheet.cell(row=row, column=column), value)
        sheet.cell(row=row, column=header.index("evidence") + 1).alignment = Alignment(
            wrap_text=True, vertical="top"
        )
        sheet.cell(row=row, column=header.index("question") + 1).alignment = Alignment(
            wrap_text=True, vertical="top"
        )
        key = (indicator.answer_type, indicator.allow_na)
        if key not in validations:
            validations[key] = _validation(*key)
        if validations[key] is not None:
            validations[key].add(f"{value_column}{row}")
    for validation in validations.values():
        if validation is not None and validation.sqref:
            sheet.add_data_validation(validation)
    for column, name in enumerate(header, 1):
        sheet.column_dimensions[get_column_letter(column)].width = WIDTHS.get(name, 11)
    sheet.freeze_panes = "E2"
    _instructions(workbook.create_sheet("instructions"), assessment)
    stock_sheet.fill_sheet(workbook.create_sheet(stock_sheet.SHEET), assessment, _text)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _validation(answer_type: str, allow_na: bool) -> DataValidation | None:
    """A drop-down (or a range) on the value cells; advisory, the upload checks anyway."""
    if answer_type in _LISTS:
        options = _LISTS[answer_type] + (["n/a"] if allow_na else [])
        validation = DataValidation(
            type="list", formula1='"' + ",".join(options) + '"', allow_blank=True
        )
    elif not allow_na:
        validation = DataValidation(
            type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True
        )
    else:
        return None
    validation.error = _("See the column 'allowed values'.")
    validation.errorTitle = _("Value not allowed")
    validation.showErrorMessage = True
    return validation


def _instructions(sheet, assessment: Assessment) -> None:
    lines = [
        _("Coherence — offline template"),
        _("Assessment of %(country)s for %(cycle)s by %(actor)s (perspective: %(p)s).")
        % {
            "country": assessment.country_id,
            "cycle": assessment.cycle,
            "actor": assessment.actor.code,
            "p": assessment.perspective,
        },
        "",
        _("1. Fill in the column 'value' of the sheet 'responses', one row per indicator."),
        _(
            "2. The column 'allowed values' says what each row accepts; leave a cell empty "
            "for unanswered, write n/a for not applicable where it is allowed."
        ),
        _("3. Write your evidence in the column 'evidence': sources, documents, dates."),
        _(
            "4. Do not change the columns country, cycle, actor, indicator and perspective; "
            "the columns question and allowed values are only help and are not read back."
        ),
        _(
            "5. Upload the file on the assessment's page. Nothing is saved unless every row is "
            "correct: errors are listed by row and column."
        ),
        _("Instruments are not part of this file: choose them on the assessment's page."),
        _(
            "The column 'documents' names the files attached to each answer as evidence; it "
            "is not read back: attach or remove files on the assessment's page."
        ),
        _(
            "6. The sheet 'stocktake' lists the country's instruments (kind instrument: a "
            "catalogue code alone, or a new one's code, name, tool_type, levels) and their "
            "interactions (kind interaction: source, target, score −3 to +3, rationale; for "
            "−2 or −3 the mitigations as CODE: how; CODE: how, or none = yes)."
        ),
    ]
    for row, line in enumerate(lines, 1):
        _text(sheet.cell(row=row, column=1), line or None)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 120
