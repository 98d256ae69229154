/* The bulk load of the demo marketplace, second half: every job with its
 * skills, its proposals (handed to the writer), its contract and reviews,
 * in id order, which is also the order of posting. */
#include "tools/seed_loader.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"

static const uint16_t job_level_weights[] = {30, 50, 20};
static const char *const job_status_names[] = {"open", "in_progress",
                                               "closed", "cancelled"};
/* Status weights by the job's age: under a week, under 60 days, older. */
static const uint16_t job_status_weights[3][4] = {
    {960, 30, 7, 3}, {750, 150, 70, 30}, {500, 140, 290, 70}};
/* Ratings 1..5 a client gives, by the freelancer's quality tier, and the
 * ratings freelancers give clients. */
static const uint16_t rating_weights[3][5] = {
    {10, 15, 25, 30, 20}, {1, 2, 7, 30, 60}, {0, 1, 3, 16, 80}};
static const uint16_t client_rating_weights[5] = {2, 3, 8, 27, 60};
static const uint16_t job_skill_count_weights[] = {40, 30, 15, 10, 5};

static const char *sql_ins_job =
    "INSERT INTO freelance_job_postings (id, client_id, title, description,"
    " category_id, budget_type, budget_min_cents, budget_max_cents, currency,"
    " experience_level, status, client_country, proposal_count, posted_at,"
    " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'USD', ?, ?, ?, ?, ?, ?)";
static const char *sql_ins_job_skill =
    "INSERT INTO job_skills (job_id, skill_id) VALUES (?, ?)";
static const char *sql_ins_contract =
    "INSERT INTO freelance_contracts (id, proposal_id, job_posting_id,"
    " freelancer_id, client_id, amount_cents, currency, status, started_at,"
    " ended_at) VALUES (?, ?, ?, ?, ?, ?, 'USD', ?, ?, ?)";
static const char *sql_ins_review =
    "INSERT INTO reviews (id, contract_id, reviewer_id, reviewee_id, rating,"
    " comment, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)";

int seed_jobs_prepare(seed_loader_t *ld)
{
    const struct {
        const char *sql;
        sqlite3_stmt **st;
    } all[] = {
        {sql_ins_job, &ld->ins_job},
        {sql_ins_job_skill, &ld->ins_job_skill},
        {sql_ins_contract, &ld->ins_contract},
        {sql_ins_review, &ld->ins_review},
    };
    int rc = 0;

    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]) && rc == 0; i++)
        rc = seed_loader_prepare(ld, all[i].sql, all[i].st);
    return rc;
}

void seed_jobs_finalize(seed_loader_t *ld)
{
    sqlite3_stmt *all[] = {
        ld->ins_job, ld->ins_job_skill, ld->ins_contract, ld->ins_review,
    };

    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        sqlite3_finalize(all[i]);
}

/* ---- drawing a job ---- */

/* A job's time of posting: id order is time order, and the marketplace
 * grows, so the density of postings rises threefold over the history. */
static int64_t posted_at(seed_loader_t *ld, int64_t idx)
{
    double x = ((double)idx + seed_rng_unit(&ld->rng)) /
               (double)ld->opts->jobs;
    double t = (sqrt(1.0 + 8.0 * x) - 1.0) / 2.0;
    int64_t span = (int64_t)SEED_HISTORY_DAYS * SEED_DAY - 600;

    return ld->start + (int64_t)(t * (double)span);
}

/* A budget, log-normal so that a few are large: fixed ones around $500
 * (one amount, min = max), hourly ones a range from around $25 an hour;
 * both scaled by the level and the category's rates. */
static void draw_budget(seed_loader_t *ld, seed_job_t *job)
{
    static const double level_shift[] = {-0.4, 0.0, 0.5};
    seed_rng_t *r = &ld->rng;
    double scale = seed_categories[job->category].rate_pct / 100.0;

    job->fixed = seed_rng_chance(r, 0.65);
    if (job->fixed) {
        double v = seed_rng_lognormal(r, log(50000) + level_shift[job->level],
                                      1.1) * scale;
        int64_t step = v < 10000 ? 500 : v < 100000 ? 2500 : 10000;
        job->budget_min = seed_clamp64(seed_round_to(v, step), 2500, 10000000);
        job->budget_max = job->budget_min;
    } else {
        double v = seed_rng_lognormal(r, log(2500) + level_shift[job->level],
                                      0.4) * scale;
        job->budget_min = seed_clamp64(seed_round_to(v, 100), 500, 30000);
        job->budget_max = seed_round_to((double)job->budget_min *
                                        (1.3 + 0.9 * seed_rng_unit(r)), 100);
    }
}

