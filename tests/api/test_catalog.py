"""Reference lists: categories and skills, paged, with job counts."""
from harness import ApiTest, main


class CatalogTest(ApiTest):
    def test_categories_empty_list_has_zero_pages(self):
        r = self.assertStatus(self.srv.get("/categories"), 200)
        self.assertEqual(r.items, [])
        self.assertEqual(r.meta["total_items"], 0)
        self.assertEqual(r.meta["total_pages"], 0)
        self.assertFalse(r.meta["has_next"])
        self.assertFalse(r.meta["has_previous"])

    def test_skills_page_size_out_of_range_is_422(self):
        for size in ("0", "101", "-1"):
            r = self.srv.get("/skills?page_size=" + size)
            self.assertStatus(r, 422, "validation_failed", "page_size")

    def test_skills_page_not_a_number_is_400(self):
        r = self.srv.get("/skills?page=abc")
        self.assertStatus(r, 400, "malformed_request", "page")

    def test_unknown_query_parameter_is_422(self):
        r = self.srv.get("/categories?colour=red")
        self.assertStatus(r, 422, "validation_failed", "colour")


if __name__ == "__main__":
    main()
