/*
 * norm_value: see norm_value.h.
 *
 * Every function first reduces its input to a short ASCII "word form" in a
 * stack buffer: white space (ASCII, NBSP) trimmed, ASCII letters lower-cased
 * and the Latin-1 accented letters (UTF-8 C3 80-BF) replaced by their base
 * letter ("Não" -> "nao", "März" -> "marz", "déc" -> "dec").  Inputs longer
 * than the buffer cannot be one of the known values and are rejected at
 * once, so no call costs more than a few hundred bytes of work.  The tables
 * below are matched by linear search: they are short and the words shorter.
 *
 * Dates are parsed by a cursor over that form with one rule per layout:
 *
 *   all digits   8 -> YYYYMMDD, 10 -> Unix seconds, 13 -> Unix milliseconds
 *                (UTC, written with "Z"; milliseconds are dropped)
 *   Y-M-D        a 4-digit year first, then month and day, separated by the
 *                same "-", "/" or "."
 *   a.b.c        dots: always day.month.year
 *   a/b/c, a-b-c day and month by order (DATE_MDY or DATE_DMY), except that
 *                a first number above 12 forces day first and a second
 *                number above 12 forces month first
 *   D Month Y    "5 Mar 2024", "05-Mar-2024", "5. März 2024", "5th of March
 *                2024", "5 de marzo de 2024"
 *   Month D, Y   "March 5, 2024", "Mar 5 2024", "Mar. 5th, 2024"
 * Month names are English, German, French, Spanish and Portuguese, full or
 * abbreviated (with or without a dot); an English weekday in front ("Tue,")
 * is skipped.  A two-digit year is 20YY for 00-69 and 19YY for 70-99.
 * A time may follow after "T", white space, "," or "at" (also "um", "à"):
 * H:MM, H:MM:SS, the French 14h22,
 * H:MM:SS.fff (the fraction is dropped), an AM/PM marker (12 AM is 00), and
 * a zone: "Z", "UTC" or "GMT" (written "Z") or an offset +HH, +HHMM, +HH:MM
 * (written +HH:MM), also after UTC/GMT.  Ranges are checked: year 1900-2199,
 * month 1-12, the day within its month (leap years: divisible by 4, not by
 * 100 unless by 400), hour 0-23 (1-12 with AM/PM), minute and second 0-59,
 * offsets up to 14:59.  Anything left over makes the value not a date.
 *
 * Two shortcuts for the values exports are full of: "1" and "0" are read
 * as booleans before any word form is made, and a date made only of
 * digits and - / . (6/29/2022, 2019-07-28) is its own word form and is
 * read by parse_numeric, the numeric layouts above without the cursor.
 */
#include "norm_value.h"

#include <string.h>

enum { FORM_MAX = 64 };

/* Base letters of U+00C0-U+00FF (UTF-8 C3 80-BF); 0: not a letter. */
/* clang-format off */
static const char latin1_base[64] = {
	'a', 'a', 'a', 'a', 'a', 'a', 'a', 'c', 'e', 'e', 'e', 'e', 'i', 'i',
	'i', 'i', 'd', 'n', 'o', 'o', 'o', 'o', 'o', 0,   'o', 'u', 'u', 'u',
	'u', 'y', 0,   's', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'c', 'e', 'e',
	'e', 'e', 'i', 'i', 'i', 'i', 'd', 'n', 'o', 'o', 'o', 'o', 'o', 0,
	'o', 'u', 'u', 'u', 'u', 'y', 0,   'y'};

/* Reduce s[0..n) to its word form in f (size FORM_MAX).  Returns the length,
 * or -1 when too long or holding a byte outside ASCII and Latin-1 letters
 * (NUL included). */
