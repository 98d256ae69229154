/* The generator's random source and its text builder: everything here is
 * a pure function of the seed, so that a seed always gives the same
 * marketplace. */
#include "tools/seed.h"

#include <math.h>
#include <string.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

void seed_rng_init(seed_rng_t *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed ^ (stream * 0xD1B54A32D192ED03ULL);

    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t seed_rng_next(seed_rng_t *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

uint32_t seed_rng_below(seed_rng_t *r, uint32_t n)
{
    /* The top 32 bits scaled to n: bias below 2^-32 * n, invisible here. */
    return (uint32_t)(((seed_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

int64_t seed_rng_range(seed_rng_t *r, int64_t lo, int64_t hi)
{
    return lo + (int64_t)seed_rng_below(r, (uint32_t)(hi - lo + 1));
}

double seed_rng_unit(seed_rng_t *r)
{
    return (double)(seed_rng_next(r) >> 11) * 0x1.0p-53;
}

bool seed_rng_chance(seed_rng_t *r, double p)
{
    return seed_rng_unit(r) < p;
}

double seed_rng_normal(seed_rng_t *r)
{
    double u, v, s;

    /* Marsaglia's polar method; the second value is dropped so that each
     * call costs the same draws whatever came before. */
    do {
        u = 2.0 * seed_rng_unit(r) - 1.0;
        v = 2.0 * seed_rng_unit(r) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    return u * sqrt(-2.0 * log(s) / s);
}

double seed_rng_lognormal(seed_rng_t *r, double mu, double sigma)
{
    return exp(mu + sigma * seed_rng_normal(r));
}

int seed_rng_weighted(seed_rng_t *r, const uint16_t *weights, int n)
{
    uint32_t total = 0;

    for (int i = 0; i < n; i++)
        total += weights[i];
    uint32_t x = seed_rng_below(r, total);
    for (int i = 0; i < n; i++) {
        if (x < weights[i])
            return i;
        x -= weights[i];
    }
    return n - 1;
}

const char *seed_pick(seed_rng_t *r, const seed_wordlist_t *list)
{
    return list->words[seed_rng_below(r, (uint32_t)list->n)];
}

/* Appends n bytes of s, cut to the room left. */
static void put_n(seed_text_t *t, const char *s, size_t n, bool capital)
{
    size_t room = SEED_TEXT_MAX - 1 - t->len;

    if (n > room)
        n = room;
    memcpy(t->s + t->len, s, n);
    if (capital && n > 0 && t->s[t->len] >= 'a' && t->s[t->len] <= 'z')
        t->s[t->len] = (char)(t->s[t->len] - 'a' + 'A');
    t->len += n;
    t->s[t->len] = '\0';
}

static void put(seed_text_t *t, const char *s, bool capital)
{
    put_n(t, s, strlen(s), capital);
}

static void put_int(seed_text_t *t, int v)
{
    char buf[16];
    int n = sizeof(buf);

    if (v < 0)
        v = 0;
    do {
        buf[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0 && n > 0);
    put_n(t, buf + n, sizeof(buf) - (size_t)n, false);
}

/* Placeholders: %s %t %u skills, %R %r role, %p %P project, %b %c
 * businesses, %l level, %n years, %d days, %w weeks, %h hours, %% a
 * percent sign. */
void seed_text_expand(seed_text_t *t, const char *tmpl, const seed_words_t *w,
                      bool sep)
{
    const char *p = tmpl;

    if (sep && t->len > 0)
        put_n(t, " ", 1, false);
    for (;;) {
        const char *pct = strchr(p, '%');
        if (pct == NULL) {
            put(t, p, false);
            return;
        }
        put_n(t, p, (size_t)(pct - p), false);
        p = pct + 1;
        switch (*p) {
        case 's': put(t, w->skill[0], false); break;
        case 't': put(t, w->skill[1], false); break;
        case 'u': put(t, w->skill[2], false); break;
        case 'R': put(t, w->role, false); break;
        case 'r': put(t, w->role_lc, false); break;
        case 'p': put(t, w->project, false); break;
        case 'P': put(t, w->project, true); break;
        case 'b': put(t, w->business, false); break;
        case 'c': put(t, w->business2, false); break;
        case 'l': put(t, w->level, false); break;
        case 'n': put_int(t, w->years); break;
        case 'd': put_int(t, w->days); break;
        case 'w': put_int(t, w->weeks); break;
        case 'h': put_int(t, w->hours); break;
        case '\0': put_n(t, "%", 1, false); return;
        default: put_n(t, p, 1, false); break;  /* "%%" and strays */
        }
        p++;
    }
}
