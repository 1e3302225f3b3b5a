/*
 * `empact show`: a cycle, a priority or an OAP as a readable tree, for an administrator
 * checking what a database holds. Long texts are wrapped at 100 columns under their heading.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/arena.h"
#include "core/num.h"
#include "core/str.h"
#include "core/banned.h"

#define WIDTH 100

/* Prints text wrapped at WIDTH, every line indented by indent spaces; paragraphs ("\n\n") are
 * separated by an empty line and lines that start with "- " stay list items. */
static void wrap(int indent, const char *text)
{
	const char *p = text;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		if (n == 0) {
			putchar('\n');
		} else {
			int col = 0;
			size_t i = 0;
			int hang = (n >= 2 && p[0] == '-' && p[1] == ' ') ? 2 : 0;
			while (i < n) {
				while (i < n && p[i] == ' ')
					i++;
				size_t j = i;
				while (j < n && p[j] != ' ')
					j++;
				int wlen = (int)ep_utf8_len(p + i, j - i);
				if (col > 0 && col + 1 + wlen > WIDTH - indent) {
					printf("\n%*s", indent + hang, "");
					col = hang;
				} else if (col > 0) {
					putchar(' ');
					col++;
				} else {
					printf("%*s", indent, "");
				}
				fwrite(p + i, 1, j - i, stdout);
				col += wlen;
				i = j;
			}
			putchar('\n');
		}
		if (!eol)
			break;
		p = eol + 1;
	}
}

static const char *class_word(ep_class c, ep_marking m)
{
	if (c == EP_CLASS_UNCLASSIFIED)
		return m == EP_MARK_LIMITE ? "LIMITE" : "public";
	return ep_class_label(c);
}

struct show {
	ep_db *db;
	ep_err err;
	ep_arena *arena;
	const char *only_priority; /* NULL: all */
	size_t goals, priorities, shared;
};

static int show_footnote(void *ctx, const ep_footnote *f)
{
	(void)ctx;
	char line[EP_MAX_TEXT + 1200];
	snprintf(line, sizeof line, "[footnote after \"%s\"] %s", f->anchor, f->text);
	wrap(10, line);
	return 0;
}

static int show_goal(void *ctx, const ep_goal *g)
{
	struct show *s = ctx;
	static char last_group[1024];
	if (g->subgroup && strcmp(g->subgroup, last_group) != 0) {
		printf("      (%s)\n", g->subgroup);
		snprintf(last_group, sizeof last_group, "%s", g->subgroup);
	} else if (!g->subgroup) {
		last_group[0] = '\0';
	}
	printf("      Goal %lld\n", (long long)g->number);
	wrap(10, g->text);
	int64_t id = g->id;
	ep_db_footnotes_each(s->db, EP_OWNER_GOAL, id, show_footnote, s, &s->err);
	s->goals++;
	return 0;
}

struct list {
	char text[2048];
	size_t used;
	const char *role;
};

static int add_to_list(void *ctx, const char *a, const char *b)
{
	struct list *l = ctx;
	if (l->role && (!b || strcmp(b, l->role) != 0))
		return 0;
	int n = snprintf(l->text + l->used, sizeof l->text - l->used, "%s%s", l->used ? ", " : "", a);
	if (n > 0 && (size_t)n < sizeof l->text - l->used)
		l->used += (size_t)n;
	return 0;
}

static void print_list(struct show *s, ep_pairs kind, int64_t id, const char *role, const char *label)
{
	struct list l = {.role = role};
	ep_db_pairs_each(s->db, kind, id, add_to_list, &l, &s->err);
	if (l.used)
		printf("    %s: %s\n", label, l.text);
}

static int show_priority(void *ctx, const ep_priority *p)
{
	struct show *s = ctx;
	if (s->only_priority && strcmp(s->only_priority, p->code) != 0)
		return 0;
	s->priorities++;
	printf("  Priority %s: %s\n", p->code, p->short_name);
	wrap(4, p->aim);
	int64_t id = p->id;
	print_list(s, EP_PAIRS_PRIORITY_DRIVERS, id, "driver", "Driver");
	print_list(s, EP_PAIRS_PRIORITY_DRIVERS, id, "co_driver", "Co-Drivers");
	print_list(s, EP_PAIRS_PRIORITY_AGENCIES, id, NULL, "Supporting agencies");
	ep_db_goals_each(s->db, id, show_goal, s, &s->err);
	return 0;
}