static int word_form(const char *s, size_t n, char *f)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k = 0;

	for (;;) {
		if (n && (u[n - 1] == ' ' || u[n - 1] == '\t' ||
			  u[n - 1] == '\r' || u[n - 1] == '\n'))
			n--;
		else if (n >= 2 && u[n - 2] == 0xC2 && u[n - 1] == 0xA0)
			n -= 2;
		else
			break;
	}
	for (;;) {
		if (i < n && (u[i] == ' ' || u[i] == '\t' || u[i] == '\r' ||
			      u[i] == '\n'))
			i++;
		else if (i + 1 < n && u[i] == 0xC2 && u[i + 1] == 0xA0)
			i += 2;
		else
			break;
	}
	if (n - i > 2 * FORM_MAX)
		return -1;
	for (; i < n; i++) {
		unsigned char c = u[i];
		if (k == FORM_MAX - 1)
			return -1;
		if (c >= 'A' && c <= 'Z') {
			f[k++] = (char)(c + 32);
		} else if (c >= 0x20 && c < 0x7F) {
			f[k++] = (char)c;
		} else if (c == 0xC2 && i + 1 < n && u[i + 1] == 0xA0) {
			f[k++] = ' ';
			i++;
		} else if (c == 0xC3 && i + 1 < n && u[i + 1] >= 0x80 &&
			   u[i + 1] <= 0xBF && latin1_base[u[i + 1] - 0x80]) {
			f[k++] = latin1_base[u[i + 1] - 0x80];
			i++;
		} else {
			return -1;
		}
	}
	f[k] = '\0';
	return (int)k;
}

/* 1 when w[0..n) spells name.  Compares without strlen: these tables are
 * searched for every value, and most entries differ in the first byte.
 * w[i] is read only for i below both n and the length of name. */
static int word_is(const char *w, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (name[i] == '\0' || name[i] != w[i])
			return 0;
	return name[n] == '\0';
}

static int form_in(const char *f, int n, const char *const *list)
{
	for (; *list; list++)
		if (word_is(f, n, *list))
			return 1;
	return 0;
}

/* ---- booleans ------------------------------------------------------------ */

static const char *const bool_true[] = {
	"1", "y", "yes", "true", "t", "on", "x", "checked", "ja", "j", "wahr",
	"oui", "vrai", "si", "verdadero", "sim", "verdadeiro", NULL};
static const char *const bool_false[] = {
	"0", "n", "no", "false", "f", "off", "unchecked", "nein", "falsch",
	"non", "faux", "falso", "nao", NULL};

int value_bool(const char *s, size_t n)
{
	char f[FORM_MAX];
	int k;

	/* "1" and "0" are what most exports write: no word form needed */
	if (n == 1 && (s[0] == '1' || s[0] == '0'))
		return s[0] == '1';
	k = word_form(s, n, f);
	if (k <= 0)
		return -1;
	if (form_in(f, k, bool_true))
		return 1;
	if (form_in(f, k, bool_false))
		return 0;
	return -1;
}

/* ---- placeholders -------------------------------------------------------- */

int value_is_placeholder(const char *s, size_t n)
{
	/* clang-format off */
	static const char *const words[] = {
		"na", "none", "null", "nil", "nan", "unknown", "undefined", "tbd",
		"missing", "empty", "notavailable", "notapplicable",
		"notprovided", "noemail", NULL};
	static const char *const errors[] = {
		"#ref!", "#value!", "#name?", "#div/0!", "#num!", NULL};
	/* clang-format on */
	char w[16], low[16];
	size_t k = 0;
	int filler = 1; /* only dashes, dots, '?' and the like so far */

	if (n == 0 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		/* an '@' makes an attempt at an address ("n/a@") */
		if (c >= 0x80 || (c < 0x20 && c != '\t') || c == 0x7f ||
		    c == '@')
			return 0;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		if (i < sizeof low)
			low[i] = (char)c;
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (k == sizeof w)
				return 0;
			w[k++] = (char)c;
		}
		if (!strchr("-_.?*/#~ \t", c))
			filler = 0;
	}
	if (k == 0)
		return filler;
	if (n < sizeof low && low[0] == '#' && form_in(low, (int)n, errors))
		return 1;
	return form_in(w, (int)k, words);
}

/* ---- e-mail status ------------------------------------------------------- */