/* Two to six distinct skills, mostly two or three, from the job's
 * category; now and then the last one from anywhere. */
static void draw_job_skills(seed_loader_t *ld, seed_job_t *job)
{
    seed_rng_t *r = &ld->rng;
    int first = ld->cat_first_skill[job->category];
    int own = ld->cat_nskills[job->category];
    int n = 2 + seed_rng_weighted(r, job_skill_count_weights, 5);

    if (n > own)
        n = own;
    job->nskills = 0;
    while (job->nskills < n) {
        int s;
        if (job->nskills == n - 1 && n > 2 && seed_rng_chance(r, 0.2))
            s = (int)seed_rng_below(r, (uint32_t)ld->nskills);
        else
            s = first + (int)seed_rng_below(r, (uint32_t)own);
        bool seen = false;
        for (int i = 0; i < job->nskills; i++)
            seen |= job->skills[i] == s;
        if (!seen)
            job->skills[job->nskills++] = s;
    }
}

/* Step i of a partial Fisher-Yates shuffle of pool[0..n): swaps a random
 * element of pool[i..n) into place i and returns it. */
static uint32_t shuffle_step(seed_rng_t *r, uint32_t *pool, uint32_t n,
                             uint32_t i)
{
    uint32_t j = i + seed_rng_below(r, n - i);
    uint32_t t = pool[j];

    pool[j] = pool[i];
    pool[i] = t;
    return t;
}

/* Draws k distinct freelancers into ld->chosen: about three in four from
 * the job's category, the rest from elsewhere, and from the category again
 * when elsewhere runs short. The pools are partially shuffled in place, so
 * each draw costs O(k) and the pools stay permutations. Returns how many
 * were drawn: k, or all freelancers when there are fewer. */
static int draw_freelancers(seed_loader_t *ld, int category, int k)
{
    seed_rng_t *r = &ld->rng;
    uint32_t *cat = ld->pool_cat + ld->cat_off[category];
    uint32_t ncat = (uint32_t)(ld->cat_off[category + 1] -
                               ld->cat_off[category]);
    uint32_t nall = (uint32_t)ld->opts->freelancers;
    uint32_t want_in = (uint32_t)((double)k * 0.75 + seed_rng_unit(r));
    uint32_t in = 0;
    int got = 0;

    if (want_in > ncat)
        want_in = ncat;
    while (in < want_in)
        ld->chosen[got++] = shuffle_step(r, cat, ncat, in++);
    for (uint32_t i = 0; i < nall && got < k; i++) {
        uint32_t t = shuffle_step(r, ld->pool_all, nall, i);
        if (ld->fl[t].category != category)
            ld->chosen[got++] = t;
    }
    while (got < k && in < ncat)
        ld->chosen[got++] = shuffle_step(r, cat, ncat, in++);
    for (int i = got - 1; i > 0; i--) {
        uint32_t j = seed_rng_below(r, (uint32_t)i + 1);
        uint32_t t = ld->chosen[i];
        ld->chosen[i] = ld->chosen[j];
        ld->chosen[j] = t;
    }
    return got;
}

/* How many proposals a job draws: log-normal, so most jobs get a few and
 * a few get many; about five on average. */
static int draw_proposal_count(seed_loader_t *ld)
{
    double v = seed_rng_lognormal(&ld->rng, 1.02, 1.15);
    int64_t cap = ld->opts->freelancers < SEED_MAX_PROPOSALS
                      ? ld->opts->freelancers : SEED_MAX_PROPOSALS;

    return (int)(v >= (double)cap ? cap : v);
}

/* Freelancer f's bid: near the budget for a fixed job, near their own
 * rate (pulled into the job's range) for an hourly one. */
