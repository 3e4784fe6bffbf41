# A small Markdown -> man(7) converter for vmctl's own pages (docs/xl.md,
# docs/xl.cfg.md): headings, paragraphs, lists, code blocks, tables (shown
# as preformatted text), `code` and **bold**. Usage:
#   awk -v title=XL -v section=1 -f md2man.awk docs/xl.md > xl.1
function esc(s) {
	gsub(/\\/, "\\e", s)
	gsub(/^\./, "\\\\\\&.", s)
	gsub(/^'/, "\\\\\\&'", s)
	return s
}
function inline(s) {
	s = esc(s)
	while (match(s, /\*\*[^*]+\*\*/))
		s = substr(s, 1, RSTART - 1) "\\fB" substr(s, RSTART + 2, RLENGTH - 4) "\\fR" substr(s, RSTART + RLENGTH)
	while (match(s, /`[^`]+`/))
		s = substr(s, 1, RSTART - 1) "\\fB" substr(s, RSTART + 1, RLENGTH - 2) "\\fR" substr(s, RSTART + RLENGTH)
	gsub(/\[[^]]*\]\([^)]*\)/, "&", s)
	return s
}
BEGIN { printf ".TH %s %s \"\" \"vmctl\" \"vmctl manual\"\n", title, section; pre = 0 }
/^```/ { if (pre) { print ".fi\n.RE"; pre = 0 } else { print ".RS\n.nf"; pre = 1 }; next }
pre { print esc($0); next }
/^    / { print ".RS\n.nf\n" esc(substr($0, 5)) "\n.fi\n.RE"; next }
/^# / { sub(/^# /, ""); print ".SH NAME\n" inline($0); next }
/^## / { sub(/^## /, ""); print ".SH " toupper(inline($0)); next }
/^### / { sub(/^### /, ""); print ".SS " inline($0); next }
/^\|/ { if ($0 ~ /^\|[-| :]+\|$/) next; gsub(/^\| | \|$/, ""); gsub(/ \| /, "\t"); print ".nf\n" inline($0) "\n.fi"; next }
/^[*-] / { sub(/^[*-] /, ""); print ".IP \\(bu 2\n" inline($0); next }
/^[0-9]+\. / { sub(/^[0-9]+\. /, ""); print ".IP \\(bu 2\n" inline($0); next }
/^$/ { print ".PP"; next }
{ print inline($0) }
