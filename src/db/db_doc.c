/*
 * Storage of Council documents: the document record, its subject codes and previous
 * documents, its passages, and (for an EXT version) its redaction map.
 */
#include "db/db_internal.h"

#include <string.h>

#include "core/banned.h"

ep_status ep_db_document_insert(ep_db *db, const ep_document *d, int64_t *id, ep_err *err)
{
	static const char SQL[] =
		"INSERT INTO council_documents (number, suffix, doc_date, language, kind, from_text, to_text, subject,"
		" classification, marking, initials, directorate, pages, cycle_id, oap_id, parent_id, new_status,"
		" frozen) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	const char *t1[] = {d->number, d->suffix ? d->suffix : "", d->date, d->language ? d->language : "en",
			    d->kind ? d->kind : "NOTE", d->from, d->to, d->subject};
	for (int i = 0; i < 8; i++)
		db_bind_text(st, 1 + i, t1[i]);
	db_bind_i64(st, 9, d->classification);
	db_bind_i64(st, 10, d->marking);
	db_bind_text(st, 11, d->initials);
	db_bind_text(st, 12, d->directorate);
	db_bind_id(st, 13, d->pages);
	db_bind_id(st, 14, d->cycle_id);
	db_bind_id(st, 15, d->oap_id);
	db_bind_id(st, 16, d->parent_id);
	db_bind_text(st, 17, d->new_status);
	db_bind_i64(st, 18, d->frozen);
	return db_insert_stmt(db, st, id, err, "storing a Council document");
}

ep_status ep_db_document_id(ep_db *db, const char *number, const char *suffix, int64_t *id, ep_err *err)
{
	static const char SQL[] = "SELECT id FROM council_documents WHERE number = ?1 AND suffix = ?2";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_text(st, 1, number);
	db_bind_text(st, 2, suffix ? suffix : "");
	return db_one_i64(db, st, id, err, "Council document");
}

static ep_status add_text_row(ep_db *db, const char *sql, int64_t document_id, const char *text,
			      int64_t position, ep_err *err, const char *what)
{
	sqlite3_stmt *st = db_stmt(db, sql, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, document_id);
	db_bind_i64(st, 2, position);
	db_bind_text(st, 3, text);
	return db_exec_stmt(db, st, err, what);
}

ep_status ep_db_document_code_add(ep_db *db, int64_t document_id, const char *code, int64_t position, ep_err *err)
{
	static const char SQL[] =
		"INSERT INTO document_subject_codes (document_id, position, code) VALUES (?1, ?2, ?3)";
	return add_text_row(db, SQL, document_id, code, position, err, "storing a subject code");
}

ep_status ep_db_document_previous_add(ep_db *db, int64_t document_id, const char *ref, int64_t position,
				      ep_err *err)
{
	static const char SQL[] =
		"INSERT INTO document_previous (document_id, position, reference) VALUES (?1, ?2, ?3)";
	return add_text_row(db, SQL, document_id, ref, position, err, "storing a previous document");
}

