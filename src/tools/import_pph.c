/* PeoplePerHour freelancer cards (peopleperhour_freelancers.csv): each
 * becomes a freelancer user with a profile holding the card's headline,
 * country, rate, rating and review count, and skills read off the
 * headline. */
#include "tools/import.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"
#include "common/util.h"
#include "store/catalog.h"
#include "tools/import_html.h"

#define IMPORT_PROFILE_SKILLS_MAX 10  /* skills derived per headline */

static const char *const pph_columns[] = {
    "Description", "Nationality", "Price", "Rating", "Total Votes",
};

/* Bytes of the decorative code point at p (general punctuation, symbols,
 * arrows, dingbats, emoji, joiners and variation selectors), or 0. */
static size_t decoration_len(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    if (p[0] == 0xE2 && p[1] >= 0x80 && p[1] <= 0xAF && (p[2] & 0xC0) == 0x80)
        return 3;  /* U+2000..U+2BFF */
    if (p[0] == 0xEF && p[1] == 0xB8 && p[2] >= 0x80 && p[2] <= 0x8F)
        return 3;  /* variation selectors */
    if (p[0] == 0xF0 && p[1] == 0x9F && (p[2] & 0xC0) == 0x80 &&
        (p[3] & 0xC0) == 0x80)
        return 4;  /* U+1F000..U+1FFFF */
    return 0;
}

/* Cuts decoration and punctuation from both ends of tok in place. A
 * leading '.' or '#' and a trailing '+' or '#' stay (".NET", "C++",
 * "C#"). */
static char *token_trim(char *tok)
{
    size_t n, d;

    for (;;) {
        if (*tok && strchr(" \t-_*~:;!?\"'()[]{}<>=", *tok))
            tok++;
        else if ((d = decoration_len(tok)) > 0)
            tok += d;
        else
            break;
    }
    n = strlen(tok);
    while (n > 0) {
        if (strchr(" \t-_*~:;!?\"'()[]{}<>=.,", tok[n - 1])) {
            n--;
            continue;
        }
        size_t start = n - 1;  /* the last code point */
        while (start > 0 && ((unsigned char)tok[start] & 0xC0) == 0x80)
            start--;
        if (decoration_len(tok + start) == n - start) {
            n = start;
            continue;
        }
        break;
    }
    tok[n] = '\0';
    return tok;
}

/* True when the first word of tok is one that starts no skill name: a
 * bare number ("10 Years Experience"; "3D" is fine) or a joining word
 * left over from a split sentence ("and games"). */
static bool token_starts_badly(const char *tok)
{
    static const char *const joiners[] = {"and", "or", "with", "for", "of",
                                          "in", "to", "the", "&", NULL};
    size_t first = strcspn(tok, " ");

    if (strspn(tok, "0123456789+") == first)
        return true;
    for (int i = 0; joiners[i]; i++)
        if (first == strlen(joiners[i]) &&
            strncasecmp(tok, joiners[i], first) == 0)
            return true;
    return false;
}

/* True when a headline token reads like a skill: 2..50 code points, a
 * letter in it, at most four words, a sensible first word, and none of the
 * marks of a slogan, an address or a cut ("#1", "100%", "@ Company",
 * "www.", "Artist: Concept art"). */
static bool token_is_skill(const char *tok)
{
    size_t chars = fh_utf8_len(tok), words = 1;
    bool letter = false;

    if (chars < 2 || chars > IMPORT_SKILL_CHARS_MAX)
        return false;
    if (strpbrk(tok, "%@:") || strstr(tok, "www.") ||
        strncasecmp(tok, "http", 4) == 0 || token_starts_badly(tok))
        return false;
    for (const char *p = tok; *p; p++) {
        if (isalpha((unsigned char)*p) || (unsigned char)*p >= 0xC0)
            letter = true;
        if (*p == ' ')
            words++;
        if (*p == '#' && isdigit((unsigned char)p[1]))
            return false;
    }
    return letter && words <= 4;
}

static const char *sql_profile_insert =
    "INSERT INTO freelance_profiles (user_id, title, hourly_rate_cents,"
    " currency, country, source, source_rating, source_review_count,"
    " source_key, created_at, updated_at)"
    " VALUES (?, ?, ?, 'USD', ?, 'peopleperhour', ?, ?, ?, ?, ?)"
    " ON CONFLICT (source_key) DO NOTHING RETURNING id";
static const char *sql_profile_skill_insert =
    "INSERT INTO profile_skills (profile_id, skill_id) VALUES (?, ?)"
    " ON CONFLICT DO NOTHING";

/* Derives up to ten skills from the headline, split on '|', '/' and ','.
 * headline is a copy the function may cut up.
 * LIMITATION: the cards carry no skill list, so skills are guessed from
 * the headline's pieces; job titles ("Senior Video Editor") and slogans
 * that pass the filters become skills too, and a headline that is one
 * sentence gives none. It costs precision in skill search and in the
 * supply side of the skill analytics for imported freelancers. */
