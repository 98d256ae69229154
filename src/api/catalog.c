/* GET /categories and GET /skills: the reference lists, with job counts. */
#include "api/api.h"

#include "store/catalog.h"

void api_categories_list(http_req_t *req)
{
    static const char *const params[] = {"page", "page_size", NULL};
    json_t *items;
    int64_t total;
    page_t page;
    db_t *db;
    int rc;

    if (http_query_check(req, params) < 0 || api_page(req, &page) < 0 ||
        api_db(req, &db) < 0)
        return;

    rc = store_categories_list(db, page.page_size, page.offset, &items, &total);
    if (rc < 0) {
        api_fail(req, rc, NULL, NULL);
        return;
    }
    http_reply_list(req, items, &page, total);
}

void api_skills_list(http_req_t *req)
{
    static const char *const params[] = {"q", "page", "page_size", NULL};
    const char *prefix;
    json_t *items;
    int64_t total;
    page_t page;
    db_t *db;
    int rc;

    if (http_query_check(req, params) < 0 || api_page(req, &page) < 0 ||
        http_query_str(req, "q", CATALOG_NAME_MAX, &prefix) < 0 ||
        api_db(req, &db) < 0)
        return;

    rc = store_skills_list(db, prefix, page.page_size, page.offset, &items,
                           &total);
    if (rc < 0) {
        api_fail(req, rc, NULL, NULL);
        return;
    }
    http_reply_list(req, items, &page, total);
}
