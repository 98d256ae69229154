#include "ratelimit/client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"

/* Parses one address: v4, v6, "[v6]", "[v6]:port" or "v4:port". IPv4
 * mapped into IPv6 becomes IPv4. Returns false when it is none of these. */
static bool addr_parse(const char *s, size_t len, rl_net_t *out)
{
    char buf[64];
    struct in6_addr a6;

    while (len > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        len--;
    }
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (len == 0 || len >= sizeof(buf))
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *p = buf;
    if (*p == '[') {
        char *close = strchr(p, ']');
        if (close == NULL || (close[1] != '\0' && close[1] != ':'))
            return false;
        *close = '\0';
        p++;
    } else {
        char *colon = strchr(p, ':');
        if (colon && strchr(colon + 1, ':') == NULL)
            *colon = '\0';  /* v4:port */
    }
    memset(out, 0, sizeof(*out));
    if (inet_pton(AF_INET, p, out->addr) == 1) {
        out->family = AF_INET;
        out->bits = 32;
        return true;
    }
    if (inet_pton(AF_INET6, p, &a6) != 1)
        return false;
    if (IN6_IS_ADDR_V4MAPPED(&a6)) {
        out->family = AF_INET;
        memcpy(out->addr, &a6.s6_addr[12], 4);
        out->bits = 32;
        return true;
    }
    out->family = AF_INET6;
    memcpy(out->addr, a6.s6_addr, 16);
    out->bits = 128;
    return true;
}

/* Parses "ADDR" or "ADDR/BITS" of len bytes. */
static bool net_parse(const char *s, size_t len, rl_net_t *out)
{
    const char *slash = memchr(s, '/', len);
    char digits[8];
    int64_t bits;
    char *end;

    if (slash == NULL)
        return addr_parse(s, len, out);
    if (!addr_parse(s, (size_t)(slash - s), out))
        return false;
    size_t dl = len - (size_t)(slash - s) - 1;
    while (dl > 0 && slash[dl] == ' ')
        dl--;
    if (dl == 0 || dl >= sizeof(digits))
        return false;
    memcpy(digits, slash + 1, dl);
    digits[dl] = '\0';
    bits = strtol(digits, &end, 10);
    if (*end != '\0' || bits < 0 || bits > (out->family == AF_INET ? 32 : 128))
        return false;
    out->bits = (int)bits;
    return true;
}

int rl_proxies_parse(const char *text, rl_proxies_t *out, char *err,
                     size_t errlen)
{
    const char *p = text;

    out->n = 0;
    while (*p) {
        size_t len = strcspn(p, ",");
        const char *q = p;
        size_t ql = len;
        while (ql > 0 && (*q == ' ' || *q == '\t')) {
            q++;
            ql--;
        }
        if (ql > 0) {
            if (out->n >= RL_MAX_PROXIES) {
                snprintf(err, errlen, "TRUSTED_PROXIES has more than %d "
                         "entries", RL_MAX_PROXIES);
                return FH_EINVAL;
            }
            if (!net_parse(q, ql, &out->nets[out->n])) {
                snprintf(err, errlen, "TRUSTED_PROXIES: \"%.*s\" is not an "
                         "IP address or CIDR block", (int)(ql > 64 ? 64 : ql),
                         q);
                return FH_EINVAL;
            }
            out->n++;
        }
        p += len;
        if (*p == ',')
            p++;
    }
    return 0;
}

static bool net_contains(const rl_net_t *net, const rl_net_t *a)
{
    int full = net->bits / 8, rest = net->bits % 8;

    if (net->family != a->family || memcmp(net->addr, a->addr, (size_t)full))
        return false;
    if (rest == 0)
        return true;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (net->addr[full] & mask) == (a->addr[full] & mask);
}

static bool trusted(const rl_proxies_t *p, const rl_net_t *a)
{
    for (int i = 0; i < p->n; i++)
        if (net_contains(&p->nets[i], a))
            return true;
    return false;
}

bool rl_proxies_has(const rl_proxies_t *p, const char *addr)
{
    rl_net_t a;

    return addr_parse(addr, strlen(addr), &a) && trusted(p, &a);
}

static void addr_format(const rl_net_t *a, char *out)
{
    uint8_t v6[16];

    if (a->family == AF_INET) {
        inet_ntop(AF_INET, a->addr, out, RL_ADDR_LEN);
        return;
    }
    memcpy(v6, a->addr, 8);
    memset(v6 + 8, 0, 8);
    inet_ntop(AF_INET6, v6, out, RL_ADDR_LEN - 3);
    strcat(out, "/64");
}

typedef struct hop {
    const char *s;
    size_t len;
} hop_t;

/* Splits the values into entries, keeping the right-most RL_MAX_HOPS in
 * order in hops[]; returns how many were kept. Empty entries are skipped. */
static int hops_split(const char *const *xff, int nxff, hop_t *hops)
{
    hop_t ring[RL_MAX_HOPS];
    size_t total = 0;

    for (int v = 0; v < nxff; v++) {
        for (const char *p = xff[v]; *p;) {
            size_t len = strcspn(p, ",");
            if (strspn(p, " \t") < len)
                ring[total++ % RL_MAX_HOPS] = (hop_t){p, len};
            p += len;
            if (*p == ',')
                p++;
        }
    }
    size_t n = total < RL_MAX_HOPS ? total : RL_MAX_HOPS;
    for (size_t i = 0; i < n; i++)
        hops[i] = ring[(total - n + i) % RL_MAX_HOPS];
    return (int)n;
}

void rl_client_address(const rl_proxies_t *p, const char *peer,
                       const char *const *xff, int nxff, char *out)
{
    hop_t hops[RL_MAX_HOPS];
    rl_net_t cur, hop;
    int n;

    if (!addr_parse(peer, strlen(peer), &cur)) {
        snprintf(out, RL_ADDR_LEN, "%s", peer[0] ? peer : "unknown");
        return;
    }
    n = trusted(p, &cur) ? hops_split(xff, nxff, hops) : 0;
    for (int i = n - 1; i >= 0 && trusted(p, &cur); i--) {
        if (!addr_parse(hops[i].s, hops[i].len, &hop))
            break;
        cur = hop;
    }
    addr_format(&cur, out);
}
