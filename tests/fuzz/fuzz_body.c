/*
 * Fuzz target: the JSON body validator of the API. The first byte picks a resource, the rest
 * is a request body: it is parsed as the server parses it and, if it is an object, goes
 * through the create rules of that resource against a database holding the demo data. A body
 * that is refused must come with at least one problem or an error message; one that is
 * accepted must read back.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/embed.h"
#include "db/db.h"
#include "db/db_res.h"
#include "svc/svc_dataset.h"
#include "svc/svc_res.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ep_db *db;
static unsigned runs;

static void fresh_db(void)
{
	ep_err err;
	ep_db_close(db);
	ep_db_opts opts = {.create = true};
	if (ep_db_open(":memory:", &opts, &db, &err) != EP_OK || ep_db_migrate(db, NULL, &err) != EP_OK)
		abort();
	ep_rules rules = {.max_class = EP_CLASS_RESTREINT};
	const char *files[] = {"data/organisations.json", "data/cycle-2011-2013.json", "data/oap-2018-illegal-immigration.json"};
	for (int i = 0; i < 3; i++) {
		const ep_embedded *e = ep_embedded_find(files[i]);
		ep_errs errs;
		ep_errs_init(&errs);
		if (!e || ep_svc_dataset_load(db, &rules, (const char *)e->data, e->len, &errs, NULL, &err) != EP_OK)
			abort();
		ep_errs_release(&errs);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 65536)
		return 0;
	if (!db || ++runs % 2000 == 0)
		fresh_db();
	size_t n;
	const ep_resdef *defs = ep_resdefs(&n);
	const ep_resdef *d = &defs[data[0] % n];
	json_error_t jerr;
	json_t *body = json_loadb((const char *)data + 1, size - 1, JSON_REJECT_DUPLICATES, &jerr);
	if (!body)
		return 0;
	if (json_is_object(body)) {
		ep_rules rules = {.max_class = EP_CLASS_RESTREINT};
		ep_errs errs;
		ep_errs_init(&errs);
		ep_err err;
		ep_err_clear(&err);
		json_t *out = NULL;
		ep_status s = ep_svc_res_create(db, &rules, d, body, &out, &errs, &err);
		if (s == EP_OK) {
			if (!out || !json_is_integer(json_object_get(out, "id")))
				abort();
		} else if (s == EP_E_INVALID && ep_errs_count(&errs) == 0 && !err.msg[0]) {
			abort();
		}
		json_decref(out);
		ep_errs_release(&errs);
	}
	json_decref(body);
	return 0;
}
