// The first load of the page is small and comes only from the server; a
// second load revalidates every file and gets 304s.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {Server, launch, newPage, pageFaults, settle, capture} from './support.mjs';

const FIRST_LOAD_MAX = 150 * 1024;
let srv, browser;

before(async () => {
  srv = await new Server().start();
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

test('the first load of the job board is under 150 KB before compression', async () => {
  const page = await newPage(browser, srv);
  const sizes = [];
  page.on('response', async (resp) => {
    const body = await resp.body().catch(() => Buffer.alloc(0));
    sizes.push([new URL(resp.url()).pathname, body.length, resp.status()]);
  });
  await page.goto(`${srv.url}/`);
  await settle(page);
  await page.locator('.results h3 a').first().waitFor();
  await page.waitForTimeout(200);
  const total = sizes.reduce((a, [, n]) => a + n, 0);
  assert.ok(total < FIRST_LOAD_MAX,
    `first load is ${total} bytes:\n${sizes.map((s) => s.join(' ')).join('\n')}`);
  assert.ok(sizes.some(([p]) => p === '/js/app.js'));
  assert.ok(sizes.every(([, , status]) => status === 200), JSON.stringify(sizes));
  assert.deepEqual(pageFaults(page), []);
  await page.close();
});

test('a second load revalidates the files and is answered 304', async () => {
  const page = await newPage(browser, srv);
  await page.goto(`${srv.url}/marketplace`);
  await settle(page);
  const statuses = new Map();
  page.on('response', (resp) => {
    const p = new URL(resp.url()).pathname;
    if (!p.startsWith('/api/')) statuses.set(p, resp.status());
  });
  await page.reload();
  await settle(page);
  await page.getByRole('heading', {name: 'Marketplace'}).waitFor();
  assert.ok(statuses.size > 0);
  for (const [p, status] of statuses)
    assert.ok(status === 304 || status === 200, `${p}: ${status}`);
  assert.equal(statuses.get('/app.css'), 304);
  assert.deepEqual(pageFaults(page), []);
  await page.close();
});

test('an unknown address inside the page says so', async () => {
  const page = await newPage(browser, srv);
  await page.goto(`${srv.url}/no/such/page`);
  await page.getByRole('heading', {name: 'Page not found'}).waitFor();
  await capture(page, 'not-found');
  await page.getByRole('link', {name: 'Browse jobs'}).click();
  await page.waitForURL(/\/jobs$/);
  await page.getByRole('heading', {name: 'Find work'}).waitFor();
  await page.close();
});