static const struct {
	const char *form, *status;
} email_statuses[] = {
	{"valid", "valid"},
	{"deliverable", "valid"},
	{"verified", "valid"},
	{"ok", "valid"},
	{"safe", "valid"},
	{"active", "valid"},
	{"good", "valid"},
	{"valid email", "valid"},
	{"email valid", "valid"},
	{"invalid", "invalid"},
	{"undeliverable", "invalid"},
	{"bad", "invalid"},
	{"syntax error", "invalid"},
	{"invalid syntax", "invalid"},
	{"rejected", "invalid"},
	{"do not mail", "invalid"},
	{"donotmail", "invalid"},
	{"spamtrap", "invalid"},
	{"spam trap", "invalid"},
	{"invalid email", "invalid"},
	{"email invalid", "invalid"},
	{"mailbox not found", "invalid"},
	{"no mailbox", "invalid"},
	{"bounced", "bounced"},
	{"bounce", "bounced"},
	{"hard bounce", "bounced"},
	{"hard bounced", "bounced"},
	{"hardbounce", "bounced"},
	{"email bounced", "bounced"},
	{"bounced hard", "bounced"},
	{"unknown", "unknown"},
	{"risky", "unknown"},
	{"catch all", "unknown"},
	{"catchall", "unknown"},
	{"accept all", "unknown"},
	{"acceptall", "unknown"},
	{"unverified", "unknown"},
	{"pending", "unknown"},
	{"soft bounce", "unknown"},
	{"soft bounced", "unknown"},
	{"softbounce", "unknown"},
	{"email suspended", "unknown"},
	{"marketing suspended", "unknown"},
	{"disposable", "unknown"},
	{"role", "unknown"},
	{"unchecked", "unknown"},
};
/* clang-format on */

/* The status of s[0..n): a table entry's, "" for an empty (or all white
 * space) value, NULL for any other value. */
static const char *email_status_of(const char *s, size_t n)
{
	char f[FORM_MAX], w[FORM_MAX];
	int k = word_form(s, n, f), j = 0;

	if (k == 0)
		return "";
	if (k < 0)
		return NULL;
	/* punctuation and "_" / "-" count as one space: "hard_bounce" */
	for (int i = 0; i < k; i++) {
		char c = f[i];
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			w[j++] = c;
		else if (j && w[j - 1] != ' ')
			w[j++] = ' ';
	}
	if (j && w[j - 1] == ' ')
		j--;
	for (size_t i = 0; i < sizeof email_statuses / sizeof email_statuses[0];
	     i++)
		if (word_is(w, j, email_statuses[i].form))
			return email_statuses[i].status;
	return NULL;
}

const char *value_email_status(const char *s, size_t n)
{
	const char *v = email_status_of(s, n);

	return !v ? "unknown" : *v ? v : NULL;
}

const char *value_email_status_known(const char *s, size_t n)
{
	const char *v = email_status_of(s, n);

	return v && *v ? v : NULL;
}

/* ---- dates --------------------------------------------------------------- */

/* clang-format off */
static const struct {
	const char *name;
	int month;
} month_names[] = {
	/* English */
	{"january", 1}, {"february", 2}, {"march", 3}, {"april", 4},
	{"may", 5}, {"june", 6}, {"july", 7}, {"august", 8},
	{"september", 9}, {"october", 10}, {"november", 11},
	{"december", 12}, {"jan", 1}, {"feb", 2}, {"mar", 3}, {"apr", 4},
	{"jun", 6}, {"jul", 7}, {"aug", 8}, {"sep", 9}, {"sept", 9},
	{"oct", 10}, {"nov", 11}, {"dec", 12},
	/* German */
	{"januar", 1}, {"janner", 1}, {"februar", 2}, {"marz", 3},
	{"mrz", 3}, {"mai", 5}, {"juni", 6}, {"juli", 7}, {"oktober", 10},
	{"dezember", 12}, {"okt", 10}, {"dez", 12},
	/* French */
	{"janvier", 1}, {"fevrier", 2}, {"mars", 3}, {"avril", 4},
	{"juin", 6}, {"juillet", 7}, {"aout", 8}, {"septembre", 9},
	{"octobre", 10}, {"novembre", 11}, {"decembre", 12}, {"janv", 1},
	{"fev", 2}, {"fevr", 2}, {"avr", 4}, {"juil", 7},
	/* Spanish */
	{"enero", 1}, {"febrero", 2}, {"marzo", 3}, {"abril", 4},
	{"mayo", 5}, {"junio", 6}, {"julio", 7}, {"agosto", 8},
	{"septiembre", 9}, {"setiembre", 9}, {"octubre", 10},
	{"noviembre", 11}, {"diciembre", 12}, {"ene", 1}, {"abr", 4},
	{"ago", 8}, {"set", 9}, {"dic", 12},
	/* Portuguese */
	{"janeiro", 1}, {"fevereiro", 2}, {"marco", 3}, {"maio", 5},
	{"junho", 6}, {"julho", 7}, {"setembro", 9}, {"outubro", 10},
	{"novembro", 11}, {"dezembro", 12}, {"out", 10},
};
/* clang-format on */