static int64_t draw_bid(seed_loader_t *ld, const seed_job_t *job, uint32_t f)
{
    seed_rng_t *r = &ld->rng;

    if (job->fixed)
        return seed_round_to((double)job->budget_max *
                             (0.7 + 0.45 * seed_rng_unit(r)), 500);
    double rate = (double)seed_clamp64(ld->fl[f].rate_cents,
                                       job->budget_min * 85 / 100,
                                       job->budget_max * 110 / 100);
    return seed_round_to(rate * (0.95 + 0.1 * seed_rng_unit(r)), 100);
}

/* Decides the job's fate and the times that follow from it: when it was
 * decided (hire or close) and when its contract ended. */
static void draw_fate(seed_loader_t *ld, seed_job_t *job)
{
    seed_rng_t *r = &ld->rng;
    int64_t now = ld->opts->now;
    int64_t age = now - job->posted_at;
    int band = age < 7 * SEED_DAY ? 0 : age < 60 * SEED_DAY ? 1 : 2;

    job->status = seed_rng_weighted(r, job_status_weights[band], 4);
    job->hired = job->status != SEED_JOB_OPEN &&
                 !(job->status == SEED_JOB_CLOSED && seed_rng_chance(r, 0.12));
    job->decided_at = job->ended_at = 0;
    job->updated_at = job->posted_at;
    if (job->status == SEED_JOB_OPEN)
        return;

    double window = (double)age * 0.4;
    if (window > 12.0 * SEED_DAY)
        window = 12.0 * SEED_DAY;
    window *= 0.4 + 0.6 * seed_rng_unit(r);
    job->decided_at = job->posted_at + 60 + (int64_t)window;
    job->updated_at = job->decided_at;
    if (job->status == SEED_JOB_IN_PROGRESS || !job->hired)
        return;

    double left = (double)(now - job->decided_at);
    double took = seed_rng_lognormal(r, log(14.0 * SEED_DAY), 0.7);
    if (took > left * 0.95)
        took = left * (0.5 + 0.45 * seed_rng_unit(r));
    job->ended_at = job->decided_at + 1 + (int64_t)took;
    job->updated_at = job->ended_at;
}

/* Fills slot i's freelancer, time, bid and duration; withdraws a few.
 * Arrivals crowd the first days of the window that starts at first. */
static void draw_slot(seed_loader_t *ld, const seed_job_t *job, int i, int k,
                      int64_t first, double window)
{
    seed_rng_t *r = &ld->rng;
    seed_slot_t *s = &ld->slots[i];
    double g = ((double)i + seed_rng_unit(r)) / (double)k;
    double days = job->fixed ? seed_rng_lognormal(r, log(12.0), 0.7)
                             : seed_rng_lognormal(r, log(45.0), 0.6);

    s->freelancer = ld->chosen[i];
    s->created_at = first + (int64_t)(window * g * g);
    s->bid_cents = draw_bid(ld, job, s->freelancer);
    s->days = job->fixed ? (int)seed_clamp64((int64_t)days, 1, 180)
                         : (int)seed_clamp64((int64_t)days, 7, 365);
    s->status = seed_rng_chance(r, 0.06) ? SEED_WITHDRAWN : SEED_PENDING;
    s->resubmitted = false;
}

/* Some who withdrew try again later: the next free later slot goes to
 * them, so the pair has one withdrawn and one live proposal. Sets when
 * each withdrawal happened. */
static void draw_withdrawals(seed_loader_t *ld, const seed_job_t *job)
{
    seed_rng_t *r = &ld->rng;
    int64_t end = job->status == SEED_JOB_OPEN ? ld->opts->now
                                               : job->decided_at;

    for (int i = 0; i < job->nslots; i++) {
        seed_slot_t *s = &ld->slots[i];
        int64_t until = end;
        if (s->status != SEED_WITHDRAWN)
            continue;
        bool again = seed_rng_chance(r, 0.25);
        for (int j = i + 1; again && j < job->nslots; j++) {
            seed_slot_t *t = &ld->slots[j];
            if (t->status == SEED_WITHDRAWN || t->resubmitted)
                continue;
            t->freelancer = s->freelancer;
            t->resubmitted = true;
            until = t->created_at;
            break;
        }
        s->updated_at = s->created_at +
            (int64_t)((double)(until - s->created_at) * seed_rng_unit(r));
    }
}

