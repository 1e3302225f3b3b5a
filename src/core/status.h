/*
 * The one status vocabulary of empact. Every fallible function returns an ep_status; where
 * the caller needs to know why, it also fills an ep_err with a human message and, when the
 * problem is with one input, the field it concerns. HTTP maps statuses to response codes in one
 * place; the command line maps them to exit codes.
 */
#ifndef EP_STATUS_H
#define EP_STATUS_H

#include <stdarg.h>
#include <stddef.h>

typedef enum ep_status {
	EP_OK = 0,
	EP_E_INVALID,  /* the input is wrong: a bad value, a missing field, a malformed file */
	EP_E_NOTFOUND, /* what was asked for does not exist (or may not be seen) */
	EP_E_DENIED,   /* the caller may not do this */
	EP_E_CONFLICT, /* the input clashes with what is stored: a duplicate, a stale version */
	EP_E_LIMIT,    /* a size, count or rate limit was reached */
	EP_E_INTERNAL, /* a fault of empact or its environment: I/O, the database, memory */
} ep_status;

#define EP_ERR_FIELD_MAX 256
#define EP_ERR_MSG_MAX 512

typedef struct ep_err {
	ep_status status;
	char field[EP_ERR_FIELD_MAX]; /* the input the problem concerns, or "" */
	char msg[EP_ERR_MSG_MAX];     /* a sentence for a person */
} ep_err;

/* The stable lower-case name of a status ("invalid", "not_found", ...). */
const char *ep_status_name(ep_status s);

/* Fills err (if not NULL) and returns s, so that callers can write `return ep_err_set(...)`. */
ep_status ep_err_set(ep_err *err, ep_status s, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
ep_status ep_err_vset(ep_err *err, ep_status s, const char *field, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));
void ep_err_clear(ep_err *err);

/*
 * A list of problems, for validation that reports every problem instead of the first. Each
 * entry has the path of the input (a JSON path such as "$.cycles[0].label", or a field name)
 * and a message. The list is capped: past EP_ERRS_MAX entries it counts but does not keep.
 */
#define EP_ERRS_MAX 1000

typedef struct ep_problem {
	char *path;
	char *msg;
	ep_status status;
} ep_problem;

typedef struct ep_errs {
	ep_problem *items;
	size_t n, cap;
	size_t dropped; /* problems past the cap, counted only */
} ep_errs;

void ep_errs_init(ep_errs *e);
void ep_errs_release(ep_errs *e);
void ep_errs_add(ep_errs *e, ep_status s, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
size_t ep_errs_count(const ep_errs *e);

#endif
