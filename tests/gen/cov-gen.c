/*
 * cov-gen: a deterministic generator of realistic, messy CRM exports, the
 * project's own test and benchmark data (accounts, contacts, activities,
 * reps, content assets, and the ground truth behind the contacts).
 *
 * Every entity is a pure function of (seed, kind, index).  Account j's name,
 * domain, country, owner and parent come from hashing (seed, j); contact row
 * i's person from (seed, the row where that person first appeared).  Nothing
 * is kept per account, and kinds generated separately agree: contacts point
 * at accounts that `cov-gen accounts` prints with the same --seed,
 * --accounts and --style, and activities at contacts of the same --seed and
 * --contacts.
 *
 * One thing is kept per person: the key (as cov-dedupe computes it) of the
 * address the person first gets, 8 bytes, so that no two people share an
 * address (a mailbox is one person's), as two Sarahs at one company whose
 * addresses are first names would otherwise: the second gets "sarah2@".  A
 * role address (info@) is shared, as it is in a real CRM.  A person who
 * needed a number keeps it in a small table, for the rows that re-enter
 * them.
 *
 * Duplicates: whether row i re-enters an earlier person is itself a hash of
 * (seed, i) (probability --dup-rate); its source is a row at most LOOKBACK
 * rows back, followed back to the person's first row, which is never a
 * duplicate.  So the look-back is bounded and needs no memory at all.
 *
 * Randomness is splitmix64 with integer arithmetic only; no locale, clock or
 * rand(), so one seed and one set of options give the same bytes anywhere.
 * A row is built into fixed field buffers (struct fld) and written through a
 * 1 MiB stdio buffer: no allocation per row.
 */

/* The generator is mostly tables and short switch arms laid out by hand,
 * a row or an arm a line: clang-format leaves it as it is. */
/* clang-format off */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <utf8proc.h>

#include <xxhash.h>

#include "buf.h"
#include "err.h"
#include "keytab.h"
#include "norm_email.h"
#include "norm_text.h"

#define LOOKBACK 5000           /* rows a duplicate may reach back */
#define FLD_CAP 256             /* bytes per generated field, NUL included */
#define NFIELDS 16              /* most fields of any kind */
#define OUT_BUFSZ (1u << 20)    /* stdio buffer per output */
#define DEFAULT_AS_OF "2026-11-01"

enum kind { K_ACCOUNTS, K_CONTACTS, K_ACTIVITIES, K_REPS, K_ASSETS, K_ALL };
enum style { S_CANONICAL, S_SALESFORCE, S_HUBSPOT };
enum format { F_CSV, F_NDJSON };

static struct gen {
	uint64_t seed;
	uint64_t accounts, contacts, reps;
	uint64_t activities, assets;
	enum style style;
	enum format format;
	int crlf;
	uint32_t dup_ppm; /* duplicate rows per million */
	long as_of;       /* days since 1970-01-01 */
} G;

/* ---- randomness --------------------------------------------------------- */

#define GOLDEN 0x9e3779b97f4a7c15ULL

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* One independent stream per (tag, index); tags keep kinds apart. */
enum tag {
	T_ACC = 1, T_ACCNAME, T_ACCSUB, T_ACCW, T_ACCENG, T_PERSON, T_ROW,
	T_DUP, T_DUPSEL, T_TITLE, T_REP, T_ACT, T_ASSET, T_ID, T_ACCVIEW
};

struct rng {
	uint64_t s;
};

static struct rng rng_for(enum tag t, uint64_t idx)
{
	struct rng r;

	r.s = mix64(mix64(G.seed ^ ((uint64_t)t * 0xd1b54a32d192ed03ULL)) +
		    idx * GOLDEN);
	return r;
}

static uint64_t rng_next(struct rng *r)
{
	r->s += GOLDEN;
	return mix64(r->s);
}

/* Uniform in [0, n); n > 0. */
static uint64_t rng_below(struct rng *r, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)rng_next(r) * n) >> 64);
}

/* 1 with probability per_mille / 1000. */
static int rng_pm(struct rng *r, unsigned per_mille)
{
	return rng_below(r, 1000) < per_mille;
}

static uint64_t hash_of(enum tag t, uint64_t idx)
{
	struct rng r = rng_for(t, idx);

	return rng_next(&r);
}

/* Index into a table of weights (sum > 0). */
static int rng_weighted(struct rng *r, const unsigned *w, int n)
{
	unsigned total = 0, x;
	int i;

	for (i = 0; i < n; i++)
		total += w[i];
	x = (unsigned)rng_below(r, total);
	for (i = 0; i < n - 1; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define PICK(r, a) ((a)[rng_below((r), NELEM(a))])

/* ---- field buffers ------------------------------------------------------ */

/* A field under construction: bytes s[0..n), always NUL-terminated; appends
 * past FLD_CAP are cut (nothing generated comes near it). */
struct fld {
	size_t n;
	char s[FLD_CAP];
};

static void fld_addn(struct fld *f, const char *s, size_t n)
{
	if (n > FLD_CAP - 1 - f->n)
		n = FLD_CAP - 1 - f->n;
	memcpy(f->s + f->n, s, n);
	f->n += n;
	f->s[f->n] = '\0';
}

static void fld_add(struct fld *f, const char *s) { fld_addn(f, s, strlen(s)); }

static void fld_addc(struct fld *f, char c) { fld_addn(f, &c, 1); }

static void fld_set(struct fld *f, const char *s)
{
	f->n = 0;
	f->s[0] = '\0';
	fld_add(f, s);
}

static void fld_clear(struct fld *f)
{
	f->n = 0;
	f->s[0] = '\0';
}

/* Append v in decimal, zero-padded to width digits. */
static void fld_addu(struct fld *f, uint64_t v, int width)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n < width && n < 20)
		tmp[n++] = '0';
	while (n)
		fld_addc(f, tmp[--n]);
}

/* Insert s at byte offset at. */
static void fld_insert(struct fld *f, size_t at, const char *s)
{
	size_t n = strlen(s);

	if (at > f->n || f->n + n > FLD_CAP - 1)
		return;
	memmove(f->s + at + n, f->s + at, f->n - at + 1);
	memcpy(f->s + at, s, n);
	f->n += n;
}

/* Replace the n bytes at offset at by s. */
static void fld_replace(struct fld *f, size_t at, size_t n, const char *s)
{
	size_t m = strlen(s);

	if (at + n > f->n || f->n - n + m > FLD_CAP - 1)
		return;
	memmove(f->s + at + m, f->s + at + n, f->n - at - n + 1);
	memcpy(f->s + at, s, m);
	f->n = f->n - n + m;
}

/* Upper- or lower-case every character (Unicode-aware: "Müller" becomes
 * "MÜLLER").  Bytes that are not UTF-8 are kept. */
static void fld_case(struct fld *f, int upper)
{
	char out[FLD_CAP];
	size_t i = 0, n = 0;

	while (i < f->n) {
		unsigned char c = (unsigned char)f->s[i];
		utf8proc_uint8_t enc[4];
		utf8proc_int32_t cp;
		utf8proc_ssize_t k, m;

		if (c < 0x80) {
			if (upper && c >= 'a' && c <= 'z')
				c -= 32;
			else if (!upper && c >= 'A' && c <= 'Z')
				c += 32;
			out[n++] = (char)c;
			i++;
			continue;
		}
		k = utf8proc_iterate((const utf8proc_uint8_t *)f->s + i,
				     (utf8proc_ssize_t)(f->n - i), &cp);
		if (k <= 0) {
			out[n++] = (char)c;
			i++;
			continue;
		}
		cp = upper ? utf8proc_toupper(cp) : utf8proc_tolower(cp);
		m = utf8proc_encode_char(cp, enc);
		if (n + (size_t)m > FLD_CAP - 1)
			break;
		memcpy(out + n, enc, (size_t)m);
		n += (size_t)m;
		i += (size_t)k;
	}
	memcpy(f->s, out, n);
	f->n = n;
	f->s[n] = '\0';
}

/* First byte of each space-separated word upper-cased (ASCII only). */
static void fld_capitalize(struct fld *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if ((i == 0 || f->s[i - 1] == ' ' || f->s[i - 1] == '-') &&
		    f->s[i] >= 'a' && f->s[i] <= 'z')
			f->s[i] -= 32;
}

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A typing error on an ASCII letter: swap two neighbours, drop one or
 * double one.  Non-ASCII characters are never split. */
static void fld_typo(struct rng *r, struct fld *f)
{
	size_t at, i, tries;
	char c;

	if (f->n < 3)
		return;
	for (tries = 0; tries < 8; tries++) {
		at = 1 + (size_t)rng_below(r, f->n - 2);
		if (!is_alpha(f->s[at]) || !is_alpha(f->s[at + 1]))
			continue;
		switch (rng_below(r, 3)) {
		case 0:
			if (f->s[at] == f->s[at + 1])
				continue;
			c = f->s[at];
			f->s[at] = f->s[at + 1];
			f->s[at + 1] = c;
			return;
		case 1:
			for (i = at; i < f->n; i++)
				f->s[i] = f->s[i + 1];
			f->n--;
			return;
		default: {
			char two[2] = {f->s[at], '\0'};
			fld_insert(f, at, two);
			return;
		}
		}
	}
}

/* The white-space mess of hand-typed data: a leading or trailing space, a
 * doubled inner space, a no-break space.  Each with probability pm/1000. */
static void fld_mess_space(struct rng *r, struct fld *f, unsigned pm)
{
	char *sp;

	if (f->n == 0)
		return;
	if (rng_pm(r, pm))
		fld_insert(f, 0, " ");
	if (rng_pm(r, pm))
		fld_add(f, rng_pm(r, 200) ? "  " : " ");
	if (rng_pm(r, pm) && (sp = memchr(f->s + 1, ' ', f->n - 1)))
		fld_insert(f, (size_t)(sp - f->s), " ");
	if (rng_pm(r, pm / 4 + 1)) {
		sp = memchr(f->s, ' ', f->n);
		if (sp)
			fld_replace(f, (size_t)(sp - f->s), 1, "\xc2\xa0");
		else
			fld_add(f, "\xc2\xa0");
	}
}

/* An embedded line break (a pasted two-line value), probability pm/1000. */
static void fld_mess_newline(struct rng *r, struct fld *f, unsigned pm)
{
	char *sp;

	if (f->n < 3 || !rng_pm(r, pm))
		return;
	sp = memchr(f->s + 1, ' ', f->n - 1);
	if (sp)
		*sp = '\n';
	else
		fld_add(f, rng_pm(r, 500) ? "\n" : "\r\n(primary)");
}

/* ---- reference lists ---------------------------------------------------- */

/* A name as displayed (UTF-8), its ASCII form for e-mail addresses, and for
 * Japanese and Chinese names the native script. */
struct nm {
	const char *u, *a, *native;
};

#define N1(x) {x, NULL, NULL}
#define N2(x, a) {x, a, NULL}
#define N3(x, a, n) {x, a, n}

enum culture { C_EN, C_DE, C_FR, C_ES, C_PT, C_IT, C_NL, C_NORDIC, C_PL,
	       C_VN, C_JP, C_CN, C_IN, C_COUNT };

static const struct nm FIRST_EN[] = {
	N1("James"), N1("Mary"), N1("John"), N1("Patricia"), N1("Robert"),
	N1("Jennifer"), N1("Michael"), N1("Linda"), N1("William"),
	N1("Elizabeth"), N1("David"), N1("Susan"), N1("Chris"), N1("Jessica"),
	N1("Daniel"), N1("Sarah"), N1("Matthew"), N1("Karen"), N1("Andrew"),
	N1("Emily"), N1("Kevin"), N2("Zoë", "zoe"), N1("Siobhan"), N1("Liam"),
	N1("Olivia"), N1("Noah"), N1("Grace"), N1("Ethan"), N1("Megan"),
	N1("Ryan"), N1("Kimberly"), N1("Brian")};
static const struct nm LAST_EN[] = {
	N1("Smith"), N1("Johnson"), N1("Williams"), N1("Brown"), N1("Jones"),
	N1("Miller"), N1("Davis"), N1("Wilson"), N1("Anderson"), N1("Taylor"),
	N1("Thomas"), N1("Moore"), N1("Jackson"), N1("White"), N1("Harris"),
	N1("Martin"), N1("Thompson"), N1("Clark"), N1("Lewis"), N1("Walker"),
	N2("O'Brien", "obrien"), N2("O'Connor", "oconnor"), N1("McDonald"),
	N1("Murphy"), N1("Kelly"), N1("Campbell"), N1("Stewart"), N1("Evans"),
	N1("Hughes"), N2("Baker-Smith", "bakersmith"), N1("Reynolds"),
	N1("Foster")};
static const struct nm FIRST_DE[] = {
	N1("Lukas"), N1("Anna"), N1("Jonas"), N1("Lena"), N1("Felix"),
	N1("Laura"), N1("Maximilian"), N1("Sophie"), N2("Jürgen", "juergen"),
	N2("Günther", "guenther"), N1("Katrin"), N1("Stefan"), N1("Andreas"),
	N1("Sabine"), N1("Uwe"), N1("Birgit"), N1("Tobias"), N1("Julia"),
	N1("Matthias"), N2("Jörg", "joerg"), N1("Heike"), N1("Ralf")};
static const struct nm LAST_DE[] = {
	N2("Müller", "mueller"), N1("Schmidt"), N1("Schneider"), N1("Fischer"),
	N1("Weber"), N1("Meyer"), N1("Wagner"), N1("Becker"), N1("Schulz"),
	N1("Hoffmann"), N2("Schäfer", "schaefer"), N1("Koch"), N1("Bauer"),
	N1("Richter"), N1("Klein"), N1("Wolf"), N2("Schröder", "schroeder"),
	N1("Neumann"), N1("Schwarz"), N1("Zimmermann"), N2("Krüger", "krueger"),
	N1("Hartmann"), N1("Lange"), N1("Werner"), N2("von Essen", "vonessen"),
	N2("Groß", "gross")};
static const struct nm FIRST_FR[] = {
	N1("Jean"), N1("Marie"), N1("Pierre"), N1("Camille"), N1("Louis"),
	N2("Léa", "lea"), N1("Hugo"), N2("Chloé", "chloe"), N1("Thomas"),
	N1("Manon"), N1("Nicolas"), N2("Élodie", "elodie"),
	N2("François", "francois"), N2("Hélène", "helene"), N1("Antoine"),
	N2("Céline", "celine"), N1("Mathieu"), N2("Amélie", "amelie"),
	N2("Jérôme", "jerome"), N2("Inès", "ines"), N2("Jean-Luc", "jeanluc")};
static const struct nm LAST_FR[] = {
	N1("Martin"), N1("Bernard"), N1("Dubois"), N1("Thomas"), N1("Robert"),
	N1("Richard"), N1("Petit"), N1("Durand"), N1("Leroy"), N1("Moreau"),
	N1("Simon"), N1("Laurent"), N2("Lefèvre", "lefevre"), N1("Michel"),
	N1("Bertrand"), N1("Roux"), N1("Fournier"), N1("Girard"),
	N1("Lefebvre"), N1("Mercier"), N1("Dupont"), N1("Lambert"),
	N1("Bonnet"), N1("Faure"), N2("de la Fontaine", "delafontaine")};
static const struct nm FIRST_ES[] = {
	N2("José", "jose"), N2("María", "maria"), N1("Antonio"), N1("Carmen"),
	N1("Manuel"), N2("Lucía", "lucia"), N1("Francisco"), N1("Ana"),
	N1("Javier"), N1("Isabel"), N1("Alejandro"), N2("Sofía", "sofia"),
	N1("Miguel"), N1("Elena"), N2("Jesús", "jesus"), N1("Pilar"),
	N2("Álvaro", "alvaro"), N1("Nuria"), N2("Íñigo", "inigo"),
	N2("Begoña", "begona"), N2("María José", "mariajose")};
static const struct nm LAST_ES[] = {
	N2("García", "garcia"), N2("Rodríguez", "rodriguez"),
	N2("González", "gonzalez"), N2("Fernández", "fernandez"),
	N2("López", "lopez"), N2("Martínez", "martinez"),
	N2("Sánchez", "sanchez"), N2("Pérez", "perez"), N2("Gómez", "gomez"),
	N2("Martín", "martin"), N2("Jiménez", "jimenez"), N1("Ruiz"),
	N2("Hernández", "hernandez"), N2("Díaz", "diaz"), N1("Moreno"),
	N2("Muñoz", "munoz"), N2("Álvarez", "alvarez"), N1("Romero"),
	N2("García-López", "garcialopez"), N2("de la Cruz", "delacruz"),
	N2("Núñez", "nunez"), N2("Peña", "pena")};
static const struct nm FIRST_PT[] = {
	N2("João", "joao"), N1("Maria"), N1("Pedro"), N1("Ana"), N1("Lucas"),
	N1("Beatriz"), N1("Gabriel"), N1("Mariana"), N1("Rafael"),
	N1("Juliana"), N1("Tiago"), N2("Inês", "ines"),
	N2("Gonçalo", "goncalo"), N1("Fernanda"), N2("Luís", "luis"),
	N2("Conceição", "conceicao"), N2("Vitória", "vitoria"),
	N2("André", "andre")};
