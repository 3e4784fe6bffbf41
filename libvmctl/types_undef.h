/* X-macro helper: undefines every macro that types.def expands, after an
 * includer has used them. Deliberately no include guard. */
#undef TYPE_ENUM_BEGIN
#undef TYPE_ENUM_VAL
#undef TYPE_ENUM_END
#undef TYPE_STRUCT_BEGIN
#undef TYPE_STRUCT_END
#undef F_STRING
#undef F_INT
#undef F_U32
#undef F_U64
#undef F_BOOL
#undef F_DEFBOOL
#undef F_ENUM
#undef F_UUID
#undef F_MAC
#undef F_BITMAP
#undef F_STRLIST
#undef F_STRUCT
#undef F_ARRAY
#undef F_UNIONKEY
#undef F_UNION