static int pph_skills(import_run_t *run, int64_t profile_id, char *headline)
{
    int64_t ids[IMPORT_PROFILE_SKILLS_MAX];
    size_t n = 0;
    char *save = NULL;

    for (char *tok = strtok_r(headline, "|/,", &save);
         tok && n < IMPORT_PROFILE_SKILLS_MAX;
         tok = strtok_r(NULL, "|/,", &save)) {
        int64_t id;
        bool dup = false;
        db_stmt_t *st;
        int rc;

        if (strstr(tok, "...") || strstr(tok, "\xE2\x80\xA6"))
            continue;  /* cut short by the listing */
        tok = token_trim(tok);
        import_text_squash(tok);
        if (!token_is_skill(tok))
            continue;
        rc = store_skill_ensure(run->db, tok, &id);
        if (rc < 0)
            return rc;
        for (size_t i = 0; i < n; i++)
            dup |= ids[i] == id;
        if (dup)
            continue;
        ids[n++] = id;
        rc = db_prepare(run->db, sql_profile_skill_insert, &st);
        if (rc < 0)
            return rc;
        db_bind_int64(st, 1, profile_id);
        db_bind_int64(st, 2, id);
        rc = db_run(st);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Parses the card's rate, rating and review count. The rating is empty
 * and the count "N/A" when the freelancer has no reviews; a count looks
 * like "128)\nCER": the digits, then scraper debris. */
static int pph_numbers(char **f, int64_t *rate, double *rating,
                       int64_t *reviews, enum import_skip *why)
{
    char *price = import_trim(f[2]), *stars = import_trim(f[3]);
    char *votes = import_trim(f[4]);
    const char *end;
    char *dend;

    *rate = -1;
    *rating = -1;
    *reviews = -1;
    if (price[0]) {
        end = import_money_scan(price, rate);
        if (end == NULL || strcmp(end, "/hr") != 0) {
            *why = IMPORT_SKIP_BAD_RATE;
            return FH_EMALFORMED;
        }
    }
    if (stars[0]) {
        errno = 0;
        *rating = strtod(stars, &dend);
        if (errno || *dend != '\0' || !(*rating >= 0 && *rating <= 5)) {
            *why = IMPORT_SKIP_BAD_RATING;
            return FH_EMALFORMED;
        }
    }
    if (votes[0] && strcmp(votes, "N/A") != 0) {
        size_t digits = strspn(votes, "0123456789");
        if (digits == 0 || digits > 9) {
            *why = IMPORT_SKIP_BAD_REVIEWS;
            return FH_EMALFORMED;
        }
        votes[digits] = '\0';
        *reviews = atol(votes);
    }
    return 0;
}

/* One freelancer card: a user pph-<n>@import.freelance-hub.test, where n
 * is the first 16 hex digits of the row's hash, and a profile. The rate
 * is taken as USD: PeoplePerHour showed '$' to the scraper (SOURCES.md).
 * LIMITATION: the cards have no id, so a freelancer whose card changes in
 * a re-scraped file is imported again as a new user; the old one stays. */
static int pph_row(import_run_t *run, char **f)
{
    char n[17], email[96], name[64], key[64], *headline = NULL;
    enum import_skip why = IMPORT_SKIP_BAD_RATE;
    int64_t rate, reviews, user_id, profile_id = 0;
    double rating;
    db_stmt_t *st;
    int rc;

    import_hash_hex(run->row_hash, 16, n);
    snprintf(email, sizeof(email), "pph-%s@" IMPORT_EMAIL_DOMAIN, n);
    snprintf(name, sizeof(name), "PPH freelancer %s", n);
    snprintf(key, sizeof(key), "peopleperhour:%s", n);

    if (import_text_squash(f[0]) == 0)
        return import_skip_row(run, IMPORT_SKIP_NO_TITLE);
    if (pph_numbers(f, &rate, &rating, &reviews, &why) < 0)
        return import_skip_row(run, why);
    import_text_squash(f[1]);

    rc = import_user_ensure(run, email, name, "freelancer",
                            f[1][0] ? f[1] : NULL, &user_id);
    if (rc < 0)
        return rc;
    rc = db_prepare(run->db, sql_profile_insert, &st);
    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, user_id);
    db_bind_text(st, 2, f[0]);
    /* Missing values are bound as NULL, never left unbound: PostgreSQL
     * types a placeholder nothing was bound to as text. */
    if (rate >= 0)
        db_bind_int64(st, 3, rate);
    else
        db_bind_null(st, 3);
    db_bind_text(st, 4, f[1][0] ? f[1] : NULL);
    if (rating >= 0)
        db_bind_double(st, 5, rating);
    else
        db_bind_null(st, 5);
    if (reviews >= 0)
        db_bind_int64(st, 6, reviews);
    else
        db_bind_null(st, 6);
    db_bind_text(st, 7, key);
    db_bind_int64(st, 8, run->now);
    db_bind_int64(st, 9, run->now);
    rc = db_step(st);
    if (rc == 1)
        profile_id = db_col_int64(st, 0);
    db_reset(st);
    if (rc <= 0)
        return rc < 0 ? rc : IMPORT_PRESENT;

    headline = strdup(f[0]);
    if (headline == NULL)
        return FH_ENOMEM;
    rc = pph_skills(run, profile_id, headline);
    free(headline);
    return rc < 0 ? rc : IMPORT_ADDED;
}

const import_source_t import_source_pph = {
    "peopleperhour_freelancers.csv", pph_columns, 5, NULL, pph_row,
};