static int show_shared(void *ctx, const ep_shared_goal *g)
{
	struct show *s = ctx;
	if (s->shared++ == 0)
		printf("  Shared goals\n");
	printf("    Shared goal %lld%s\n", (long long)g->number, g->horizontal ? " (horizontal)" : "");
	wrap(8, g->text);
	int64_t id = g->id;
	struct list l = {0};
	ep_db_pairs_each(s->db, EP_PAIRS_SHARED_GOAL_PRIORITIES, id, add_to_list, &l, &s->err);
	char line[EP_MAX_TEXT + 2100];
	snprintf(line, sizeof line, "%s%spriorities %s%s", g->scope ? g->scope : "", g->scope ? " (" : "", l.text,
		 g->scope ? ")" : "");
	wrap(8, line);
	ep_db_footnotes_each(s->db, EP_OWNER_SHARED_GOAL, id, show_footnote, s, &s->err);
	return 0;
}

static void show_cycle(struct show *s, const ep_cycle *c)
{
	printf("Cycle %s (%lld-%lld, OAPs of %lld year%s%s%s, %s)\n", c->label, (long long)c->first_year,
	       (long long)c->last_year, (long long)c->oap_period_years, c->oap_period_years == 1 ? "" : "s",
	       c->threat_assessment ? ", threat assessment " : "", c->threat_assessment ? c->threat_assessment : "",
	       c->status);
	s->goals = s->priorities = s->shared = 0;
	ep_db_priorities_each(s->db, c->id, show_priority, s, &s->err);
	if (!s->only_priority) {
		ep_db_shared_goals_each(s->db, c->id, show_shared, s, &s->err);
		printf("  (%zu priorit%s, %zu strategic goal%s, %zu shared goal%s)\n", s->priorities,
		       s->priorities == 1 ? "y" : "ies", s->goals, s->goals == 1 ? "" : "s", s->shared,
		       s->shared == 1 ? "" : "s");
	}
}

static int show_section(void *ctx, const ep_section *x)
{
	struct show *s = ctx;
	printf("  %s %s [%s]\n", x->number, x->heading, class_word(x->classification, x->marking));
	if (!x->text)
		printf("      (text not held by empact: classified)\n");
	else if (x->text[0])
		wrap(6, x->text);
	int64_t id = x->id;
	ep_db_footnotes_each(s->db, EP_OWNER_SECTION, id, show_footnote, s, &s->err);
	return 0;
}

static int show_action(void *ctx, const ep_action *a)
{
	(void)ctx;
	printf("    %s %s [%s, %s%s]\n", a->number, a->title, a->status, class_word(a->classification, a->marking),
	       a->possible_jad ? ", possible JAD" : "");
	return 0;
}

struct oapsel {
	struct show *s;
	const char *cycle, *prio;
	int64_t year;
	size_t shown;
};

static int show_oap(void *ctx, const ep_oap_row *r)
{
	struct oapsel *o = ctx;
	if (o->cycle && strcmp(o->cycle, r->cycle_label) != 0)
		return 0;
	if (o->prio && strcmp(o->prio, r->priority_code) != 0)
		return 0;
	if (o->year && o->year != r->oap.first_year)
		return 0;
	o->shown++;
	/* The row's strings are copied before the nested queries below. */
	char cycle[64], prio[16], title[1100], status[64];
	snprintf(cycle, sizeof cycle, "%s", r->cycle_label);
	snprintf(prio, sizeof prio, "%s", r->priority_code);
	snprintf(title, sizeof title, "%s", r->oap.title);
	snprintf(status, sizeof status, "%s", r->oap.status);
	int64_t id = r->oap.id;
	char years[32], rev[16] = "";
	if (r->oap.last_year != r->oap.first_year)
		snprintf(years, sizeof years, "%lld-%lld", (long long)r->oap.first_year, (long long)r->oap.last_year);
	else
		snprintf(years, sizeof years, "%lld", (long long)r->oap.first_year);
	if (r->oap.revision)
		snprintf(rev, sizeof rev, " REV %lld", (long long)r->oap.revision);
	printf("OAP %s/%s/%lld%s: %s\n", cycle, prio, (long long)r->oap.first_year, rev, title);
	printf("  %s, %s, %s\n", years, status, class_word(r->oap.classification, r->oap.marking));
	print_list(o->s, EP_PAIRS_OAP_DRIVERS, id, "driver", "Driver");
	print_list(o->s, EP_PAIRS_OAP_DRIVERS, id, "co_driver", "Co-Drivers");
	ep_db_sections_each(o->s->db, id, show_section, o->s, &o->s->err);
	printf("  Operational actions\n");
	ep_db_actions_each(o->s->db, id, show_action, o->s, &o->s->err);
	return 0;
}

