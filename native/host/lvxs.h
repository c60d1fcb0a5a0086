/*
 * LIGHTVIBES XS host: the shared declarations of our host program.
 *
 * The host links Moddable's XS engine (the sources shipped in the npm package @agoric/xsnap)
 * with our own main and our own native modules. Native functions reach TypeScript the way
 * current Moddable code reaches them: native("xs_name") and classes built on Native("xs_dtor").
 * Those two globals are not part of XS 13.3, so the host provides them from lvNatives[], a table
 * generated at build time from the C sources that manifest.json names for the "lin" platform.
 */
#ifndef LVXS_H
#define LVXS_H

#include "xsnap.h"

typedef enum {
	lvNativeFunction = 1,   /* void xs_name(xsMachine* the) */
	lvNativeDestructor = 2, /* void xs_name(void* data) */
} lvNativeKind;

typedef struct {
	const char* name;
	lvNativeKind kind;
	xsCallback function;
	xsDestructor destructor;
} lvNative;

extern const lvNative lvNatives[];
extern const int lvNativeCount;

/* ports.c: the host's side of the ports, installed before any script runs. */
void lvInstallPorts(xsMachine* the);
int lvExitCode(void);

#endif