static const struct nm LAST_PT[] = {
	N1("Silva"), N1("Santos"), N1("Oliveira"), N1("Souza"), N1("Pereira"),
	N1("Costa"), N1("Rodrigues"), N1("Almeida"), N1("Nascimento"),
	N1("Lima"), N2("Araújo", "araujo"), N1("Fernandes"), N1("Carvalho"),
	N1("Gomes"), N1("Martins"), N1("Rocha"), N1("Ribeiro"),
	N2("Gonçalves", "goncalves"), N2("Magalhães", "magalhaes"),
	N2("da Silva", "dasilva")};
static const struct nm FIRST_IT[] = {
	N1("Giuseppe"), N1("Francesca"), N1("Marco"), N1("Giulia"), N1("Luca"),
	N1("Chiara"), N1("Alessandro"), N1("Federica"), N1("Matteo"),
	N1("Valentina"), N2("Niccolò", "niccolo"), N1("Lorenzo"), N1("Elisa"),
	N1("Andrea"), N1("Paola")};
static const struct nm LAST_IT[] = {
	N1("Rossi"), N1("Russo"), N1("Ferrari"), N1("Esposito"),
	N1("Bianchi"), N1("Romano"), N1("Colombo"), N1("Ricci"), N1("Marino"),
	N1("Greco"), N1("Bruno"), N1("Gallo"), N1("Conti"),
	N2("De Luca", "deluca"), N1("Mancini"), N2("D'Angelo", "dangelo"),
	N1("Fabbri")};
static const struct nm FIRST_NL[] = {
	N1("Daan"), N1("Sanne"), N1("Bram"), N1("Lotte"), N1("Jeroen"),
	N1("Femke"), N1("Pieter"), N1("Anouk"), N1("Joost"), N1("Marloes"),
	N1("Sjoerd"), N1("Ingrid"), N1("Maarten")};
static const struct nm LAST_NL[] = {
	N2("de Jong", "dejong"), N1("Jansen"), N2("de Vries", "devries"),
	N2("van den Berg", "vandenberg"), N2("van Dijk", "vandijk"),
	N1("Bakker"), N1("Janssen"), N1("Visser"), N1("Smit"), N1("Meijer"),
	N2("de Boer", "deboer"), N1("Mulder"),
	N2("van der Meer", "vandermeer"), N1("Bos"), N1("Vos")};
static const struct nm FIRST_NORDIC[] = {
	N2("Søren", "soren"), N1("Lars"), N1("Anders"), N1("Ingrid"),
	N1("Astrid"), N1("Erik"), N1("Sigrid"), N1("Mikael"), N1("Johanna"),
	N2("Björn", "bjorn"), N2("Åsa", "asa"), N1("Freja"), N1("Mette"),
	N1("Henrik"), N1("Pekka"), N1("Aino"), N1("Jukka"), N1("Sanna"),
	N2("Øystein", "oystein")};
static const struct nm LAST_NORDIC[] = {
	N1("Andersson"), N1("Johansson"), N1("Karlsson"), N1("Nilsson"),
	N1("Eriksson"), N1("Larsen"), N1("Hansen"), N1("Jensen"),
	N1("Nielsen"), N1("Pedersen"), N2("Sørensen", "sorensen"),
	N1("Virtanen"), N1("Korhonen"), N2("Mäkinen", "makinen"),
	N1("Nieminen"), N1("Haugen"), N1("Berg"), N1("Lindqvist"),
	N2("Bjørnstad", "bjornstad"), N2("Åberg", "aberg")};
static const struct nm FIRST_PL[] = {
	N2("Łukasz", "lukasz"), N1("Anna"), N1("Piotr"), N1("Katarzyna"),
	N1("Krzysztof"), N2("Małgorzata", "malgorzata"), N1("Tomasz"),
	N1("Agnieszka"), N2("Paweł", "pawel"), N1("Magdalena"),
	N2("Michał", "michal"), N1("Joanna"), N1("Wojciech"), N1("Zofia")};
static const struct nm LAST_PL[] = {
	N1("Nowak"), N1("Kowalski"), N2("Wiśniewski", "wisniewski"),
	N2("Wójcik", "wojcik"), N1("Kowalczyk"), N2("Kamiński", "kaminski"),
	N1("Lewandowski"), N2("Zieliński", "zielinski"),
	N2("Szymański", "szymanski"), N2("Woźniak", "wozniak"),
	N2("Dąbrowski", "dabrowski"), N2("Kozłowski", "kozlowski"),
	N1("Jankowska"), N1("Mazur"), N1("Krawczyk")};
static const struct nm FIRST_VN[] = {
	N1("Anh"), N1("Minh"), N1("Linh"), N2("Hương", "huong"),
	N2("Tuấn", "tuan"), N2("Thảo", "thao"), N2("Dũng", "dung"), N1("Lan"),
	N2("Hùng", "hung"), N1("Mai"), N1("Quang"), N1("Trang"),
	N2("Phương", "phuong"), N2("Đức", "duc")};
static const struct nm LAST_VN[] = {
	N2("Nguyễn", "nguyen"), N2("Trần", "tran"), N2("Lê", "le"),
	N2("Phạm", "pham"), N2("Hoàng", "hoang"), N2("Huỳnh", "huynh"),
	N1("Phan"), N2("Vũ", "vu"), N2("Võ", "vo"), N2("Đặng", "dang"),
	N2("Bùi", "bui"), N2("Đỗ", "do")};
static const struct nm FIRST_JP[] = {
	N3("Hiroshi", "hiroshi", "弘"), N3("Yuki", "yuki", "由紀"),
	N3("Takeshi", "takeshi", "武"), N3("Akiko", "akiko", "明子"),
	N3("Kenji", "kenji", "健二"), N3("Yoko", "yoko", "洋子"),
	N3("Haruto", "haruto", "陽翔"), N3("Sakura", "sakura", "さくら"),
	N3("Daisuke", "daisuke", "大輔"), N3("Naoko", "naoko", "直子"),
	N3("Shota", "shota", "翔太"), N3("Emi", "emi", "恵美")};
static const struct nm LAST_JP[] = {
	N3("Yamada", "yamada", "山田"), N3("Sato", "sato", "佐藤"),
	N3("Suzuki", "suzuki", "鈴木"), N3("Takahashi", "takahashi", "高橋"),
	N3("Tanaka", "tanaka", "田中"), N3("Watanabe", "watanabe", "渡辺"),
	N3("Ito", "ito", "伊藤"), N3("Nakamura", "nakamura", "中村"),
	N3("Kobayashi", "kobayashi", "小林"), N3("Kato", "kato", "加藤"),
	N3("Yoshida", "yoshida", "吉田"), N3("Yamamoto", "yamamoto", "山本")};
static const struct nm FIRST_CN[] = {
	N3("Wei", "wei", "伟"), N3("Fang", "fang", "芳"), N3("Na", "na", "娜"),
	N3("Min", "min", "敏"), N3("Jing", "jing", "静"), N3("Lei", "lei", "磊"),
	N3("Jun", "jun", "军"), N3("Yang", "yang", "洋"), N3("Yan", "yan", "艳"),
	N3("Jie", "jie", "杰"), N3("Xiaoming", "xiaoming", "晓明"),
	N3("Hui", "hui", "慧")};
static const struct nm LAST_CN[] = {
	N3("Wang", "wang", "王"), N3("Li", "li", "李"), N3("Zhang", "zhang", "张"),
	N3("Liu", "liu", "刘"), N3("Chen", "chen", "陈"), N3("Yang", "yang", "杨"),
	N3("Huang", "huang", "黄"), N3("Zhao", "zhao", "赵"), N3("Wu", "wu", "吴"),
	N3("Zhou", "zhou", "周"), N3("Xu", "xu", "徐"), N3("Sun", "sun", "孙")};
static const struct nm FIRST_IN[] = {
	N1("Aarav"), N1("Priya"), N1("Rahul"), N1("Ananya"), N1("Vikram"),
	N1("Sneha"), N1("Arjun"), N1("Kavya"), N1("Rohan"), N1("Deepika"),
	N1("Sanjay"), N1("Lakshmi"), N1("Amit"), N1("Pooja"), N1("Venkatesh")};
static const struct nm LAST_IN[] = {
	N1("Sharma"), N1("Patel"), N1("Singh"), N1("Kumar"), N1("Gupta"),
	N1("Reddy"), N1("Iyer"), N1("Nair"), N1("Mehta"), N1("Joshi"),
	N1("Rao"), N1("Chatterjee"), N1("Das"), N1("Menon"), N1("Krishnan"),
	N1("Venkataraman")};

#define CULT(f, l) {f, NELEM(f), l, NELEM(l)}
static const struct {
	const struct nm *first;
	int nfirst;
	const struct nm *last;
	int nlast;
} CULTURES[C_COUNT] = {
	CULT(FIRST_EN, LAST_EN), CULT(FIRST_DE, LAST_DE),
	CULT(FIRST_FR, LAST_FR), CULT(FIRST_ES, LAST_ES),
	CULT(FIRST_PT, LAST_PT), CULT(FIRST_IT, LAST_IT),
	CULT(FIRST_NL, LAST_NL), CULT(FIRST_NORDIC, LAST_NORDIC),
	CULT(FIRST_PL, LAST_PL), CULT(FIRST_VN, LAST_VN),
	CULT(FIRST_JP, LAST_JP), CULT(FIRST_CN, LAST_CN),
	CULT(FIRST_IN, LAST_IN)};
/* How often each culture appears among people working abroad. */
static const unsigned CULTURE_W[C_COUNT] = {30, 10, 7, 9, 6, 5, 4, 4, 5,
					    3, 3, 6, 8};

/* Legal-suffix families: [0] the registered form, then variants people type. */
static const char *const SUFFIX[][4] = {
	{"Inc.", "Inc", "Incorporated", "INC"},
	{"LLC", "L.L.C.", "Llc", "LLC."},
	{"Corp.", "Corporation", "Corp", "CORP"},
	{"Ltd", "Ltd.", "Limited", "LTD"},
	{"PLC", "plc", "Public Limited Company", "P.L.C."},
	{"GmbH", "Gmbh", "G.m.b.H.", "GMBH"},
	{"AG", "A.G.", "Aktiengesellschaft", "Ag"},
	{"SAS", "S.A.S.", "S.A.S", "Sas"},
	{"S.A.", "SA", "S.A", "Sa"},
	{"SARL", "S.A.R.L.", "Sàrl", "Sarl"},
	{"S.L.", "SL", "S.L.U.", "Sociedad Limitada"},
	{"Lda.", "Lda", "Limitada", "LDA"},
	{"Ltda.", "Ltda", "Limitada", "LTDA"},
	{"S.A. de C.V.", "SA de CV", "S.A. DE C.V.", "S. A. de C. V."},
	{"B.V.", "BV", "B.V", "Besloten Vennootschap"},
	{"N.V.", "NV", "N.V", "Naamloze Vennootschap"},
	{"S.p.A.", "SpA", "SPA", "S.p.A"},
	{"S.r.l.", "Srl", "SRL", "S.R.L."},
	{"AB", "Aktiebolag", "AB (publ)", "Ab"},
	{"A/S", "AS", "A.S.", "Aktieselskab"},
	{"ApS", "Aps", "APS", "ApS."},
	{"AS", "ASA", "A/S", "As"},
	{"Oy", "OY", "Oyj", "Osakeyhtiö"},
	{"Sp. z o.o.", "sp. z o.o.", "Sp. z o. o.", "SP. Z O.O."},
	{"Pty Ltd", "Pty. Ltd.", "Proprietary Limited", "PTY LTD"},
	{"K.K.", "KK", "Kabushiki Kaisha", "Co., Ltd."},
	{"Pte. Ltd.", "Pte Ltd", "Private Limited", "PTE LTD"},
	{"Pvt. Ltd.", "Pvt Ltd", "Private Limited", "PVT LTD"},
	{"Co., Ltd.", "Co. Ltd", "Company Limited", "CO., LTD."},
	{"JSC", "J.S.C.", "Joint Stock Company", "Jsc"},
	{"SE", "S.E.", "Societas Europaea", "Se"},
	{"GmbH & Co. KG", "GmbH & Co KG", "GmbH und Co. KG", "GMBH & CO. KG"},
	{"LLP", "L.L.P.", "Limited Liability Partnership", "Llp"},
	{"DAC", "D.A.C.", "Designated Activity Company", "Dac"},
};
enum { SX_INC, SX_LLC, SX_CORP, SX_LTD, SX_PLC, SX_GMBH, SX_AG, SX_SAS,
       SX_SA, SX_SARL, SX_SL, SX_LDA, SX_LTDA, SX_SADECV, SX_BV, SX_NV,
       SX_SPA, SX_SRL, SX_AB, SX_AS_DK, SX_APS, SX_AS_NO, SX_OY, SX_SPZOO,
       SX_PTY, SX_KK, SX_PTE, SX_PVT, SX_COLTD, SX_JSC, SX_SE, SX_GMBHCO,
       SX_LLP, SX_DAC };

/* Countries: [0] ISO code, [1] English name, then what people type. */
struct country {
	const char *forms[7];
	const char *tld, *cc, *freemail;
	int culture, weight, trunk; /* trunk: national numbers start with 0 */
	int sfx[3];
	const char *region;
};

#define SFX3(a, b, c) {a, b, c}
static const struct country COUNTRIES[] = {
	{{"US", "United States", "USA", "U.S.", "United States of America",
	  "us", "U.S.A."}, "com", "1", "yahoo.com", C_EN, 300, 0,
	 SFX3(SX_INC, SX_LLC, SX_CORP), "NA"},
	{{"GB", "United Kingdom", "UK", "U.K.", "Great Britain", "England",
	  "gb"}, "co.uk", "44", "btinternet.com", C_EN, 90, 1,
	 SFX3(SX_LTD, SX_PLC, SX_LLP), "EMEA"},
	{{"DE", "Germany", "Deutschland", "GER", "germany", "Federal Republic of Germany", NULL},
	 "de", "49", "gmx.de", C_DE, 90, 1, SFX3(SX_GMBH, SX_AG, SX_GMBHCO),
	 "EMEA"},
	{{"FR", "France", "FRA", "france", "République française", NULL, NULL},
	 "fr", "33", "orange.fr", C_FR, 60, 1, SFX3(SX_SAS, SX_SA, SX_SARL),
	 "EMEA"},
	{{"ES", "Spain", "España", "ESP", "Espana", NULL, NULL}, "es", "34",
	 "telefonica.net", C_ES, 35, 0, SFX3(SX_SL, SX_SA, SX_SL), "EMEA"},
	{{"PT", "Portugal", "PRT", "portugal", NULL, NULL, NULL}, "pt", "351",
	 "sapo.pt", C_PT, 12, 0, SFX3(SX_LDA, SX_SA, SX_LDA), "EMEA"},
	{{"BR", "Brazil", "Brasil", "BRA", NULL, NULL, NULL}, "com.br", "55",
	 "uol.com.br", C_PT, 30, 1, SFX3(SX_LTDA, SX_SA, SX_LTDA), "LATAM"},
	{{"MX", "Mexico", "México", "MEX", NULL, NULL, NULL}, "com.mx", "52",
	 "prodigy.net.mx", C_ES, 20, 0, SFX3(SX_SADECV, SX_SADECV, SX_SA),
	 "LATAM"},
	{{"NL", "Netherlands", "The Netherlands", "Nederland", "Holland", "NLD",
	  NULL}, "nl", "31", "ziggo.nl", C_NL, 30, 1, SFX3(SX_BV, SX_NV, SX_BV),
	 "EMEA"},
	{{"BE", "Belgium", "Belgique", "België", "BEL", NULL, NULL}, "be", "32",
	 "skynet.be", C_FR, 12, 1, SFX3(SX_NV, SX_BV, SX_SA), "EMEA"},
	{{"CH", "Switzerland", "Schweiz", "Suisse", "CHE", "Svizzera", NULL},
	 "ch", "41", "bluewin.ch", C_DE, 20, 1, SFX3(SX_AG, SX_GMBH, SX_SA),
	 "EMEA"},
	{{"AT", "Austria", "Österreich", "AUT", NULL, NULL, NULL}, "at", "43",
	 "aon.at", C_DE, 12, 1, SFX3(SX_GMBH, SX_AG, SX_GMBH), "EMEA"},
	{{"IT", "Italy", "Italia", "ITA", NULL, NULL, NULL}, "it", "39",
	 "libero.it", C_IT, 30, 0, SFX3(SX_SPA, SX_SRL, SX_SRL), "EMEA"},
	{{"SE", "Sweden", "Sverige", "SWE", NULL, NULL, NULL}, "se", "46",
	 "telia.com", C_NORDIC, 15, 1, SFX3(SX_AB, SX_AB, SX_AB), "EMEA"},
	{{"DK", "Denmark", "Danmark", "DNK", NULL, NULL, NULL}, "dk", "45",
	 "jubii.dk", C_NORDIC, 10, 0, SFX3(SX_AS_DK, SX_APS, SX_AS_DK), "EMEA"},
	{{"NO", "Norway", "Norge", "NOR", NULL, NULL, NULL}, "no", "47",
	 "online.no", C_NORDIC, 8, 0, SFX3(SX_AS_NO, SX_AS_NO, SX_AS_NO),
	 "EMEA"},
	{{"FI", "Finland", "Suomi", "FIN", NULL, NULL, NULL}, "fi", "358",
	 "luukku.com", C_NORDIC, 8, 1, SFX3(SX_OY, SX_OY, SX_OY), "EMEA"},
	{{"PL", "Poland", "Polska", "POL", NULL, NULL, NULL}, "pl", "48",
	 "wp.pl", C_PL, 15, 0, SFX3(SX_SPZOO, SX_SPZOO, SX_SA), "EMEA"},
	{{"IE", "Ireland", "Éire", "IRL", "Republic of Ireland", NULL, NULL},
	 "ie", "353", "eircom.net", C_EN, 12, 1, SFX3(SX_LTD, SX_DAC, SX_PLC),
	 "EMEA"},
	{{"CA", "Canada", "CAN", "canada", NULL, NULL, NULL}, "ca", "1",
	 "rogers.com", C_EN, 35, 0, SFX3(SX_INC, SX_LTD, SX_CORP), "NA"},
	{{"AU", "Australia", "AUS", "Aust.", NULL, NULL, NULL}, "com.au", "61",
	 "bigpond.com", C_EN, 30, 1, SFX3(SX_PTY, SX_PTY, SX_LTD), "APAC"},
	{{"NZ", "New Zealand", "NZL", "Aotearoa", NULL, NULL, NULL}, "co.nz",
	 "64", "xtra.co.nz", C_EN, 6, 1, SFX3(SX_LTD, SX_LTD, SX_LTD), "APAC"},
	{{"JP", "Japan", "日本", "Nippon", "JPN", NULL, NULL}, "co.jp", "81",
	 "yahoo.co.jp", C_JP, 25, 1, SFX3(SX_KK, SX_COLTD, SX_KK), "APAC"},
	{{"SG", "Singapore", "SGP", "Republic of Singapore", NULL, NULL, NULL},
	 "com.sg", "65", "singnet.com.sg", C_CN, 12, 0,
	 SFX3(SX_PTE, SX_PTE, SX_LTD), "APAC"},
	{{"IN", "India", "IND", "Bharat", NULL, NULL, NULL}, "co.in", "91",
	 "rediffmail.com", C_IN, 30, 1, SFX3(SX_PVT, SX_PVT, SX_LTD), "APAC"},
	{{"VN", "Vietnam", "Viet Nam", "Việt Nam", "VNM", NULL, NULL}, "com.vn",
	 "84", "yahoo.com.vn", C_VN, 6, 1, SFX3(SX_JSC, SX_COLTD, SX_JSC),
	 "APAC"},
	{{"CN", "China", "中国", "PRC", "People's Republic of China", "CHN",
	  NULL}, "cn", "86", "163.com", C_CN, 20, 1,
	 SFX3(SX_COLTD, SX_COLTD, SX_COLTD), "APAC"},
};
#define NCOUNTRIES NELEM(COUNTRIES)