/* Picks the hired job's accepted slot among those not withdrawn. */
static void pick_accepted(seed_loader_t *ld, seed_job_t *job)
{
    int live = 0, pick;

    assert(job->nslots > 0);  /* a hired job draws at least one */
    for (int i = 0; i < job->nslots; i++)
        live += ld->slots[i].status != SEED_WITHDRAWN;
    if (live == 0) {
        /* Nobody withdrew before and tried again, so no pair repeats. */
        ld->slots[0].status = SEED_PENDING;
        live = 1;
    }
    pick = (int)seed_rng_below(&ld->rng, (uint32_t)live);
    for (int i = 0; i < job->nslots; i++) {
        if (ld->slots[i].status != SEED_WITHDRAWN && pick-- == 0) {
            job->accepted = i;
            return;
        }
    }
}

/* The live slots' final statuses: the accepted one; on a decided job the
 * rest rejected (accepting or closing rejects what was pending); on an
 * open job some rejected along the way, the rest pending. */
static void settle_slots(seed_loader_t *ld, const seed_job_t *job)
{
    int64_t now = ld->opts->now;

    for (int i = 0; i < job->nslots; i++) {
        seed_slot_t *s = &ld->slots[i];
        if (s->status == SEED_WITHDRAWN)
            continue;
        if (i == job->accepted) {
            s->status = SEED_ACCEPTED;
            s->updated_at = job->decided_at;
        } else if (job->status != SEED_JOB_OPEN) {
            s->status = SEED_REJECTED;
            s->updated_at = job->decided_at;
        } else if (seed_rng_chance(&ld->rng, 0.12)) {
            s->status = SEED_REJECTED;
            s->updated_at = s->created_at +
                (int64_t)((double)(now - s->created_at) * 0.5 *
                          seed_rng_unit(&ld->rng));
        } else {
            s->updated_at = s->created_at;
        }
    }
}

/* Fills the job's proposal slots: freelancers, times, bids and statuses,
 * consistent with the job's fate. Proposals arrive from a minute after
 * posting until the decision, or over three weeks on an open job. */
static void draw_slots(seed_loader_t *ld, seed_job_t *job)
{
    int k = draw_proposal_count(ld);
    int64_t first = job->posted_at + 60;
    int64_t end = job->status == SEED_JOB_OPEN ? ld->opts->now
                                               : job->decided_at;
    double window = (double)(end - first);

    if (job->status == SEED_JOB_OPEN && window > 21.0 * SEED_DAY)
        window = 21.0 * SEED_DAY;
    if (job->hired && k == 0)
        k = 1;
    k = draw_freelancers(ld, job->category, k);
    job->nslots = k;
    job->accepted = -1;
    for (int i = 0; i < k; i++)
        draw_slot(ld, job, i, k, first, window);
    draw_withdrawals(ld, job);
    if (job->hired)
        pick_accepted(ld, job);
    settle_slots(ld, job);
}

/* The job's title and description, into ld->title and ld->text. */
static void build_job_text(seed_loader_t *ld, const seed_job_t *job)
{
    seed_rng_t *r = &ld->rng;
    seed_words_t w;

    seed_words_for(ld, &w, job->category, job->skills, job->nskills,
                   job->level);
    seed_text_reset(&ld->title);
    seed_text_expand(&ld->title, seed_pick(r, &seed_job_titles), &w, false);
    seed_text_reset(&ld->text);
    seed_text_expand(&ld->text, seed_pick(r, &seed_job_intros), &w, true);
    seed_text_expand(&ld->text, seed_pick(r, &seed_job_scopes), &w, true);
    seed_text_expand(&ld->text, seed_pick(r, &seed_job_needs), &w, true);
    if (seed_rng_chance(r, 0.5))
        seed_text_expand(&ld->text, seed_pick(r, &seed_job_needs), &w, true);
    seed_text_expand(&ld->text, seed_pick(r, &seed_job_times), &w, true);
    seed_text_expand(&ld->text, seed_pick(r, &seed_job_closings), &w, true);
}

/* ---- writing a job ---- */

