/* X-macro helper: defines every field macro of types.def as empty, so an
 * includer that only cares about TYPE_ENUM_* / TYPE_STRUCT_* defines those
 * and includes this before types.def. Deliberately no include guard. */
#define TYPE_STRUCT_END(s)
#define F_STRING(s, n)
#define F_INT(s, n, d)
#define F_U32(s, n, d)
#define F_U64(s, n, d)
#define F_BOOL(s, n)
#define F_DEFBOOL(s, n)
#define F_ENUM(s, n, e, d)
#define F_UUID(s, n)
#define F_MAC(s, n)
#define F_BITMAP(s, n)
#define F_STRLIST(s, n)
#define F_STRUCT(s, n, sub)
#define F_ARRAY(s, n, sub)
#define F_UNIONKEY(s, n, e, d)
#define F_UNION(s, n, sub, key, v, json)