ep_status ep_db_documents_each(ep_db *db, int64_t cycle_id, ep_document_fn fn, void *ctx, ep_err *err)
{
	static const char SQL[] =
		"WITH carried AS ("
		"  SELECT d.id FROM council_documents d LEFT JOIN oaps o ON o.id = d.oap_id"
		"  LEFT JOIN priorities p ON p.id = o.priority_id"
		"  WHERE ?1 = 0 OR d.cycle_id = ?1 OR p.cycle_id = ?1)"
		" SELECT d.id, d.number, d.suffix, d.doc_date, d.language, d.kind, d.from_text, d.to_text, d.subject,"
		" d.initials, d.directorate, d.new_status, d.classification, d.marking, d.pages, d.cycle_id, d.oap_id,"
		" d.parent_id, d.frozen, d.version, c.label, oc.label, op.code, o.first_year, o.revision,"
		" par.number, par.suffix"
		" FROM council_documents d LEFT JOIN cycles c ON c.id = d.cycle_id"
		" LEFT JOIN oaps o ON o.id = d.oap_id LEFT JOIN priorities op ON op.id = o.priority_id"
		" LEFT JOIN cycles oc ON oc.id = op.cycle_id LEFT JOIN council_documents par ON par.id = d.parent_id"
		" WHERE d.id IN carried OR d.parent_id IN carried ORDER BY d.number, d.suffix";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, cycle_id);
	ep_status s = EP_OK;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ep_document_row r = {
			.doc = {
				.id = db_col_i64(st, 0),
				.number = db_col_text(st, 1),
				.suffix = db_col_text(st, 2),
				.date = db_col_text(st, 3),
				.language = db_col_text(st, 4),
				.kind = db_col_text(st, 5),
				.from = db_col_text(st, 6),
				.to = db_col_text(st, 7),
				.subject = db_col_text(st, 8),
				.initials = db_col_text(st, 9),
				.directorate = db_col_text(st, 10),
				.new_status = db_col_text(st, 11),
				.classification = (ep_class)db_col_i64(st, 12),
				.marking = (ep_marking)db_col_i64(st, 13),
				.pages = db_col_i64(st, 14),
				.cycle_id = db_col_i64(st, 15),
				.oap_id = db_col_i64(st, 16),
				.parent_id = db_col_i64(st, 17),
				.frozen = db_col_i64(st, 18) != 0,
				.version = db_col_i64(st, 19),
			},
			.cycle_label = db_col_text(st, 20),
			.oap_cycle = db_col_text(st, 21),
			.oap_priority = db_col_text(st, 22),
			.oap_first_year = db_col_i64(st, 23),
			.oap_revision = db_col_i64(st, 24),
			.parent_number = db_col_text(st, 25),
			.parent_suffix = db_col_text(st, 26),
		};
		if (fn(ctx, &r)) {
			s = DB_STOPPED(err);
			break;
		}
	}
	if (s == EP_OK && rc != SQLITE_DONE)
		s = db_fail(db, err, "reading Council documents");
	sqlite3_reset(st);
	return s;
}

ep_status ep_db_passage_insert(ep_db *db, const ep_passage *p, int64_t *id, ep_err *err)
{
	static const char SQL[] = "INSERT INTO document_passages (document_id, key, position, heading, text, inline,"
				  " classification, marking) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, p->document_id);
	db_bind_text(st, 2, p->key);
	db_bind_i64(st, 3, p->position);
	db_bind_text(st, 4, p->heading);
	db_bind_text(st, 5, p->text);
	db_bind_i64(st, 6, p->inline_);
	db_bind_i64(st, 7, p->classification);
	db_bind_i64(st, 8, p->marking);
	return db_insert_stmt(db, st, id, err, "storing a document passage");
}

ep_status ep_db_passage_exists(ep_db *db, int64_t document_id, const char *key, ep_err *err)
{
	static const char SQL[] = "SELECT id FROM document_passages WHERE document_id = ?1 AND key = ?2";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, document_id);
	db_bind_text(st, 2, key);
	int64_t id;
	return db_one_i64(db, st, &id, err, "document passage");
}

ep_status ep_db_passages_each(ep_db *db, int64_t document_id, ep_passage_fn fn, void *ctx, ep_err *err)
{
	static const char SQL[] = "SELECT id, document_id, position, key, heading, text, inline, classification,"
				  " marking, version FROM document_passages WHERE document_id = ?1 ORDER BY position";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, document_id);
	ep_status s = EP_OK;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ep_passage p = {db_col_i64(st, 0),	      db_col_i64(st, 1),	 db_col_i64(st, 2),
				db_col_text(st, 3),	      db_col_text(st, 4),	 db_col_text(st, 5),
				db_col_i64(st, 6) != 0,       (ep_class)db_col_i64(st, 7), (ep_marking)db_col_i64(st, 8),
				db_col_i64(st, 9)};
		if (fn(ctx, &p)) {
			s = DB_STOPPED(err);
			break;
		}
	}
	if (s == EP_OK && rc != SQLITE_DONE)
		s = db_fail(db, err, "reading document passages");
	sqlite3_reset(st);
	return s;
}

ep_status ep_db_redaction_insert(ep_db *db, const ep_redaction *r, ep_err *err)
{
	static const char SQL[] = "INSERT INTO document_redactions (document_id, position, passage_key, section_number,"
				  " decision, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, r->document_id);
	db_bind_i64(st, 2, r->position);
	db_bind_text(st, 3, r->passage_key);
	db_bind_text(st, 4, r->section_number);
	db_bind_text(st, 5, r->decision);
	db_bind_text(st, 6, r->reason);
	return db_exec_stmt(db, st, err, "storing a redaction decision");
}

