/* Who a request counts against when it has no signed-in caller: its peer
 * address, or, when the peer is a trusted proxy, the right-most address of
 * X-Forwarded-For that is not one. IPv6 clients count by their /64. */
#ifndef FH_RATELIMIT_CLIENT_H
#define FH_RATELIMIT_CLIENT_H

/* LIMITATION: only X-Forwarded-For is read; the standard Forwarded header
 * (RFC 7239) and X-Real-IP are ignored, so a proxy that sends only those
 * makes all its clients share the proxy's bucket. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RL_MAX_PROXIES 64  /* entries of TRUSTED_PROXIES */
#define RL_MAX_HOPS 32     /* X-Forwarded-For entries read, from the right */
#define RL_ADDR_LEN 48     /* "ffff:...:ffff/64" and a NUL fit */

typedef struct rl_net {
    int family;            /* AF_INET or AF_INET6 */
    uint8_t addr[16];      /* network byte order; IPv4 in the first 4 */
    int bits;              /* prefix length */
} rl_net_t;

typedef struct rl_proxies {
    rl_net_t nets[RL_MAX_PROXIES];
    int n;
} rl_proxies_t;

/* Parses a comma-separated list of addresses and CIDR blocks
 * ("10.0.0.1, 10.1.0.0/16, fd00::/8"). Returns 0, or FH_EINVAL with the
 * bad entry named in err. An empty text gives an empty list. */
int rl_proxies_parse(const char *text, rl_proxies_t *out, char *err,
                     size_t errlen);

/* True when the address text is inside one of the list's blocks. */
bool rl_proxies_has(const rl_proxies_t *p, const char *addr);

/* Writes the client's key address into out (RL_ADDR_LEN): peer when it is
 * not a trusted proxy, else the right-most entry of the X-Forwarded-For
 * values xff[0..nxff) (in the order the headers came) that is not one; when
 * every entry is trusted, the left-most; an entry that is not an address
 * stops the walk at the last trusted hop. IPv4-mapped IPv6 counts as IPv4;
 * IPv6 is cut to its /64 ("2001:db8:1:2::/64"). */
void rl_client_address(const rl_proxies_t *p, const char *peer,
                       const char *const *xff, int nxff, char *out);

#endif
