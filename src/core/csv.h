/*
 * CSV export of roll-up tables, as RFC 4180 describes it: a header row, then one row per
 * record, fields separated by commas, lines ended by CRLF, a field quoted when it holds a comma,
 * a quote, CR or LF, with quotes doubled. A text cell a spreadsheet would read as a formula
 * (starting with =, +, -, @, a tab or CR) is prefixed with ' so that opening an export in
 * Excel or LibreOffice never runs anything; numbers are written as numbers.
 */
#ifndef EP_CSV_H
#define EP_CSV_H

#include <jansson.h>

/* Writes rows, a JSON array of objects, as CSV. The columns are the keys of the objects in
 * the order they first appear (keys missing from a row give empty cells); strings, integers,
 * reals (shortest form that reads back the same) and booleans (true/false) are written; null,
 * arrays and objects give empty cells. Returns a malloc'd NUL-terminated text (its length in
 * *len), or NULL when rows is not an array of objects or memory runs out. An empty array
 * gives an empty text. */
char *ep_csv_from_rows(const json_t *rows, size_t *len);

#endif
