/*
 * Council documents from the data: rendering a document, an OAP, a cycle's strategic goals or
 * a roll-up at a release level in a format, and the partial declassification of a document
 * (propose, sign off, issue the EXT version).
 */
#ifndef EP_SVC_DOC_H
#define EP_SVC_DOC_H

#include <stdint.h>

#include "core/buf.h"
#include "core/status.h"
#include "db/db.h"
#include "db/db_res.h"
#include "svc/svc_res.h"

typedef enum ep_doc_target_kind {
	EP_DOCT_DOCUMENT, /* a Council document (an EXT version included) */
	EP_DOCT_OAP,      /* an OAP: its Council document if it has one, else the plan alone */
	EP_DOCT_CYCLE,    /* a cycle's strategic goals note: its document if it has one */
	EP_DOCT_OAP_REPORT, /* the OAP monitoring report of a round */
	EP_DOCT_OVERVIEW,   /* the cross-priority overview of a round */
} ep_doc_target_kind;

typedef struct ep_doc_target {
	ep_doc_target_kind kind;
	int64_t id;       /* of the document, OAP, cycle or (overview) round */
	int64_t round_id; /* the OAP report's round; 0: the latest */
} ep_doc_target;

/* A rendered document: the bytes, their type, a file name, and what they show. */
typedef struct ep_doc_file {
	ep_buf body;
	const char *mime;
	char filename[160];
	char number[96];     /* the Council number shown, or "" */
	char shown[48];      /* the classification token of what is shown */
	int shown_limite;
	char release[24];
} ep_doc_file;

/* The largest rendered document by default (the configuration may lower or raise it). */
#define EP_DOC_MAX_BYTES ((size_t)64 << 20)

/*
 * Renders target at release level `release` in `format` into out->body (ep_buf_init'd here with
 * cap max_bytes; release it after use, also on failure). vis: what the caller may read (NULL:
 * the command line, everything). EP_E_INVALID names an unknown format or release level;
 * EP_E_NOTFOUND when the target does not exist or the caller may not read it; EP_E_DENIED when
 * the release level is above the caller's clearance (or LIMITE for a caller who may not read
 * it); EP_E_LIMIT when the document is larger than max_bytes.
 */
ep_status ep_svc_doc_render(ep_db *db, const ep_vis *vis, const ep_doc_target *t, const char *format,
			    const char *release, size_t max_bytes, ep_doc_file *out, ep_err *err);

/* The document id of "15850/11", "13874/17 EXT 1" or "12" (an id). EP_E_NOTFOUND if none. */
ep_status ep_svc_doc_resolve(ep_db *db, const char *ref, int64_t *id, ep_err *err);

/*
 * Proposes the partial declassification of document id: creates its next EXT version (or the
 * suffix given, "EXT n"), unissued, with the redaction map `decisions` (a JSON array of
 * {"passage" | "section", "decision": released | deleted | not_declassified, "reason"}), which
 * must decide every passage of the document and every section of its OAP, with a reason for
 * each removal and never releasing text empact does not hold. The EXT version's own cover
 * passage says what it is. Audited. *ext_id gets the new version's id.
 */
ep_status ep_svc_doc_propose(ep_db *db, const ep_actor *who, const ep_vis *vis, int64_t id, json_t *body,
			     int64_t *ext_id, ep_errs *errs, ep_err *err);
/* Replaces the redaction map of an unissued EXT version, at version (EP_E_CONFLICT if stale). */
ep_status ep_svc_doc_redactions_put(ep_db *db, const ep_actor *who, const ep_vis *vis, int64_t ext_id,
				    int64_t version, json_t *body, ep_errs *errs, ep_err *err);
/* Signs an unissued EXT version off and issues it: dated today, frozen. The proposer may not
 * sign off their own proposal (EP_E_CONFLICT). */
ep_status ep_svc_doc_sign_off(ep_db *db, const ep_actor *who, const ep_vis *vis, int64_t ext_id, int64_t version,
			      const char *today, ep_err *err);
/* The declassification record of an EXT version: its state, proposer, signer and map. */
ep_status ep_svc_doc_declassification(ep_db *db, const ep_vis *vis, int64_t ext_id, json_t **out, ep_err *err);
/*
 * What a proposal on document id must decide, for a person to decide it: every passage of the
 * original in order (key, heading, whether it continues a paragraph, whether empact holds its
 * text, the text), every section of its OAP (number, title, whether its text is held, the
 * text), every priority of its strategic goals note (code, title; decided as a "section" named
 * by its code), each with its classification and marking. A part above the caller's clearance
 * is listed by its key or number alone, without heading or text ("readable": false). For an
 * original ("kind": "original"); for an unissued EXT version ("kind": "proposal") the same of
 * its original, plus its current map ("decisions") and version, which a change of the map
 * (ep_svc_doc_redactions_put) sends back.
 * The same refusals as proposing: EP_E_NOTFOUND for a document the caller may not see,
 * EP_E_DENIED without clearance for the whole original, EP_E_CONFLICT for an issued EXT
 * version (it can no longer change). *out is the caller's.
 */
ep_status ep_svc_doc_declass_subject(ep_db *db, const ep_vis *vis, int64_t id, json_t **out, ep_err *err);

#endif
