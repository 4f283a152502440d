/* jsonr.h: a JSON reader for request bodies: one pass, values in block-allocated nodes, strict as jansson's decoder with duplicate members refused. */
#ifndef APIKEYS_JSONR_H
#define APIKEYS_JSONR_H

#include <stddef.h>

/* Items of an array kept as nodes; the rest are checked and counted only
 * (no rule looks past the first items of a list it caps). */
#define JR_ITEMS_KEPT	33

/* A body more complex than this is refused (contract 8.9): an object of
 * more members, or arrays and objects nested deeper (the root is level 1). */
#define JR_MEMBERS_MAX	64
#define JR_DEPTH_MAX	32

enum jr_type { JR_NULL = 0, JR_FALSE, JR_TRUE, JR_INT, JR_REAL, JR_STRING, JR_ARRAY, JR_OBJECT };

struct jr_value {
	enum jr_type	 type;
	const char	*key;		/* NUL-terminated member name (objects' members) */
	size_t		 key_len;
	const char	*str;		/* JR_STRING: decoded, NUL-terminated (may hold NULs) */
	size_t		 len;		/* JR_STRING: bytes; JR_ARRAY/JR_OBJECT: every item */
	long long	 i;		/* JR_INT */
	double		 r;		/* JR_REAL */
	struct jr_value	*first;		/* JR_ARRAY/JR_OBJECT: the kept items, in order */
	struct jr_value	*next;
};

struct jr_block;

/* A parsed document: owns every node and string.  Zero it before use. */
struct jr_doc {
	struct jr_block	*blocks;
	int		 allow_nul;	/* accept "\u0000" in strings */
	int		 too_complex;	/* set by jr_parse: over JR_MEMBERS_MAX or JR_DEPTH_MAX */
	unsigned long	 probes;	/* name comparisons of the duplicate checks (tests) */
};

/*
 * Parses len bytes as one JSON object or array (RFC 8259; UTF-8 only; no
 * duplicate member names in any object, and no NUL in a name; integers that
 * fit in a long long, reals that fit in a double; nothing but white space
 * after it; at most JR_MEMBERS_MAX members an object and JR_DEPTH_MAX
 * levels, else doc->too_complex is set as well, if the reader met that
 * before any other fault).  Returns the root, or NULL if the text is not
 * such a document or memory ran out.  The document must be freed with
 * jr_free either way.
 */
struct jr_value *jr_parse(struct jr_doc *, const char *text, size_t len);

/* Seeds the hash of the duplicate checks from the random source, so that
 * nobody can choose names that collide.  Call once at start-up (jr_parse
 * does it when it was not done).  Returns 0, or -1 (the seed stays fixed:
 * the checks stay correct, bounded by JR_MEMBERS_MAX). */
int jr_init(void);

/* Sets the seed (16 bytes) of the duplicate checks: tests and fuzzers.
 * Cannot fail. */
void jr_seed(const unsigned char key[16]);

/* The member name of an object, or NULL.  Cannot fail. */
struct jr_value *jr_get(const struct jr_value *object, const char *name);

/* Frees (and wipes: a body may hold a secret) everything the document owns. */
void jr_free(struct jr_doc *);

#endif