/* clang-format off */
static const char *const weekdays[] = {
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
	"sunday", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri",
	"sat", "sun", NULL};

/* Words that may stand between the parts of a written date. */
static const char *const fillers[] = {"de", "del", "of", NULL};

struct cur {
	const char *f;
	int i, n;
};
/* clang-format on */

static int cur_at(const struct cur *c) { return c->i < c->n ? c->f[c->i] : 0; }

static int is_digit(int ch) { return ch >= '0' && ch <= '9'; }
static int is_lower(int ch) { return ch >= 'a' && ch <= 'z'; }

static void skip_spaces(struct cur *c)
{
	while (cur_at(c) == ' ' || cur_at(c) == '\t')
		c->i++;
}

/* Read a run of digits: its length (value in *v, when it fits). */
static int read_num(struct cur *c, int *v)
{
	int k = 0;

	*v = 0;
	while (is_digit(cur_at(c))) {
		if (k < 9)
			*v = *v * 10 + (cur_at(c) - '0');
		c->i++;
		k++;
	}
	return k;
}

/* Read a run of letters into w (at most 15); its length, 0 when none. */
static int read_word(struct cur *c, char w[16])
{
	int k = 0;

	while (is_lower(cur_at(c))) {
		if (k < 15)
			w[k] = (char)cur_at(c);
		c->i++;
		k++;
	}
	w[k < 15 ? k : 15] = '\0';
	return k;
}

static int month_of(const char *w, int k)
{
	for (size_t i = 0; i < sizeof month_names / sizeof month_names[0]; i++)
		if (word_is(w, k, month_names[i].name))
			return month_names[i].month;
	return 0;
}

/* Skip an English ordinal suffix right after a day number. */
static void skip_ordinal(struct cur *c)
{
	struct cur save = *c;
	char w[16];
	int k = read_word(c, w);

	if (!(k == 2 &&
	      (!strcmp(w, "st") || !strcmp(w, "nd") || !strcmp(w, "rd") ||
	       !strcmp(w, "th") || !strcmp(w, "er"))))
		*c = save;
}

/* Skip white space, the separators in seps, and filler words. */
static void skip_between(struct cur *c, const char *seps)
{
	for (;;) {
		struct cur save = *c;
		char w[16];
		int ch = cur_at(c), k;

		if (ch == ' ' || ch == '\t' || (ch && strchr(seps, ch))) {
			c->i++;
			continue;
		}
		k = read_word(c, w);
		if (k && form_in(w, k, fillers) && !is_lower(cur_at(c)))
			continue;
		*c = save;
		return;
	}
}

static int year_of(int v, int digits)
{
	if (digits == 4)
		return v;
	if (digits == 2)
		return v < 70 ? 2000 + v : 1900 + v;
	return -1;
}

static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && leap(y) ? 29 : d[m - 1];
}

struct when {
	int y, m, d, hh, mm, ss;
	int has_time;
	char zone[7]; /* "", "Z" or "+HH:MM" */
};

