// The job board's filters, sort and pages against the API's own answers,
// with the URL as the state: shared addresses, the back button, and the
// page's words for input it cannot send.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {Server, launch, newPage, pageFaults, settle, go} from './support.mjs';

let srv, browser, page, category;

before(async () => {
  srv = await new Server().start();
  browser = await launch();
  page = await newPage(browser, srv);
  // The category with the most open jobs, and more than one page of them.
  const cats = await srv.ok('GET', '/categories', {query: {page_size: 100}});
  category = cats.items.sort((a, b) => b.open_jobs - a.open_jobs)[0];
  assert.ok(category.open_jobs > 20, 'the seeded data has a category with two pages');
  // At least one job posted now, for the "posted within" filter.
  await srv.job(await srv.user('client'), {category_id: category.id});
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

async function shownTitles() {
  return page.locator('.results h3 a').allTextContents();
}

async function apiTitles(query) {
  const r = await srv.ok('GET', '/jobs/search', {query: {page_size: 20, ...query}});
  return {titles: r.items.map((j) => j.title), total: r.metadata.total_items};
}

async function shownTotal() {
  const text = await page.locator('.status').textContent();
  if (/No jobs match/.test(text)) return 0;
  return Number(/([\d,]+) jobs? found/.exec(text)[1].replace(/,/g, ''));
}

async function expectSame(query) {
  await settle(page);
  const want = await apiTitles(query);
  assert.deepEqual(await shownTitles(), want.titles);
  assert.equal(await shownTotal(), want.total);
}

test('a category filter shows what the API finds, and goes in the URL', async () => {
  await go(page, '/jobs');
  await page.getByLabel('Category').selectOption(String(category.id));
  await page.waitForURL(new RegExp(`/jobs\\?category=${category.id}$`));
  await expectSame({category_id: category.id});
  for (const meta of await page.locator('.card .meta').filter({hasText: 'Posted'}).allTextContents())
    assert.ok(meta.includes(category.name), meta);
});

test('level, budget range, posted within and sort each match the API', async () => {
  await go(page, `/jobs?category=${category.id}`);
  await page.getByLabel('Experience level').selectOption('expert');
  await page.waitForURL(/level=expert/);
  await expectSame({category_id: category.id, experience_level: 'expert'});

  await go(page, '/jobs');
  await page.getByLabel('Budget from (USD)').fill('100');
  await page.getByLabel('Budget up to (USD)').fill('500');
  await page.waitForURL(/min=100&max=500$/);
  await expectSame({budget_min_cents: 10000, budget_max_cents: 50000});

  await page.getByLabel('Sort by').selectOption('budget_desc');
  await page.waitForURL(/sort=budget_desc/);
  await expectSame({budget_min_cents: 10000, budget_max_cents: 50000, sort: 'budget_desc'});

  await go(page, '/jobs');
  await page.getByLabel('Posted within').selectOption('30');
  await page.waitForURL(/posted=30$/);
  const hour = 3600 * 1000;
  const after = new Date(Math.floor((Date.now() - 30 * 86400 * 1000) / hour) * hour)
    .toISOString().replace(/\.\d{3}Z$/, 'Z');
  await expectSame({posted_after: after});
  assert.ok(await shownTotal() > 0);
  assert.deepEqual(pageFaults(page), []);
});

test('relevance sorts only when there is search text', async () => {
  await go(page, '/jobs?q=dashboard&sort=relevance');
  await expectSame({q: 'dashboard', sort: 'relevance'});
  await go(page, '/jobs?sort=relevance');
  await expectSame({});
});

test('the back button walks back through filter changes', async () => {
  await go(page, '/jobs');
  const first = await shownTitles();
  await page.getByLabel('Category').selectOption(String(category.id));
  await page.waitForURL(/category=/);
  await settle(page);
  const inCategory = await shownTitles();
  await page.getByLabel('Experience level').selectOption('intermediate');
  await page.waitForURL(/level=intermediate/);
  await settle(page);

  await page.goBack();
  await page.waitForURL(new RegExp(`/jobs\\?category=${category.id}$`));
  await settle(page);
  assert.equal(await page.getByLabel('Experience level').inputValue(), '');
  assert.equal(await page.getByLabel('Category').inputValue(), String(category.id));
  assert.deepEqual(await shownTitles(), inCategory);

  await page.goBack();
  await page.waitForURL(/\/jobs$/);
  await settle(page);
  assert.equal(await page.getByLabel('Category').inputValue(), '');
  assert.deepEqual(await shownTitles(), first);

  await page.goForward();
  await page.waitForURL(/category=/);
  await settle(page);
  assert.deepEqual(await shownTitles(), inCategory);
});

test('typing one word makes one history entry, not one per letter', async () => {
  await go(page, '/jobs');
  await page.getByLabel('Search jobs').pressSequentially('python', {delay: 400});
  await page.waitForURL(/q=python$/);
  await settle(page);
  await page.goBack();
  await page.waitForURL(/\/jobs$/);
  await settle(page);
  assert.equal(await page.getByLabel('Search jobs').inputValue(), '');
});

test('a page past the last result says so; Clear filters starts over', async () => {
  await go(page, `/jobs?category=${category.id}&page=9999`);
  await page.getByText('This page is past the last result.').waitFor();
  await page.getByRole('button', {name: 'Clear filters'}).click();
  await page.waitForURL(/\/jobs$/);
  await expectSame({});
});

test('input the board cannot send is explained beside its field', async () => {
  await go(page, '/jobs');
  const min = page.getByLabel('Budget from (USD)');
  await min.fill('lots');
  await page.getByText('Enter an amount in dollars, like 500 or 99.50.').waitFor();
  assert.equal(await page.locator('.status').textContent(), 'Fix the marked filter to see results.');

  // The server refuses a range upside down; its words, made readable.
  await go(page, '/jobs?min=900&max=100');
  await page.getByText('Budget up to must not be below budget from.').first().waitFor();
  const maxId = await page.getByLabel('Budget up to (USD)').getAttribute('id');
  assert.equal(await page.locator(`#${maxId}-error`).textContent(),
               'Budget up to must not be below budget from.');
});
