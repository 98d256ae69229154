#include "store/explain.h"

#include <jansson.h>
#include <stdlib.h>

#include "common/err.h"
#include "store/contracts.h"
#include "store/jobs.h"
#include "store/profiles.h"
#include "store/proposals.h"

typedef int (*hot_list_fn)(enum db_engine engine, int index, const char **name,
                           const char **sql);

static const hot_list_fn hot_lists[] = {
    store_jobs_hot_queries,
    store_profiles_hot_queries,
    store_proposals_hot_queries,
    store_contracts_hot_queries,
};

static int explain_one(db_t *db, const char *name, const char *sql, FILE *out)
{
    json_t *plan = json_array();
    int rc;

    if (plan == NULL)
        return FH_ENOMEM;
    rc = db_query_plan(db, sql, plan);
    if (rc == 0) {
        json_t *row = json_pack("{ss so}", "name", name, "plan", plan);
        char *text = row ? json_dumps(row, JSON_COMPACT) : NULL;
        if (text)
            fprintf(out, "%s\n", text);
        else
            rc = FH_ENOMEM;
        free(text);
        json_decref(row);
        return rc;
    }
    json_decref(plan);
    return rc;
}

int store_explain_hot(db_t *db, FILE *out)
{
    for (size_t l = 0; l < sizeof(hot_lists) / sizeof(hot_lists[0]); l++) {
        const char *name, *sql;
        for (int i = 0; hot_lists[l](db_engine(db), i, &name, &sql) == 0; i++) {
            int rc = explain_one(db, name, sql, out);
            if (rc < 0)
                return rc;
        }
    }
    return 0;
}
