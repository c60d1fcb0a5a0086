/*
 * LIGHTVIBES XS host: main.
 *
 *   lvxs <script.js> [args...]
 *
 * Creates one XS machine, installs the host globals (print, scriptArgs, crypto.getRandomValues,
 * native, Native), runs the script as a program, then drains promise jobs and timers. The exit
 * status is non-zero when the script throws, when XS aborts (memory, stack), or when the script
 * set one through native("xs_lv_exit_code").
 */
#include "lvxs.h"

/* TextEncoder and TextDecoder, from the Moddable modules shipped beside the engine. */
extern void modInstallTextEncoder(xsMachine* the);
extern void modInstallTextDecoder(xsMachine* the);

static void xs_print(xsMachine* the)
{
	xsIntegerValue c = xsToInteger(xsArgc), i;
	for (i = 0; i < c; i++) {
		if (i) fputc(' ', stdout);
		fputs(xsToString(xsArg(i)), stdout);
	}
	fputc('\n', stdout);
	fflush(stdout);
}

static void lvInstallGlobals(xsMachine* machine, int argc, char* argv[])
{
	xsBeginHost(machine);
	{
		int i;
		xsVars(1);
		xsResult = xsNewHostFunction(xs_print, 0);
		xsDefine(xsGlobal, xsID("print"), xsResult, xsDontEnum);
		xsResult = xsNewArray(0);
		for (i = 0; i < argc; i++) {
			xsVar(0) = xsString(argv[i]);
			xsCall1(xsResult, xsID("push"), xsVar(0));
		}
		xsDefine(xsGlobal, xsID("scriptArgs"), xsResult, xsDontEnum);
		modInstallTextEncoder(the);
		modInstallTextDecoder(the);
		lvInstallPorts(the);
	}
	xsEndHost(machine);
}

/* Prints what escaped the script, with its stack when XS kept one. */
static void lvReportException(xsMachine* the)
{
	xsVars(1);
	fprintf(stderr, "lvxs: uncaught %s\n", xsToString(xsException));
	if (xsIsInstanceOf(xsException, xsErrorPrototype)) {
		xsVar(0) = xsGet(xsException, xsID("stack"));
		if (xsTest(xsVar(0)))
			fprintf(stderr, "%s\n", xsToString(xsVar(0)));
	}
}

int main(int argc, char* argv[])
{
	xsCreation creation = {
		8 * 1024 * 1024,  /* initialChunkSize */
		4 * 1024 * 1024,  /* incrementalChunkSize */
		256 * 1024,       /* initialHeapCount */
		128 * 1024,       /* incrementalHeapCount */
		16 * 1024,        /* stackCount */
		32000,            /* initialKeyCount */
		8000,             /* incrementalKeyCount */
		1993,             /* nameModulo */
		127,              /* symbolModulo */
		16 * 1024 * 1024, /* parserBufferSize */
		1993,             /* parserTableModulo */
	};
	char path[C_PATH_MAX];
	xsMachine* machine;
	int status = 0;

	if (argc < 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: lvxs <script.js> [args...]\n");
		return 2;
	}
	if (!realpath(argv[1], path)) {
		fprintf(stderr, "lvxs: cannot open %s\n", argv[1]);
		return 2;
	}
	xsInitializeSharedCluster();
	machine = xsCreateMachine(&creation, "lvxs", NULL);
	lvInstallGlobals(machine, argc - 2, argv + 2);
	xsBeginHost(machine);
	{
		xsTry {
			xsRunProgramFile(path);
		}
		xsCatch {
			lvReportException(the);
			status = 1;
		}
	}
	if (!status)
		xsRunLoop(machine);
	xsEndHost(machine);
	if (machine->abortStatus)
		status = machine->abortStatus;
	else if (!status)
		status = lvExitCode();
	xsDeleteMachine(machine);
	xsTerminateSharedCluster();
	return status;
}
