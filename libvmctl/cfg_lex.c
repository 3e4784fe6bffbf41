/* cfg_lex: xl.cfg tokenizer. Deviations from Xen, both supersets that no
 * working Xen config can hit: "\xHH" is decoded (xl always rejects it), and
 * "\r" counts as blank (xl rejects CRLF files). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libvmctl/cfg_lex.h"

void cfg_lex_init(struct cfg_lex *lx, const char *file, const char *text,
		  size_t len, struct domcfg_msgs *msgs)
{
	*lx = (struct cfg_lex){ .text = text, .len = len, .line = 1, .col = 1,
				.file = file, .msgs = msgs, .tok = TOK_EOF };
}

void cfg_lex_dispose(struct cfg_lex *lx)
{
	free(lx->val);
	lx->val = NULL;
}

static int peek(const struct cfg_lex *lx, size_t ahead)
{
	return lx->i + ahead < lx->len ? (unsigned char)lx->text[lx->i + ahead] : -1;
}

static void advance(struct cfg_lex *lx)
{
	if (lx->text[lx->i++] == '\n') {
		lx->line++;
		lx->col = 1;
	} else {
		lx->col++;
	}
}

static struct cfg_pos here(const struct cfg_lex *lx)
{
	return (struct cfg_pos){ lx->file, lx->line, lx->col };
}

static int lex_fail(struct cfg_lex *lx, struct cfg_pos pos, const char *what, int c)
{
	if (c >= 0x20 && c < 0x7f)
		return cfg_error(lx->msgs, &pos, lx->key, "%s '%c'", what, c);
	return cfg_error(lx->msgs, &pos, lx->key, "%s (byte 0x%02x)", what, c & 0xff);
}

static int is_lower(int c) { return c >= 'a' && c <= 'z'; }
static int is_upper(int c) { return c >= 'A' && c <= 'Z'; }
static int is_digit(int c) { return c >= '0' && c <= '9'; }

/* Append one byte to a growing buffer. */
struct sbuf {
	char *p;
	size_t n, cap;
};

static int sbuf_put(struct sbuf *b, char c)
{
	if (b->n + 1 >= b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 32;
		char *p = realloc(b->p, cap);

		if (!p)
			return -ENOMEM;
		b->p = p;
		b->cap = cap;
	}
	b->p[b->n++] = c;
	b->p[b->n] = '\0';
	return 0;
}

static int lex_word(struct cfg_lex *lx, int number)
{
	struct sbuf b = { 0 };
	int c, rc = 0;

	while (rc == 0 && (c = peek(lx, 0)) >= 0) {
		if (number ? !(is_digit(c) || (c >= 'a' && c <= 'f') || c == 'x')
			   : !(is_lower(c) || is_digit(c) || c == '.' || c == '_'))
			break;
		rc = sbuf_put(&b, (char)c);
		advance(lx);
	}
	if (rc == 0 && !number && is_upper(peek(lx, 0)))
		rc = cfg_error(lx->msgs, &lx->pos, NULL,
			       "invalid key '%s%c...': keys are lowercase", b.p, peek(lx, 0));
	if (rc) {
		free(b.p);
		return rc;
	}
	lx->val = b.p;
	lx->tok = number ? TOK_NUMBER : TOK_IDENT;
	return 0;
}

