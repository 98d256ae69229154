// A marketplace day in a real browser: search and page through jobs, open
// one, register and sign in, post a job as a client, propose on it as a
// freelancer, see the proposal on the dashboard, accept it as the client,
// complete and review the contract, and see the rating on the profile.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {Server, launch, newPage, pageFaults, settle, capture, go, signIn,
        signOut, PASSWORD} from './support.mjs';

let srv, browser, page;
const stamp = `${process.pid}${Date.now() % 100000}`;
const client = {name: `Clara Client ${stamp}`, email: `clara${stamp}@example.com`};
const freelancer = {name: `Fred Freelancer ${stamp}`, email: `fred${stamp}@example.com`};
const jobTitle = `Build a browser test suite ${stamp}`;

before(async () => {
  srv = await new Server().start();
  browser = await launch();
  page = await newPage(browser, srv);
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

async function firstTitles() {
  return page.locator('.results h3 a').allTextContents();
}

async function register(who, role) {
  await go(page, '/register');
  if (role === 'client') await capture(page, 'register');
  await page.getByLabel('Your name').fill(who.name);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password', {exact: true}).fill(PASSWORD);
  await page.getByLabel('I want to').selectOption(role);
  await page.getByRole('button', {name: 'Create account'}).click();
  await page.locator('.who', {hasText: `Signed in as ${who.name}`}).waitFor();
  await settle(page);
}

// A word in the titles of more than one page of open jobs, whatever data
// the database was filled with.
async function commonWord() {
  const r = await srv.ok('GET', '/jobs/search', {query: {page_size: 100}});
  const counts = new Map();
  for (const j of r.items)
    for (const w of new Set(j.title.toLowerCase().match(/[a-z]{4,}/g) || []))
      counts.set(w, (counts.get(w) || 0) + 1);
  for (const [w] of [...counts].sort((a, b) => b[1] - a[1])) {
    const found = await srv.ok('GET', '/jobs/search', {query: {q: w, page_size: 20}});
    if (found.metadata.total_pages >= 2) return w;
  }
  throw new Error('no title word finds two pages of jobs');
}

test('search, filter and page through jobs with the URL holding the state', async () => {
  const word = await commonWord();
  await go(page, '/');
  await page.getByRole('heading', {name: 'Find work'}).waitFor();
  const all = await page.locator('.status').textContent();
  assert.match(all, /[\d,]+ jobs found/);
  await capture(page, 'jobs');

  // Typing searches without a reload: a marker set on the window survives.
  await page.evaluate(() => { window.noReload = true; });
  const search = page.getByLabel('Search jobs');
  await search.pressSequentially(word, {delay: 40});
  await page.waitForURL(new RegExp(`/jobs\\?q=${word}$`));
  await settle(page);
  assert.equal(await page.evaluate(() => window.noReload), true);
  const found = await page.locator('.status').textContent();
  assert.notEqual(found, all);
  const page1 = await firstTitles();
  assert.equal(page1.length, 20);

  // The next page, then back: the first page and the search text return.
  await page.getByRole('link', {name: 'Next →'}).click();
  await page.waitForURL(new RegExp(`/jobs\\?q=${word}&page=2$`));
  await settle(page);
  const page2 = await firstTitles();
  assert.ok(page2.length > 0);
  assert.notDeepEqual(page2, page1);
  assert.match(await page.locator('.pager').textContent(), /Page 2 of/);
  await page.goBack();
  await page.waitForURL(new RegExp(`/jobs\\?q=${word}$`));
  await settle(page);
  assert.deepEqual(await firstTitles(), page1);
  assert.equal(await search.inputValue(), word);
  assert.equal(await page.evaluate(() => window.noReload), true);

  // A shared address shows the same results in a fresh load.
  await page.reload();
  await settle(page);
  assert.deepEqual(await firstTitles(), page1);
  assert.equal(await page.getByLabel('Search jobs').inputValue(), word);
});

test('open a job from the board', async () => {
  await go(page, '/jobs');
  const link = page.locator('.results h3 a').first();
  const title = await link.textContent();
  await link.click();
  await page.waitForURL(/\/jobs\/\d+$/);
  await settle(page);
  assert.equal(await page.getByRole('heading', {level: 1}).textContent(), title);
  await page.getByRole('heading', {name: 'Description'}).waitFor();
  await page.getByRole('heading', {name: 'About the client'}).waitFor();
  await page.getByText('Budget', {exact: true}).waitFor();
  // Anonymous: asked to sign in before proposing.
  await page.getByRole('link', {name: 'register as a freelancer'}).waitFor();
  await capture(page, 'job');
});

test('a client registers and posts a job', async () => {
  await register(client, 'client');
  await page.waitForURL(/\/dashboard$/);
  await page.getByRole('link', {name: 'Post a job'}).first().click();
  await page.getByRole('heading', {name: 'Post a job'}).waitFor();
  await page.getByLabel('Job title').fill(jobTitle);
  await page.getByLabel('Description').fill('Write Playwright tests for our web page.\n\nKeyboard and phone too.');
  await page.getByLabel('Budget from (USD)').fill('500');
  await page.getByLabel('Budget up to (USD)').fill('1000');
  await page.getByLabel('Skills').fill('Playwright, JavaScript');
  await capture(page, 'post-job');
  await page.getByRole('button', {name: 'Post job'}).click();
  await page.waitForURL(/\/jobs\/\d+$/);
  await settle(page);
  assert.equal(await page.getByRole('heading', {level: 1}).textContent(), jobTitle);
  await page.getByText('$500 – $1,000 fixed price').waitFor();
  await signOut(page);
});

test('a freelancer registers, makes a profile and signs in again', async () => {
  await register(freelancer, 'freelancer');
  await page.waitForURL(/\/profile\/new$/);
  await page.getByLabel('Professional title').fill('Test automation engineer');
  await page.getByLabel('Hourly rate (USD)').fill('45');
  await page.getByLabel('Skills').fill('Playwright, Testing');
  await capture(page, 'profile-new');
  await page.getByRole('button', {name: 'Create profile'}).click();
  await page.waitForURL(/\/freelancers\/\d+$/);
  await settle(page);
  freelancer.profileUrl = new URL(page.url()).pathname;
  assert.equal(await page.getByRole('heading', {level: 1}).textContent(), freelancer.name);
  assert.equal(await page.locator('dd.rating').textContent(), 'No reviews yet');
  await page.getByText('$45 an hour').waitFor();
  await signOut(page);
  await go(page, '/signin');
  await capture(page, 'signin');
  await signIn(page, freelancer.email);
  await page.waitForURL(/\/dashboard$/);
});

test('the freelancer proposes, and the server\'s errors show beside the fields', async () => {
  await go(page, `/jobs?q=${encodeURIComponent(jobTitle)}`);
  await page.getByRole('link', {name: jobTitle}).click();
  await page.getByRole('heading', {name: 'Send a proposal'}).waitFor();
  const cover = page.getByLabel('Cover letter');
  const bid = page.getByLabel('Your bid (USD)');
  const days = page.getByLabel('Estimated duration (days)');
  const send = page.getByRole('button', {name: 'Send proposal'});

  // Nothing filled: the server names the cover letter.
  await send.click();
  const coverError = page.locator(`#${await cover.getAttribute('id')}-error`);
  await coverError.filter({hasText: /Cover letter must be/}).waitFor();
  assert.equal(await cover.getAttribute('aria-invalid'), 'true');

  // A bid of nothing: the server's range, in dollars, beside the bid.
  await cover.fill('I write browser tests every day and would enjoy this one.');
  await bid.fill('0');
  await days.fill('14');
  await send.click();
  const bidError = page.locator(`#${await bid.getAttribute('id')}-error`);
  await bidError.filter({hasText: 'Your bid must be between $0.01 and $100,000,000.'}).waitFor();
  assert.equal(await coverError.textContent(), '');
  await capture(page, 'job-proposal-errors');

  await bid.fill('750');
  await send.click();
  await page.getByRole('heading', {name: 'Proposal sent'}).waitFor();
  await page.getByText('Your bid of $750 was sent.').waitFor();
});

test('the proposal shows on the freelancer\'s dashboard', async () => {
  await page.getByRole('link', {name: 'your dashboard'}).click();
  await page.waitForURL(/\/dashboard$/);
  await settle(page);
  const row = page.locator('.rows li', {hasText: jobTitle});
  await row.getByText('Pending').waitFor();
  await row.getByText('Bid $750').waitFor();
  assert.equal(await page.locator('.stat', {hasText: 'Pending proposals'}).locator('dd').textContent(), '1');
  await page.getByLabel('Show').selectOption('accepted');
  await page.getByText('No accepted proposals.').waitFor();
  await page.getByLabel('Show').selectOption('pending');
  await row.waitFor();
  await capture(page, 'dashboard-freelancer');
  await signOut(page);
});

test('the client accepts it, completes the contract and reviews it', async () => {
  await signIn(page, client.email);
  await page.waitForURL(/\/dashboard$/);
  const proposal = page.locator('.proposal', {hasText: freelancer.name});
  await proposal.getByText('Bids $750').waitFor();
  await capture(page, 'dashboard-client');
  await proposal.getByRole('button', {name: `Accept proposal from ${freelancer.name}`}).click();
  const active = page.locator('section', {has: page.getByRole('heading', {name: 'Active contracts'})});
  await active.getByRole('link', {name: jobTitle}).waitFor();
  assert.equal(await page.locator('.stat', {hasText: 'Committed'}).locator('dd').textContent(), '$750');

  await active.getByRole('button', {name: `Mark contract for ${jobTitle} complete`}).click();
  await page.waitForURL(/\/contracts\/\d+$/);
  await page.getByRole('heading', {name: 'Review the freelancer'}).waitFor();
  await page.getByText('Completed', {exact: true}).waitFor();
  await capture(page, 'contract');
  await page.getByLabel('Rating').selectOption('4');
  await page.getByLabel('Comment (optional)').fill('Clear tests, delivered on time.');
  await page.getByRole('button', {name: 'Send review'}).click();
  await page.getByText(`${client.name} gave 4 out of 5`).waitFor();
  assert.equal(await page.getByRole('heading', {name: 'Review the freelancer'}).count(), 0);
});

test('the review changes the rating on the freelancer\'s profile', async () => {
  await go(page, freelancer.profileUrl);
  assert.equal(await page.locator('dd.rating').textContent(), '4.00 ★ (1 review)');
  await page.getByText('Clear tests, delivered on time.').waitFor();
  assert.equal(await page.locator('.facts dd').nth(2).textContent(), '1');
  await capture(page, 'profile');
  await signOut(page);

  // The freelancer's dashboard counts the earnings.
  await signIn(page, freelancer.email);
  assert.equal(await page.locator('.stat', {hasText: 'Earnings'}).locator('dd').textContent(), '$750');
  await page.locator('section', {hasText: 'Finished contracts'}).getByRole('link', {name: jobTitle}).waitFor();
  await signOut(page);
});

test('the freelancer directory and the marketplace charts', async () => {
  await go(page, '/freelancers');
  assert.match(await page.locator('.status').textContent(), /freelancers? found/);
  await page.getByLabel('Sort by').selectOption('rate_asc');
  await page.waitForURL(/sort=rate_asc/);
  await settle(page);
  await capture(page, 'freelancers');

  await go(page, '/marketplace');
  await page.getByRole('heading', {name: 'Marketplace'}).waitFor();
  const charts = page.locator('figure.chart');
  assert.equal(await charts.count(), 4);
  for (let i = 0; i < 4; i++)
    assert.ok(await charts.nth(i).locator('svg rect').count() > 0, `chart ${i} draws bars`);
  assert.match(await page.locator('.stat', {hasText: 'Acceptance rate'}).locator('dd').textContent(),
               /^\d+\.\d%$/);
  await capture(page, 'marketplace');
  assert.deepEqual(pageFaults(page), []);
});