ep_status ep_db_redactions_each(ep_db *db, int64_t document_id, ep_redaction_fn fn, void *ctx, ep_err *err)
{
	static const char SQL[] = "SELECT id, document_id, position, passage_key, section_number, decision, reason"
				  " FROM document_redactions WHERE document_id = ?1 ORDER BY position";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, document_id);
	ep_status s = EP_OK;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ep_redaction r = {db_col_i64(st, 0),  db_col_i64(st, 1),  db_col_i64(st, 2), db_col_text(st, 3),
				  db_col_text(st, 4), db_col_text(st, 5), db_col_text(st, 6)};
		if (fn(ctx, &r)) {
			s = DB_STOPPED(err);
			break;
		}
	}
	if (s == EP_OK && rc != SQLITE_DONE)
		s = db_fail(db, err, "reading the redaction map");
	sqlite3_reset(st);
	return s;
}

/* ---- partial declassification ---- */

ep_status ep_db_document_next_ext(ep_db *db, const char *number, int64_t *n, ep_err *err)
{
	/* "EXT 12" sorts by its number, not as text. */
	static const char SQL[] = "SELECT coalesce(max(CAST(substr(suffix, 5) AS INTEGER)), 0) + 1"
				  " FROM council_documents WHERE number = ?1 AND suffix LIKE 'EXT %'";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_text(st, 1, number);
	return db_one_i64(db, st, n, err, "next EXT number");
}

ep_status ep_db_redactions_clear(ep_db *db, int64_t document_id, ep_err *err)
{
	static const char SQL[] = "DELETE FROM document_redactions WHERE document_id = ?1";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, document_id);
	return db_exec_stmt(db, st, err, "clearing a redaction map");
}

ep_status ep_db_document_declass_set(ep_db *db, int64_t id, const char *state, const char *by, ep_err *err)
{
	static const char SQL[] = "UPDATE council_documents SET declass_state = ?2,"
				  " proposed_by = CASE WHEN ?2 = 'proposed' THEN ?3 ELSE proposed_by END,"
				  " signed_off_by = CASE WHEN ?2 = 'issued' THEN ?3 ELSE signed_off_by END WHERE id = ?1";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, id);
	db_bind_text(st, 2, state);
	db_bind_text(st, 3, by);
	return db_exec_stmt(db, st, err, "recording a declassification step");
}

ep_status ep_db_document_issue(ep_db *db, int64_t id, const char *date, ep_err *err)
{
	/* Issued: public, dated the day of release, frozen. */
	static const char SQL[] = "UPDATE council_documents SET doc_date = ?2, classification = 0, marking = 0,"
				  " frozen = 1 WHERE id = ?1";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, id);
	db_bind_text(st, 2, date);
	return db_exec_stmt(db, st, err, "issuing a declassified version");
}

ep_status ep_db_document_codes(ep_db *db, int64_t document_id, json_t **out, ep_err *err)
{
	static const char SQL[] = "SELECT code FROM document_subject_codes WHERE document_id = ?1 ORDER BY position";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, document_id);
	json_t *a = json_array();
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(a, json_string(db_col_text(st, 0)));
	ep_status s = rc == SQLITE_DONE ? EP_OK : db_fail(db, err, "reading subject codes");
	sqlite3_reset(st);
	if (s != EP_OK) {
		json_decref(a);
		a = NULL;
	}
	*out = a;
	return s;
}

static int redaction_json(void *ctx, const ep_redaction *r)
{
	json_t *o = json_object();
	if (r->passage_key)
		json_object_set_new(o, "passage", json_string(r->passage_key));
	if (r->section_number)
		json_object_set_new(o, "section", json_string(r->section_number));
	json_object_set_new(o, "decision", json_string(r->decision));
	if (r->reason)
		json_object_set_new(o, "reason", json_string(r->reason));
	json_array_append_new(ctx, o);
	return 0;
}

ep_status ep_db_document_redactions_json(ep_db *db, int64_t document_id, json_t **out, ep_err *err)
{
	json_t *a = json_array();
	ep_status s = ep_db_redactions_each(db, document_id, redaction_json, a, err);
	if (s != EP_OK) {
		json_decref(a);
		a = NULL;
	}
	*out = a;
	return s;
}