static int country_pick(struct rng *r)
{
	static unsigned w[NCOUNTRIES];
	int i;

	if (!w[0])
		for (i = 0; i < NCOUNTRIES; i++)
			w[i] = (unsigned)COUNTRIES[i].weight;
	return rng_weighted(r, w, NCOUNTRIES);
}

static int country_nforms(int c)
{
	int n = 0;

	while (n < 7 && COUNTRIES[c].forms[n])
		n++;
	return n;
}

/* How a country is written in a CRM: mostly the code or English name. */
static void country_form(struct rng *r, int c, struct fld *f)
{
	static const unsigned w[] = {40, 35, 25};
	int k = rng_weighted(r, w, 3);

	if (k == 2)
		k = 2 + (int)rng_below(r, (uint64_t)(country_nforms(c) - 2));
	fld_set(f, COUNTRIES[c].forms[k]);
}

/* Pieces of company names. */
static const char *const SYLLABLE[] = {
	"ac", "al", "an", "ar", "ax", "be", "bri", "ca", "cel", "cor", "da",
	"del", "dyn", "el", "en", "ex", "fa", "fin", "gen", "gra", "hal", "in",
	"is", "jo", "ka", "kin", "la", "lum", "ma", "mer", "na", "nex", "no",
	"or", "pa", "pri", "qua", "ra", "ri", "sa", "sol", "ta", "tek", "tri",
	"um", "va", "vel", "ver", "vi", "xo", "ze", "zen"};
static const char *const ENDING[] = {
	"a", "ex", "ia", "ify", "io", "is", "ix", "on", "or", "ra", "um", "us",
	"o", "ara", "era", "ent", "ics", "ly", "gen", "tec"};
static const char *const ADJ[] = {
	"Blue", "Red", "Green", "Silver", "Golden", "North", "South", "East",
	"West", "Pacific", "Atlantic", "Summit", "Pinnacle", "Harbor", "River",
	"Lake", "Oak", "Pine", "Cedar", "Maple", "Granite", "Iron", "Stone",
	"Bright", "Clear", "Swift", "True", "Prime", "First", "United",
	"Global", "National", "Metro", "Urban", "Coastal", "Alpine", "Polar",
	"Solar", "Lunar", "Star", "Eagle", "Falcon", "Lion", "Wolf", "Fox",
	"Bear", "Hawk", "Orion", "Apex", "Vertex", "Nova", "Quantum",
	"Crescent", "Liberty", "Heritage", "Frontier", "Pioneer", "Keystone",
	"Bluebird", "Red Rock", "Sand Hill", "Rhein", "Nordic", "Iberia",
	"Sakura", "Baltic", "Danube", "Lotus", "Jade", "Evergreen", "Northwind",
	"Blackstone", "Riverside", "Highland", "Lakeside", "Sunrise"};
static const char *const NOUN[] = {
	"Systems", "Analytics", "Logistics", "Health", "Foods", "Energy",
	"Capital", "Robotics", "Software", "Labs", "Networks", "Pharma",
	"Solutions", "Partners", "Group", "Holdings", "Industries",
	"Manufacturing", "Consulting", "Media", "Bank", "Insurance", "Motors",
	"Retail", "Telecom", "Biotech", "Materials", "Aerospace", "Security",
	"Cloud", "Data", "Dynamics", "Technologies", "Ventures", "Works",
	"Engineering", "Chemicals", "Textiles", "Brands", "Medical",
	"Instruments", "Devices", "Semiconductors", "Freight", "Shipping",
	"Hospitality", "Studios", "Interactive", "Financial", "Advisors"};
static const char *const REGIONAL[] = {
	"Europe", "EMEA", "Asia Pacific", "Americas", "International",
	"Digital", "Services", "Solutions", "Labs", "Capital"};
static const char *const INDUSTRY[] = {
	"Software", "Financial Services", "Healthcare", "Manufacturing",
	"Retail", "Telecommunications", "Energy", "Education", "Government",
	"Logistics", "Insurance", "Pharmaceuticals", "Media", "Automotive",
	"Construction", "Hospitality", "Professional Services", "Banking",
	"Biotechnology", "Consumer Goods", "Aerospace & Defense", "Utilities"};
static const char *const FREEMAIL[] = {
	"gmail.com", "gmail.com", "gmail.com", "gmail.com", "yahoo.com",
	"hotmail.com", "outlook.com", "icloud.com", "aol.com", "gmx.de",
	"web.de", "orange.fr", "free.fr", "yahoo.co.uk", "hotmail.co.uk",
	"libero.it", "t-online.de", "qq.com", "protonmail.com", "live.com"};
static const char *const DISPOSABLE[] = {
	"mailinator.com", "10minutemail.com", "guerrillamail.com",
	"yopmail.com", "trashmail.com", "temp-mail.org", "sharklasers.com"};
static const char *const ROLE[] = {
	"info", "sales", "support", "admin", "contact", "office", "hello",
	"marketing", "procurement", "billing", "it"};
static const char *const SUBDOMAIN[] = {
	"eu", "us", "uk", "de", "mail", "corp", "emea", "apac", "global",
	"int"};
static const char *const NO_COMPANY[] = {
	"", "", "", "Self-employed", "Freelance", "N/A", "-", "none",
	"Independent Consultant", "Retired", "Student", "private"};

/* ---- identifiers -------------------------------------------------------- */

enum id_kind { ID_ACCOUNT, ID_CONTACT, ID_USER, ID_TASK, ID_CONTENT };

/* Salesforce key prefixes and HubSpot-like number ranges per kind. */
static const char *const SF_PREFIX[] = {"001", "003", "005", "00T", "069"};
static const uint64_t HS_BASE[] = {4000000000ULL, 51000000000ULL,
				   30000000ULL, 9000000000ULL, 100000ULL};
static const uint64_t HS_STEP[] = {37, 11, 613, 7, 3};

/* Id of entity idx of kind k: Salesforce style (3-char key prefix, 12
 * base-62 characters of a bijective mix of idx, 3-char case checksum; 18
 * characters, or the case-sensitive 15 with len15) or HubSpot numbers.
 * Distinct indexes give distinct ids. */
static void id_format(struct fld *f, enum id_kind k, uint64_t idx, int len15)
{
	static const char B62[] =
		"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	static const char CK[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
	char id[18];
	uint64_t v;
	int i, j;

	fld_clear(f);
	if (G.style == S_HUBSPOT) {
		fld_addu(f, HS_BASE[k] + idx * HS_STEP[k] +
				    hash_of(T_ID, idx * 8 + k) % HS_STEP[k], 0);
		return;
	}
	memcpy(id, SF_PREFIX[k], 3);
	v = mix64(idx ^ mix64(G.seed * 8 + k + 1));
	for (i = 14; i >= 3; i--) {
		id[i] = B62[v % 62];
		v /= 62;
	}
	for (i = 0; i < 3; i++) {
		unsigned bits = 0;

		for (j = 0; j < 5; j++)
			if (id[i * 5 + j] >= 'A' && id[i * 5 + j] <= 'Z')
				bits |= 1u << j;
		id[15 + i] = CK[bits];
	}
	fld_addn(f, id, len15 ? 15 : 18);
}

/* ---- dates -------------------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
static long days_from_civil(long y, unsigned m, unsigned d)
{
	long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

static void civil_from_days(long z, long *y, unsigned *m, unsigned *d)
{
	long era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (long)yoe + era * 400 + (*m <= 2);
}

enum date_fmt { DF_ISO, DF_ISO_T, DF_ISO_SPACE, DF_US, DF_US_TIME, DF_DOT,
		DF_SLASH_EU, DF_SLASH_ISO, DF_ISO_MS, DF_COUNT };

/* Write day (plus seconds into the day) in one of the formats CRMs export. */
static void date_format(struct fld *f, long day, unsigned secs,
			enum date_fmt df)
{
	long y;
	unsigned m, d, hh = secs / 3600, mm = secs / 60 % 60, ss = secs % 60;

	civil_from_days(day, &y, &m, &d);
	if (df == DF_SLASH_EU && d <= 12)
		df = DF_DOT; /* only unambiguous day/month orders */
	fld_clear(f);
	switch (df) {
	case DF_US:
	case DF_US_TIME:
		fld_addu(f, m, 0);
		fld_addc(f, '/');
		fld_addu(f, d, 0);
		fld_addc(f, '/');
		fld_addu(f, (uint64_t)y, 4);
		if (df == DF_US_TIME) {
			fld_addc(f, ' ');
			fld_addu(f, hh % 12 ? hh % 12 : 12, 0);
			fld_addc(f, ':');
			fld_addu(f, mm, 2);
			fld_add(f, hh < 12 ? " AM" : " PM");
		}
		return;
	case DF_DOT:
	case DF_SLASH_EU:
		fld_addu(f, d, 2);
		fld_addc(f, df == DF_DOT ? '.' : '/');
		fld_addu(f, m, 2);
		fld_addc(f, df == DF_DOT ? '.' : '/');
		fld_addu(f, (uint64_t)y, 4);
		return;
	default:
		break;
	}
	fld_addu(f, (uint64_t)y, 4);
	fld_addc(f, df == DF_SLASH_ISO ? '/' : '-');
	fld_addu(f, m, 2);
	fld_addc(f, df == DF_SLASH_ISO ? '/' : '-');
	fld_addu(f, d, 2);
	if (df == DF_ISO || df == DF_SLASH_ISO)
		return;
	fld_addc(f, df == DF_ISO_SPACE ? ' ' : 'T');
	fld_addu(f, hh, 2);
	fld_addc(f, ':');
	fld_addu(f, mm, 2);
	fld_addc(f, ':');
	fld_addu(f, ss, 2);
	if (df == DF_ISO_MS)
		fld_add(f, ".000Z");
	else if (df == DF_ISO_T)
		fld_addc(f, 'Z');
}

/* A messy export date: mostly the style's own format, some others. */
static void date_messy(struct rng *r, struct fld *f, long day)
{
	static const enum date_fmt main_fmt[] = {DF_ISO, DF_US, DF_ISO_SPACE};
	static const enum date_fmt alt_fmt[] = {DF_ISO_T, DF_US_TIME, DF_DOT,
						DF_SLASH_EU, DF_SLASH_ISO,
						DF_ISO};
	unsigned secs = (unsigned)rng_below(r, 86400);
	enum date_fmt df = rng_pm(r, 800) ? main_fmt[G.style] : PICK(r, alt_fmt);

	date_format(f, day, secs, df);
}

/* ---- accounts ----------------------------------------------------------- */

enum sub_kind { SUB_NONE, SUB_SAME_DOMAIN, SUB_REGIONAL, SUB_ACQUIRED,
		SUB_CCTLD };
enum segment { SEG_ENT, SEG_MID, SEG_SMB };
static const char *const SEGMENT[] = {"enterprise", "mid_market", "smb"};

struct account {
	uint64_t idx, parent;
	enum sub_kind sub;
	int country, suffix; /* suffix: index into SUFFIX, -1 for none */
	int comma;           /* "Acme, Inc." rather than "Acme Inc." */
	int tier, industry, email_pattern, owned;
	enum segment segment;
	uint64_t owner, employees;
	struct fld base;   /* name without legal suffix: "Blue Harbor Labs" */
	struct fld slug;   /* ASCII domain label: "blueharbor" */
	struct fld name;   /* as registered: "Blue Harbor Labs, Inc." */
	struct fld domain; /* registrable domain: "blueharbor.co.uk" */
};

static int account_is_sub(uint64_t j)
{
	return j > 0 && hash_of(T_ACCSUB, j) % 1000 < 90;
}

/* A subsidiary's parent is a nearby earlier account that is itself no
 * subsidiary (account 0 never is, so the walk ends). */
static uint64_t account_parent(uint64_t j)
{
	struct rng r = rng_for(T_ACCSUB, j);
	uint64_t p;

	rng_next(&r);
	p = j - 1 - rng_below(&r, j < 40 ? j : 40);
	while (p > 0 && account_is_sub(p))
		p--;
	return p;
}

/* Syllable brand: "Velorix". */
static void brand_word(struct rng *r, struct fld *w)
{
	int n = 1 + (int)rng_below(r, 2), i;

	fld_clear(w);
	for (i = 0; i < n; i++)
		fld_add(w, PICK(r, SYLLABLE));
	fld_add(w, PICK(r, ENDING));
	w->s[0] -= 32;
}

/* Append the ASCII, lower-case, letters-only form of s to slug. */
static void slug_add(struct fld *slug, const char *s)
{
	for (; *s; s++) {
		char c = *s;

		if (c >= 'A' && c <= 'Z')
			c += 32;
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			fld_addc(slug, c);
	}
}

static const char *tld_pick(struct rng *r, int country)
{
	static const char *const tech[] = {"io", "ai", "net", "co", "tech"};

	if (rng_pm(r, 80))
		return PICK(r, tech);
	if (!strcmp(COUNTRIES[country].tld, "com"))
		return "com";
	return rng_pm(r, 580) ? COUNTRIES[country].tld : "com";
}

static void account_set_name(struct account *a)
{
	a->name = a->base;
	if (a->suffix < 0)
		return;
	fld_add(&a->name, a->comma ? ", " : " ");
	fld_add(&a->name, SUFFIX[a->suffix][0]);
}

static void account_domain(struct account *a, const char *tld)
{
	a->domain = a->slug;
	fld_addc(&a->domain, '.');
	fld_add(&a->domain, tld);
}

static int suffix_pick(struct rng *r, int country)
{
	if (rng_pm(r, 130))
		return -1;
	return COUNTRIES[country].sfx[rng_weighted(
		r, (const unsigned[]){6, 3, 1}, 3)];
}