/* The date part at c; 0 or -1. */
static int parse_date(struct cur *c, int order, struct when *t)
{
	char w[16];
	int a, la, b, lb, v, lv, k;

	if (is_digit(cur_at(c))) {
		la = read_num(c, &a);
		int sep = cur_at(c);
		if (la == 4 && (sep == '-' || sep == '/' || sep == '.')) {
			c->i++;
			lb = read_num(c, &b);
			if (lb < 1 || lb > 2 || cur_at(c) != sep)
				return -1;
			c->i++;
			lv = read_num(c, &v);
			if (lv < 1 || lv > 2)
				return -1;
			t->y = a, t->m = b, t->d = v;
			return 0;
		}
		if (la == 8 && (sep == 't' || sep == ' ' || sep == 0)) {
			t->y = a / 10000, t->m = a / 100 % 100, t->d = a % 100;
			return 0;
		}
		if (la < 1 || la > 2)
			return -1;
		if ((sep == '/' || sep == '.' || sep == '-') &&
		    c->i + 1 < c->n && is_digit(c->f[c->i + 1])) {
			c->i++;
			lb = read_num(c, &b);
			if (lb < 1 || lb > 2 || cur_at(c) != sep)
				return -1;
			c->i++;
			lv = read_num(c, &v);
			if ((t->y = year_of(v, lv)) < 0)
				return -1;
			if (sep == '.' || (a > 12 && b <= 12) ||
			    (a <= 12 && b <= 12 && order == DATE_DMY))
				t->d = a, t->m = b;
			else
				t->m = a, t->d = b;
			return 0;
		}
		/* D Month Y */
		skip_ordinal(c);
		if (cur_at(c) == '.')
			c->i++;
		skip_between(c, "-/");
		k = read_word(c, w);
		if (!k || !(t->m = month_of(w, k)))
			return -1;
		if (cur_at(c) == '.')
			c->i++;
		skip_between(c, "-/,");
		lv = read_num(c, &v);
		if (cur_at(c) == ':' || (t->y = year_of(v, lv)) < 0)
			return -1;
		t->d = a;
		return 0;
	}
	/* Month D, Y */
	k = read_word(c, w);
	if (!k || !(t->m = month_of(w, k)))
		return -1;
	if (cur_at(c) == '.')
		c->i++;
	skip_between(c, "-/");
	la = read_num(c, &a);
	if (la < 1 || la > 2)
		return -1;
	skip_ordinal(c);
	skip_between(c, "-/,");
	lv = read_num(c, &v);
	if (lv != 4)
		return -1;
	t->d = a, t->y = v;
	return 0;
}

/* An offset +HH, +HHMM or +HH:MM at c into t->zone; 0 or -1. */
static int parse_offset(struct cur *c, struct when *t)
{
	int sign = cur_at(c), h, m = 0, k;

	c->i++;
	k = read_num(c, &h);
	if (k == 4) {
		m = h % 100;
		h /= 100;
	} else if (k == 1 || k == 2) {
		if (cur_at(c) == ':') {
			c->i++;
			if (read_num(c, &m) != 2)
				return -1;
		}
	} else {
		return -1;
	}
	if (h > 14 || m > 59)
		return -1;
	t->zone[0] = (char)sign;
	t->zone[1] = (char)('0' + h / 10);
	t->zone[2] = (char)('0' + h % 10);
	t->zone[3] = ':';
	t->zone[4] = (char)('0' + m / 10);
	t->zone[5] = (char)('0' + m % 10);
	t->zone[6] = '\0';
	return 0;
}

/* The time part at c (after its separator; basic HHMM[SS] only after a
 * "T"); 0 or -1. */
