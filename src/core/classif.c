/*
 * Classification and marking vocabulary (see classif.h).
 */
#include "core/classif.h"

#include <string.h>

#include "core/banned.h"

static const char *const tokens[] = {"unclassified", "restreint_ue", "confidentiel_ue", "secret_ue",
				     "tres_secret_ue"};
static const char *const labels[] = {"", "RESTREINT UE/EU RESTRICTED", "CONFIDENTIEL UE/EU CONFIDENTIAL",
				     "SECRET UE/EU SECRET", "TRES SECRET UE/EU TOP SECRET"};

const char *ep_class_token(ep_class c)
{
	return c >= EP_CLASS_UNCLASSIFIED && c <= EP_CLASS_TRES_SECRET ? tokens[c] : "?";
}

const char *ep_class_label(ep_class c)
{
	return c >= EP_CLASS_UNCLASSIFIED && c <= EP_CLASS_TRES_SECRET ? labels[c] : "?";
}

ep_status ep_class_parse(const char *token, ep_class *out)
{
	for (int i = 0; i <= EP_CLASS_TRES_SECRET; i++) {
		if (strcmp(token, tokens[i]) == 0) {
			*out = (ep_class)i;
			return EP_OK;
		}
	}
	return EP_E_INVALID;
}

const char *ep_marking_token(ep_marking m)
{
	return m == EP_MARK_LIMITE ? "limite" : "none";
}

ep_status ep_marking_parse(const char *token, ep_marking *out)
{
	if (strcmp(token, "none") == 0)
		*out = EP_MARK_NONE;
	else if (strcmp(token, "limite") == 0)
		*out = EP_MARK_LIMITE;
	else
		return EP_E_INVALID;
	return EP_OK;
}