/* The naming of an account that is no subsidiary (or was acquired). */
static void account_base(uint64_t j, struct account *a)
{
	struct rng r = rng_for(T_ACCNAME, j);
	static const unsigned shape_w[] = {35, 27, 15, 10, 13};
	struct fld w1, w2;
	const struct nm *l1, *l2;
	const char *noun;
	int i, n;

	a->country = country_pick(&r);
	fld_clear(&a->base);
	fld_clear(&a->slug);
	noun = PICK(&r, NOUN);
	switch (rng_weighted(&r, shape_w, NELEM(shape_w))) {
	case 0: /* "Velorix" or "Velorix Systems" */
		brand_word(&r, &w1);
		fld_add(&a->base, w1.s);
		slug_add(&a->slug, w1.s);
		if (rng_pm(&r, 550)) {
			fld_addc(&a->base, ' ');
			fld_add(&a->base, noun);
			if (rng_pm(&r, 250))
				slug_add(&a->slug, noun);
		}
		break;
	case 1: /* "Blue Harbor Logistics" */
		fld_add(&a->base, PICK(&r, ADJ));
		fld_addc(&a->base, ' ');
		n = (int)a->base.n;
		fld_add(&a->base, PICK(&r, ADJ));
		if (!strcmp(a->base.s + n, "Blue") || rng_pm(&r, 400))
			a->base.n = (size_t)n - 1, a->base.s[n - 1] = '\0';
		slug_add(&a->slug, a->base.s);
		fld_addc(&a->base, ' ');
		fld_add(&a->base, noun);
		if (rng_pm(&r, 350))
			slug_add(&a->slug, noun);
		break;
	case 2: /* "Hoffmann & Weber", "Santos Engineering" */
		i = rng_pm(&r, 700) ? COUNTRIES[a->country].culture
				     : (int)rng_below(&r, C_COUNT);
		l1 = &CULTURES[i].last[rng_below(&r, (uint64_t)CULTURES[i].nlast)];
		l2 = &CULTURES[i].last[rng_below(&r, (uint64_t)CULTURES[i].nlast)];
		fld_add(&a->base, l1->u);
		slug_add(&a->slug, l1->a ? l1->a : l1->u);
		if (l1 != l2 && rng_pm(&r, 450)) {
			fld_add(&a->base, rng_pm(&r, 800) ? " & " : " and ");
			fld_add(&a->base, l2->u);
			if (rng_pm(&r, 400))
				fld_addc(&a->slug, '-');
			slug_add(&a->slug, l2->a ? l2->a : l2->u);
		} else {
			fld_addc(&a->base, ' ');
			fld_add(&a->base, rng_pm(&r, 200) ? "Brothers" : noun);
		}
		break;
	case 3: /* "KRT Logistics" */
		n = 2 + (int)rng_below(&r, 3);
		for (i = 0; i < n; i++)
			fld_addc(&a->base, (char)('A' + rng_below(&r, 26)));
		slug_add(&a->slug, a->base.s);
		fld_addc(&a->base, ' ');
		fld_add(&a->base, noun);
		if (rng_pm(&r, 500))
			slug_add(&a->slug, noun);
		break;
	default: /* "Zentrix Blue Cloud": brand plus adjective plus noun */
		brand_word(&r, &w1);
		fld_set(&w2, PICK(&r, ADJ));
		fld_add(&a->base, w1.s);
		fld_addc(&a->base, ' ');
		fld_add(&a->base, w2.s);
		fld_addc(&a->base, ' ');
		fld_add(&a->base, noun);
		slug_add(&a->slug, w1.s);
		if (rng_pm(&r, 500)) {
			fld_addc(&a->slug, '-');
			slug_add(&a->slug, w2.s);
		}
		break;
	}
	if (rng_pm(&r, 60))
		fld_add(&a->slug, rng_pm(&r, 500) ? "group" : "hq");
	a->suffix = suffix_pick(&r, a->country);
	a->comma = a->suffix >= 0 && a->suffix <= SX_CORP && rng_pm(&r, 450);
	account_domain(a, tld_pick(&r, a->country));
}

/* A subsidiary of root p: same brand in another country, a regional
 * offshoot, a company bought (own name) or a ccTLD sister. */
static void account_sub(uint64_t j, uint64_t p, struct account *a)
{
	struct rng r = rng_for(T_ACCSUB, j);
	static const unsigned w[] = {40, 25, 20, 15};
	struct account root;
	const char *tld;
	int c;

	account_base(p, &root);
	rng_next(&r);
	rng_next(&r);
	a->sub = (enum sub_kind)(1 + rng_weighted(&r, w, 4));
	if (a->sub == SUB_ACQUIRED) {
		account_base(j, a);
		return;
	}
	c = country_pick(&r);
	a->country = c;
	a->base = root.base;
	a->slug = root.slug;
	a->suffix = suffix_pick(&r, c);
	a->comma = a->suffix >= 0 && a->suffix <= SX_CORP && rng_pm(&r, 450);
	tld = COUNTRIES[c].tld;
	switch (a->sub) {
	case SUB_SAME_DOMAIN:
		a->domain = root.domain;
		break;
	case SUB_REGIONAL:
		fld_addc(&a->base, ' ');
		fld_add(&a->base, rng_pm(&r, 500) ? COUNTRIES[c].forms[1]
						   : PICK(&r, REGIONAL));
		if (rng_pm(&r, 500))
			a->domain = root.domain;
		else
			account_domain(a, tld);
		break;
	default:
		account_domain(a, tld);
		break;
	}
}

/* Reps an account list of n accounts comes with by default: about 40
 * accounts each. */
static uint64_t reps_default(uint64_t n)
{
	return n < 40 ? 1 : (n + 39) / 40;
}

/* Everything about account j. */
static void account_make(uint64_t j, struct account *a)
{
	struct rng r = rng_for(T_ACC, j);
	static const unsigned tier_w[] = {15, 35, 50};
	static const unsigned seg_w[] = {15, 35, 50};
	static const unsigned pat_w[] = {45, 20, 10, 5, 5, 5, 5, 5};
	uint64_t lo, hi;

	a->idx = j;
	a->sub = SUB_NONE;
	a->parent = UINT64_MAX;
	if (account_is_sub(j)) {
		a->parent = account_parent(j);
		account_sub(j, a->parent, a);
	} else {
		account_base(j, a);
	}
	account_set_name(a);
	a->tier = 1 + rng_weighted(&r, tier_w, 3);
	a->segment = (enum segment)rng_weighted(&r, seg_w, 3);
	if (a->sub != SUB_NONE && a->segment == SEG_ENT && rng_pm(&r, 500))
		a->segment = SEG_MID;
	lo = a->segment == SEG_ENT ? 5000 : a->segment == SEG_MID ? 200 : 2;
	hi = a->segment == SEG_ENT ? 250000 : a->segment == SEG_MID ? 5000 : 200;
	/* roughly log-uniform inside the band */
	a->employees = lo;
	while (a->employees * 3 < hi && rng_pm(&r, 500))
		a->employees *= 3;
	a->employees += rng_below(&r, a->employees * 2);
	if (a->employees >= hi)
		a->employees = hi - 1 - rng_below(&r, hi / 10);
	if (rng_pm(&r, 100)) /* the CRM segment disagrees with the headcount */
		a->segment = (enum segment)((a->segment + 1) % 3);
	a->industry = (int)rng_below(&r, NELEM(INDUSTRY));
	a->email_pattern = rng_weighted(&r, pat_w, NELEM(pat_w));
	a->owned = !rng_pm(&r, 25);
	a->owner = rng_below(&r, G.reps);
	if (rng_pm(&r, 400)) { /* a few reps carry more than their share */
		uint64_t o2 = rng_below(&r, G.reps);
		if (o2 < a->owner)
			a->owner = o2;
	}
}

/* Relative number of contacts an account gets (0: none at all). */
static unsigned account_weight(uint64_t j)
{
	static const unsigned w[] = {15, 33, 25, 15, 8, 4};
	static const unsigned v[] = {0, 1, 2, 4, 8, 16};
	struct rng r = rng_for(T_ACCW, j);

	return v[rng_weighted(&r, w, NELEM(w))];
}

/* Engagement: 0 never touched, 1 low, 2 medium, 3 high. */
static int account_engagement(uint64_t j)
{
	static const unsigned w[] = {20, 25, 30, 25};
	struct rng r = rng_for(T_ACCENG, j);

	return rng_weighted(&r, w, 4);
}

/* Days before --as-of of the account's latest activity. */
static long account_last_touch(uint64_t j, int level)
{
	struct rng r = rng_for(T_ACCENG, j);

	rng_next(&r);
	switch (level) {
	case 3: return (long)rng_below(&r, 25);
	case 2: return 15 + (long)rng_below(&r, 60);
	default: return 61 + (long)rng_below(&r, 240);
	}
}

/* An account for a new person: skewed by account_weight, by rejection. */
static uint64_t account_pick(struct rng *r)
{
	uint64_t j = 0, k;
	int tries;

	for (tries = 0; tries < 64; tries++) {
		j = rng_below(r, G.accounts);
		if (rng_below(r, 16) < account_weight(j))
			return j;
	}
	for (k = 0; k < G.accounts && k < 4096; k++)
		if (account_weight((j + k) % G.accounts))
			return (j + k) % G.accounts;
	return j;
}

/* Website as typed into the CRM. */
static void website_format(struct rng *r, const struct fld *domain,
			   struct fld *f)
{
	static const unsigned w_sf[] = {20, 25, 30, 10, 5, 5, 5};
	static const unsigned w_hs[] = {75, 10, 5, 2, 3, 3, 2};
	static const char *const path[] = {"/", "/en-us", "/home", "/en/"};
	int k = rng_weighted(r, G.style == S_HUBSPOT ? w_hs : w_sf, 7);

	fld_clear(f);
	if (rng_pm(r, 40))
		return;
	switch (k) {
	case 0: fld_add(f, domain->s); break;
	case 1: fld_add(f, "www."); fld_add(f, domain->s); break;
	case 2: fld_add(f, "https://www."); fld_add(f, domain->s);
		fld_addc(f, '/'); break;
	case 3: fld_add(f, "http://"); fld_add(f, domain->s); break;
	case 4: fld_add(f, "https://"); fld_add(f, domain->s);
		fld_add(f, PICK(r, path)); break;
	case 5: fld_add(f, "WWW."); fld_add(f, domain->s); fld_case(f, 1);
		break;
	default: fld_add(f, "http://www."); fld_add(f, domain->s);
		fld_add(f, ":80/"); break;
	}
}

/* ---- reps ---------------------------------------------------------------- */

static const char *const REP_REGION[] = {"NA", "EMEA", "APAC", "LATAM"};

struct rep {
	const struct nm *first, *last;
	int region, segment, capacity;
};

static void rep_make(uint64_t k, struct rep *p)
{
	static const unsigned reg_w[] = {45, 35, 15, 5};
	static const int cult[4][3] = {{C_EN, C_EN, C_ES}, {C_EN, C_DE, C_FR},
				       {C_EN, C_IN, C_JP}, {C_ES, C_PT, C_ES}};
	static const unsigned seg_w[] = {25, 35, 40};
	struct rng r = rng_for(T_REP, k);
	int c;

	p->region = rng_weighted(&r, reg_w, 4);
	c = cult[p->region][rng_below(&r, 3)];
	p->first = &CULTURES[c].first[rng_below(&r, (uint64_t)CULTURES[c].nfirst)];
	p->last = &CULTURES[c].last[rng_below(&r, (uint64_t)CULTURES[c].nlast)];
	p->segment = rng_weighted(&r, seg_w, 3);
	p->capacity = rng_pm(&r, 800) ? 125 : rng_pm(&r, 500) ? 100 : rng_pm(&r, 500) ? 80 : 140;
}

static void owner_format(struct fld *f, uint64_t rep)
{
	id_format(f, ID_USER, rep, 0);
}

/* ---- titles -------------------------------------------------------------- */

struct func {
	const char *full, *abbr, *ic[3];
};

static const struct func FUNCS[] = {
	{"Information Technology", "IT", {"IT Specialist", "Systems Analyst", "IT Support Technician"}},
	{"IT", "IT", {"IT Administrator", "IT Analyst", "Desktop Support Engineer"}},
	{"IT Security", "IT Sec", {"Security Analyst", "Security Engineer", "SOC Analyst"}},
	{"Information Security", "InfoSec", {"Information Security Analyst", "Penetration Tester", "Security Architect"}},
	{"Engineering", "Eng", {"Software Engineer", "Senior Software Engineer", "Staff Engineer"}},
	{"Infrastructure", "Infra", {"Systems Administrator", "Network Engineer", "Cloud Engineer"}},
	{"Data & Analytics", "Data", {"Data Engineer", "Data Scientist", "BI Analyst"}},
	{"Enterprise Architecture", "Architecture", {"Solutions Architect", "Enterprise Architect", "Cloud Architect"}},
	{"Finance", "Finance", {"Financial Analyst", "Accountant", "Accounts Payable Specialist"}},
	{"FP&A", "FP&A", {"FP&A Analyst", "Senior Financial Analyst", "Budget Analyst"}},
	{"Procurement", "Procurement", {"Buyer", "Procurement Specialist", "Strategic Sourcing Analyst"}},
	{"Purchasing", "Purchasing", {"Purchasing Agent", "Senior Buyer", "Sourcing Specialist"}},
	{"Legal", "Legal", {"Paralegal", "Corporate Counsel", "Contracts Administrator"}},
	{"Operations", "Ops", {"Operations Analyst", "Operations Coordinator", "Office Administrator"}},
	{"Marketing", "Mktg", {"Marketing Specialist", "Marketing Coordinator", "Content Strategist"}},
	{"Demand Generation", "Demand Gen", {"Demand Generation Specialist", "Marketing Operations Analyst", "Email Marketing Specialist"}},
	{"Sales", "Sales", {"Account Executive", "Sales Development Representative", "Inside Sales Rep"}},
	{"Business Development", "BD", {"Business Development Representative", "BDR", "Partner Development Rep"}},
	{"Human Resources", "HR", {"HR Generalist", "Recruiter", "Payroll Specialist"}},
	{"People", "People", {"People Partner", "Talent Acquisition Specialist", "HR Coordinator"}},
	{"Risk & Compliance", "Compliance", {"Compliance Analyst", "Risk Analyst", "Internal Auditor"}},
	{"Customer Service", "Customer Service", {"Customer Service Representative", "Support Specialist", "Help Desk Agent"}},
	{"Supply Chain", "Supply Chain", {"Logistics Coordinator", "Supply Chain Analyst", "Warehouse Supervisor"}},
	{"Facilities", "Facilities", {"Facilities Coordinator", "Office Manager", "Receptionist"}},
	{"Product Management", "Product", {"Product Manager", "Product Owner", "Associate Product Manager"}},
};
static const char *const ROLE_VP[] = {
	"Vice President", "VP", "VP", "SVP", "EVP", "Senior Vice President",
	"AVP", "Group Vice President", "Executive Vice President"};
static const char *const ROLE_DIR[] = {
	"Director", "Director", "Dir.", "Sr. Director", "Sr. Dir.",
	"Senior Director", "Associate Director", "Head", "Head", "Global Head"};
static const char *const ROLE_MGR[] = {
	"Manager", "Manager", "Mgr", "Sr. Manager", "Senior Manager",
	"Team Lead", "Lead", "Supervisor"};
static const char *const CLEVEL[] = {
	"CEO", "Chief Executive Officer", "President", "President & CEO",
	"Founder", "Co-Founder & CEO", "Owner", "Managing Director",
	"General Manager", "COO", "Chief Operating Officer", "CFO",
	"Chief Financial Officer", "CIO", "Chief Information Officer", "CTO",
	"Chief Technology Officer", "CISO", "Chief Information Security Officer",
	"CMO", "Chief Marketing Officer", "CRO", "Chief Revenue Officer",
	"CHRO", "Chief People Officer", "General Counsel", "Chief Legal Officer",
	"CPO", "Chief Procurement Officer", "Chief Data Officer", "Chairman",
	"Owner/Operator", "Partner", "Managing Partner"};
static const char *const OTHER_EN[] = {
	"Solutions Architect", "Enterprise Architect", "DevOps Engineer",
	"Site Reliability Engineer", "Data Scientist", "Network Administrator",
	"System Administrator", "Help Desk Technician", "Security Analyst",
	"Compliance Officer", "Risk Manager", "Controller", "Financial Controller",
	"Treasurer", "Category Manager", "Contracts Manager", "Office Manager",
	"Executive Assistant", "Administrative Assistant", "Receptionist",
	"Customer Service Representative", "Logistics Coordinator",
	"Account Executive", "SDR", "Account Manager", "Marketing Manager",
	"Content Marketing Manager", "Recruiter", "HR Business Partner",
	"Project Manager", "Program Manager", "Intern", "Consultant",
	"Senior Consultant", "Plant Manager", "Operations Manager",
	"Procurement Manager", "IT Manager", "Data Protection Officer",
	"Assistant to the CEO", "Chief of Staff", "Buyer"};
static const char *const TITLES_DE[] = {
	"Geschäftsführer", "Geschäftsführerin", "Leiter IT", "IT-Leiter",
	"Leiterin Einkauf", "Head of Einkauf", "Abteilungsleiter Vertrieb",
	"Vertriebsleiter", "Einkäufer", "Systemadministrator",
	"Softwareentwickler", "Informationssicherheitsbeauftragter",
	"Datenschutzbeauftragte", "Leiter Finanzen", "Kaufmännischer Leiter",
	"Personalleiterin", "Marketingleiter", "Sachbearbeiter Buchhaltung",
	"Vorstand", "Prokurist", "Justiziar", "Teamleiter IT-Infrastruktur",
	"Bereichsleiter Controlling", "Assistenz der Geschäftsführung"};
