/* libFuzzer target for report_json: any bytes as a report file. Beyond "no crash, no leak,
 * no UB" it checks the module's contract: a failure returns the status it recorded in err
 * and leaves *out empty; a success leaves err unset and every op named.
 * Built by tests/fuzz/CMakeLists.txt (LOADLENS_FUZZ=ON; scripts/fuzz.sh) and, without
 * libFuzzer, linked into tests/fuzz/replay.c to replay the corpus in ctest. Never prints. */
#include <stdint.h>
#include <stdlib.h>

#include "loadlens/report_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ll_run_report rep = LL_RUN_REPORT_INIT;
	struct ll_error err = LL_ERROR_INIT;
	(void)ll_report_json_sniff((const char *)data, size);
	enum ll_status st = ll_report_json_parse("fuzz", (const char *)data, size, &rep, &err);
	if (st == LL_OK) {
		if (err.code != LL_OK || !rep.config_name || (rep.n_ops && !rep.ops))
			abort();
		for (size_t i = 0; i < rep.n_ops; i++)
			if (!rep.ops[i].op)
				abort();
	} else if (err.code != st || rep.config_name || rep.ops || rep.n_ops) {
		abort();
	}
	ll_run_report_release(&rep);
	ll_error_release(&err);
	return 0;
}
