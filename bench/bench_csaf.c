/* bench_csaf.c - the CSAF 2.0 validator's benchmark (issue 17), run by
 * bench/bench_advisory.py.
 *
 *   bench_csaf [DIR]
 *	Validation time per advisory with csaf_read (fmt/csaf.h): the text
 *	parsed with jansson, the schema's rules and every mandatory test of
 *	section 6.1; the checked document freed outside the timed part.
 *	1. "set": every *.json file of DIR (default
 *	   $PARLEY_SHARED_DATA/csaf/examples, else ../shared/data/csaf/examples
 *	   from the repository's root), read into memory first; ROUNDS rounds
 *	   (BENCH_CSAF_ROUNDS, default 200), each validating every document
 *	   once in name order, so a document's samples are spread over the
 *	   run: the median and p99 over every validation, MB/s as the bytes
 *	   over the time of all of them; and per document its median and p99.
 *	   Where DIR holds no document, documents made here are validated
 *	   instead (CSAF 2.0 security advisories of 1 to 300 products and
 *	   vulnerabilities, 1.5 KB to 130 KB), and "source" says so.
 *	2. "large": the largest document alone (cisco-sa-20180328-smi2.json,
 *	   130 KB, among the examples), RUNS times in a row (BENCH_CSAF_RUNS,
 *	   default 500, never below 200): median, p99, min, max, MB/s at the
 *	   median.
 *	3. "parse": the same document parsed alone by jansson (json_loadb,
 *	   duplicate keys refused, as csaf_read does), RUNS times: what the
 *	   JSON parse costs of the whole.
 *	4. "invalid": the files of DIR's sibling invalid/, when there: each must be
 *	   refused; the time to refuse, median and p99.
 *
 * Results go to stdout, one JSON object per line, for the tables; a
 * document refused in part 1 is a validator's bug and is said on stderr
 * and in its line ("status").  Timings are printed, never asserted.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "fmt/csaf.h"
#include "util/status.h"

#define LARGE "cisco-sa-20180328-smi2.json"
#define DOCS_MAX 256
#define NAME_MAX_ 256
#define MIN_RUNS 200

struct doc {
	char name[NAME_MAX_];
	char *text;
	size_t len;
	status first;		/* csaf_read's answer the first time */
	int64_t *ns;		/* one sample per round */
};

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
die(const char *what)
{
	fprintf(stderr, "bench_csaf: %s\n", what);
	exit(1);
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int
cmp_doc(const void *a, const void *b)
{
	return strcmp(((const struct doc *)a)->name, ((const struct doc *)b)->name);
}

/* pct - the p-th percentile of v[0..n), sorted here (nearest rank). */
static double
pct(int64_t *v, size_t n, double p)
{
	size_t k;

	qsort(v, n, sizeof *v, cmp_i64);
	k = (size_t)(p / 100 * (double)(n - 1) + 0.5);
	return (double)v[k < n ? k : n - 1];
}

static int64_t
env_int(const char *name, int64_t dflt)
{
	const char *v = getenv(name);
	char *end;
	long long x;

	if (!v || !*v)
		return dflt;
	x = strtoll(v, &end, 10);
	if (*end || x <= 0)
		die("a BENCH_CSAF_* setting is not a positive number");
	return x;
}

/* slurp - the file at path, NUL-terminated; NULL when it cannot be read
 * or is over CSAF_BYTES_MAX. */
static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *p = NULL;
	long n;

	if (!fp)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 && (size_t)n <= CSAF_BYTES_MAX &&
	    fseek(fp, 0, SEEK_SET) == 0 && (p = malloc((size_t)n + 1)) &&
	    fread(p, 1, (size_t)n, fp) == (size_t)n) {
		p[n] = '\0';
		*len = (size_t)n;
	} else {
		free(p);
		p = NULL;
	}
	fclose(fp);
	return p;
}

/* load - every *.json file of dir into d[0..), by name; how many. */
static size_t
load(const char *dir, struct doc *d, size_t cap)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	if (!dp)
		return 0;
	while ((e = readdir(dp)) && n < cap) {
		size_t k = strlen(e->d_name);
		char path[4096];

		if (k < 6 || strcmp(e->d_name + k - 5, ".json") != 0 || k >= NAME_MAX_)
			continue;
		if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path)
			continue;
		memcpy(d[n].name, e->d_name, k + 1);
		if ((d[n].text = slurp(path, &d[n].len)))
			n++;
	}
	closedir(dp);
	qsort(d, n, sizeof *d, cmp_doc);
	return n;
}