static const char *const TITLES_FR[] = {
	"Directeur Général", "PDG", "Directrice Financière", "DSI",
	"Directeur des Systèmes d'Information", "Responsable Informatique",
	"RSSI", "Responsable Achats", "Acheteur", "Juriste",
	"Directeur Commercial", "Chef de projet informatique",
	"Ingénieur logiciel", "Responsable Marketing", "DRH",
	"Contrôleur de gestion", "Comptable", "Assistante de direction",
	"Directrice des Opérations", "Administrateur systèmes et réseaux"};
static const char *const TITLES_ES[] = {
	"Director General", "Director Financiero", "Director de Sistemas",
	"Jefe de Compras", "Gerente de TI", "Responsable de Seguridad",
	"Jefe de Ventas", "Directora de Marketing", "Abogado",
	"Analista de Sistemas", "Ingeniero de Software",
	"Directora de Recursos Humanos", "Administrativo",
	"Gerente de Operaciones", "Responsable de Compras", "Consejero Delegado"};
static const char *const TITLES_PT[] = {
	"Diretor Executivo", "Diretor Financeiro", "Gerente de TI",
	"Coordenador de Compras", "Analista de Sistemas",
	"Engenheiro de Software", "Diretora de Marketing", "Gerente Comercial",
	"Advogado", "Gerente de Segurança da Informação", "Comprador",
	"Diretor de Operações", "Analista de RH", "Gerente de Suprimentos"};
static const char *const TITLES_JUNK[] = {
	"-", "n/a", ".", "TBD", "x", "Mr", "unknown", "?", "Employee",
	"Staff"};

/* Compose a leadership title from a role word and a function. */
static void title_lead(struct rng *r, const char *role, struct fld *f)
{
	const struct func *fn = &FUNCS[rng_below(r, NELEM(FUNCS))];
	int head = !strcmp(role, "Head") || !strcmp(role, "Global Head");
	int vp = strstr(role, "V") != NULL || strstr(role, "Vice") != NULL;

	switch (rng_below(r, 6)) {
	case 0: /* "Director of Engineering" */
		fld_add(f, role);
		fld_add(f, " of ");
		fld_add(f, fn->full);
		break;
	case 1: /* "VP, Marketing"; "Sr. Dir., IT Security" */
		if (head)
			fld_add(f, "Head of ");
		else {
			fld_add(f, role);
			fld_add(f, ", ");
		}
		fld_add(f, fn->full);
		if (rng_pm(r, 120)) {
			fld_add(f, " & ");
			fld_add(f, FUNCS[rng_below(r, NELEM(FUNCS))].full);
		}
		break;
	case 2: /* "VP Eng", "Dir IT" */
		fld_add(f, role);
		fld_add(f, head ? " of " : " ");
		fld_add(f, fn->abbr);
		break;
	case 3: /* "IT Director", "Marketing Manager" */
		if (head || vp) {
			fld_add(f, head ? "Head of " : role);
			fld_add(f, head ? "" : " of ");
			fld_add(f, fn->full);
		} else {
			fld_add(f, rng_pm(r, 500) ? fn->abbr : fn->full);
			fld_addc(f, ' ');
			fld_add(f, role);
		}
		break;
	case 4: /* "VP - Sales" */
		fld_add(f, head ? "Head" : role);
		fld_add(f, " - ");
		fld_add(f, fn->full);
		break;
	default: /* "Director, Engineering (EMEA)" */
		fld_add(f, head ? "Head of " : role);
		fld_add(f, head ? "" : ", ");
		fld_add(f, fn->full);
		fld_add(f, rng_pm(r, 500) ? " (EMEA)" : " - North America");
		break;
	}
}

/* A job title for someone in country c; messy like typed titles. */
static void title_make(struct rng *r, int c, struct fld *f)
{
	static const unsigned w[] = {7, 9, 16, 22, 30, 11, 5};
	int cult = COUNTRIES[c].culture;

	fld_clear(f);
	if (rng_pm(r, 40))
		return;
	if ((cult == C_DE || cult == C_FR || cult == C_ES || cult == C_PT) &&
	    rng_pm(r, 350)) {
		fld_add(f, cult == C_DE	  ? PICK(r, TITLES_DE)
			   : cult == C_FR ? PICK(r, TITLES_FR)
			   : cult == C_ES ? PICK(r, TITLES_ES)
					  : PICK(r, TITLES_PT));
	} else {
		switch (rng_weighted(r, w, NELEM(w))) {
		case 0: fld_add(f, PICK(r, CLEVEL)); break;
		case 1: title_lead(r, PICK(r, ROLE_VP), f); break;
		case 2: title_lead(r, PICK(r, ROLE_DIR), f); break;
		case 3: title_lead(r, PICK(r, ROLE_MGR), f); break;
		case 4: fld_add(f, FUNCS[rng_below(r, NELEM(FUNCS))].ic[rng_below(r, 3)]);
			if (rng_pm(r, 80))
				fld_insert(f, 0, rng_pm(r, 500) ? "Senior " : "Sr. ");
			break;
		case 5: fld_add(f, PICK(r, OTHER_EN)); break;
		default: fld_add(f, PICK(r, TITLES_JUNK)); break;
		}
	}
	if (rng_pm(r, 30))
		fld_case(f, 1);
	else if (rng_pm(r, 20))
		fld_case(f, 0);
	fld_mess_space(r, f, 15);
	fld_mess_newline(r, f, 2);
}

/* ---- people and contacts ------------------------------------------------- */

enum email_kind { EK_WORK, EK_FREE, EK_ROLE, EK_DISPOSABLE, EK_INVALID,
		  EK_EMPTY };

struct person {
	uint64_t orig;       /* the row where this person first appears */
	int has_account;
	uint64_t acc;        /* the account the person really works for */
	struct account a;    /* its attributes, when has_account */
	int country, culture, native;
	const struct nm *first, *last;
	enum email_kind ek;
	struct fld email;    /* as first entered */
	uint64_t title_seed;
	int phone_style;     /* -1: none */
	char area[8], number[12];
	unsigned ext;
};

/* 1 when contact row i re-enters an earlier person. */
static int row_is_dup(uint64_t i)
{
	return i > 0 && hash_of(T_DUPSEL, i) % 1000000 < G.dup_ppm;
}

/* The row where the person of row i first appears. */
static uint64_t row_orig(uint64_t i)
{
	while (row_is_dup(i)) {
		struct rng r = rng_for(T_DUPSEL, i);

		rng_next(&r);
		i = i - 1 - rng_below(&r, i < LOOKBACK ? i : LOOKBACK);
	}
	return i;
}

/* The first draws of a person: whether and where they work. */
static void person_account(struct rng *r, int *has, uint64_t *acc)
{
	*has = !rng_pm(r, 70);
	*acc = *has ? account_pick(r) : 0;
}

/* The local part of p's address in one of the company patterns. */
static void email_local(const struct person *p, int pattern, struct fld *f)
{
	const char *fa = p->first->a ? p->first->a : p->first->u;
	const char *la = p->last->a ? p->last->a : p->last->u;
	char fi[2] = {0, 0}, li[2] = {0, 0};

	fi[0] = fa[0] >= 'A' && fa[0] <= 'Z' ? (char)(fa[0] + 32) : fa[0];
	li[0] = la[0] >= 'A' && la[0] <= 'Z' ? (char)(la[0] + 32) : la[0];
	fld_clear(f);
	switch (pattern) {
	case 0: slug_add(f, fa); fld_addc(f, '.'); slug_add(f, la); break;
	case 1: fld_add(f, fi); slug_add(f, la); break;
	case 2: fld_add(f, fi); fld_addc(f, '.'); slug_add(f, la); break;
	case 3: slug_add(f, fa); fld_add(f, li); break;
	case 4: slug_add(f, fa); break;
	case 5: slug_add(f, fa); fld_addc(f, '_'); slug_add(f, la); break;
	case 6: slug_add(f, la); fld_addc(f, '.'); slug_add(f, fa); break;
	default: slug_add(f, la); fld_add(f, fi); break;
	}
}

/* A free-mail address: personal patterns, often with a number. */
static void email_free(struct rng *r, const struct person *p, struct fld *f)
{
	const char *dom = rng_pm(r, 300) ? COUNTRIES[p->country].freemail
					 : PICK(r, FREEMAIL);

	email_local(p, (int)rng_below(r, 8), f);
	if (rng_pm(r, 450))
		fld_addu(f, rng_pm(r, 500) ? 1950 + rng_below(r, 55)
					   : rng_below(r, 100), 0);
	if (rng_pm(r, 25))
		fld_add(f, "+news");
	fld_addc(f, '@');
	fld_add(f, dom);
}

/* A broken address of the kinds CRMs collect. */
static void email_invalid(struct rng *r, const struct fld *good,
			  struct fld *f)
{
	char *at;

	*f = *good;
	at = memchr(f->s, '@', f->n);
	switch (rng_below(r, 8)) {
	case 0: if (at) fld_replace(f, (size_t)(at - f->s), 1, ""); break;
	case 1: if (at) fld_insert(f, (size_t)(at - f->s), "@"); break;
	case 2: if (at) fld_insert(f, (size_t)(at - f->s), " "); break;
	case 3: fld_addc(f, '.'); break;
	case 4: /* no top-level domain */
		while (f->n && f->s[f->n - 1] != '.')
			f->n--;
		if (f->n)
			f->n--;
		f->s[f->n] = '\0';
		break;
	case 5: {
		char *dot = strrchr(f->s, '.');
		if (dot)
			*dot = ',';
		break;
	}
	case 6: fld_set(f, rng_pm(r, 500) ? "n/a" : "none"); break;
	default: if (at) fld_insert(f, (size_t)(at - f->s + 1), "."); break;
	}
}

/* ---- one address a person ------------------------------------------------ */

/* The addresses taken (XXH3-128 of their keys) and the people whose
 * address took a number (hash of the person's row -> the number): the
 * project's key table (lib/keytab.h), which stores hashes, not keys. */
static struct keytab *taken, *numbered;

/* The hash of the address e's key; 0 when it has none (a broken one). */
static int addr_hash(const struct fld *e, struct key128 *h)
{
	static struct buf key;
	XXH128_hash_t x;

	if (email_key(e->s, e->n, &key) < 0)
		return 0;
	x = XXH3_128bits(key.p, key.len);
	h->lo = x.low64;
	h->hi = x.high64;
	return 1;
}

static struct key128 row_hash(uint64_t row)
{
	XXH128_hash_t x = XXH3_128bits(&row, sizeof row);

	return (struct key128){x.low64, x.high64};
}

/* Number n put into the local part of e, before a tag that the key drops
 * ("+news" at live.com, "-" at yahoo.com) or else before the '@'. */
static void addr_number(struct fld *e, uint64_t n)
{
	size_t at = strcspn(e->s, "+-@");
	char d[24];

	snprintf(d, sizeof d, "%llu", (unsigned long long)n);
	fld_insert(e, at, d);
}

/* Make e, the address of the person first seen at row orig, that person's
 * own: at the person's first row (row == orig) the first of e, e with 2,
 * e with 3, ... that no one has yet, taken from then on; at a later row
 * the one taken then. */
static void addr_own(uint64_t orig, uint64_t row, struct fld *e)
{
	struct fld base = *e;
	struct key128 h, o = row_hash(orig);
	uint64_t n, *num;

	if (!taken) {
		taken = keytab_new(0);
		numbered = keytab_new(1);
	}
	if (row != orig) {
		if ((num = keytab_get(numbered, &o)))
			addr_number(e, *num);
		return;
	}
	if (!addr_hash(e, &h))
		return;
	for (n = 1; keytab_get(taken, &h) && n < 1000; n++) {
		*e = base;
		addr_number(e, n + 1);
		if (!addr_hash(e, &h))
			return;
	}
	keytab_put(taken, &h, &num);
	if (n > 1 && keytab_put(numbered, &o, &num) >= 0)
		*num = n;
}

static void person_make(uint64_t orig, uint64_t row, struct person *p)
{
	struct rng r = rng_for(T_PERSON, orig);
	static const unsigned ek_work[] = {720, 140, 20, 10, 30, 80};
	static const unsigned ek_none[] = {0, 880, 0, 40, 40, 40};
	const struct country *co;
	struct fld local;

	p->orig = orig;
	person_account(&r, &p->has_account, &p->acc);
	if (p->has_account) {
		account_make(p->acc, &p->a);
		p->country = rng_pm(&r, 850) ? p->a.country : country_pick(&r);
	} else {
		p->country = country_pick(&r);
	}
	co = &COUNTRIES[p->country];
	p->culture = rng_pm(&r, 700) ? co->culture
				     : rng_weighted(&r, CULTURE_W, C_COUNT);
	p->first = &CULTURES[p->culture].first[rng_below(
		&r, (uint64_t)CULTURES[p->culture].nfirst)];
	p->last = &CULTURES[p->culture].last[rng_below(
		&r, (uint64_t)CULTURES[p->culture].nlast)];
	p->native = p->first->native &&
		    (co->culture == C_JP || co->culture == C_CN) &&
		    rng_pm(&r, 250);
	p->ek = (enum email_kind)rng_weighted(
		&r, p->has_account ? ek_work : ek_none, 6);
	fld_clear(&p->email);
	switch (p->ek) {
	case EK_WORK:
		email_local(p, rng_pm(&r, 850) ? p->a.email_pattern
						   : (int)rng_below(&r, 8),
			    &p->email);
		fld_addc(&p->email, '@');
		if (rng_pm(&r, 50)) {
			fld_add(&p->email, PICK(&r, SUBDOMAIN));
			fld_addc(&p->email, '.');
		}
		fld_add(&p->email, p->a.domain.s);
		break;
	case EK_FREE:
		email_free(&r, p, &p->email);
		break;
	case EK_ROLE: /* shared: not made anyone's own */
		fld_add(&p->email, PICK(&r, ROLE));
		fld_addc(&p->email, '@');
		fld_add(&p->email, p->a.domain.s);
		break;
	case EK_DISPOSABLE:
		email_local(p, (int)rng_below(&r, 8), &p->email);
		fld_addc(&p->email, '@');
		fld_add(&p->email, PICK(&r, DISPOSABLE));
		break;
	case EK_INVALID:
		if (p->has_account) {
			email_local(p, p->a.email_pattern, &local);
			fld_addc(&local, '@');
			fld_add(&local, p->a.domain.s);
		} else {
			email_free(&r, p, &local);
		}
		email_invalid(&r, &local, &p->email);
		break;
	default:
		break;
	}
	if (p->ek == EK_WORK || p->ek == EK_FREE || p->ek == EK_DISPOSABLE)
		addr_own(orig, row, &p->email);
	p->title_seed = rng_next(&r);
	p->phone_style = rng_pm(&r, 220) ? -1 : (int)rng_below(&r, 1000);
	{
		const char *cc = co->cc;
		int i, alen, nlen;

		if (!strcmp(cc, "1")) {
			static const char *const nanp[] = {
				"212", "415", "312", "617", "206", "512",
				"303", "404", "646", "917", "416", "604"};
			snprintf(p->area, sizeof p->area, "%s", PICK(&r, nanp));
			memcpy(p->number, "5550", 4);
			for (i = 4; i < 7; i++)
				p->number[i] = (char)('0' + rng_below(&r, 10));
			p->number[4] = '1';
			p->number[7] = '\0';
		} else if (!strcmp(cc, "44")) {
			memcpy(p->area, "20", 3);
			memcpy(p->number, "79460", 5);
			for (i = 5; i < 8; i++)
				p->number[i] = (char)('0' + rng_below(&r, 10));
			p->number[8] = '\0';
		} else {
			alen = 1 + (int)rng_below(&r, 3);
			nlen = 9 - alen + (int)rng_below(&r, 2);
			for (i = 0; i < alen; i++)
				p->area[i] = (char)('1' + rng_below(&r, 9));
			p->area[alen] = '\0';
			for (i = 0; i < nlen; i++)
				p->number[i] = (char)('0' + rng_below(&r, 10));
			p->number[0] = (char)('2' + rng_below(&r, 8));
			p->number[nlen] = '\0';
		}
		p->ext = rng_pm(&r, 60) ? 10 + (unsigned)rng_below(&r, 990) : 0;
	}
}

