#include "tools/import_html.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct html_entity {
    const char *name;
    uint32_t cp;
} html_entity_t;

/* The HTML 4 entities and &apos;, sorted by strcmp for bsearch. Each
 * name is at least two bytes longer than the UTF-8 of its character,
 * which is what lets decoding work in place. */
static const html_entity_t html_entities[] = {
    {"AElig", 0xC6}, {"Aacute", 0xC1}, {"Acirc", 0xC2}, {"Agrave", 0xC0},
    {"Alpha", 0x391}, {"Aring", 0xC5}, {"Atilde", 0xC3}, {"Auml", 0xC4},
    {"Beta", 0x392}, {"Ccedil", 0xC7}, {"Chi", 0x3A7}, {"Dagger", 0x2021},
    {"Delta", 0x394}, {"ETH", 0xD0}, {"Eacute", 0xC9}, {"Ecirc", 0xCA},
    {"Egrave", 0xC8}, {"Epsilon", 0x395}, {"Eta", 0x397}, {"Euml", 0xCB},
    {"Gamma", 0x393}, {"Iacute", 0xCD}, {"Icirc", 0xCE}, {"Igrave", 0xCC},
    {"Iota", 0x399}, {"Iuml", 0xCF}, {"Kappa", 0x39A}, {"Lambda", 0x39B},
    {"Mu", 0x39C}, {"Ntilde", 0xD1}, {"Nu", 0x39D}, {"OElig", 0x152},
    {"Oacute", 0xD3}, {"Ocirc", 0xD4}, {"Ograve", 0xD2}, {"Omega", 0x3A9},
    {"Omicron", 0x39F}, {"Oslash", 0xD8}, {"Otilde", 0xD5}, {"Ouml", 0xD6},
    {"Phi", 0x3A6}, {"Pi", 0x3A0}, {"Prime", 0x2033}, {"Psi", 0x3A8},
    {"Rho", 0x3A1}, {"Scaron", 0x160}, {"Sigma", 0x3A3}, {"THORN", 0xDE},
    {"Tau", 0x3A4}, {"Theta", 0x398}, {"Uacute", 0xDA}, {"Ucirc", 0xDB},
    {"Ugrave", 0xD9}, {"Upsilon", 0x3A5}, {"Uuml", 0xDC}, {"Xi", 0x39E},
    {"Yacute", 0xDD}, {"Yuml", 0x178}, {"Zeta", 0x396}, {"aacute", 0xE1},
    {"acirc", 0xE2}, {"acute", 0xB4}, {"aelig", 0xE6}, {"agrave", 0xE0},
    {"alefsym", 0x2135}, {"alpha", 0x3B1}, {"amp", 0x26}, {"and", 0x2227},
    {"ang", 0x2220}, {"apos", 0x27}, {"aring", 0xE5}, {"asymp", 0x2248},
    {"atilde", 0xE3}, {"auml", 0xE4}, {"bdquo", 0x201E}, {"beta", 0x3B2},
    {"brvbar", 0xA6}, {"bull", 0x2022}, {"cap", 0x2229}, {"ccedil", 0xE7},
    {"cedil", 0xB8}, {"cent", 0xA2}, {"chi", 0x3C7}, {"circ", 0x2C6},
    {"clubs", 0x2663}, {"cong", 0x2245}, {"copy", 0xA9}, {"crarr", 0x21B5},
    {"cup", 0x222A}, {"curren", 0xA4}, {"dArr", 0x21D3}, {"dagger", 0x2020},
    {"darr", 0x2193}, {"deg", 0xB0}, {"delta", 0x3B4}, {"diams", 0x2666},
    {"divide", 0xF7}, {"eacute", 0xE9}, {"ecirc", 0xEA}, {"egrave", 0xE8},
    {"empty", 0x2205}, {"emsp", 0x2003}, {"ensp", 0x2002}, {"epsilon", 0x3B5},
    {"equiv", 0x2261}, {"eta", 0x3B7}, {"eth", 0xF0}, {"euml", 0xEB},
    {"euro", 0x20AC}, {"exist", 0x2203}, {"fnof", 0x192}, {"forall", 0x2200},
    {"frac12", 0xBD}, {"frac14", 0xBC}, {"frac34", 0xBE}, {"frasl", 0x2044},
    {"gamma", 0x3B3}, {"ge", 0x2265}, {"gt", 0x3E}, {"hArr", 0x21D4},
    {"harr", 0x2194}, {"hearts", 0x2665}, {"hellip", 0x2026},
    {"iacute", 0xED}, {"icirc", 0xEE}, {"iexcl", 0xA1}, {"igrave", 0xEC},
    {"image", 0x2111}, {"infin", 0x221E}, {"int", 0x222B}, {"iota", 0x3B9},
    {"iquest", 0xBF}, {"isin", 0x2208}, {"iuml", 0xEF}, {"kappa", 0x3BA},
    {"lArr", 0x21D0}, {"lambda", 0x3BB}, {"lang", 0x2329}, {"laquo", 0xAB},
    {"larr", 0x2190}, {"lceil", 0x2308}, {"ldquo", 0x201C}, {"le", 0x2264},
    {"lfloor", 0x230A}, {"lowast", 0x2217}, {"loz", 0x25CA}, {"lrm", 0x200E},
    {"lsaquo", 0x2039}, {"lsquo", 0x2018}, {"lt", 0x3C}, {"macr", 0xAF},
    {"mdash", 0x2014}, {"micro", 0xB5}, {"middot", 0xB7}, {"minus", 0x2212},
    {"mu", 0x3BC}, {"nabla", 0x2207}, {"nbsp", 0xA0}, {"ndash", 0x2013},
    {"ne", 0x2260}, {"ni", 0x220B}, {"not", 0xAC}, {"notin", 0x2209},
    {"nsub", 0x2284}, {"ntilde", 0xF1}, {"nu", 0x3BD}, {"oacute", 0xF3},
    {"ocirc", 0xF4}, {"oelig", 0x153}, {"ograve", 0xF2}, {"oline", 0x203E},
    {"omega", 0x3C9}, {"omicron", 0x3BF}, {"oplus", 0x2295}, {"or", 0x2228},
    {"ordf", 0xAA}, {"ordm", 0xBA}, {"oslash", 0xF8}, {"otilde", 0xF5},
    {"otimes", 0x2297}, {"ouml", 0xF6}, {"para", 0xB6}, {"part", 0x2202},
    {"permil", 0x2030}, {"perp", 0x22A5}, {"phi", 0x3C6}, {"pi", 0x3C0},
    {"piv", 0x3D6}, {"plusmn", 0xB1}, {"pound", 0xA3}, {"prime", 0x2032},
    {"prod", 0x220F}, {"prop", 0x221D}, {"psi", 0x3C8}, {"quot", 0x22},
    {"rArr", 0x21D2}, {"radic", 0x221A}, {"rang", 0x232A}, {"raquo", 0xBB},
    {"rarr", 0x2192}, {"rceil", 0x2309}, {"rdquo", 0x201D}, {"real", 0x211C},
    {"reg", 0xAE}, {"rfloor", 0x230B}, {"rho", 0x3C1}, {"rlm", 0x200F},
    {"rsaquo", 0x203A}, {"rsquo", 0x2019}, {"sbquo", 0x201A},
    {"scaron", 0x161}, {"sdot", 0x22C5}, {"sect", 0xA7}, {"shy", 0xAD},
    {"sigma", 0x3C3}, {"sigmaf", 0x3C2}, {"sim", 0x223C}, {"spades", 0x2660},
    {"sub", 0x2282}, {"sube", 0x2286}, {"sum", 0x2211}, {"sup", 0x2283},
    {"sup1", 0xB9}, {"sup2", 0xB2}, {"sup3", 0xB3}, {"supe", 0x2287},
    {"szlig", 0xDF}, {"tau", 0x3C4}, {"there4", 0x2234}, {"theta", 0x3B8},
    {"thetasym", 0x3D1}, {"thinsp", 0x2009}, {"thorn", 0xFE},
    {"tilde", 0x2DC}, {"times", 0xD7}, {"trade", 0x2122}, {"uArr", 0x21D1},
    {"uacute", 0xFA}, {"uarr", 0x2191}, {"ucirc", 0xFB}, {"ugrave", 0xF9},
    {"uml", 0xA8}, {"upsih", 0x3D2}, {"upsilon", 0x3C5}, {"uuml", 0xFC},
    {"weierp", 0x2118}, {"xi", 0x3BE}, {"yacute", 0xFD}, {"yen", 0xA5},
    {"yuml", 0xFF}, {"zeta", 0x3B6}, {"zwj", 0x200D}, {"zwnj", 0x200C},
};

