/*
 * libcsv-parse: the bare libcsv parse loop the benchmark compares cov-cat
 * with: read stdin in 1 MiB blocks, count fields and rows, print the counts.
 */
#include <csv.h>
#include <stdio.h>
#include <unistd.h>

static unsigned long long fields, rows;

static void on_field(void *s, size_t n, void *d)
{
	(void)s, (void)n, (void)d;
	fields++;
}

static void on_row(int c, void *d)
{
	(void)c, (void)d;
	rows++;
}

int main(void)
{
	static char buf[1 << 20];
	struct csv_parser p;
	ssize_t n;

	csv_init(&p, 0);
	csv_set_blk_size(&p, 65536);
	while ((n = read(0, buf, sizeof buf)) > 0)
		if (csv_parse(&p, buf, (size_t)n, on_field, on_row, NULL) !=
		    (size_t)n) {
			fprintf(stderr, "libcsv-parse: %s\n",
				csv_strerror(csv_error(&p)));
			return 1;
		}
	csv_fini(&p, on_field, on_row, NULL);
	csv_free(&p);
	printf("%llu rows, %llu fields\n", rows, fields);
	return n < 0;
}