/* Phone number of p in one of the ways people write it. */
static void phone_format(struct rng *r, const struct person *p, struct fld *f)
{
	const struct country *co = &COUNTRIES[p->country];
	static const char *const junk[] = {"n/a", "000", "TBD", "see email",
					   "12345", "0"};
	const char *n = p->number;
	int style;

	fld_clear(f);
	if (p->phone_style < 0)
		return;
	if (rng_pm(r, 10)) {
		fld_set(f, PICK(r, junk));
		return;
	}
	style = (int)((p->phone_style + rng_below(r, 3)) % 7);
	if (!strcmp(co->cc, "1")) {
		switch (style) {
		case 0: fld_add(f, "+1 ("); fld_add(f, p->area); fld_add(f, ") ");
			fld_addn(f, n, 3); fld_addc(f, '-'); fld_add(f, n + 3); break;
		case 1: fld_addc(f, '('); fld_add(f, p->area); fld_add(f, ") ");
			fld_addn(f, n, 3); fld_addc(f, '-'); fld_add(f, n + 3); break;
		case 2: fld_add(f, p->area); fld_addc(f, '-');
			fld_addn(f, n, 3); fld_addc(f, '-'); fld_add(f, n + 3); break;
		case 3: fld_add(f, p->area); fld_addc(f, '.');
			fld_addn(f, n, 3); fld_addc(f, '.'); fld_add(f, n + 3); break;
		case 4: fld_add(f, "+1"); fld_add(f, p->area); fld_add(f, n); break;
		case 5: fld_add(f, "1-"); fld_add(f, p->area); fld_addc(f, '-');
			fld_addn(f, n, 3); fld_addc(f, '-'); fld_add(f, n + 3); break;
		default: fld_add(f, p->area); fld_addc(f, ' ');
			fld_addn(f, n, 3); fld_addc(f, ' '); fld_add(f, n + 3); break;
		}
	} else {
		size_t half = strlen(n) / 2;

		switch (style) {
		case 0: /* +49 30 1234567 */
			fld_addc(f, '+'); fld_add(f, co->cc); fld_addc(f, ' ');
			fld_add(f, p->area); fld_addc(f, ' '); fld_add(f, n); break;
		case 1: /* 0049 30 1234567 */
			fld_add(f, "00"); fld_add(f, co->cc); fld_addc(f, ' ');
			fld_add(f, p->area); fld_addc(f, ' '); fld_add(f, n); break;
		case 2: /* 030 1234567 */
			if (co->trunk)
				fld_addc(f, '0');
			fld_add(f, p->area); fld_addc(f, ' ');
			fld_addn(f, n, half); fld_addc(f, ' ');
			fld_add(f, n + half); break;
		case 3: /* +49 (0)30 1234567 */
			fld_addc(f, '+'); fld_add(f, co->cc);
			fld_add(f, co->trunk ? " (0)" : " "); fld_add(f, p->area);
			fld_addc(f, ' '); fld_add(f, n); break;
		case 4: /* +49301234567 */
			fld_addc(f, '+'); fld_add(f, co->cc); fld_add(f, p->area);
			fld_add(f, n); break;
		case 5: /* 030/1234567 */
			if (co->trunk)
				fld_addc(f, '0');
			fld_add(f, p->area); fld_addc(f, '/'); fld_add(f, n); break;
		default: /* 030-123-4567 */
			if (co->trunk)
				fld_addc(f, '0');
			fld_add(f, p->area); fld_addc(f, '-');
			fld_addn(f, n, half); fld_addc(f, '-');
			fld_add(f, n + half); break;
		}
	}
	if (p->ext) {
		static const char *const ext[] = {" x", " ext. ", " ext ", ";ext=",
						  " Durchwahl ", " poste "};
		fld_add(f, PICK(r, ext));
		fld_addu(f, p->ext, 0);
	}
}

/* The company as typed on a contact: the account's name with case,
 * punctuation and legal-suffix variants, "The ... Company", a typo. */
static void company_variant(struct rng *r, const struct account *a,
			    struct fld *f)
{
	static const unsigned w[] = {450, 100, 80, 50, 80, 50, 50, 40, 30, 30, 40};
	size_t k;

	switch (rng_weighted(r, w, NELEM(w))) {
	case 0: *f = a->name; break;
	case 1: *f = a->base; break;
	case 2: /* "ACME INC" */
		*f = a->name;
		for (k = 0; k < f->n; k++)
			if (f->s[k] == ',' || f->s[k] == '.') {
				memmove(f->s + k, f->s + k + 1, f->n - k);
				f->n--;
				k--;
			}
		fld_case(f, 1);
		break;
	case 3: *f = a->name; fld_case(f, 0); break;
	case 4: /* another form of the legal suffix */
		*f = a->base;
		if (a->suffix >= 0) {
			fld_add(f, rng_pm(r, 300) ? ", " : " ");
			fld_add(f, SUFFIX[a->suffix][1 + rng_below(r, 3)]);
		} else {
			fld_add(f, rng_pm(r, 500) ? " Inc" : " Ltd.");
		}
		break;
	case 5: /* "The Acme Company" */
		fld_set(f, "The ");
		fld_add(f, a->base.s);
		fld_add(f, rng_pm(r, 600) ? " Company" : "");
		break;
	case 6: /* comma toggled, "&" for "and" and back */
		*f = a->name;
		{
			char *c = memchr(f->s, ',', f->n), *amp;
			if (c)
				fld_replace(f, (size_t)(c - f->s), 1, "");
			else if ((amp = strstr(f->s, " & ")))
				fld_replace(f, (size_t)(amp - f->s), 3, " and ");
			else if ((amp = strstr(f->s, " and ")))
				fld_replace(f, (size_t)(amp - f->s), 5, " & ");
			else if (a->suffix >= 0)
				fld_replace(f, a->base.n, 1, ", ");
		}
		break;
	case 7: /* initials: "Blue Harbor Logistics" -> "BHL" */
		fld_clear(f);
		for (k = 0; k < a->base.n; k++)
			if ((k == 0 || a->base.s[k - 1] == ' ') &&
			    is_alpha(a->base.s[k]))
				fld_addc(f, a->base.s[k] & ~0x20);
		if (f->n < 2)
			*f = a->base;
		break;
	case 8: /* the base and the country: "Acme Germany" */
		*f = a->base;
		fld_addc(f, ' ');
		fld_add(f, COUNTRIES[a->country].forms[1]);
		break;
	case 9: *f = a->name; fld_typo(r, f); break;
	default: fld_clear(f); break;
	}
	fld_mess_space(r, f, 15);
	fld_mess_newline(r, f, 2);
}

/* What the CRM says about an address's deliverability. */
static void email_status(struct rng *r, enum email_kind ek, long age_days,
			 struct fld *f)
{
	static const char *const valid[] = {"valid", "valid", "Valid", "VALID",
					    "deliverable", "Deliverable"};
	static const char *const bounced[] = {"bounced", "Hard Bounce",
					      "Soft Bounce", "Bounced",
					      "hard_bounce"};
	static const char *const invalid[] = {"invalid", "Invalid",
					      "undeliverable", "Undeliverable"};
	static const char *const unknown[] = {"unknown", "", "Unknown",
					      "catch-all", ""};
	unsigned bounce_pm = 20 + (unsigned)(age_days * 40 / 365);

	if (ek == EK_EMPTY) {
		fld_set(f, rng_pm(r, 900) ? "" : "unknown");
		return;
	}
	if (ek == EK_INVALID) {
		fld_set(f, rng_pm(r, 750) ? PICK(r, invalid) : PICK(r, unknown));
		return;
	}
	if (bounce_pm > 400)
		bounce_pm = 400;
	if (rng_pm(r, bounce_pm))
		fld_set(f, PICK(r, bounced));
	else if (rng_pm(r, 150))
		fld_set(f, PICK(r, unknown));
	else if (rng_pm(r, 750)) /* each export has its usual spelling */
		fld_set(f, valid[G.style == S_HUBSPOT ? 4 : G.style == S_SALESFORCE ? 2 : 0]);
	else
		fld_set(f, PICK(r, valid));
}

/* A yes/no flag in the spellings exports use. */
static void flag_format(struct rng *r, int value, struct fld *f)
{
	static const char *const yes[] = {"Y", "true", "1", "yes", "TRUE", "Yes"};
	static const char *const no[] = {"N", "false", "0", "no", "FALSE", "No"};
	static const int main_form[] = {1, 2, 1};

	if (rng_pm(r, 60)) {
		fld_clear(f);
		return;
	}
	fld_set(f, rng_pm(r, 750) ? (value ? yes : no)[main_form[G.style]]
				  : (value ? PICK(r, yes) : PICK(r, no)));
}

enum { CF_ID, CF_ACC, CF_FIRST, CF_LAST, CF_EMAIL, CF_TITLE, CF_COMPANY,
       CF_PHONE, CF_COUNTRY, CF_OWNER, CF_STATUS, CF_OPTOUT, CF_CONSENT,
       CF_LASTACT, CF_CREATED, CF_COUNT };

static struct fld F[NFIELDS];

/* A name as the person entered it: native script when they did. */
static void name_form(const struct nm *n, int native, struct fld *f)
{
	fld_set(f, native && n->native ? n->native : n->u);
}

/* Gmail-style equivalents: dots moved, a +tag, googlemail.com. */
static void email_gmail_variant(struct rng *r, struct fld *f)
{
	char *at = memchr(f->s, '@', f->n);
	size_t k;

	if (!at)
		return;
	switch (rng_below(r, 4)) {
	case 0: /* dots dropped */
		for (k = 0; k < (size_t)(at - f->s); k++)
			if (f->s[k] == '.') {
				fld_replace(f, k, 1, "");
				at--;
				k--;
			}
		break;
	case 1: /* a +tag */
		fld_insert(f, (size_t)(at - f->s),
			   rng_pm(r, 500) ? "+crm" : "+newsletter");
		break;
	case 2: /* a dot added */
		if (at - f->s > 3)
			fld_insert(f, 2, ".");
		break;
	default:
		fld_replace(f, (size_t)(at - f->s + 1),
			    f->n - (size_t)(at - f->s + 1), "googlemail.com");
		break;
	}
}

/* Names without their accents, as typed on an ASCII keyboard. */
static void name_strip_accents(struct fld *f)
{
	static struct buf b = BUF_INIT;

	if (text_is_ascii(f->s, f->n) || text_fold(&b, f->s, f->n) < 0 ||
	    !text_is_ascii(b.p, b.len))
		return;
	f->n = 0;
	fld_addn(f, b.p, b.len);
	fld_capitalize(f);
}

/* Fill F[] with contact row i; *truth_acc / *dup_of get the ground truth
 * (UINT64_MAX: none). */
static void contact_make(uint64_t i, uint64_t *truth_acc, uint64_t *dup_of,
			 uint64_t *person)
{
	static struct person p;
	struct rng r = rng_for(T_ROW, i), d = rng_for(T_DUP, i), tr;
	uint64_t orig = row_orig(i);
	int dup = orig != i, c;
	long created, age;
	struct key128 h1, h2;

	person_make(orig, i, &p);
	*truth_acc = p.has_account ? p.acc : UINT64_MAX;
	*dup_of = dup ? orig : UINT64_MAX;
	*person = orig;

	id_format(&F[CF_ID], ID_CONTACT, i, 0);

	/* the CRM's own account link: often missing, sometimes stale */
	fld_clear(&F[CF_ACC]);
	if (p.has_account && rng_pm(&r, 600)) {
		if (rng_pm(&r, 30))
			id_format(&F[CF_ACC], ID_ACCOUNT,
				  G.accounts + 1000003 + rng_below(&r, 1000000), 0);
		else if (rng_pm(&r, 20) && p.a.parent != UINT64_MAX)
			id_format(&F[CF_ACC], ID_ACCOUNT, p.a.parent, 0);
		else
			id_format(&F[CF_ACC], ID_ACCOUNT, p.acc,
				  G.style != S_HUBSPOT && rng_pm(&r, 50));
	} else if (rng_pm(&r, 15)) {
		fld_set(&F[CF_ACC], rng_pm(&r, 500) ? "#N/A" : "0");
	}

	name_form(p.first, p.native, &F[CF_FIRST]);
	name_form(p.last, p.native, &F[CF_LAST]);
	if (rng_pm(&r, 25)) { /* a middle initial */
		fld_addc(&F[CF_FIRST], ' ');
		fld_addc(&F[CF_FIRST], (char)('A' + rng_below(&r, 26)));
		fld_addc(&F[CF_FIRST], '.');
	}
	if (rng_pm(&r, 3) && F[CF_FIRST].n > 4 && is_alpha(F[CF_FIRST].s[0]) &&
	    is_alpha(F[CF_FIRST].s[1]) && is_alpha(F[CF_FIRST].s[2])) {
		/* a nickname in quotes: Robert "Rob" */
		fld_add(&F[CF_FIRST], " \"");
		fld_addn(&F[CF_FIRST], F[CF_FIRST].s, 3);
		fld_addc(&F[CF_FIRST], '"');
	}
	if (rng_pm(&r, 8))
		fld_add(&F[CF_LAST], rng_pm(&r, 500) ? " Jr." : ", PhD");
	if (rng_pm(&r, 10))
		fld_insert(&F[CF_FIRST], 0, rng_pm(&r, 500) ? "Dr. " : "Mr. ");
	if (rng_pm(&r, 5)) { /* whole name in one field */
		fld_addc(&F[CF_FIRST], ' ');
		fld_add(&F[CF_FIRST], F[CF_LAST].s);
		fld_clear(&F[CF_LAST]);
	}
	if (rng_pm(&r, 10))
		fld_clear(&F[CF_FIRST]);

	F[CF_EMAIL] = p.email;
	tr = rng_for(T_TITLE, p.title_seed);
	c = p.has_account ? p.a.country : p.country;
	title_make(&tr, p.country, &F[CF_TITLE]);
	if (p.has_account)
		company_variant(&r, &p.a, &F[CF_COMPANY]);
	else
		fld_set(&F[CF_COMPANY], PICK(&r, NO_COMPANY));
	phone_format(&r, &p, &F[CF_PHONE]);
	if (rng_pm(&r, 80))
		fld_clear(&F[CF_COUNTRY]);
	else
		country_form(&r, rng_pm(&r, 800) ? p.country : c, &F[CF_COUNTRY]);

	if (dup) { /* the same person entered again, a little differently */
		if (rng_pm(&d, 150))
			fld_case(&F[CF_FIRST], rng_pm(&d, 500));
		if (rng_pm(&d, 100))
			fld_typo(&d, rng_pm(&d, 500) ? &F[CF_FIRST] : &F[CF_LAST]);
		if (rng_pm(&d, 120)) {
			name_strip_accents(&F[CF_FIRST]);
			name_strip_accents(&F[CF_LAST]);
		}
		switch (rng_below(&d, 20)) {
		case 0: case 1: case 2: /* upper-case letters */
			if (F[CF_EMAIL].s[0] >= 'a' && F[CF_EMAIL].s[0] <= 'z')
				F[CF_EMAIL].s[0] -= 32;
			if (rng_pm(&d, 500))
				fld_case(&F[CF_EMAIL], 1);
			break;
		case 3: case 4: /* white space around */
			fld_insert(&F[CF_EMAIL], 0, " ");
			fld_add(&F[CF_EMAIL], " ");
			break;
		case 5: case 6: case 7: case 8:
			if (strstr(F[CF_EMAIL].s, "@gmail.com"))
				email_gmail_variant(&d, &F[CF_EMAIL]);
			break;
		case 9: case 10: /* work address for personal, or back */
			if (p.ek == EK_WORK || !p.has_account) {
				email_free(&d, &p, &F[CF_EMAIL]);
			} else {
				email_local(&p, p.a.email_pattern, &F[CF_EMAIL]);
				fld_addc(&F[CF_EMAIL], '@');
				fld_add(&F[CF_EMAIL], p.a.domain.s);
			}
			/* this person's too, first given at this row */
			if (!addr_hash(&F[CF_EMAIL], &h1) ||
			    !addr_hash(&p.email, &h2) || h1.lo != h2.lo ||
			    h1.hi != h2.hi)
				addr_own(i, i, &F[CF_EMAIL]);
			break;
		case 11: fld_clear(&F[CF_EMAIL]); break;
		default: break;
		}
		if (rng_pm(&d, 300)) { /* moved on: another title */
			tr = rng_for(T_TITLE, p.title_seed + i + 1);
			title_make(&tr, p.country, &F[CF_TITLE]);
		}
	}
	if (F[CF_EMAIL].n && F[CF_EMAIL].s[0] != ' ')
		fld_mess_space(&r, &F[CF_EMAIL], 10);
	fld_mess_space(&r, &F[CF_FIRST], 15);
	fld_mess_space(&r, &F[CF_LAST], 15);

	/* dates, deliverability, consent */
	age = 1 + (long)rng_below(&r, (uint64_t)(G.as_of - days_from_civil(2014, 1, 1)));
	if (rng_pm(&r, 600)) { /* newer records are more common */
		long a2 = 1 + (long)rng_below(&r, (uint64_t)age);
		age = a2;
	}
	created = G.as_of - age;
	date_messy(&r, &F[CF_CREATED], created);
	if (rng_pm(&r, 650)) {
		uint64_t span = (uint64_t)age, u = rng_below(&r, span);
		long back = (long)(u * rng_below(&r, span) / span);
		date_messy(&r, &F[CF_LASTACT], G.as_of - 1 - back);
	} else {
		fld_clear(&F[CF_LASTACT]);
	}
	email_status(&r, F[CF_EMAIL].n ? p.ek : EK_EMPTY, age, &F[CF_STATUS]);
	flag_format(&r, rng_pm(&r, 80), &F[CF_OPTOUT]);
	flag_format(&r, rng_pm(&r, 700), &F[CF_CONSENT]);
	if (rng_pm(&r, 60) && G.style != S_HUBSPOT)
		fld_clear(&F[CF_CONSENT]);

	fld_clear(&F[CF_OWNER]);
	if (!rng_pm(&r, 100)) {
		if (p.has_account && p.a.owned && rng_pm(&r, 800))
			owner_format(&F[CF_OWNER], p.a.owner);
		else
			owner_format(&F[CF_OWNER], rng_below(&r, G.reps));
	}
}

/* ---- output -------------------------------------------------------------- */

struct out {
	FILE *fp;
	const char *name; /* for messages; "-" is stdout */
	char *vbuf;
	uint64_t rows;
};

