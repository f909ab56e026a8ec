/* faultvfs: see faultvfs.h. The counters are process state by nature (SQLite calls the
 * VFS without a context of ours); tests run one per process under Criterion. */
#include "faultvfs.h"

#include <sqlite3.h>
#include <string.h>

struct fault_file {
	sqlite3_file base;   /* must be first: SQLite sees this */
	sqlite3_file *real;  /* the wrapped file, allocated right after this struct */
};

static sqlite3_vfs *real_vfs;
static sqlite3_vfs fault_vfs;
static struct {
	long counts[3];
	long n;
	enum faultvfs_op op;
	enum faultvfs_kind kind;
	bool fired;
} state;

static int inject(enum faultvfs_op op, int ioerr)
{
	state.counts[op]++;
	if (state.n > 0 && op == state.op && state.counts[op] >= state.n) {
		state.fired = true;
		return state.kind == FAULT_FULL && op == FAULT_WRITE ? SQLITE_FULL : ioerr;
	}
	return SQLITE_OK;
}

static struct fault_file *ff(sqlite3_file *f) { return (struct fault_file *)f; }

static int f_close(sqlite3_file *f) { return ff(f)->real->pMethods->xClose(ff(f)->real); }
static int f_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off)
{
	int rc = inject(FAULT_READ, SQLITE_IOERR_READ);
	return rc ? rc : ff(f)->real->pMethods->xRead(ff(f)->real, buf, amt, off);
}
static int f_write(sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off)
{
	int rc = inject(FAULT_WRITE, SQLITE_IOERR_WRITE);
	return rc ? rc : ff(f)->real->pMethods->xWrite(ff(f)->real, buf, amt, off);
}
static int f_truncate(sqlite3_file *f, sqlite3_int64 size) { return ff(f)->real->pMethods->xTruncate(ff(f)->real, size); }
static int f_sync(sqlite3_file *f, int flags)
{
	int rc = inject(FAULT_SYNC, SQLITE_IOERR_FSYNC);
	return rc ? rc : ff(f)->real->pMethods->xSync(ff(f)->real, flags);
}
static int f_size(sqlite3_file *f, sqlite3_int64 *size) { return ff(f)->real->pMethods->xFileSize(ff(f)->real, size); }
static int f_lock(sqlite3_file *f, int l) { return ff(f)->real->pMethods->xLock(ff(f)->real, l); }
static int f_unlock(sqlite3_file *f, int l) { return ff(f)->real->pMethods->xUnlock(ff(f)->real, l); }
static int f_check(sqlite3_file *f, int *out) { return ff(f)->real->pMethods->xCheckReservedLock(ff(f)->real, out); }
static int f_fcntl(sqlite3_file *f, int op, void *arg) { return ff(f)->real->pMethods->xFileControl(ff(f)->real, op, arg); }
static int f_sector(sqlite3_file *f) { return ff(f)->real->pMethods->xSectorSize(ff(f)->real); }
static int f_dev(sqlite3_file *f) { return ff(f)->real->pMethods->xDeviceCharacteristics(ff(f)->real); }

/* Version 1 methods only: no WAL (the store uses a rollback journal), no mmap. */
static const sqlite3_io_methods fault_methods = {
	1, f_close, f_read, f_write, f_truncate, f_sync, f_size, f_lock, f_unlock, f_check,
	f_fcntl, f_sector, f_dev, NULL, NULL, NULL, NULL, NULL, NULL,
};

static int v_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out_flags)
{
	(void)vfs;
	struct fault_file *f = ff(file);
	f->real = (sqlite3_file *)(f + 1);
	int rc = real_vfs->xOpen(real_vfs, name, f->real, flags, out_flags);
	f->base.pMethods = rc == SQLITE_OK ? &fault_methods : NULL;
	return rc;
}

static int v_delete(sqlite3_vfs *v, const char *n, int s) { (void)v; return real_vfs->xDelete(real_vfs, n, s); }
static int v_access(sqlite3_vfs *v, const char *n, int f, int *o) { (void)v; return real_vfs->xAccess(real_vfs, n, f, o); }
static int v_full(sqlite3_vfs *v, const char *n, int sz, char *o) { (void)v; return real_vfs->xFullPathname(real_vfs, n, sz, o); }
static void *v_dlopen(sqlite3_vfs *v, const char *n) { (void)v; return real_vfs->xDlOpen(real_vfs, n); }
static void v_dlerror(sqlite3_vfs *v, int n, char *o) { (void)v; real_vfs->xDlError(real_vfs, n, o); }
static void (*v_dlsym(sqlite3_vfs *v, void *h, const char *s))(void) { (void)v; return real_vfs->xDlSym(real_vfs, h, s); }
static void v_dlclose(sqlite3_vfs *v, void *h) { (void)v; real_vfs->xDlClose(real_vfs, h); }
static int v_random(sqlite3_vfs *v, int n, char *o) { (void)v; return real_vfs->xRandomness(real_vfs, n, o); }
static int v_sleep(sqlite3_vfs *v, int us) { (void)v; return real_vfs->xSleep(real_vfs, us); }
static int v_time(sqlite3_vfs *v, double *t) { (void)v; return real_vfs->xCurrentTime(real_vfs, t); }
static int v_lasterr(sqlite3_vfs *v, int n, char *o) { (void)v; return real_vfs->xGetLastError ? real_vfs->xGetLastError(real_vfs, n, o) : 0; }

void faultvfs_install(void)
{
	if (real_vfs)
		return;
	sqlite3_initialize();
	real_vfs = sqlite3_vfs_find(NULL);
	memset(&fault_vfs, 0, sizeof fault_vfs);
	fault_vfs.iVersion = 1;
	fault_vfs.szOsFile = (int)sizeof(struct fault_file) + real_vfs->szOsFile;
	fault_vfs.mxPathname = real_vfs->mxPathname;
	fault_vfs.zName = "faultvfs";
	fault_vfs.xOpen = v_open;
	fault_vfs.xDelete = v_delete;
	fault_vfs.xAccess = v_access;
	fault_vfs.xFullPathname = v_full;
	fault_vfs.xDlOpen = v_dlopen;
	fault_vfs.xDlError = v_dlerror;
	fault_vfs.xDlSym = v_dlsym;
	fault_vfs.xDlClose = v_dlclose;
	fault_vfs.xRandomness = v_random;
	fault_vfs.xSleep = v_sleep;
	fault_vfs.xCurrentTime = v_time;
	fault_vfs.xGetLastError = v_lasterr;
	sqlite3_vfs_register(&fault_vfs, 1);
}

void faultvfs_arm(enum faultvfs_op op, long n, enum faultvfs_kind kind)
{
	memset(state.counts, 0, sizeof state.counts);
	state.op = op;
	state.n = n;
	state.kind = kind;
	state.fired = false;
}

void faultvfs_disarm(void)
{
	state.n = 0;
}

long faultvfs_count(enum faultvfs_op op)
{
	return state.counts[op];
}

bool faultvfs_fired(void)
{
	return state.fired;
}
