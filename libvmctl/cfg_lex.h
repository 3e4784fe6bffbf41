/* cfg_lex: the tokens of xl.cfg (Xen's libxlu_cfg_l.l, re-stated):
 * lowercase identifiers, numbers kept as written, quoted strings with C-like
 * escapes, '=' '+=' '[' ']' ',' ';', newlines, '#' comments. */
#ifndef VMCTL_LIBVMCTL_CFG_LEX_H
#define VMCTL_LIBVMCTL_CFG_LEX_H

#include "libvmctl/cfg_tree.h"

enum cfg_tok {
	TOK_EOF, TOK_NEWLINE, TOK_SEMI, TOK_IDENT, TOK_NUMBER, TOK_STRING,
	TOK_EQ, TOK_PLUSEQ, TOK_LBRACK, TOK_RBRACK, TOK_COMMA,
};

struct cfg_lex {
	const char *text;
	size_t len, i;
	unsigned line, col;
	const char *file;
	struct domcfg_msgs *msgs;
	const char *key;        /* key of the statement being read, for messages */

	enum cfg_tok tok;       /* the current token ... */
	struct cfg_pos pos;     /* ... where it starts ... */
	char *val;              /* ... and its text (IDENT, NUMBER, decoded STRING) */
};

void cfg_lex_init(struct cfg_lex *lx, const char *file, const char *text,
		  size_t len, struct domcfg_msgs *msgs);
void cfg_lex_dispose(struct cfg_lex *lx);

/* Read the next token into lx->tok/pos/val. 0, -EINVAL (error recorded)
 * or -ENOMEM. */
int cfg_lex_next(struct cfg_lex *lx);

/* A short description of the current token for error messages. */
const char *cfg_lex_describe(const struct cfg_lex *lx);

#endif
