// What a person sees when the API refuses: a wrong password (401), too many
// attempts (429 with its wait), a conflict (409), an ended session; that
// text from the API is shown as text, never run as markup; and that the
// pages work from the keyboard alone.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {Server, launch, newPage, pageFaults, settle, go, signIn, checkAxe,
        PASSWORD} from './support.mjs';

let srv, browser, page;

before(async () => {
  srv = await new Server().start({seeded: false});
  browser = await launch();
  page = await newPage(browser, srv);
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

async function trySignIn(email, password) {
  await go(page, '/signin');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', {name: 'Sign in'}).click();
}

test('a wrong password is said plainly', async () => {
  const u = await srv.user('client');
  await trySignIn(u.email, 'not-the-password');
  await page.getByText('That email and password do not match an account.').waitFor();
  await checkAxe(page, 'sign in with an error');
});

test('a 409 from the server is shown with its reason', async () => {
  const c = await srv.user('client');
  const f = await srv.user('freelancer', {profile: {title: 'Conflict tester'}});
  const job = await srv.job(c);
  await srv.ok('POST', '/proposals/create', {token: f.token, body: {
    job_posting_id: job.id, cover_letter: 'First.', bid_amount_cents: 1000,
    estimated_duration_days: 3}});
  await signIn(page, f.email);
  await go(page, `/jobs/${job.id}`);
  await page.getByLabel('Cover letter').fill('Second try.');
  await page.getByLabel(/Your bid/).fill('20');
  await page.getByLabel('Estimated duration (days)').fill('3');
  await page.getByRole('button', {name: 'Send proposal'}).click();
  await page.getByText('This cannot be done right now: you already have a live proposal on this job.')
    .waitFor();
});

test('an ended session sends the person back to sign in, in words', async () => {
  const f = await srv.user('freelancer', {profile: {title: 'Session tester'}});
  await signIn(page, f.email);
  // The session ends elsewhere (signed out on another device).
  const stored = await page.evaluate(() =>
    JSON.parse(sessionStorage.getItem('freelance-hub.session')).token);
  await srv.ok('POST', '/auth/logout', {token: stored});
  // signIn() waited for the dashboard it opened to finish drawing (the
  // view is aria-busy until then): none of its requests is left to meet
  // the 401 on the old page, end the session there and send the reload
  // below to a signed-out view.
  await go(page, '/dashboard');
  await page.getByText('Your session has ended. Please sign in again.').waitFor();
  await page.getByRole('link', {name: 'Sign in again'}).waitFor();
  // The navigation no longer claims a signed-in person.
  assert.equal(await page.getByRole('button', {name: 'Sign out'}).count(), 0);
});

test('a view is busy until it has drawn what it asked for', async () => {
  // Screen readers wait on aria-busy, and so does settle(): a view still
  // waiting for the API must say so, and stop saying so once drawn.
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route('**/api/v1/freelance/analytics/marketplace', async (route) => {
    await held;
    await route.continue();
  });
  try {
    await page.goto(page.base + '/marketplace');
    await page.waitForFunction(() =>
      document.getElementById('main').getAttribute('aria-busy') === 'true');
    assert.equal(await page.getByRole('heading', {name: 'Marketplace'}).count(), 0);
    release();
    await page.getByRole('heading', {name: 'Marketplace'}).waitFor();
    await page.waitForFunction(() =>
      !document.getElementById('main').hasAttribute('aria-busy'));
  } finally {
    release();
    await page.unroute('**/api/v1/freelance/analytics/marketplace');
  }
});

test('text from the API is shown as text, never run', async () => {
  const c = await srv.user('client', {name: '<img src=x onerror="window.hacked=1">Mallory'});
  const evil = '<script>window.hacked=2</script><b>bold</b>';
  const job = await srv.job(c, {title: `Evil ${evil}`, description: `Look: ${evil}`,
                                skills: ['<i>skill</i>']});
  await go(page, `/jobs/${job.id}`);
  assert.equal(await page.getByRole('heading', {level: 1}).textContent(), `Evil ${evil}`);
  await page.getByText(`Look: ${evil}`).waitFor();
  await page.getByText('<img src=x onerror="window.hacked=1">Mallory').waitFor();
  await go(page, `/jobs?q=${encodeURIComponent('Evil')}`);
  await page.getByRole('link', {name: `Evil ${evil}`}).waitFor();
  assert.equal(await page.evaluate(() => window.hacked), undefined);
  assert.equal(await page.locator('main img, main script, main b, main i').count(), 0);
});

test('the board, a job and sign in work from the keyboard alone', async () => {
  const c = await srv.user('client');
  const job = await srv.job(c, {title: `Keyboard job ${Date.now()}`});
  await go(page, '/jobs');
  // The first Tab reaches the skip link, which moves past the navigation.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('name')), 'q');
  await page.keyboard.type(job.title);
  await page.keyboard.press('Enter');
  await page.waitForURL(/q=Keyboard/);
  await settle(page);
  const link = page.getByRole('link', {name: job.title});
  await link.focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(new RegExp(`/jobs/${job.id}$`));
  // Focus goes to the new page's heading, so a screen reader starts there.
  await page.waitForFunction(() => document.activeElement.tagName === 'H1');

  const u = await srv.user('client');
  await go(page, '/signin');
  await page.getByLabel('Email').focus();
  await page.keyboard.type(u.email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
  await page.getByRole('button', {name: 'Sign out'}).waitFor();
  await page.getByRole('button', {name: 'Sign out'}).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('link', {name: 'Sign in'}).first().waitFor();
});

test('too many sign-in attempts give the wait in seconds', async () => {
  // A server that allows two sign-in attempts from one address in its
  // window, so the third is refused; its other limits stay out of the way.
  const strict = await new Server({RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_AUTH: '2',
                                   RATE_LIMIT_LENIENT: '1000000', RATE_LIMIT_STANDARD: '1000000',
                                   RATE_LIMIT_SEARCH: '1000000', RATE_LIMIT_STRICT: '1000000'})
    .start({seeded: false});
  const p = await newPage(browser, strict);
  try {
    const email = 'nobody@example.com';
    for (let i = 0; i < 3; i++) {
      await p.goto(`${strict.url}/signin`);
      await p.getByLabel('Email').fill(email);
      await p.getByLabel('Password').fill('wrong-password');
      await p.getByRole('button', {name: 'Sign in'}).click();
      await p.locator('.form-error p').waitFor();
    }
    const text = await p.locator('.form-error p').textContent();
    assert.match(text, /^Too many requests in a short time\. Please wait \d+ seconds? and try again\.$/);
    assert.deepEqual(pageFaults(p), []);
  } finally {
    await p.close();
    await strict.stop();
  }
  assert.deepEqual(pageFaults(page), []);
});