/* Writes the job and its skills. */
static int insert_job(seed_loader_t *ld, const seed_job_t *job)
{
    sqlite3_stmt *st = ld->ins_job;
    int rc;

    sqlite3_bind_int64(st, 1, job->id);
    sqlite3_bind_int64(st, 2, seed_client_user_id(job->client));
    seed_bind_buf(st, 3, &ld->title);
    seed_bind_buf(st, 4, &ld->text);
    sqlite3_bind_int64(st, 5, ld->category_ids[job->category]);
    seed_bind_text(st, 6, job->fixed ? "fixed" : "hourly");
    sqlite3_bind_int64(st, 7, job->budget_min);
    sqlite3_bind_int64(st, 8, job->budget_max);
    seed_bind_text(st, 9, seed_level_names[job->level]);
    seed_bind_text(st, 10, job_status_names[job->status]);
    seed_bind_text(st, 11, seed_countries[ld->cl[job->client].country].name);
    sqlite3_bind_int(st, 12, job->nslots);
    sqlite3_bind_int64(st, 13, job->posted_at);
    sqlite3_bind_int64(st, 14, job->updated_at);
    rc = seed_loader_run(ld, st);
    if (rc < 0)
        return rc;
    ld->stats->jobs++;

    for (int i = 0; i < job->nskills; i++) {
        sqlite3_bind_int64(ld->ins_job_skill, 1, job->id);
        sqlite3_bind_int64(ld->ins_job_skill, 2,
                           ld->skill_ids[job->skills[i]]);
        rc = seed_loader_run(ld, ld->ins_job_skill);
        if (rc < 0)
            return rc;
    }
    ld->stats->job_skills += job->nskills;
    return 0;
}

/* Hands the job's proposals to the writer; the accepted one's id goes to
 * *accepted_id. */
static int insert_proposals(seed_loader_t *ld, const seed_job_t *job,
                            int64_t *accepted_id)
{
    for (int i = 0; i < job->nslots; i++) {
        const seed_slot_t *s = &ld->slots[i];
        seed_proposal_t *p = seed_writer_next(ld->writer);

        if (p == NULL)
            return FH_EDB;
        p->id = ++ld->next_proposal;
        p->job_id = job->id;
        p->bid_cents = s->bid_cents;
        p->created_at = s->created_at;
        p->updated_at = s->updated_at;
        for (int k = 0; k < 3; k++)
            p->skill[k] = ld->skill_names[job->skills[k % job->nskills]];
        p->profile_id = (int64_t)s->freelancer + 1;
        p->days = (uint16_t)s->days;
        p->status = (uint8_t)s->status;
        p->category = ld->fl[s->freelancer].category;
        if (i == job->accepted)
            *accepted_id = p->id;
    }
    ld->stats->proposals += job->nslots;
    return 0;
}

static int insert_review(seed_loader_t *ld, int64_t contract_id,
                         int64_t reviewer, int64_t reviewee, int rating,
                         const seed_wordlist_t *comments, int64_t at)
{
    seed_rng_t *r = &ld->rng;
    sqlite3_stmt *st = ld->ins_review;
    const char *comment = seed_rng_chance(r, 0.12)
                              ? "" : seed_pick(r, &comments[rating]);

    sqlite3_bind_int64(st, 1, ++ld->next_review);
    sqlite3_bind_int64(st, 2, contract_id);
    sqlite3_bind_int64(st, 3, reviewer);
    sqlite3_bind_int64(st, 4, reviewee);
    sqlite3_bind_int(st, 5, rating);
    seed_bind_text(st, 6, comment);
    sqlite3_bind_int64(st, 7, at);
    ld->stats->reviews++;
    return seed_loader_run(ld, st);
}

/* The completion of a job's contract: the freelancer's counters, then
 * the reviews each side leaves (most clients, fewer freelancers) within
 * ten days. */
