/*
 * Writes docs/access.md from the permission table (make docs/access.md), so that the page
 * that tells people who may do what cannot drift from what the server enforces.
 */
#include <stdio.h>
#include <stdlib.h>

#include "access/access.h"

int main(void)
{
	char *md = ep_access_doc_markdown();
	if (!md)
		return 1;
	fputs(md, stdout);
	free(md);
	return ferror(stdout) ? 1 : 0;
}
