#include "http/router.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/util.h"

/* Compares one template against path. Returns true on a match of the shape,
 * filling ids; *bad_id is set when a parameter segment is not a positive
 * integer (the shape still matches). */
static bool match_template(const char *tmpl, const char *path, int64_t *ids,
                           int *nids, const char **bad_param, char *bad_buf,
                           size_t bad_len)
{
    const char *t = tmpl, *p = path;

    *nids = 0;
    *bad_param = NULL;
    while (*t && *p) {
        if (*t != '/' || *p != '/')
            return false;
        t++;
        p++;
        const char *t_end = strchrnul(t, '/');
        const char *p_end = strchrnul(p, '/');
        size_t plen = (size_t)(p_end - p);

        if (*t == '{') {
            char seg[24];
            int64_t v = 0;
            bool ok = plen > 0 && plen < sizeof(seg);
            if (plen == 0)
                return false;
            if (ok) {
                memcpy(seg, p, plen);
                seg[plen] = '\0';
                ok = seg[0] >= '1' && seg[0] <= '9' &&
                     fh_parse_int64(seg, &v) == 0 && v > 0;
            }
            if (!ok && *bad_param == NULL) {
                size_t n = (size_t)(t_end - t) - 2;
                if (n >= bad_len)
                    n = bad_len - 1;
                memcpy(bad_buf, t + 1, n);
                bad_buf[n] = '\0';
                *bad_param = bad_buf;
            }
            if (*nids < ROUTER_MAX_IDS)
                ids[(*nids)++] = v;
        } else if ((size_t)(t_end - t) != plen || memcmp(t, p, plen) != 0) {
            return false;
        }
        t = t_end;
        p = p_end;
    }
    return *t == '\0' && *p == '\0';
}

/* Adds method to the comma-separated list in m->allow unless it is there. */
static void allow_add(router_match_t *m, const char *method)
{
    size_t used = strlen(m->allow);
    const char *p = m->allow;

    while ((p = strstr(p, method)) != NULL) {
        size_t n = strlen(method);
        if ((p == m->allow || p[-1] == ' ') && (p[n] == ',' || p[n] == '\0'))
            return;
        p += n;
    }
    snprintf(m->allow + used, sizeof(m->allow) - used, "%s%s",
             used ? ", " : "", method);
}

enum router_result router_match(const route_t *routes, size_t n,
                                const char *method, const char *path,
                                router_match_t *m)
{
    static _Thread_local char bad_buf[32];
    bool is_head = strcmp(method, "HEAD") == 0;
    bool has_get = false;
    int clean = 0, dirty = 0;  /* shape matches with good and bad ids */

    memset(m, 0, sizeof(*m));
    /* A template whose ids all parse wins over one that only matches the
     * shape ("/jobs/search" over "/jobs/{id}"). */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n; i++) {
            int64_t ids[ROUTER_MAX_IDS];
            int nids;
            const char *bad_param;

            if (!match_template(routes[i].path, path, ids, &nids, &bad_param,
                                bad_buf, sizeof(bad_buf)))
                continue;
            if (pass == 0) {
                if (bad_param)
                    dirty++;
                else
                    clean++;
                continue;
            }
            if ((clean > 0) != (bad_param == NULL))
                continue;
            const char *rm = routes[i].method;
            if (strcmp(rm, method) == 0 ||
                (is_head && strcmp(rm, "GET") == 0)) {
                if (bad_param) {
                    m->bad_param = bad_param;
                    return ROUTER_BAD_ID;
                }
                m->route = &routes[i];
                memcpy(m->ids, ids, sizeof(ids));
                m->nids = nids;
                return ROUTER_FOUND;
            }
            allow_add(m, rm);
            if (strcmp(rm, "GET") == 0)
                has_get = true;
        }
        if (pass == 0 && clean + dirty == 0)
            return ROUTER_NOT_FOUND;
    }
    if (has_get)
        allow_add(m, "HEAD");
    return ROUTER_BAD_METHOD;
}