static int complete_contract(seed_loader_t *ld, const seed_job_t *job,
                             int64_t contract_id)
{
    seed_rng_t *r = &ld->rng;
    const seed_slot_t *s = &ld->slots[job->accepted];
    seed_freelancer_t *f = &ld->fl[s->freelancer];
    seed_client_t *c = &ld->cl[job->client];
    int64_t fl_user = seed_freelancer_user_id(ld, s->freelancer);
    int64_t cl_user = seed_client_user_id(job->client);
    int64_t wait = ld->opts->now - job->ended_at;
    int rc = 0;

    f->completed++;
    f->earnings_cents += s->bid_cents;
    if (wait > 10 * SEED_DAY)
        wait = 10 * SEED_DAY;
    if (seed_rng_chance(r, 0.85)) {
        int rating = 1 + seed_rng_weighted(r, rating_weights[f->quality], 5);
        int64_t at = job->ended_at + (int64_t)((double)wait *
                                               seed_rng_unit(r));
        f->rating_sum += rating;
        f->rating_count++;
        rc = insert_review(ld, contract_id, cl_user, fl_user, rating,
                           seed_reviews_of_freelancers, at);
    }
    if (rc == 0 && seed_rng_chance(r, 0.65)) {
        int rating = 1 + seed_rng_weighted(r, client_rating_weights, 5);
        int64_t at = job->ended_at + (int64_t)((double)wait *
                                               seed_rng_unit(r));
        c->rating_sum += rating;
        c->rating_count++;
        rc = insert_review(ld, contract_id, fl_user, cl_user, rating,
                           seed_reviews_of_clients, at);
    }
    return rc;
}

/* Inserts the contract of a hired job: active while the job is in
 * progress, completed when it closed, cancelled with it. */
static int insert_contract(seed_loader_t *ld, const seed_job_t *job,
                           int64_t proposal_id)
{
    static const char *const names[] = {"", "active", "completed",
                                        "cancelled"};
    sqlite3_stmt *st = ld->ins_contract;
    const seed_slot_t *s = &ld->slots[job->accepted];
    int64_t id = ++ld->next_contract;
    int rc;

    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, proposal_id);
    sqlite3_bind_int64(st, 3, job->id);
    sqlite3_bind_int64(st, 4, (int64_t)s->freelancer + 1);
    sqlite3_bind_int64(st, 5, seed_client_user_id(job->client));
    sqlite3_bind_int64(st, 6, s->bid_cents);
    seed_bind_text(st, 7, names[job->status]);  /* the job's status, 1..3 */
    sqlite3_bind_int64(st, 8, job->decided_at);
    if (job->ended_at)
        sqlite3_bind_int64(st, 9, job->ended_at);
    else
        sqlite3_bind_null(st, 9);
    rc = seed_loader_run(ld, st);
    if (rc < 0)
        return rc;
    ld->stats->contracts++;
    return job->status == SEED_JOB_CLOSED ? complete_contract(ld, job, id) : 0;
}

/* Draws and writes job number idx (0-based) with everything hanging off
 * it. */
static int load_job(seed_loader_t *ld, int64_t idx)
{
    seed_rng_t *r = &ld->rng;
    seed_job_t *job = &ld->job;
    int64_t accepted_id = 0;
    int rc;

    job->id = idx + 1;
    double u = seed_rng_unit(r);
    job->client = ld->client_order[(uint32_t)(pow(u, 2.2) *
                                              (double)ld->opts->clients)];
    job->category = seed_rng_weighted(r, ld->demand, seed_ncategories);
    job->level = seed_rng_weighted(r, job_level_weights, 3);
    job->posted_at = posted_at(ld, idx);
    draw_budget(ld, job);
    draw_job_skills(ld, job);
    draw_fate(ld, job);
    draw_slots(ld, job);
    build_job_text(ld, job);

    rc = insert_job(ld, job);
    if (rc == 0)
        rc = insert_proposals(ld, job, &accepted_id);
    if (rc == 0 && job->hired)
        rc = insert_contract(ld, job, accepted_id);
    return rc;
}

int seed_jobs_load(seed_loader_t *ld)
{
    int64_t total = ld->opts->jobs, step = seed_progress_step(total);
    int rc = 0;

    seed_rng_init(&ld->rng, ld->opts->seed, SEED_STREAM_JOBS);
    for (int64_t i = 0; i < total && rc == 0; i++) {
        rc = load_job(ld, i);
        if (ld->progress && (i + 1) % step == 0)
            ld->progress("jobs", SEED_SHARE_JOBS * (double)(i + 1) /
                                 (double)total);
    }
    /* The writer goes on with the last proposals and their indexes. */
    seed_writer_end(ld->writer);
    return rc;
}
