/*
 * libFuzzer target for the configuration file parser: each input is read as the text of an
 * INI file over the defaults, and the result is validated as `empact check-config` does.
 * Problems are expected; crashes, leaks and undefined behaviour are not.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/status.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* ep_config_parse_text writes a NUL at text[size], so it gets a copy with room for it. */
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	if (size)
		memcpy(text, data, size);
	ep_config cfg;
	ep_errs errs;
	ep_errs_init(&errs);
	ep_config_defaults(&cfg);
	ep_config_parse_text(&cfg, "fuzz.ini", text, size, &errs);
	ep_config_validate(&cfg, &errs);
	ep_errs_release(&errs);
	free(text);
	return 0;
}