#define HTML_ENTITY_COUNT (sizeof(html_entities) / sizeof(html_entities[0]))
#define HTML_NAME_MAX 8  /* "thetasym" */

static int entity_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const html_entity_t *)elem)->name);
}

/* Writes cp as UTF-8 into out; returns the number of bytes. */
static size_t utf8_put(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* True for the code points a numeric reference may produce. */
static bool cp_is_printable(uint32_t cp)
{
    if (cp == '\t' || cp == '\n' || cp == '\r')
        return true;
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
        return false;
    return cp < 0xD800 || (cp > 0xDFFF && cp <= 0x10FFFF);
}

/* Reads "&#123;" or "&#x7B;" at p. Returns the code point, or 0 when the
 * reference is not one to decode; *used gets its length. */
static uint32_t numeric_ref(const char *p, size_t *used)
{
    bool hex = p[2] == 'x' || p[2] == 'X';
    size_t i = hex ? 3 : 2, digits = 0;
    uint32_t cp = 0;

    for (;; i++, digits++) {
        int c = (unsigned char)p[i], v;
        if (c >= '0' && c <= '9')
            v = c - '0';
        else if (hex && isxdigit(c))
            v = tolower(c) - 'a' + 10;
        else
            break;
        if (cp > 0x10FFFF)  /* keep reading, the value is out of range */
            continue;
        cp = cp * (hex ? 16 : 10) + (uint32_t)v;
    }
    if (digits == 0 || p[i] != ';' || !cp_is_printable(cp))
        return 0;
    *used = i + 1;
    return cp;
}

/* Reads "&name;" at p, like numeric_ref(). */
static uint32_t named_ref(const char *p, size_t *used)
{
    char name[HTML_NAME_MAX + 1];
    size_t n = 0;
    const html_entity_t *e;

    while (isalnum((unsigned char)p[1 + n])) {
        if (n == HTML_NAME_MAX)
            return 0;
        name[n] = p[1 + n];
        n++;
    }
    if (n == 0 || p[1 + n] != ';')
        return 0;
    name[n] = '\0';
    e = bsearch(name, html_entities, HTML_ENTITY_COUNT,
                sizeof(html_entities[0]), entity_cmp);
    if (e == NULL)
        return 0;
    *used = n + 2;
    return e->cp;
}

size_t import_html_decode(char *s)
{
    size_t r = 0, w = 0;

    while (s[r] != '\0') {
        if (s[r] == '&') {
            size_t used = 0;
            uint32_t cp = s[r + 1] == '#' ? numeric_ref(s + r, &used)
                                          : named_ref(s + r, &used);
            if (cp != 0) {
                char utf8[4];
                size_t n = utf8_put(cp, utf8);
                memcpy(s + w, utf8, n);  /* n <= used, so w stays <= r */
                w += n;
                r += used;
                continue;
            }
        }
        s[w++] = s[r++];
    }
    s[w] = '\0';
    return w;
}

size_t import_html_unescape_twice(char *s)
{
    size_t r = 0, w = 0;

    while (s[r] != '\0') {
        if (strncmp(s + r, "&amp;", 5) == 0) {
            /* The reference functions read the name from p[1]: point p
             * at the ';' of "&amp;". */
            const char *p = s + r + 4;
            size_t used = 0;
            uint32_t cp = p[1] == '#' ? numeric_ref(p, &used)
                                      : named_ref(p, &used);
            if (cp != 0) {
                s[w++] = '&';
                r += 5;
                continue;
            }
        }
        s[w++] = s[r++];
    }
    s[w] = '\0';
    return w;
}

/* Bytes of the white space character at p (tab, space, and the Unicode
 * space separators), or 0. Line breaks are not counted here. */
static size_t space_len(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\f' || *p == '\v')
        return 1;
    if (p[0] == 0xC2 && p[1] == 0xA0)
        return 2;  /* no-break space */
    if (p[0] == 0xE2 && p[1] == 0x80 && ((p[2] >= 0x80 && p[2] <= 0x8A) ||
                                         p[2] == 0xAF))
        return 3;  /* en quad .. hair space, narrow no-break space */
    if ((p[0] == 0xE2 && p[1] == 0x81 && p[2] == 0x9F) ||
        (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80))
        return 3;  /* medium mathematical space, ideographic space */
    return 0;
}

size_t import_text_tidy(char *s)
{
    size_t r = 0, w = 0, n;
    int breaks = 0;       /* line breaks since the last visible character */
    bool space = false;   /* white space since then, on the same line */

    while (s[r] != '\0') {
        if (s[r] == '\n') {
            breaks++;
            space = false;
            r++;
            continue;
        }
        if ((n = space_len(s + r)) > 0) {
            space = true;
            r += n;
            continue;
        }
        if (w > 0 && breaks > 0) {
            s[w++] = '\n';
            if (breaks > 1)
                s[w++] = '\n';
        } else if (w > 0 && space) {
            s[w++] = ' ';
        }
        breaks = 0;
        space = false;
        s[w++] = s[r++];
    }
    s[w] = '\0';
    return w;
}

size_t import_text_squash(char *s)
{
    for (char *p = s; *p; p++)
        if (*p == '\n')
            *p = ' ';
    return import_text_tidy(s);
}

enum tag_kind {
    TAG_INLINE,     /* removed without a trace */
    TAG_LINE,       /* becomes one line break */
    TAG_PARAGRAPH,  /* becomes an empty line */
    TAG_RAW,        /* its content goes too: script, style */
};

static enum tag_kind tag_kind_of(const char *name)
{
    static const char *const line[] = {"br", "li", "tr", "div", "dt", "dd",
                                       NULL};
    static const char *const para[] = {"p", "ul", "ol", "dl", "table", "pre",
                                       "blockquote", "hr", "h1", "h2", "h3",
                                       "h4", "h5", "h6", NULL};

    for (int i = 0; line[i]; i++)
        if (strcmp(name, line[i]) == 0)
            return TAG_LINE;
    for (int i = 0; para[i]; i++)
        if (strcmp(name, para[i]) == 0)
            return TAG_PARAGRAPH;
    if (strcmp(name, "script") == 0 || strcmp(name, "style") == 0)
        return TAG_RAW;
    return TAG_INLINE;
}

/* Measures the tag that starts at p ('<'). Returns its length through the
 * closing '>', or 0 when p starts no tag (then '<' is text). name gets its
 * lower-case name, truncated; *closing whether it is an end tag. */
static size_t tag_span(const char *p, char name[12], bool *closing)
{
    size_t i = 1, n = 0;
    char quote = 0;

    if (strncmp(p, "<!--", 4) == 0) {
        const char *end = strstr(p + 4, "-->");
        name[0] = '\0';
        *closing = false;
        return end ? (size_t)(end - p) + 3 : 0;
    }
    *closing = p[1] == '/';
    if (*closing)
        i++;
    if (!isalpha((unsigned char)p[i]) && !(p[1] == '!' || p[1] == '?'))
        return 0;
    while (isalnum((unsigned char)p[i])) {
        if (n < 11)
            name[n++] = (char)tolower((unsigned char)p[i]);
        i++;
    }
    name[n] = '\0';
    for (; p[i] != '\0'; i++) {
        if (quote) {
            if (p[i] == quote)
                quote = 0;
        } else if (p[i] == '"' || p[i] == '\'') {
            quote = p[i];
        } else if (p[i] == '>') {
            return i + 1;
        }
    }
    return 0;
}

/* Length from p to the end of the end tag "</name>", or to the end of the
 * string when there is none. */
static size_t raw_content_len(const char *p, const char *name)
{
    size_t len = strlen(name);

    for (const char *q = p; *q; q++) {
        if (q[0] == '<' && q[1] == '/' && strncasecmp(q + 2, name, len) == 0) {
            const char *gt = strchr(q, '>');
            return gt ? (size_t)(gt + 1 - p) : strlen(p);
        }
    }
    return strlen(p);
}

/* Removes tags, writing their line breaks; source line breaks become
 * spaces. */
static size_t strip_tags(char *s)
{
    size_t r = 0, w = 0;

    while (s[r] != '\0') {
        char c = s[r];
        char name[12];
        bool closing;
        size_t len;

        if (c == '<' && (len = tag_span(s + r, name, &closing)) > 0) {
            enum tag_kind kind = tag_kind_of(name);
            r += len;
            if (kind == TAG_RAW && !closing && s[r - 2] != '/')
                r += raw_content_len(s + r, name);
            if (kind == TAG_LINE || kind == TAG_PARAGRAPH)
                s[w++] = '\n';  /* every tag is at least 3 bytes */
            if (kind == TAG_PARAGRAPH)
                s[w++] = '\n';
            continue;
        }
        s[w++] = (c == '\n' || c == '\r') ? ' ' : c;
        r++;
    }
    s[w] = '\0';
    return w;
}

size_t import_html_to_text(char *s)
{
    strip_tags(s);
    import_html_decode(s);
    return import_text_tidy(s);
}
