/* helpers: see helpers.h. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "loadlens/error.h"
#include "loadlens/store.h"

extern char **environ;

char *ll_test_path(const char *dir, const char *file)
{
	size_t n = strlen(dir) + strlen(file) + 2;
	char *p = malloc(n);
	cr_assert(p);
	snprintf(p, n, "%s/%s", dir, file);
	return p;
}

char *ll_test_src(const char *rel)
{
	return ll_test_path(LL_SOURCE_DIR, rel);
}

char *ll_test_tmpdir(const char *name)
{
	char tmpl[512];
	snprintf(tmpl, sizeof tmpl, "/tmp/loadlens-test-%s-XXXXXX", name);
	char *d = mkdtemp(tmpl);
	cr_assert(d, "mkdtemp: %s", strerror(errno));
	chmod(d, 0755); /* tests that drop to another user must still see inside */
	return strdup(d);
}

void ll_test_write_file(const char *path, const void *data, size_t len)
{
	FILE *fp = fopen(path, "wb");
	cr_assert(fp, "open %s: %s", path, strerror(errno));
	cr_assert_eq(fwrite(data, 1, len, fp), len);
	cr_assert_eq(fclose(fp), 0);
}

char *ll_test_read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	size_t got;
	while (buf && (got = fread(buf + n, 1, cap - n - 1, fp)) > 0) {
		n += got;
		if (cap - n - 1 == 0)
			buf = realloc(buf, cap *= 2);
	}
	fclose(fp);
	if (!buf)
		return NULL;
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

struct ll_test_run ll_test_run_loadlens(const char *cwd, const char *stdin_path,
                                        const char *const *env, const char *const *argv)
{
	return ll_test_run_loadlens_as(-1, cwd, stdin_path, env, argv);
}

struct ll_test_run ll_test_run_loadlens_as(int uid, const char *cwd, const char *stdin_path,
                                           const char *const *env, const char *const *argv)
{
	char outp[] = "/tmp/loadlens-out-XXXXXX";
	char errp[] = "/tmp/loadlens-err-XXXXXX";
	int outfd = mkstemp(outp), errfd = mkstemp(errp);
	cr_assert(outfd >= 0 && errfd >= 0);
	int infd = open(stdin_path ? stdin_path : "/dev/null", O_RDONLY);
	cr_assert(infd >= 0, "open stdin %s", stdin_path ? stdin_path : "/dev/null");

	size_t argc = 0;
	while (argv[argc])
		argc++;
	/* LOADLENS_VALGRIND=1 runs every invocation under valgrind (scripts/test.sh does, for
	 * the end-to-end suites): any memory error or definite leak exits 99 and fails the
	 * test's exit-code assertion. */
	static const char *const vg[] = { "/usr/bin/valgrind", "-q", "--error-exitcode=99",
		                          "--leak-check=full", "--errors-for-leak-kinds=definite",
		                          "--show-leak-kinds=definite" };
	const char *use_vg = getenv("LOADLENS_VALGRIND");
	size_t pre = use_vg && *use_vg && strcmp(use_vg, "0") != 0 ? sizeof vg / sizeof vg[0] : 0;
	char **args = calloc(pre + argc + 2, sizeof *args);
	for (size_t i = 0; i < pre; i++)
		args[i] = (char *)vg[i];
	args[pre] = (char *)LOADLENS_BIN;
	for (size_t i = 0; i < argc; i++)
		args[pre + i + 1] = (char *)argv[i];

	size_t nenv = 0, nextra = 0;
	while (environ[nenv])
		nenv++;
	while (env && env[nextra])
		nextra++;
	char **envp = calloc(nenv + nextra + 1, sizeof *envp);
	size_t k = 0;
	for (size_t i = 0; i < nextra; i++)
		envp[k++] = (char *)env[i];
	for (size_t i = 0; i < nenv; i++) {
		/* An extra "NAME=" overrides the inherited NAME. */
		int shadowed = 0;
		for (size_t j = 0; j < nextra; j++) {
			const char *eq = strchr(env[j], '=');
			size_t nl = eq ? (size_t)(eq - env[j]) + 1 : strlen(env[j]);
			if (strncmp(environ[i], env[j], nl) == 0)
				shadowed = 1;
		}
		if (!shadowed && strncmp(environ[i], "LOADLENS_DB=", 12) != 0)
			envp[k++] = environ[i];
	}

	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, infd, 0);
	posix_spawn_file_actions_adddup2(&fa, outfd, 1);
	posix_spawn_file_actions_adddup2(&fa, errfd, 2);
	pid_t pid;
	int rc;
	if (cwd || uid >= 0) {
		/* posix_spawn can neither chdir nor change user portably; fork for these. */
		pid = fork();
		cr_assert(pid >= 0);
		if (pid == 0) {
			dup2(infd, 0);
			dup2(outfd, 1);
			dup2(errfd, 2);
			if (cwd && chdir(cwd) != 0)
				_exit(127);
			if (uid >= 0 && (setgid((gid_t)uid) != 0 || setuid((uid_t)uid) != 0))
				_exit(126);
			execve(args[0], args, envp);
			_exit(127);
		}
		rc = 0;
	} else {
		rc = posix_spawn(&pid, args[0], &fa, NULL, args, envp);
	}
	cr_assert_eq(rc, 0, "spawn %s: %s", args[0], strerror(rc));
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	posix_spawn_file_actions_destroy(&fa);
	close(infd);
	close(outfd);
	close(errfd);
	free(args);
	free(envp);

	struct ll_test_run r = { 0 };
	if (WIFEXITED(status)) {
		r.exit_code = WEXITSTATUS(status);
	} else {
		r.exit_code = -1;
		r.signal = WTERMSIG(status);
	}
	r.out = ll_test_read_file(outp, &r.out_len);
	r.err = ll_test_read_file(errp, NULL);
	unlink(outp);
	unlink(errp);
	cr_assert(r.out && r.err);
	return r;
}

void ll_test_run_release(struct ll_test_run *r)
{
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof *r);
}

char *ll_test_db_fingerprint(const char *db)
{
	struct stat sb;
	if (stat(db, &sb) != 0)
		return strdup("absent");
	struct ll_store *s = NULL;
	struct ll_error err = LL_ERROR_INIT;
	char *fp = NULL;
	cr_assert_eq(ll_store_open(db, LL_STORE_READ_ONLY, &s, &err), LL_OK, "%s",
	             err.msg ? err.msg : "");
	cr_assert_eq(ll_store_fingerprint(s, &fp, &err), LL_OK);
	ll_store_close(s);
	return fp;
}