static int hexval(int c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "\xHH": our superset of Xen (see the top of the file). */
static int esc_hex(struct cfg_lex *lx, struct cfg_pos at, struct sbuf *b)
{
	int hi = hexval(peek(lx, 0)), lo = hexval(peek(lx, 1));

	if (hi < 0 || lo < 0)
		return cfg_error(lx->msgs, &at, lx->key,
				 "'\\x' must be followed by two hex digits");
	if (hi == 0 && lo == 0)
		return cfg_error(lx->msgs, &at, lx->key, "'\\x00' (a NUL byte) is not allowed");
	advance(lx);
	advance(lx);
	cfg_warn(lx->msgs, &at, lx->key,
		 "'\\x' escapes are a vmctl extension; Xen's xl rejects them");
	return sbuf_put(b, (char)(hi * 16 + lo));
}

/* "\NNN": as in xl, 2 or 3 more decimal digits are eaten and no byte is
 * produced. We keep that result and say so. */
static int esc_numeric(struct cfg_lex *lx, struct cfg_pos at)
{
	int n = 0;

	while (n < 3 && is_digit(peek(lx, 0))) {
		advance(lx);
		n++;
	}
	if (n < 2)
		return cfg_error(lx->msgs, &at, lx->key,
				 "invalid numeric escape: '\\' and an octal digit must be "
				 "followed by 2 or 3 decimal digits");
	cfg_warn(lx->msgs, &at, lx->key, "numeric escape yields no character (as in Xen's xl)");
	return 0;
}

static int lex_escape(struct cfg_lex *lx, struct sbuf *b)
{
	static const char from[] = "\"'\\abfnrtv", to[] = "\"'\\\a\b\f\n\r\t\v";
	struct cfg_pos at = here(lx);
	const char *m;
	int c;

	advance(lx);                    /* the backslash */
	c = peek(lx, 0);
	if (c < 0 || c == '\n')
		return cfg_error(lx->msgs, &at, lx->key,
				 "backslash at end of line: xl.cfg has no line continuation");
	advance(lx);
	m = c ? strchr(from, c) : NULL;
	if (m)
		return sbuf_put(b, to[m - from]);
	if (c == 'x')
		return esc_hex(lx, at, b);
	if (c >= '0' && c <= '7')
		return esc_numeric(lx, at);
	return lex_fail(lx, at, "invalid escape after backslash:", c);
}

/* Strings end up in JSON, which must be UTF-8: check it here, where the
 * position is known. Rejects overlong forms, surrogates and > U+10FFFF. */
static int utf8_valid(const unsigned char *s)
{
	while (*s) {
		unsigned c = *s++, n, cp;

		if (c < 0x80)
			continue;
		if (c >= 0xc2 && c <= 0xdf)
			n = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3, cp = c & 0x07;
		else
			return 0;
		while (n--) {
			if ((*s & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (*s++ & 0x3f);
		}
		if ((c == 0xe0 && cp < 0x800) || (cp >= 0xd800 && cp <= 0xdfff) ||
		    (c == 0xf0 && cp < 0x10000) || cp > 0x10ffff)
			return 0;
	}
	return 1;
}

static int lex_string(struct cfg_lex *lx)
{
	struct sbuf b = { 0 };
	int q = peek(lx, 0), c, rc;

	advance(lx);
	rc = sbuf_put(&b, 0);           /* an empty string is "" not NULL */
	b.n = 0;
	while (rc == 0) {
		c = peek(lx, 0);
		if (c < 0 || c == '\n') {
			rc = cfg_error(lx->msgs, &lx->pos, lx->key, "unterminated string");
		} else if (c == 0) {
			rc = cfg_error(lx->msgs, &(struct cfg_pos){ lx->file, lx->line, lx->col },
				       lx->key, "NUL byte in string");
		} else if (c == q) {
			advance(lx);
			break;
		} else if (c == '\\') {
			rc = lex_escape(lx, &b);
		} else {
			rc = sbuf_put(&b, (char)c);
			advance(lx);
		}
	}
	if (rc == 0 && !utf8_valid((const unsigned char *)b.p))
		rc = cfg_error(lx->msgs, &lx->pos, lx->key, "string is not valid UTF-8");
	if (rc) {
		free(b.p);
		return rc;
	}
	lx->val = b.p;
	lx->tok = TOK_STRING;
	return 0;
}

static void skip_blank(struct cfg_lex *lx)
{
	int c;

	while ((c = peek(lx, 0)) == ' ' || c == '\t' || c == '\r')
		advance(lx);
	if (c == '#')
		while ((c = peek(lx, 0)) >= 0 && c != '\n')
			advance(lx);
}

/* A word starting with a capital: most likely "Name=" from a Python-era
 * config; name it in the message. */
static int lex_upper(struct cfg_lex *lx)
{
	size_t n = 0;
	int c;

	while ((c = peek(lx, n)) >= 0 && n < 40 &&
	       (is_lower(c) || is_upper(c) || is_digit(c) || c == '_' || c == '.'))
		n++;
	return cfg_error(lx->msgs, &lx->pos, NULL, "invalid key '%.*s': keys are lowercase",
			 (int)n, lx->text + lx->i);
}

static int lex_punct(struct cfg_lex *lx, int c)
{
	static const struct { char c; enum cfg_tok tok; } simple[] = {
		{ '\n', TOK_NEWLINE }, { ';', TOK_SEMI }, { '=', TOK_EQ },
		{ '[', TOK_LBRACK }, { ']', TOK_RBRACK }, { ',', TOK_COMMA },
	};

	for (size_t k = 0; k < sizeof(simple) / sizeof(simple[0]); k++) {
		if (simple[k].c == c) {
			advance(lx);
			lx->tok = simple[k].tok;
			return 0;
		}
	}
	if (c == '+' && peek(lx, 1) == '=') {
		advance(lx);
		advance(lx);
		lx->tok = TOK_PLUSEQ;
		return 0;
	}
	if (c && strchr("+-.():", c))
		return lex_fail(lx, lx->pos, "unexpected character (Python syntax is not "
				"allowed in xl.cfg):", c);
	if (is_upper(c))
		return lex_upper(lx);
	return lex_fail(lx, lx->pos, "unexpected character", c);
}

int cfg_lex_next(struct cfg_lex *lx)
{
	int c;

	free(lx->val);
	lx->val = NULL;
	skip_blank(lx);
	lx->pos = here(lx);
	c = peek(lx, 0);
	if (c < 0) {
		lx->tok = TOK_EOF;
		return 0;
	}
	if (is_lower(c))
		return lex_word(lx, 0);
	if (is_digit(c))
		return lex_word(lx, 1);
	if (c == '"' || c == '\'')
		return lex_string(lx);
	return lex_punct(lx, c);
}

const char *cfg_lex_describe(const struct cfg_lex *lx)
{
	static const char *const names[] = {
		[TOK_EOF] = "end of file", [TOK_NEWLINE] = "end of line",
		[TOK_SEMI] = "';'", [TOK_IDENT] = "a name", [TOK_NUMBER] = "a number",
		[TOK_STRING] = "a string", [TOK_EQ] = "'='", [TOK_PLUSEQ] = "'+='",
		[TOK_LBRACK] = "'['", [TOK_RBRACK] = "']'", [TOK_COMMA] = "','",
	};

	return names[lx->tok];
}
