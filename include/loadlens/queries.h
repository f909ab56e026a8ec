/* queries: the canned analyses of queries/<name>.sql, embedded into the binary at build time
 * (cmake/embed_queries.cmake generates the table). Each takes the run name as the named
 * parameter :run (NULL: every run). Static data; nothing to free. */
#ifndef LOADLENS_QUERIES_H
#define LOADLENS_QUERIES_H

#include <stddef.h>

struct ll_query {
	const char *name;     /* the file name without .sql */
	const char *summary;  /* the file's first comment line */
	const char *sql;
};

extern const struct ll_query ll_queries[];
extern const size_t ll_n_queries;

#endif