/* ---- documents made here, where the examples are absent ---- */

struct out {
	char *p;
	size_t len, cap;
};

static void
put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(o->p + o->len, o->cap - o->len, fmt, ap);
		va_end(ap);
		if (n < 0)
			die("vsnprintf");
		if ((size_t)n < o->cap - o->len)
			break;
		o->cap = (o->cap + (size_t)n) * 2;
		if (o->cap > CSAF_BYTES_MAX || !(o->p = realloc(o->p, o->cap)))
			die("a made-up document too large");
	}
	o->len += (size_t)n;
}

/* made - a CSAF 2.0 security advisory with k products and k
 * vulnerabilities (each a CVE, a CVSS 3.1 score, a vendor fix for its
 * product and the next), as parley's end-to-end tests write them. */
static char *
made(int k, size_t *len)
{
	struct out o = { malloc(4096), 0, 4096 };
	int i;

	if (!o.p)
		die("memory");
	put(&o, "{\"document\":{\"category\":\"csaf_security_advisory\",\"csaf_version\":\"2.0\","
	    "\"distribution\":{\"tlp\":{\"label\":\"WHITE\"}},"
	    "\"notes\":[{\"category\":\"summary\",\"title\":\"Summary\",\"text\":\"Flaws in"
	    " the widget family let a remote attacker run code.\"}],"
	    "\"publisher\":{\"category\":\"vendor\",\"name\":\"Example Vendor\","
	    "\"namespace\":\"https://vendor.example\"},"
	    "\"references\":[{\"category\":\"self\",\"summary\":\"This advisory\","
	    "\"url\":\"https://vendor.example/csaf/bench-%d.json\"}],"
	    "\"title\":\"Flaws in the widget family (%d)\","
	    "\"tracking\":{\"current_release_date\":\"2026-01-05T10:00:00.000Z\","
	    "\"id\":\"BENCH-%d\",\"initial_release_date\":\"2026-01-05T10:00:00.000Z\","
	    "\"revision_history\":[{\"date\":\"2026-01-05T10:00:00.000Z\",\"number\":\"1\","
	    "\"summary\":\"Initial version.\"}],\"status\":\"final\",\"version\":\"1\"}},"
	    "\"product_tree\":{\"full_product_names\":[", k, k, k);
	for (i = 0; i <= k; i++)
		put(&o, "%s{\"name\":\"Widget model %d firmware 1.%d\",\"product_id\":"
		    "\"CSAFPID-%04d\"}", i ? "," : "", i, i, i);
	put(&o, "]},\"vulnerabilities\":[");
	for (i = 0; i < k; i++)
		put(&o, "%s{\"cve\":\"CVE-2026-%05d\",\"title\":\"Overflow %d in the parser\","
		    "\"notes\":[{\"category\":\"description\",\"text\":\"The parser of model %d"
		    " overflows a fixed buffer on a long header line.\"}],"
		    "\"product_status\":{\"known_affected\":[\"CSAFPID-%04d\"],"
		    "\"fixed\":[\"CSAFPID-%04d\"]},"
		    "\"remediations\":[{\"category\":\"vendor_fix\",\"details\":\"Update to"
		    " firmware 1.%d.\",\"product_ids\":[\"CSAFPID-%04d\"],"
		    "\"url\":\"https://vendor.example/widget/%d\"}],"
		    "\"scores\":[{\"products\":[\"CSAFPID-%04d\"],\"cvss_v3\":{\"version\":\"3.1\","
		    "\"vectorString\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\","
		    "\"baseScore\":9.8,\"baseSeverity\":\"CRITICAL\"}}]}",
		    i ? "," : "", 10000 + i, i, i, i, i + 1, i + 1, i, i, i);
	put(&o, "]}");
	*len = o.len;
	return o.p;
}

static size_t
make_docs(struct doc *d)
{
	static const int ks[] = { 1, 2, 4, 8, 16, 32, 64, 128, 200 };
	size_t n = 0;

	for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++, n++) {
		snprintf(d[n].name, NAME_MAX_, "made-%03d.json", ks[i]);
		d[n].text = made(ks[i], &d[n].len);
	}
	return n;
}

