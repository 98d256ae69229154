/* Plain text out of the HTML found in scraped data: character references
 * decoded, tags removed, white space tidied. Every function works in place
 * (the result is never longer than the input) and returns the new length. */
#ifndef FH_TOOLS_IMPORT_HTML_H
#define FH_TOOLS_IMPORT_HTML_H

#include <stddef.h>

/* Decodes the character references in s: the HTML 4 named entities plus
 * &apos;, and decimal (&#39;) or hexadecimal (&#x27;) ones, each ended by
 * ';'. Left as they are: unknown names, references without ';', and numbers
 * that are not printable Unicode scalar values (NUL, C0 and C1 controls
 * except tab, LF and CR, surrogates, past U+10FFFF). */
size_t import_html_decode(char *s);

/* Undoes a second level of escaping: "&amp;" followed by the rest of a
 * reference that import_html_decode() knows ("&amp;quot;", "&amp;amp;")
 * becomes that reference ("&quot;", "&amp;"). Some feeds escape part of
 * their text twice; run this before import_html_to_text(). */
size_t import_html_unescape_twice(char *s);

/* Turns an HTML fragment into plain text: tags removed, <br>, <p>, <div>,
 * <li>, <tr> and headings turned into line breaks, comments and the
 * content of <script> and <style> dropped, source line breaks treated as
 * spaces (as a browser does), references decoded, then tidied as by
 * import_text_tidy(). A '<' that starts no tag stays as text. */
size_t import_html_to_text(char *s);

/* Tidies plain text: tabs and Unicode spaces (no-break, en, em, thin, ...)
 * become plain spaces, runs of spaces one space, lines trimmed, at most one
 * empty line in a row, nothing blank at either end. */
size_t import_text_tidy(char *s);

/* Makes s one line: every run of white space, line breaks included,
 * becomes one space; nothing blank at either end. */
size_t import_text_squash(char *s);

#endif