static int parse_time(struct cur *c, struct when *t, int after_t)
{
	char w[16];
	int h, m = 0, s = 0, k, ampm = 0, clock = 0;
	struct cur save;

	k = read_num(c, &h);
	if (after_t && (k == 4 || k == 6)) { /* ISO basic: HHMM[SS] */
		if (k == 6) {
			s = h % 100;
			h /= 100;
		}
		m = h % 100;
		h /= 100;
		clock = 1;
	} else if (k == 1 || k == 2) {
		if (cur_at(c) == 'h' && c->i + 1 < c->n &&
		    is_digit(c->f[c->i + 1])) {
			clock = 1; /* French "14h22" */
			c->i++;
			if (read_num(c, &m) != 2)
				return -1;
		} else if (cur_at(c) == ':') {
			clock = 1;
			c->i++;
			if (read_num(c, &m) != 2)
				return -1;
			if (cur_at(c) == ':') {
				c->i++;
				if (read_num(c, &s) != 2)
					return -1;
				if (cur_at(c) == '.' || cur_at(c) == ',') {
					c->i++;
					if (read_num(c, &k) == 0)
						return -1;
				}
			}
		}
	} else {
		return -1;
	}
	skip_spaces(c);
	save = *c;
	k = read_word(c, w);
	if (k == 2 && (!strcmp(w, "am") || !strcmp(w, "pm"))) {
		ampm = w[0];
	} else if (k == 1 && (w[0] == 'a' || w[0] == 'p') && cur_at(c) == '.' &&
		   c->i + 1 < c->n && c->f[c->i + 1] == 'm') {
		ampm = w[0]; /* "a.m." */
		c->i += 2;
		if (cur_at(c) == '.')
			c->i++;
	} else {
		*c = save;
	}
	if (!clock && !ampm)
		return -1; /* a bare number is no time */
	if (ampm) {
		if (h < 1 || h > 12)
			return -1;
		h = h % 12 + (ampm == 'p' ? 12 : 0);
	}
	if (h > 23 || m > 59 || s > 59)
		return -1;
	t->hh = h, t->mm = m, t->ss = s;
	t->has_time = 1;
	skip_spaces(c);
	save = *c;
	k = read_word(c, w);
	if ((k == 1 && w[0] == 'z') ||
	    (k == 3 && (!strcmp(w, "utc") || !strcmp(w, "gmt")))) {
		t->zone[0] = 'Z';
		t->zone[1] = '\0';
		if (k == 3 && (cur_at(c) == '+' || cur_at(c) == '-'))
			return parse_offset(c, t);
	} else if (k) {
		return -1;
	} else if (cur_at(c) == '+' || cur_at(c) == '-') {
		return parse_offset(c, t);
	}
	return 0;
}

/* Days since 1970-01-01 to a civil date (H. Hinnant's algorithm). */
static void civil_from_days(long long z, int *y, int *m, int *d)
{
	z += 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;

	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Write v (0..99) as two digits at o; returns 2. */
static int put2(char *o, int v)
{
	o[0] = (char)('0' + v / 10);
	o[1] = (char)('0' + v % 10);
	return 2;
}

/* The digits at f[*i..k) (read_num for a plain array): how many, their
 * value in *v when it fits. */
static int digit_run(const char *f, int k, int *i, int *v)
{
	int start = *i;

	*v = 0;
	for (; *i < k && is_digit(f[*i]); (*i)++)
		if (*i - start < 9)
			*v = *v * 10 + (f[*i] - '0');
	return *i - start;
}

/* parse_date for a numeric form f[0..k) (is_numeric_form): Y-M-D, YYYYMMDD
 * or a/b/c by the rules of parse_date, read without the cursor.  Such a
 * form is a date only when these make the whole of it (anything after
 * them would have to be a time, and a time needs a letter or ':').
 * 0 with t filled, or -1. */
static int parse_numeric(const char *f, int k, int order, struct when *t)
{
	int i = 0, a, b, v, la, lb, lv, sep;

	la = digit_run(f, k, &i, &a);
	sep = i < k ? f[i] : 0; /* '-', '/' or '.' in a numeric form */
	if (la == 4 && sep) {
		i++;
		lb = digit_run(f, k, &i, &b);
		if (lb < 1 || lb > 2 || i >= k || f[i] != sep)
			return -1;
		i++;
		lv = digit_run(f, k, &i, &v);
		if (lv < 1 || lv > 2)
			return -1;
		t->y = a, t->m = b, t->d = v;
	} else if (la == 8 && !sep) {
		t->y = a / 10000, t->m = a / 100 % 100, t->d = a % 100;
	} else if ((la == 1 || la == 2) && sep && i + 1 < k &&
		   is_digit(f[i + 1])) {
		i++;
		lb = digit_run(f, k, &i, &b);
		if (lb < 1 || lb > 2 || i >= k || f[i] != sep)
			return -1;
		i++;
		lv = digit_run(f, k, &i, &v);
		if ((t->y = year_of(v, lv)) < 0)
			return -1;
		if (sep == '.' || (a > 12 && b <= 12) ||
		    (a <= 12 && b <= 12 && order == DATE_DMY))
			t->d = a, t->m = b;
		else
			t->m = a, t->d = b;
	} else {
		return -1;
	}
	return i == k ? 0 : -1;
}

/* 1 when s[0..n) is made only of digits, '/', '-' and '.': a numeric date
 * such as 6/29/2022 or 2019-07-28, which is its own word form. */
static int is_numeric_form(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '/' ||
		      s[i] == '-' || s[i] == '.'))
			return 0;
	return 1;
}