/* ---- the timings ---- */

static int64_t
one(const char *text, size_t len, status *rc)
{
	struct csaf_report rep;
	struct csaf *c = NULL;
	int64_t t0 = now_ns(), t;

	*rc = csaf_read(text, len, &c, &rep);
	t = now_ns() - t0;
	csaf_free(c);
	return t;
}

static void
part_set(struct doc *d, size_t n, int64_t rounds, const char *source, const char *dir)
{
	int64_t *all = malloc((size_t)rounds * n * sizeof *all), sum = 0;
	size_t bytes = 0, k = 0, refused = 0;
	status rc;

	if (!all)
		die("memory");
	for (size_t i = 0; i < n; i++) {
		struct csaf_report rep;
		struct csaf *c = NULL;

		if (!(d[i].ns = malloc((size_t)rounds * sizeof *d[i].ns)))
			die("memory");
		d[i].first = csaf_read(d[i].text, d[i].len, &c, &rep);	/* and a warm-up */
		csaf_free(c);
		if (d[i].first) {
			refused++;
			fprintf(stderr, "bench_csaf: %s refused (%s): %s %s %s\n", d[i].name,
			    status_str(d[i].first), rep.n ? rep.p[0].test : "", rep.n ?
			    rep.p[0].path : "", rep.n ? rep.p[0].what : "");
		}
		bytes += d[i].len;
	}
	for (int64_t r = 0; r < rounds; r++)
		for (size_t i = 0; i < n; i++) {
			d[i].ns[r] = one(d[i].text, d[i].len, &rc);
			all[k++] = d[i].ns[r];
			sum += d[i].ns[r];
		}
	printf("{\"part\":\"set\",\"source\":\"%s\",\"dir\":\"%s\",\"docs\":%zu,\"bytes\":%zu,"
	    "\"rounds\":%lld,\"median_us\":%.2f,\"p99_us\":%.2f,\"min_us\":%.2f,"
	    "\"max_us\":%.2f,\"mbs\":%.2f,\"refused\":%zu}\n", source, dir, n, bytes,
	    (long long)rounds, pct(all, k, 50) / 1e3, pct(all, k, 99) / 1e3, pct(all, k, 0) / 1e3,
	    pct(all, k, 100) / 1e3,
	    (double)bytes * (double)rounds / ((double)sum / 1e9) / 1e6, refused);
	for (size_t i = 0; i < n; i++) {
		double med = pct(d[i].ns, (size_t)rounds, 50);

		printf("{\"part\":\"doc\",\"name\":\"%s\",\"bytes\":%zu,\"median_us\":%.2f,"
		    "\"p99_us\":%.2f,\"mbs\":%.2f,\"status\":\"%s\"}\n", d[i].name, d[i].len,
		    med / 1e3, pct(d[i].ns, (size_t)rounds, 99) / 1e3,
		    (double)d[i].len / (med / 1e9) / 1e6, status_str(d[i].first));
	}
	free(all);
}

static void
part_large(const struct doc *x, int64_t runs)
{
	int64_t *v = malloc((size_t)runs * sizeof *v), *p = malloc((size_t)runs * sizeof *p);
	status rc = ST_OK, first;
	double med, pmed;

	if (!v || !p)
		die("memory");
	(void)one(x->text, x->len, &first);	/* warm-up */
	for (int64_t r = 0; r < runs; r++)
		v[r] = one(x->text, x->len, &rc);
	for (int64_t r = 0; r < runs; r++) {
		json_error_t err;
		int64_t t0 = now_ns();
		json_t *j = json_loadb(x->text, x->len, JSON_REJECT_DUPLICATES, &err);

		p[r] = now_ns() - t0;
		if (!j)
			die("the largest document is not JSON to jansson");
		json_decref(j);
	}
	med = pct(v, (size_t)runs, 50);
	pmed = pct(p, (size_t)runs, 50);
	printf("{\"part\":\"large\",\"name\":\"%s\",\"bytes\":%zu,\"runs\":%lld,"
	    "\"median_us\":%.2f,\"p99_us\":%.2f,\"min_us\":%.2f,\"max_us\":%.2f,\"mbs\":%.2f,"
	    "\"status\":\"%s\"}\n", x->name, x->len, (long long)runs, med / 1e3,
	    pct(v, (size_t)runs, 99) / 1e3, pct(v, (size_t)runs, 0) / 1e3,
	    pct(v, (size_t)runs, 100) / 1e3, (double)x->len / (med / 1e9) / 1e6,
	    status_str(first));
	printf("{\"part\":\"parse\",\"name\":\"%s\",\"bytes\":%zu,\"runs\":%lld,"
	    "\"median_us\":%.2f,\"p99_us\":%.2f,\"min_us\":%.2f,\"max_us\":%.2f,\"mbs\":%.2f}\n",
	    x->name, x->len, (long long)runs, pmed / 1e3, pct(p, (size_t)runs, 99) / 1e3,
	    pct(p, (size_t)runs, 0) / 1e3, pct(p, (size_t)runs, 100) / 1e3,
	    (double)x->len / (pmed / 1e9) / 1e6);
	free(v);
	free(p);
}

