#include "ratelimit/window.h"

#include <pthread.h>
#include <string.h>
#include <xxhash.h>

typedef struct slot {
    uint64_t key;        /* hash of the key; 0 = empty */
    int64_t started;     /* start of its window, seconds */
    int count;           /* attempts in the window */
} slot_t;

static slot_t slots[RL_WINDOW_SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* Probes a short run of slots: the key's own slot, else an empty or
 * expired one, else the oldest of the run, which is taken over. A flood of
 * new keys thus costs the oldest windows, never memory. */
#define PROBE 8

bool rl_window_hit(const char *key, int64_t now, int limit, int window_s,
                   int *retry_after)
{
    uint64_t h = XXH3_64bits(key, strlen(key)) | 1;
    size_t base = (size_t)(h % RL_WINDOW_SLOTS);
    slot_t *use = NULL, *oldest = NULL;
    bool ok;

    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < PROBE; i++) {
        slot_t *s = &slots[(base + i) % RL_WINDOW_SLOTS];
        if (s->key == h) {
            use = s;
            break;
        }
        if (use == NULL && (s->key == 0 || now - s->started >= window_s))
            use = s;
        if (oldest == NULL || s->started < oldest->started)
            oldest = s;
    }
    if (use == NULL)
        use = oldest;
    if (use->key != h || now - use->started >= window_s) {
        use->key = h;
        use->started = now;
        use->count = 0;
    }
    use->count++;
    ok = use->count <= limit;
    if (!ok) {
        int64_t left = use->started + window_s - now;
        *retry_after = left < 1 ? 1 : (int)left;
    }
    pthread_mutex_unlock(&lock);
    return ok;
}

void rl_window_reset(void)
{
    pthread_mutex_lock(&lock);
    memset(slots, 0, sizeof(slots));
    pthread_mutex_unlock(&lock);
}