int value_date(const char *s, size_t n, int order, struct buf *out)
{
	char f[FORM_MAX], o[32];
	const char *form = f; /* the word form */
	int k, m, numeric, digits = 0;
	struct when t = {0, 0, 0, 0, 0, 0, 0, ""};
	struct cur c;

	/* the common numeric date is its own word form: read in place by
	 * parse_numeric */
	numeric = n < FORM_MAX && is_numeric_form(s, n);
	if (numeric) {
		form = s;
		k = (int)n;
	} else {
		k = word_form(s, n, f);
	}
	c.f = f;
	c.i = 0;
	c.n = k;
	buf_reset(out);
	if (k <= 0)
		return -1;
	while (digits < k && is_digit(form[digits]))
		digits++;
	if ((k == 10 || k == 13) && digits == k) {
		long long secs = 0;
		for (int i = 0; i < 10; i++)
			secs = secs * 10 + (form[i] - '0');
		civil_from_days(secs / 86400, &t.y, &t.m, &t.d);
		secs %= 86400;
		t.hh = (int)(secs / 3600);
		t.mm = (int)(secs / 60 % 60);
		t.ss = (int)(secs % 60);
		t.has_time = 1;
		t.zone[0] = 'Z';
	} else if (numeric) {
		if (parse_numeric(form, k, order, &t) < 0)
			return -1;
	} else {
		struct cur save = c;
		char w[16];
		int wk = read_word(&c, w);
		if (wk && form_in(w, wk, weekdays)) {
			if (cur_at(&c) == ',' || cur_at(&c) == '.')
				c.i++;
			skip_spaces(&c);
		} else {
			c = save;
		}
		if (parse_date(&c, order, &t) < 0)
			return -1;
		if (cur_at(&c) == 't' && c.i + 1 < c.n &&
		    is_digit(c.f[c.i + 1])) {
			c.i++;
			if (parse_time(&c, &t, 1) < 0)
				return -1;
		} else if (cur_at(&c)) {
			skip_spaces(&c);
			if (cur_at(&c) == ',')
				c.i++;
			skip_spaces(&c);
			save = c;
			wk = read_word(&c, w);
			if (!(wk == 2 &&
			      (!strcmp(w, "at") || !strcmp(w, "um"))) &&
			    !(wk == 1 && w[0] == 'a'))
				c = save;
			skip_spaces(&c);
			if (!is_digit(cur_at(&c)) || parse_time(&c, &t, 0) < 0)
				return -1;
		}
		skip_spaces(&c);
		if (c.i != c.n)
			return -1;
	}
	if (t.y < 1900 || t.y > 2199 || t.m < 1 || t.m > 12 || t.d < 1 ||
	    t.d > days_in(t.y, t.m))
		return -1;
	m = put2(o, t.y / 100);
	m += put2(o + m, t.y % 100);
	o[m++] = '-';
	m += put2(o + m, t.m);
	o[m++] = '-';
	m += put2(o + m, t.d);
	if (t.has_time) {
		o[m++] = 'T';
		m += put2(o + m, t.hh);
		o[m++] = ':';
		m += put2(o + m, t.mm);
		o[m++] = ':';
		m += put2(o + m, t.ss);
		for (const char *z = t.zone; *z; z++)
			o[m++] = *z;
	}
	buf_add(out, o, (size_t)m);
	return 0;
}