static void out_open(struct out *o, const char *path)
{
	o->rows = 0;
	if (!path || !strcmp(path, "-")) {
		o->fp = stdout;
		o->name = "-";
	} else {
		o->fp = fopen(path, "w");
		o->name = path;
		if (!o->fp)
			cov_die(COV_EXIT_IO, "%s: %s", path, strerror(errno));
	}
	o->vbuf = xmalloc(OUT_BUFSZ);
	if (setvbuf(o->fp, o->vbuf, _IOFBF, OUT_BUFSZ) != 0)
		cov_die(COV_EXIT_IO, "%s: cannot set a buffer", o->name);
}

static void out_close(struct out *o)
{
	int bad = fflush(o->fp) != 0 || ferror(o->fp);
	int saved = errno;

	if (fclose(o->fp) != 0 && !bad) {
		bad = 1;
		saved = errno;
	}
	free(o->vbuf);
	o->vbuf = NULL;
	if (bad)
		cov_die(COV_EXIT_IO, "%s: write error: %s", o->name,
			strerror(saved));
}

static void out_check(struct out *o)
{
	if ((++o->rows & 0xffff) == 0 && ferror(o->fp))
		cov_die(COV_EXIT_IO, "%s: write error: %s", o->name,
			strerror(errno));
}

static void out_eol(struct out *o)
{
	if (G.crlf && G.format == F_CSV)
		fputc_unlocked('\r', o->fp);
	fputc_unlocked('\n', o->fp);
}

/* RFC 4180: quoted only when holding a comma, a quote, CR or LF. */
static void csv_field(FILE *fp, const char *s, size_t n)
{
	static const unsigned char special[256] = {
		['\n'] = 1, ['\r'] = 1, [','] = 1, ['"'] = 2};
	const char *q;
	size_t k;

	for (k = 0; k < n; k++)
		if (special[(unsigned char)s[k]])
			break;
	if (k == n) {
		fwrite_unlocked(s, 1, n, fp);
		return;
	}
	fputc_unlocked('"', fp);
	while ((q = memchr(s, '"', n))) { /* each quote written twice */
		fwrite_unlocked(s, 1, (size_t)(q - s) + 1, fp);
		fputc_unlocked('"', fp);
		n -= (size_t)(q - s) + 1;
		s = q + 1;
	}
	fwrite_unlocked(s, 1, n, fp);
	fputc_unlocked('"', fp);
}

/* A JSON string: quotes, backslashes and control characters escaped, other
 * UTF-8 kept as is. */
static void json_string(FILE *fp, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t k;

	fputc_unlocked('"', fp);
	for (k = 0; k < n; k++) {
		unsigned char c = (unsigned char)s[k];

		if (c == '"' || c == '\\') {
			fputc_unlocked('\\', fp);
			fputc_unlocked((char)c, fp);
		} else if (c == '\n') {
			fputs_unlocked("\\n", fp);
		} else if (c == '\r') {
			fputs_unlocked("\\r", fp);
		} else if (c == '\t') {
			fputs_unlocked("\\t", fp);
		} else if (c < 0x20) {
			fputs_unlocked("\\u00", fp);
			fputc_unlocked(hex[c >> 4], fp);
			fputc_unlocked(hex[c & 15], fp);
		} else {
			fputc_unlocked((char)c, fp);
		}
	}
	fputc_unlocked('"', fp);
}

/* A column of an export: its header in this style and the field it holds. */
struct col {
	const char *name;
	int field;
};

struct layout {
	const struct col *cols;
	int n;
};

static void out_header(struct out *o, const struct layout *l)
{
	int k;

	if (G.format != F_CSV)
		return;
	for (k = 0; k < l->n; k++) {
		if (k)
			fputc_unlocked(',', o->fp);
		csv_field(o->fp, l->cols[k].name, strlen(l->cols[k].name));
	}
	out_eol(o);
}

static void out_row(struct out *o, const struct layout *l)
{
	int k;

	if (G.format == F_CSV) {
		for (k = 0; k < l->n; k++) {
			const struct fld *f = &F[l->cols[k].field];

			if (k)
				fputc_unlocked(',', o->fp);
			csv_field(o->fp, f->s, f->n);
		}
	} else {
		fputc_unlocked('{', o->fp);
		for (k = 0; k < l->n; k++) {
			const struct fld *f = &F[l->cols[k].field];

			if (k)
				fputc_unlocked(',', o->fp);
			json_string(o->fp, l->cols[k].name, strlen(l->cols[k].name));
			fputc_unlocked(':', o->fp);
			json_string(o->fp, f->s, f->n);
		}
		fputc_unlocked('}', o->fp);
	}
	out_eol(o);
	out_check(o);
}

#define LAYOUT(a) {a, NELEM(a)}

/* ---- contacts: layouts and the loop -------------------------------------- */

static const struct col CONTACT_CANON[] = {
	{"contact_id", CF_ID}, {"account_id", CF_ACC},
	{"first_name", CF_FIRST}, {"last_name", CF_LAST},
	{"email", CF_EMAIL}, {"title", CF_TITLE}, {"company", CF_COMPANY},
	{"phone", CF_PHONE}, {"country", CF_COUNTRY},
	{"owner_id", CF_OWNER}, {"email_status", CF_STATUS},
	{"opt_out", CF_OPTOUT}, {"consent", CF_CONSENT},
	{"last_activity_at", CF_LASTACT}, {"created_at", CF_CREATED}};
static const struct col CONTACT_SF[] = {
	{"Contact ID", CF_ID}, {"First Name", CF_FIRST},
	{"Last Name", CF_LAST}, {"Title", CF_TITLE},
	{"Account Name", CF_COMPANY}, {"Account ID", CF_ACC},
	{"Email", CF_EMAIL}, {"Phone", CF_PHONE},
	{"Mailing Country", CF_COUNTRY}, {"Email Status", CF_STATUS},
	{"Email Opt Out", CF_OPTOUT}, {"Marketing Consent", CF_CONSENT},
	{"Contact Owner ID", CF_OWNER}, {"Created Date", CF_CREATED},
	{"Last Activity", CF_LASTACT}};
static const struct col CONTACT_HS[] = {
	{"Record ID", CF_ID}, {"First Name", CF_FIRST},
	{"Last Name", CF_LAST}, {"Email", CF_EMAIL},
	{"Phone Number", CF_PHONE}, {"Job Title", CF_TITLE},
	{"Company Name", CF_COMPANY}, {"Associated Company ID", CF_ACC},
	{"Country/Region", CF_COUNTRY}, {"Contact owner", CF_OWNER},
	{"Email Status", CF_STATUS},
	{"Unsubscribed from all email", CF_OPTOUT},
	{"Consent to Communicate", CF_CONSENT}, {"Create Date", CF_CREATED},
	{"Last Activity Date", CF_LASTACT}};
static const struct layout CONTACT_LAYOUT[] = {
	LAYOUT(CONTACT_CANON), LAYOUT(CONTACT_SF), LAYOUT(CONTACT_HS)};

static void gen_contacts(struct out *o, struct out *truth, uint64_t rows)
{
	const struct layout *l = &CONTACT_LAYOUT[G.style];
	struct fld acc_id, dup_id;
	uint64_t i, acc, dup, person;

	out_header(o, l);
	if (truth) {
		fputs("contact_id,true_account_id,dup_of,person_id", truth->fp);
		out_eol(truth);
	}
	for (i = 0; i < rows; i++) {
		contact_make(i, &acc, &dup, &person);
		out_row(o, l);
		if (!truth)
			continue;
		fld_clear(&acc_id);
		fld_clear(&dup_id);
		if (acc != UINT64_MAX)
			id_format(&acc_id, ID_ACCOUNT, acc, 0);
		if (dup != UINT64_MAX)
			id_format(&dup_id, ID_CONTACT, dup, 0);
		fwrite_unlocked(F[CF_ID].s, 1, F[CF_ID].n, truth->fp);
		fputc_unlocked(',', truth->fp);
		fwrite_unlocked(acc_id.s, 1, acc_id.n, truth->fp);
		fputc_unlocked(',', truth->fp);
		fwrite_unlocked(dup_id.s, 1, dup_id.n, truth->fp);
		fputs_unlocked(",P", truth->fp);
		fld_clear(&acc_id);
		fld_addu(&acc_id, person + 1, 0);
		fwrite_unlocked(acc_id.s, 1, acc_id.n, truth->fp);
		out_eol(truth);
		out_check(truth);
	}
}

/* ---- accounts ------------------------------------------------------------ */

enum { AF_ID, AF_NAME, AF_DOMAIN, AF_COUNTRY, AF_TIER, AF_SEGMENT, AF_OWNER,
       AF_PARENT, AF_INDUSTRY, AF_EMPLOYEES };

static const struct col ACCOUNT_CANON[] = {
	{"account_id", AF_ID}, {"name", AF_NAME}, {"domain", AF_DOMAIN},
	{"country", AF_COUNTRY}, {"tier", AF_TIER}, {"segment", AF_SEGMENT},
	{"owner_id", AF_OWNER}, {"parent_account_id", AF_PARENT},
	{"industry", AF_INDUSTRY}, {"employees", AF_EMPLOYEES}};
static const struct col ACCOUNT_SF[] = {
	{"Account ID", AF_ID}, {"Account Name", AF_NAME},
	{"Website", AF_DOMAIN}, {"Billing Country", AF_COUNTRY},
	{"Tier", AF_TIER}, {"Segment", AF_SEGMENT},
	{"Account Owner ID", AF_OWNER}, {"Parent Account ID", AF_PARENT},
	{"Industry", AF_INDUSTRY}, {"Employees", AF_EMPLOYEES}};
static const struct col ACCOUNT_HS[] = {
	{"Record ID", AF_ID}, {"Company name", AF_NAME},
	{"Company owner", AF_OWNER}, {"Company Domain Name", AF_DOMAIN},
	{"Country/Region", AF_COUNTRY}, {"Industry", AF_INDUSTRY},
	{"Number of Employees", AF_EMPLOYEES}, {"Tier", AF_TIER},
	{"Segment", AF_SEGMENT}, {"Parent Company ID", AF_PARENT}};
static const struct layout ACCOUNT_LAYOUT[] = {
	LAYOUT(ACCOUNT_CANON), LAYOUT(ACCOUNT_SF), LAYOUT(ACCOUNT_HS)};

static void gen_accounts(struct out *o)
{
	const struct layout *l = &ACCOUNT_LAYOUT[G.style];
	static struct account a;
	uint64_t j;

	out_header(o, l);
	for (j = 0; j < G.accounts; j++) {
		struct rng r = rng_for(T_ACCVIEW, j);

		account_make(j, &a);
		id_format(&F[AF_ID], ID_ACCOUNT, j, 0);
		F[AF_NAME] = a.name;
		if (rng_pm(&r, 20))
			fld_case(&F[AF_NAME], 1);
		fld_mess_space(&r, &F[AF_NAME], 8);
		website_format(&r, &a.domain, &F[AF_DOMAIN]);
		country_form(&r, a.country, &F[AF_COUNTRY]);
		if (rng_pm(&r, 20))
			fld_clear(&F[AF_COUNTRY]);
		fld_clear(&F[AF_TIER]);
		fld_addu(&F[AF_TIER], (uint64_t)a.tier, 0);
		fld_set(&F[AF_SEGMENT], SEGMENT[a.segment]);
		fld_clear(&F[AF_OWNER]);
		if (a.owned)
			owner_format(&F[AF_OWNER], a.owner);
		fld_clear(&F[AF_PARENT]);
		if (a.parent != UINT64_MAX)
			id_format(&F[AF_PARENT], ID_ACCOUNT, a.parent, 0);
		fld_set(&F[AF_INDUSTRY], rng_pm(&r, 50) ? "" : INDUSTRY[a.industry]);
		fld_clear(&F[AF_EMPLOYEES]);
		if (!rng_pm(&r, 50))
			fld_addu(&F[AF_EMPLOYEES], a.employees, 0);
		out_row(o, l);
	}
}

/* ---- reps ---------------------------------------------------------------- */

enum { RF_ID, RF_NAME, RF_EMAIL, RF_SEGMENT, RF_CAPACITY, RF_REGION };

static const struct col REP_CANON[] = {
	{"owner_id", RF_ID}, {"name", RF_NAME}, {"email", RF_EMAIL},
	{"segment", RF_SEGMENT}, {"capacity_hours", RF_CAPACITY},
	{"region", RF_REGION}};
static const struct col REP_SF[] = {
	{"User ID", RF_ID}, {"Full Name", RF_NAME}, {"Email", RF_EMAIL},
	{"Segment", RF_SEGMENT}, {"Capacity Hours", RF_CAPACITY},
	{"Region", RF_REGION}};
static const struct col REP_HS[] = {
	{"Owner ID", RF_ID}, {"Owner name", RF_NAME},
	{"Owner email", RF_EMAIL}, {"Segment", RF_SEGMENT},
	{"Capacity hours", RF_CAPACITY}, {"Region", RF_REGION}};
static const struct layout REP_LAYOUT[] = {
	LAYOUT(REP_CANON), LAYOUT(REP_SF), LAYOUT(REP_HS)};

static void gen_reps(struct out *o)
{
	const struct layout *l = &REP_LAYOUT[G.style];
	struct rep p;
	uint64_t k;

	out_header(o, l);
	for (k = 0; k < G.reps; k++) {
		rep_make(k, &p);
		owner_format(&F[RF_ID], k);
		fld_set(&F[RF_NAME], p.first->u);
		fld_addc(&F[RF_NAME], ' ');
		fld_add(&F[RF_NAME], p.last->u);
		fld_clear(&F[RF_EMAIL]);
		slug_add(&F[RF_EMAIL], p.first->a ? p.first->a : p.first->u);
		fld_addc(&F[RF_EMAIL], '.');
		slug_add(&F[RF_EMAIL], p.last->a ? p.last->a : p.last->u);
		if (k >= 10) /* namesakes */
			fld_addu(&F[RF_EMAIL], k, 0);
		fld_add(&F[RF_EMAIL], "@sales.example.com");
		fld_set(&F[RF_SEGMENT], SEGMENT[p.segment]);
		fld_clear(&F[RF_CAPACITY]);
		fld_addu(&F[RF_CAPACITY], (uint64_t)p.capacity, 0);
		fld_set(&F[RF_REGION], REP_REGION[p.region]);
		out_row(o, l);
	}
}

/* ---- activities ---------------------------------------------------------- */

enum { XF_ID, XF_CONTACT, XF_ACCOUNT, XF_TYPE, XF_AT, XF_OWNER };

static const struct col ACT_CANON[] = {
	{"activity_id", XF_ID}, {"contact_id", XF_CONTACT},
	{"account_id", XF_ACCOUNT}, {"type", XF_TYPE},
	{"occurred_at", XF_AT}, {"owner_id", XF_OWNER}};
static const struct col ACT_SF[] = {
	{"Activity ID", XF_ID}, {"Contact ID", XF_CONTACT},
	{"Account ID", XF_ACCOUNT}, {"Activity Type", XF_TYPE},
	{"Activity Date", XF_AT}, {"Assigned To ID", XF_OWNER}};
static const struct col ACT_HS[] = {
	{"Activity ID", XF_ID}, {"Associated Contact ID", XF_CONTACT},
	{"Associated Company ID", XF_ACCOUNT}, {"Activity type", XF_TYPE},
	{"Activity date", XF_AT}, {"Activity assigned to", XF_OWNER}};
static const struct layout ACT_LAYOUT[] = {
	LAYOUT(ACT_CANON), LAYOUT(ACT_SF), LAYOUT(ACT_HS)};

static void gen_activities(struct out *o, uint64_t rows)
{
	static const char *const types[3][3] = {
		{"email", "call", "meeting"},
		{"Email", "Call", "Meeting"},
		{"EMAIL", "CALL", "MEETING"}};
	static const unsigned type_w[] = {60, 25, 15};
	static const unsigned accept_pm[] = {0, 150, 450, 1000};
	static const long spread[] = {1, 200, 120, 90};
	static const enum date_fmt at_fmt[] = {DF_ISO_T, DF_ISO_MS,
					       DF_ISO_SPACE};
	const struct layout *l = &ACT_LAYOUT[G.style];
	static struct account a;
	uint64_t n, k = 0, acc = 0;
	int tries, has = 0, level = 0;

	out_header(o, l);
	for (n = 0; n < rows; n++) {
		struct rng r = rng_for(T_ACT, n), pr;
		long day;

		for (tries = 0; tries < 64; tries++) {
			k = rng_below(&r, G.contacts);
			pr = rng_for(T_PERSON, row_orig(k));
			person_account(&pr, &has, &acc);
			level = has ? account_engagement(acc) : 1;
			if (rng_pm(&r, has ? accept_pm[level] : 50))
				break;
		}
		id_format(&F[XF_ID], ID_TASK, n, 0);
		id_format(&F[XF_CONTACT], ID_CONTACT, k, 0);
		fld_clear(&F[XF_ACCOUNT]);
		fld_clear(&F[XF_OWNER]);
		if (has) {
			account_make(acc, &a);
			if (rng_pm(&r, 850))
				id_format(&F[XF_ACCOUNT], ID_ACCOUNT, acc, 0);
			day = G.as_of - 1 - account_last_touch(acc, level) -
			      (long)rng_below(&r, (uint64_t)spread[level]);
			owner_format(&F[XF_OWNER],
				     a.owned && rng_pm(&r, 800)
					     ? a.owner
					     : rng_below(&r, G.reps));
		} else {
			day = G.as_of - 1 - (long)rng_below(&r, 365);
			owner_format(&F[XF_OWNER], rng_below(&r, G.reps));
		}
		fld_set(&F[XF_TYPE],
			types[G.style][rng_weighted(&r, type_w, 3)]);
		date_format(&F[XF_AT], day,
			    8 * 3600 + (unsigned)rng_below(&r, 10 * 3600),
			    at_fmt[G.style]);
		out_row(o, l);
	}
}

