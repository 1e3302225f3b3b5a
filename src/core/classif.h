/*
 * The EU classification levels and distribution markings, in the order of their protection.
 * Stored as small integers so that "clearance >= classification" is one comparison in SQL.
 */
#ifndef EP_CLASSIF_H
#define EP_CLASSIF_H

#include "core/status.h"

typedef enum ep_class {
	EP_CLASS_UNCLASSIFIED = 0,
	EP_CLASS_RESTREINT = 1,   /* RESTREINT UE/EU RESTRICTED */
	EP_CLASS_CONFIDENTIEL = 2, /* CONFIDENTIEL UE/EU CONFIDENTIAL */
	EP_CLASS_SECRET = 3,       /* SECRET UE/EU SECRET */
	EP_CLASS_TRES_SECRET = 4,  /* TRES SECRET UE/EU TOP SECRET */
} ep_class;

typedef enum ep_marking {
	EP_MARK_NONE = 0,
	EP_MARK_LIMITE = 1, /* not for the public, third countries or private partners */
} ep_marking;

/* "unclassified", "restreint_ue", ...: the tokens of the dataset and the API. */
const char *ep_class_token(ep_class c);
/* "RESTREINT UE/EU RESTRICTED", ...: the wording of a Council document ("" if unclassified). */
const char *ep_class_label(ep_class c);
ep_status ep_class_parse(const char *token, ep_class *out);
const char *ep_marking_token(ep_marking m);
ep_status ep_marking_parse(const char *token, ep_marking *out);

#endif
