"""Answers and their history written on PostgreSQL: the fast path of
`assessments.services._write_answers`, which picks it."""

import json
from collections.abc import Sequence

from django.db import connection

from assessments.models import Answer


def write_answers(
    created: list[dict],
    changed: list[dict],
    *,
    by,
    at,
    columns: Sequence[str],
    changing: Sequence[str],
) -> None:
    """Stage the rows in a temporary table with one COPY, then move them into the answers
    and, as stored there, into their history with one statement for the new and one for
    the changed: no Python per row but the COPY's. `columns` are every column of an
    answer (what a history row copies), `changing` those a change sets."""
    quote = connection.ops.quote_name
    answers, history = (quote(m._meta.db_table) for m in (Answer, Answer.history.model))
    fields = ", ".join(columns)
    to_history = (
        f"INSERT INTO {history} ({fields}, history_date, history_change_reason, "  # noqa: S608
        "history_type, history_user_id) "
        f"SELECT {fields}, %s, NULL, %s, %s FROM written"
    )
    instruments = list(columns).index("instruments")
    with connection.cursor() as cursor:
        # Emptied at every commit; truncated here for a second batch in one transaction.
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS answers_to_write ON COMMIT DELETE ROWS "  # noqa: S608
            f"AS SELECT {fields} FROM {answers} WITH NO DATA"
        )
        cursor.execute("TRUNCATE answers_to_write")
        with cursor.cursor.copy(f"COPY answers_to_write ({fields}) FROM STDIN") as copy:
            for answer in (*created, *changed):
                row = [answer[f] for f in columns]
                row[instruments] = json.dumps(row[instruments]) if row[instruments] else "[]"
                copy.write_row(row)
        if created:
            new_fields = ", ".join(f for f in columns if f != "id")
            cursor.execute(
                f"WITH written AS (INSERT INTO {answers} ({new_fields}) "  # noqa: S608
                f"SELECT {new_fields} FROM answers_to_write WHERE id IS NULL "
                f"RETURNING {fields}) {to_history}",
                [at, "+", by.pk],
            )
        if changed:
            cursor.execute(
                f"WITH written AS (UPDATE {answers} AS a SET "  # noqa: S608
                f"{', '.join(f'{f} = s.{f}' for f in changing)} "
                "FROM answers_to_write AS s WHERE a.id = s.id "
                f"RETURNING {', '.join(f'a.{f}' for f in columns)}) {to_history}",
                [at, "~", by.pk],
            )