static int show_document(void *ctx, const ep_document_row *r)
{
	(void)ctx;
	printf("Document %s%s%s of %s (%s): %s [%s]%s%s\n", r->doc.number, r->doc.suffix[0] ? " " : "", r->doc.suffix,
	       r->doc.date, r->doc.kind, r->doc.subject, class_word(r->doc.classification, r->doc.marking),
	       r->parent_number ? ", partial declassification of " : "", r->parent_number ? r->parent_number : "");
	return 0;
}

struct cycles {
	ep_cycle v[64];
	size_t n;
	ep_arena *arena;
};

static int keep_cycle(void *ctx, const ep_cycle *c)
{
	struct cycles *cs = ctx;
	if (cs->n == sizeof cs->v / sizeof cs->v[0])
		return 1;
	ep_cycle *d = &cs->v[cs->n++];
	*d = *c;
	d->label = ep_arena_strdup(cs->arena, c->label);
	d->threat_assessment = c->threat_assessment ? ep_arena_strdup(cs->arena, c->threat_assessment) : NULL;
	d->priorities_document = c->priorities_document ? ep_arena_strdup(cs->arena, c->priorities_document) : NULL;
	d->status = ep_arena_strdup(cs->arena, c->status);
	return 0;
}

int ep_cli_show(ep_cli *cli, int argc, char **argv)
{
	if (argc > 2) {
		ep_cli_fail(cli, "give at most one of CYCLE, CYCLE/PRIORITY or CYCLE/PRIORITY/YEAR");
		return EP_EXIT_USAGE;
	}
	char what[256] = "";
	if (argc == 2)
		snprintf(what, sizeof what, "%s", argv[1]);
	char *cycle = NULL, *prio = NULL, *year = NULL;
	if (what[0]) {
		cycle = what;
		prio = strchr(cycle, '/');
		if (prio) {
			*prio++ = '\0';
			year = strchr(prio, '/');
			if (year)
				*year++ = '\0';
		}
	}
	int64_t y = 0;
	if (year && (ep_parse_i64z(year, 1000, 9999, &y) != EP_OK)) {
		ep_cli_fail(cli, "'%s' is not CYCLE/PRIORITY/YEAR (such as 2018-2021/3/2018)", argv[1]);
		return EP_EXIT_USAGE;
	}
	ep_db *db = ep_cli_open_db(cli, false, false);
	if (!db)
		return EP_EXIT_FAIL;
	struct show s = {.db = db, .arena = ep_arena_new(0), .only_priority = prio};
	int rc = EP_EXIT_OK;
	struct cycles cs = {.arena = s.arena};
	ep_err_clear(&s.err);
	if (!s.arena) {
		ep_cli_fail(cli, "out of memory");
		ep_db_close(db);
		return EP_EXIT_FAIL;
	}
	if (cycle) {
		ep_cycle c;
		if (ep_db_cycle_find(db, cycle, s.arena, &c, &s.err) != EP_OK) {
			ep_cli_fail(cli, "%s", s.err.msg);
			rc = EP_EXIT_FAIL;
			goto done;
		}
		keep_cycle(&cs, &c);
		int64_t pid;
		if (prio && ep_db_priority_id(db, c.id, prio, &pid, &s.err) != EP_OK) {
			ep_cli_fail(cli, "cycle %s has no priority '%s'", cycle, prio);
			rc = EP_EXIT_FAIL;
			goto done;
		}
		ep_err_clear(&s.err);
	} else {
		ep_db_cycles_each(db, 0, keep_cycle, &cs, &s.err);
	}
	if (!year) {
		for (size_t i = 0; i < cs.n; i++) {
			show_cycle(&s, &cs.v[i]);
			putchar('\n');
		}
	}
	if (!prio || year) {
		struct oapsel o = {&s, cycle, prio, y, 0};
		ep_db_oaps_each(db, 0, show_oap, &o, &s.err);
		if (year && o.shown == 0) {
			ep_cli_fail(cli, "no OAP %s/%s/%s", cycle, prio, year);
			rc = EP_EXIT_FAIL;
			goto done;
		}
		if (o.shown)
			putchar('\n');
	}
	if (!what[0])
		ep_db_documents_each(db, 0, show_document, &s, &s.err);
	if (s.err.status != EP_OK) {
		ep_cli_fail(cli, "%s", s.err.msg);
		rc = EP_EXIT_FAIL;
	}
done:
	ep_arena_free(s.arena);
	ep_db_close(db);
	return rc;
}
