/*
 * Charts drawn on the server as inline SVG, for the monitoring pages: KPI actuals against the
 * target over reporting rounds (lines), action status per OAP (stacked bars), participation of
 * countries and organisations in actions (heat map), funding allocated against used (paired bars).
 *
 * Each function appends exactly one <svg role="img"> element to out, labelled by a <title> and a
 * <desc> whose ids derive from the caller's id ("kpi-12" gives "kpi-12-t" and "kpi-12-d"), so
 * the id must be unique in the page and may hold only [A-Za-z0-9-] (1..64 characters).
 *
 * The output is safe to inline in a page with a strict Content-Security-Policy: no style
 * attribute or element, no script, no external reference, no foreignObject; only presentation
 * attributes and class names ("chart chart-lines", "series s0", "pt", "tick", ...). Every text
 * that comes from the data (titles, labels, names, units) is XML-escaped, invalid UTF-8 and
 * control characters are replaced, and long labels are shortened with an ellipsis (the full text
 * stays in the element's tooltip <title>). Colours are the Okabe-Ito colour-blind-safe palette
 * (darkened where a line needs 3:1 contrast on white) and a single-hue ramp for the heat map;
 * lines also differ by dash pattern and marker shape, and values are printed where they fit, so
 * no chart relies on colour alone.
 *
 * Values: a non-finite value, or one beyond +-EP_CHART_VALUE_MAX, is missing (a gap in a line, no
 * bar), never printed as "nan" or "inf"; negative counts in a stacked bar are missing too. Axes
 * have round ticks that cover the data (0 included for counts and money). Numbers are printed
 * with at most 6 significant digits (millions and billions shortened to "M" and "bn").
 *
 * Status: EP_E_INVALID for a bad id, a NULL array where items are expected or a heat level outside
 * -1..nlevels-1; EP_E_LIMIT for more than EP_CHART_MAX_ITEMS rows, columns or x points, more than
 * EP_CHART_MAX_KEYS series, categories or levels, or when out reaches its cap. On any error out
 * is left as it was. Empty data (no x point, row, column, series or category) is not an error: the
 * chart is a small SVG that says "No data yet". The same input always gives the same bytes.
 */
#ifndef EP_CHART_H
#define EP_CHART_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/status.h"

#define EP_CHART_MAX_ITEMS 500  /* rows, columns, x points */
#define EP_CHART_MAX_KEYS 8     /* series, categories, levels: one legend entry each */
#define EP_CHART_VALUE_MAX 1e15 /* larger magnitudes are treated as missing */
#define EP_CHART_ID_MAX 64

/* One line of a line chart: nx values; present (may be NULL: all present) marks the known ones. */
typedef struct ep_series {
	const char *name;
	const double *values;
	const bool *present;
} ep_series;

/* A line chart of KPI values over reporting rounds: xlabels are the rounds ("2018-H1"), one or more
 * series (actual, target), a missing value is a gap in the line, not zero. unit (may be NULL) is
 * shown over the value axis and in tooltips ("%", "cases"). */
ep_status ep_chart_lines(ep_buf *out, const char *id, const char *title, const char *desc, const char *const *xlabels,
                         size_t nx, const ep_series *series, size_t nseries, const char *unit);

/* Horizontal stacked bars of counts (action status per OAP): one bar per row, one segment per
 * category; counts is nrows * ncats, row-major. Each bar ends with its total. */
ep_status ep_chart_stacked(ep_buf *out, const char *id, const char *title, const char *desc, const char *const *rows,
                           size_t nrows, const char *const *cats, size_t ncats, const double *counts);

/* A heat map (participation matrix): rows (actions) x columns (countries, organisations); levels is
 * nrows * ncols, row-major, each a level 0..nlevels-1 (0 none, 1 invited, 2 confirmed, 3 leader) or
 * -1 for an empty cell. The legend names each level; cells show their level number when wide
 * enough. */
ep_status ep_chart_heat(ep_buf *out, const char *id, const char *title, const char *desc, const char *const *rows,
                        size_t nrows, const char *const *cols, size_t ncols, const int *levels,
                        const char *const *level_names, size_t nlevels);

/* Paired horizontal bars per row (grant, action): a (allocated) above b (used), both in unit
 * (may be NULL, e.g. "EUR"); the b label adds its share of a ("(83%)"). */
ep_status ep_chart_pairs(ep_buf *out, const char *id, const char *title, const char *desc, const char *const *rows,
                         size_t nrows, const char *a_name, const double *a, const char *b_name, const double *b,
                         const char *unit);

#endif
