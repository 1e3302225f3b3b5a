/*
 * QR codes for TOTP enrolment: libqrencode gives the module matrix, which empact draws as an
 * SVG image (one path, crisp edges, a quiet zone of four modules), so that no image library
 * and no script is needed to show it.
 */
#ifndef EP_ACCESS_QR_H
#define EP_ACCESS_QR_H

#include "core/status.h"

/* An SVG document showing text as a QR code (error correction level M), malloc'd into *svg
 * (the caller frees it). The SVG has role="img" and an aria-label of label (escaped). */
ep_status ep_qr_svg(const char *text, const char *label, char **svg, ep_err *err);

#endif
