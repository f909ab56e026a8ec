/* faultvfs: a SQLite VFS that wraps the default one and fails the Nth write, sync or read
 * with an I/O error or "disk full", as SQLite's own test harness does (test_vfs / malloc
 * fault injection). Test code only. Registered as the default VFS, so the store uses it
 * without knowing. */
#ifndef LOADLENS_TEST_FAULTVFS_H
#define LOADLENS_TEST_FAULTVFS_H

#include <stdbool.h>

enum faultvfs_op { FAULT_WRITE, FAULT_SYNC, FAULT_READ };
enum faultvfs_kind { FAULT_IOERR, FAULT_FULL };

/* Installs the VFS as the default (idempotent). */
void faultvfs_install(void);
/* Counts operations from now on; the nth (1-based) of op fails with kind, and so does
 * every later one of that op until faultvfs_disarm() (a dead disk stays dead). n = 0 only
 * counts. */
void faultvfs_arm(enum faultvfs_op op, long n, enum faultvfs_kind kind);
void faultvfs_disarm(void);
/* Operations of each kind counted since the last arm. */
long faultvfs_count(enum faultvfs_op op);
/* Whether the armed fault fired. */
bool faultvfs_fired(void);

#endif