static void
part_invalid(const char *dir, int64_t rounds)
{
	static struct doc d[DOCS_MAX];
	size_t n = load(dir, d, DOCS_MAX), k = 0, accepted = 0;
	int64_t *all;
	status rc;

	if (!n)
		return;
	if (!(all = malloc((size_t)rounds * n * sizeof *all)))
		die("memory");
	for (int64_t r = 0; r < rounds; r++)
		for (size_t i = 0; i < n; i++) {
			all[k++] = one(d[i].text, d[i].len, &rc);
			if (r == 0 && rc == ST_OK) {
				accepted++;
				fprintf(stderr, "bench_csaf: invalid %s accepted\n", d[i].name);
			}
		}
	printf("{\"part\":\"invalid\",\"dir\":\"%s\",\"docs\":%zu,\"rounds\":%lld,"
	    "\"median_us\":%.2f,\"p99_us\":%.2f,\"min_us\":%.2f,\"max_us\":%.2f,"
	    "\"accepted\":%zu}\n", dir, n, (long long)rounds, pct(all, k, 50) / 1e3,
	    pct(all, k, 99) / 1e3, pct(all, k, 0) / 1e3, pct(all, k, 100) / 1e3, accepted);
	for (size_t i = 0; i < n; i++)
		free(d[i].text);
	free(all);
}

int
main(int argc, char **argv)
{
	static struct doc d[DOCS_MAX];
	const char *data = getenv("PARLEY_SHARED_DATA");
	char dir[4096], inv[4096], *slash;
	const char *source = "examples";
	int64_t rounds = env_int("BENCH_CSAF_ROUNDS", 200), runs = env_int("BENCH_CSAF_RUNS", 500);
	size_t n, big = 0;

	if (argc > 2 || (argc == 2 && argv[1][0] == '-'))
		die("usage: bench_csaf [DIR]");
	if (argc == 2)
		snprintf(dir, sizeof dir, "%s", argv[1]);
	else
		snprintf(dir, sizeof dir, "%s/csaf/examples", data && *data ? data : "../shared/data");
	for (size_t k = strlen(dir); k > 1 && dir[k - 1] == '/'; k--)
		dir[k - 1] = '\0';
	if (runs < MIN_RUNS)
		runs = MIN_RUNS;
	if (!(n = load(dir, d, DOCS_MAX))) {
		source = "made";
		n = make_docs(d);
	}
	part_set(d, n, rounds, source, dir);
	for (size_t i = 0; i < n; i++)
		if (strcmp(d[i].name, LARGE) == 0 || (strcmp(d[big].name, LARGE) != 0 &&
		    d[i].len > d[big].len))
			big = i;
	part_large(&d[big], runs);
	/* DIR's sibling "invalid": ../shared/data/csaf/invalid */
	if (strcmp(source, "examples") == 0 && (slash = strrchr(dir, '/')) &&
	    snprintf(inv, sizeof inv, "%.*s/invalid", (int)(slash - dir), dir) < (int)sizeof inv)
		part_invalid(inv, rounds);
	for (size_t i = 0; i < n; i++) {
		free(d[i].text);
		free(d[i].ns);
	}
	return 0;
}