/* ---- assets -------------------------------------------------------------- */

enum { SF_ID, SF_TITLE, SF_PERSONA, SF_STAGE, SF_UPDATED };

static const struct col ASSET_CANON[] = {
	{"asset_id", SF_ID}, {"title", SF_TITLE}, {"persona", SF_PERSONA},
	{"stage", SF_STAGE}, {"updated_at", SF_UPDATED}};
static const struct col ASSET_SF[] = {
	{"Content ID", SF_ID}, {"Title", SF_TITLE}, {"Persona", SF_PERSONA},
	{"Stage", SF_STAGE}, {"Last Modified Date", SF_UPDATED}};
static const struct col ASSET_HS[] = {
	{"Asset ID", SF_ID}, {"Name", SF_TITLE}, {"Persona", SF_PERSONA},
	{"Funnel Stage", SF_STAGE}, {"Last Updated", SF_UPDATED}};
static const struct layout ASSET_LAYOUT[] = {
	LAYOUT(ASSET_CANON), LAYOUT(ASSET_SF), LAYOUT(ASSET_HS)};

static void gen_assets(struct out *o, uint64_t rows)
{
	static const char *const persona[] = {
		"technical_evaluator", "economic_buyer", "security", "finance",
		"end_user", "marketing", "sales", "procurement_legal", "hr",
		"other"};
	static const unsigned persona_w[] = {20, 18, 12, 10, 10, 8, 8, 4, 3, 2};
	static const char *const audience[] = {
		"IT Leaders", "Executives", "Security Teams", "Finance Teams",
		"Everyday Users", "Marketers", "Sales Teams",
		"Procurement and Legal", "HR Leaders", "Everyone"};
	static const char *const topic[][4] = {
		{"Integration Architecture", "API Overview", "Deployment Guide", "Cloud Migration"},
		{"Business Value", "Executive Brief", "Total Cost of Ownership", "Digital Transformation"},
		{"Security Whitepaper", "Zero Trust", "SOC 2 Controls", "Data Protection"},
		{"ROI", "Pricing Guide", "Cost Savings", "Budget Planning"},
		{"Vendor Security Questionnaire", "Master Agreement FAQ", "Procurement Checklist", "DPA Template"},
		{"Quick Start", "Training Videos", "Daily Workflows", "Admin Tips"},
		{"Campaign Playbook", "Attribution", "Lead Scoring", "Marketing Benchmarks"},
		{"Pipeline Benchmarks", "Forecasting Guide", "Territory Planning", "Deal Desk"},
		{"Onboarding Playbook", "Employee Experience", "Workforce Planning", "Hybrid Work"},
		{"Company Overview", "Product Tour", "Customer Stories", "Release Highlights"}};
	static const char *const stage[] = {"awareness", "evaluation",
					    "selection", "expansion"};
	static const unsigned stage_w[] = {35, 30, 20, 15};
	static const char *const format[4][4] = {
		{"eBook", "Blog Post", "Webinar", "Industry Report"},
		{"Whitepaper", "Demo Video", "Comparison Guide", "Case Study"},
		{"Checklist", "Calculator", "Proposal Template", "Reference Kit"},
		{"Best Practices", "Training", "Certification Course", "Release Notes"}};
	const struct layout *l = &ASSET_LAYOUT[G.style];
	uint64_t n;

	out_header(o, l);
	for (n = 0; n < rows; n++) {
		struct rng r = rng_for(T_ASSET, n);
		int p = rng_weighted(&r, persona_w, NELEM(persona_w));
		int s = rng_weighted(&r, stage_w, 4);
		const char *t = topic[p][rng_below(&r, 4)];
		const char *fm = format[s][rng_below(&r, 4)];
		long age;

		id_format(&F[SF_ID], ID_CONTENT, n, 0);
		fld_clear(&F[SF_TITLE]);
		switch (rng_below(&r, 4)) {
		case 0:
			fld_add(&F[SF_TITLE], t);
			fld_addc(&F[SF_TITLE], ' ');
			fld_add(&F[SF_TITLE], fm);
			break;
		case 1:
			fld_add(&F[SF_TITLE], fm);
			fld_add(&F[SF_TITLE], ": ");
			fld_add(&F[SF_TITLE], t);
			break;
		case 2:
			fld_add(&F[SF_TITLE], t);
			fld_add(&F[SF_TITLE], " for ");
			fld_add(&F[SF_TITLE], audience[p]);
			break;
		default:
			fld_add(&F[SF_TITLE], "The ");
			fld_addu(&F[SF_TITLE], 2022 + rng_below(&r, 5), 0);
			fld_addc(&F[SF_TITLE], ' ');
			fld_add(&F[SF_TITLE], t);
			fld_add(&F[SF_TITLE], " Report");
			break;
		}
		fld_set(&F[SF_PERSONA], persona[p]);
		fld_set(&F[SF_STAGE], stage[s]);
		age = rng_pm(&r, 300) ? 400 + (long)rng_below(&r, 1100)
				      : (long)rng_below(&r, 365);
		date_format(&F[SF_UPDATED], G.as_of - 1 - age, 0, DF_ISO);
		out_row(o, l);
	}
}

/* ---- command line -------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: cov-gen KIND [OPTIONS]\n"
		"Write deterministic, realistic and messy CRM test data.  KIND is\n"
		"accounts, contacts, activities, reps, assets, or all (every kind\n"
		"into --dir, with truth.csv).  The same seed and options give the\n"
		"same bytes on any machine; kinds generated separately with the same\n"
		"--seed, --accounts, --contacts and --style refer to each other.\n\n"
		"Options:\n"
		"  --seed N          random seed (default 1)\n"
		"  --rows N          rows of KIND (with all: contacts)\n"
		"  --accounts N      accounts (default 1000)\n"
		"  --contacts N      contact rows activities refer to (default 10000)\n"
		"  --reps N          sales reps (default: one per 40 accounts)\n"
		"  --activities N    with all: activity rows (default 2 x contacts)\n"
		"  --assets N        with all: content assets (default 60)\n"
		"  --style STYLE     header names and ids: canonical, salesforce,\n"
		"                    hubspot (default canonical)\n"
		"  --format FMT      csv or ndjson (default csv)\n"
		"  --dup-rate R      share of contact rows re-entering an earlier\n"
		"                    person, 0 to 0.9 (default 0.10)\n"
		"  --as-of DATE      reference date YYYY-MM-DD (default %s)\n"
		"  --truth FILE      contacts: write the ground truth (contact_id,\n"
		"                    true_account_id, dup_of, person_id) to FILE\n"
		"  --crlf            end CSV lines with CR LF\n"
		"  --dir DIR         all: the folder to write into (created)\n"
		"  -o, --output FILE write to FILE instead of standard output\n"
		"  -h, --help        show this help\n"
		"      --version     show the version\n\n"
		"Example:\n"
		"  cov-gen contacts --seed 7 --rows 1000000 --accounts 50000 \\\n"
		"    --style salesforce --truth truth.csv -o contacts.csv\n"
		"  cov-gen all --accounts 300 --rows 5000 --dir sample\n",
		DEFAULT_AS_OF);
}

_Noreturn static void usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", cov_progname);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'cov-gen --help'.\n");
	exit(COV_EXIT_USAGE);
}

static uint64_t parse_count(const char *s, const char *opt)
{
	char *end;
	unsigned long long v;

	if (!s || *s < '0' || *s > '9')
		usage_error("%s needs a non-negative whole number", opt);
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > (1ULL << 40))
		usage_error("%s needs a non-negative whole number", opt);
	return v;
}

static long parse_date(const char *s)
{
	unsigned y, m, d, m2, d2;
	long day, y2;
	char tail;

	if (sscanf(s, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3 ||
	    strlen(s) != 10 || m < 1 || m > 12 || d < 1 || y < 2015)
		usage_error("--as-of needs a date YYYY-MM-DD after 2015: %s", s);
	day = days_from_civil((long)y, m, d);
	civil_from_days(day, &y2, &m2, &d2);
	if (y2 != (long)y || m2 != m || d2 != d)
		usage_error("--as-of: no such day: %s", s);
	return day;
}

static void run_kind(enum kind k, const char *path, const char *truth_path,
		     uint64_t rows)
{
	struct out o, t;

	out_open(&o, path);
	switch (k) {
	case K_ACCOUNTS: gen_accounts(&o); break;
	case K_REPS: gen_reps(&o); break;
	case K_ACTIVITIES: gen_activities(&o, rows); break;
	case K_ASSETS: gen_assets(&o, rows); break;
	default:
		if (truth_path)
			out_open(&t, truth_path);
		gen_contacts(&o, truth_path ? &t : NULL, rows);
		if (truth_path)
			out_close(&t);
		break;
	}
	out_close(&o);
}

static char *dir_file(const char *dir, const char *name, const char *ext)
{
	struct buf b = BUF_INIT;

	buf_adds(&b, dir);
	buf_addc(&b, '/');
	buf_adds(&b, name);
	buf_adds(&b, ext);
	return (char *)buf_cstr(&b);
}

enum {
	OPT_SEED = 0x100, OPT_ROWS, OPT_ACCOUNTS, OPT_CONTACTS, OPT_REPS,
	OPT_ACTIVITIES, OPT_ASSETS, OPT_STYLE, OPT_FORMAT, OPT_DUP, OPT_ASOF,
	OPT_TRUTH, OPT_CRLF, OPT_DIR, OPT_VERSION
};

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"seed", required_argument, NULL, OPT_SEED},
		{"rows", required_argument, NULL, OPT_ROWS},
		{"accounts", required_argument, NULL, OPT_ACCOUNTS},
		{"contacts", required_argument, NULL, OPT_CONTACTS},
		{"reps", required_argument, NULL, OPT_REPS},
		{"activities", required_argument, NULL, OPT_ACTIVITIES},
		{"assets", required_argument, NULL, OPT_ASSETS},
		{"style", required_argument, NULL, OPT_STYLE},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"dup-rate", required_argument, NULL, OPT_DUP},
		{"as-of", required_argument, NULL, OPT_ASOF},
		{"truth", required_argument, NULL, OPT_TRUTH},
		{"crlf", no_argument, NULL, OPT_CRLF},
		{"dir", required_argument, NULL, OPT_DIR},
		{"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, OPT_VERSION},
		{NULL, 0, NULL, 0}};
	static const char *const kinds[] = {"accounts", "contacts",
					    "activities", "reps", "assets",
					    "all"};
	const char *output = NULL, *truth = NULL, *dir = NULL;
	int64_t rows = -1, accounts = -1, contacts = -1, reps = -1;
	int64_t activities = -1, assets = -1;
	enum kind kind;
	int c, k;
	char *end;
	double rate;

	cov_progname = "cov-gen";
	G.seed = 1;
	G.dup_ppm = 100000;
	G.as_of = parse_date(DEFAULT_AS_OF);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_SEED:
			errno = 0;
			if (!optarg[0] || optarg[0] == '-' ||
			    (G.seed = strtoull(optarg, &end, 10), errno || *end))
				usage_error("--seed needs a whole number: %s", optarg);
			break;
		case OPT_ROWS: rows = (int64_t)parse_count(optarg, "--rows"); break;
		case OPT_ACCOUNTS:
			accounts = (int64_t)parse_count(optarg, "--accounts");
			break;
		case OPT_CONTACTS:
			contacts = (int64_t)parse_count(optarg, "--contacts");
			break;
		case OPT_REPS: reps = (int64_t)parse_count(optarg, "--reps"); break;
		case OPT_ACTIVITIES:
			activities = (int64_t)parse_count(optarg, "--activities");
			break;
		case OPT_ASSETS:
			assets = (int64_t)parse_count(optarg, "--assets");
			break;
		case OPT_STYLE:
			if (!strcmp(optarg, "canonical"))
				G.style = S_CANONICAL;
			else if (!strcmp(optarg, "salesforce"))
				G.style = S_SALESFORCE;
			else if (!strcmp(optarg, "hubspot"))
				G.style = S_HUBSPOT;
			else
				usage_error("unknown --style: %s", optarg);
			break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "csv"))
				G.format = F_CSV;
			else if (!strcmp(optarg, "ndjson"))
				G.format = F_NDJSON;
			else
				usage_error("unknown --format: %s", optarg);
			break;
		case OPT_DUP:
			errno = 0;
			rate = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(rate >= 0) ||
			    rate > 0.9)
				usage_error("--dup-rate needs a number from 0 to 0.9: %s",
					    optarg);
			G.dup_ppm = (uint32_t)(rate * 1e6 + 0.5);
			break;
		case OPT_ASOF: G.as_of = parse_date(optarg); break;
		case OPT_TRUTH: truth = optarg; break;
		case OPT_CRLF: G.crlf = 1; break;
		case OPT_DIR: dir = optarg; break;
		case 'o': output = optarg; break;
		case 'h': usage(stdout); return COV_EXIT_OK;
		case OPT_VERSION: printf("cov-gen %s\n", COV_VERSION); return 0;
		default:
			usage_error("unknown option or missing value: %s",
				    argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		usage_error("%s", optind >= argc ? "no KIND given"
						 : "give exactly one KIND");
	for (k = 0; k < NELEM(kinds); k++)
		if (!strcmp(argv[optind], kinds[k]))
			break;
	if (k == NELEM(kinds))
		usage_error("unknown KIND: %s", argv[optind]);
	kind = (enum kind)k;

	if (kind == K_ACCOUNTS && rows >= 0) {
		if (accounts >= 0 && accounts != rows)
			usage_error("%s", "accounts: --rows and --accounts differ");
		accounts = rows;
	}
	G.accounts = accounts >= 0 ? (uint64_t)accounts : 1000;
	if (kind == K_REPS && rows >= 0) {
		if (reps >= 0 && reps != rows)
			usage_error("%s", "reps: --rows and --reps differ");
		reps = rows;
	}
	G.reps = reps >= 0 ? (uint64_t)reps : reps_default(G.accounts);
	if (kind == K_ALL && rows >= 0) {
		if (contacts >= 0 && contacts != rows)
			usage_error("%s", "all: --rows and --contacts differ");
		contacts = rows;
	}
	if (kind == K_CONTACTS && rows < 0 && contacts >= 0)
		rows = contacts;
	G.contacts = contacts >= 0 ? (uint64_t)contacts : 10000;
	G.activities = activities >= 0 ? (uint64_t)activities : 2 * G.contacts;
	G.assets = assets >= 0 ? (uint64_t)assets : 60;
	if (G.accounts == 0 || G.reps == 0 ||
	    (G.contacts == 0 && (kind == K_ACTIVITIES || kind == K_ALL)))
		usage_error("%s", "--accounts, --reps and --contacts must be at least 1");
	if (truth && kind != K_CONTACTS)
		usage_error("%s", "--truth goes with contacts (all writes truth.csv)");
	if (kind == K_ALL) {
		const char *ext = G.format == F_CSV ? ".csv" : ".ndjson";
		char *p, *t;

		if (!dir)
			usage_error("%s", "all needs --dir DIR");
		if (output)
			usage_error("%s", "all writes into --dir, not -o");
		if (mkdir(dir, 0777) != 0 && errno != EEXIST)
			cov_die(COV_EXIT_IO, "%s: %s", dir, strerror(errno));
		p = dir_file(dir, "reps", ext);
		run_kind(K_REPS, p, NULL, 0);
		free(p);
		p = dir_file(dir, "accounts", ext);
		run_kind(K_ACCOUNTS, p, NULL, 0);
		free(p);
		p = dir_file(dir, "contacts", ext);
		t = dir_file(dir, "truth", ".csv");
		run_kind(K_CONTACTS, p, t, G.contacts);
		free(p);
		free(t);
		p = dir_file(dir, "activities", ext);
		run_kind(K_ACTIVITIES, p, NULL, G.activities);
		free(p);
		p = dir_file(dir, "assets", ext);
		run_kind(K_ASSETS, p, NULL, G.assets);
		free(p);
		return COV_EXIT_OK;
	}
	if (dir)
		usage_error("%s", "--dir goes with all");
	switch (kind) {
	case K_CONTACTS:
		if (rows < 0)
			rows = (int64_t)G.contacts;
		break;
	case K_ACTIVITIES:
		if (rows < 0)
			rows = (int64_t)G.activities;
		break;
	case K_ASSETS:
		if (rows < 0)
			rows = (int64_t)G.assets;
		break;
	default:
		break;
	}
	run_kind(kind, output, truth, (uint64_t)(rows < 0 ? 0 : rows));
	return COV_EXIT_OK;
}
/* clang-format on */
