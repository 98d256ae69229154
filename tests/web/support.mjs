// What every browser test needs: the real freelance-hub on 127.0.0.1 with a
// temporary seeded database, a small API client for setting things up, and
// Debian's chromium driven by playwright-core, with axe checks and
// screenshots at desktop and phone width.
import {spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import {fileURLToPath} from 'node:url';
import {chromium} from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const SOURCE_DIR = process.env.FH_SOURCE_DIR || path.resolve(HERE, '..', '..');
export const BIN = process.env.FH_BIN || path.join(SOURCE_DIR, 'build', 'freelance-hub');
const SHARED_DATA = process.env.FH_SHARED_DATA ||
  path.join(path.dirname(SOURCE_DIR), 'shared', 'data');
export const ARTIFACTS = path.join(SOURCE_DIR, 'tests', 'artifacts', 'web');
const CHROMIUM = process.env.FH_CHROMIUM || '/usr/bin/chromium';
const BASE = '/api/v1/freelance';
export const PASSWORD = 'browser-test-password';

export const DESKTOP = {width: 1280, height: 900};
export const PHONE = {width: 390, height: 844};

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

// ---- the server ----

// Fills the database at url: the demo-data seeder when this build has it,
// else the real marketplace data the importer reads. Returns which one ran.
function seedDatabase(env) {
  const seed = spawnSync(BIN, ['seed', '--jobs', '500'], {env, encoding: 'utf8',
                                                            timeout: 120000});
  if (seed.status === 0) return 'seed';
  assert.ok(fs.existsSync(SHARED_DATA),
    `seed failed (${seed.stderr.trim()}) and there is no ${SHARED_DATA} to import`);
  const imp = spawnSync(BIN, ['import', SHARED_DATA], {env, encoding: 'utf8',
                                                       timeout: 120000});
  assert.equal(imp.status, 0, `import failed: ${imp.stderr}`);
  return 'import';
}

export class Server {
  constructor(env = {}) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fh-web-'));
    this.logPath = path.join(this.dir, 'server.log');
    this.env = {
      ...process.env,
      HOST: '127.0.0.1', PORT: '0',
      DATABASE_URL: `sqlite:${path.join(this.dir, 'web.db')}`,
      LOG_FILE: this.logPath, LOG_LEVEL: 'info', THREADS: '4',
      RATE_LIMIT_ENABLED: 'false',
      AUTH_HASH_OPS: '1', AUTH_HASH_MEMORY_KB: '8',
      ...env,
    };
    this.counter = 0;
  }

  log() {
    return fs.existsSync(this.logPath) ? fs.readFileSync(this.logPath, 'utf8') : '';
  }

  async start({seeded = true} = {}) {
    if (seeded) {
      const migrate = spawnSync(BIN, ['migrate'], {env: this.env, encoding: 'utf8'});
      assert.equal(migrate.status, 0, `migrate failed: ${migrate.stderr}`);
      this.data = seedDatabase(this.env);
    }
    this.stderr = '';
    this.proc = spawn(BIN, ['serve'], {env: this.env, stdio: ['ignore', 'ignore', 'pipe']});
    this.proc.stderr.on('data', (d) => { this.stderr += d; });
    const deadline = Date.now() + 15000;
    while (Date.now() < deadline) {
      if (this.proc.exitCode !== null)
        throw new Error(`server exited: ${this.stderr}${this.log()}`);
      const m = /msg=listening.*\bport=(\d+)/.exec(this.log());
      if (m) {
        this.port = Number(m[1]);
        this.url = `http://127.0.0.1:${this.port}`;
        return this;
      }
      await sleep(20);
    }
    throw new Error(`server did not start: ${this.log()}`);
  }

  // Stops the server and checks it logged no fault and no sanitizer report.
  async stop() {
    if (this.proc && this.proc.exitCode === null) {
      let timer;
      const exited = new Promise((r) => this.proc.once('exit', r));
      const late = new Promise((r) => { timer = setTimeout(() => r('timeout'), 30000); });
      this.proc.kill('SIGTERM');
      const code = await Promise.race([exited, late]);
      clearTimeout(timer);
      if (code === 'timeout') {
        this.proc.kill('SIGKILL');
        throw new Error('server did not stop on SIGTERM');
      }
    }
    const faults = this.log().split('\n').filter((l) => l.includes('level=error'));
    assert.deepEqual(faults, [], 'the server logged errors');
    assert.ok(!/Sanitizer|runtime error/.test(this.stderr), `sanitizer report:\n${this.stderr}`);
    fs.rmSync(this.dir, {recursive: true, force: true});
  }

  // ---- the API, for setting up and checking ----

  async api(method, p, {body, token, query} = {}) {
    const q = query ? `?${new URLSearchParams(query)}` : '';
    const headers = {};
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const r = await fetch(`${this.url}${BASE}${p}${q}`, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
    const json = await r.json().catch(() => null);
    return {status: r.status, json, headers: r.headers};
  }

  async ok(method, p, opts) {
    const r = await this.api(method, p, opts);
    assert.ok(r.status >= 200 && r.status < 300,
      `${method} ${p} gave ${r.status}: ${JSON.stringify(r.json)}`);
    return r.json;
  }

  unique(prefix) {
    this.counter += 1;
    return `${prefix}${process.pid}x${this.counter}x${Date.now() % 100000}`;
  }

  // A registered account: {id, email, name, role, token, profile_id}.
  async user(role, {name, profile} = {}) {
    const email = `${this.unique(role)}@example.com`;
    name = name || `Test ${role} ${this.counter}`;
    await this.ok('POST', '/auth/register', {body: {email, password: PASSWORD, name, role}});
    const login = await this.ok('POST', '/auth/login', {body: {email, password: PASSWORD}});
    const u = {...login.data.user, token: login.data.token, email};
    if (role === 'freelancer' && profile) {
      const p = await this.ok('POST', '/profiles', {token: u.token,
        body: {title: 'Test freelancer', hourly_rate_cents: 4000, skills: ['Testing'],
               ...profile}});
      u.profile_id = p.data.id;
    }
    return u;
  }

  async job(client, fields = {}) {
    const r = await this.ok('POST', '/jobs', {token: client.token, body: {
      title: this.unique('Job '), description: 'A job made by the browser tests.',
      budget_type: 'fixed', budget_min_cents: 10000, budget_max_cents: 50000,
      skills: ['Testing'], ...fields}});
    return r.data;
  }
}

// ---- the browser ----

export async function launch() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'fh-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: DESKTOP,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
           '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });
  context.setDefaultTimeout(15000);
  const close = context.close.bind(context);
  context.close = async () => {
    await close();
    fs.rmSync(profile, {recursive: true, force: true});
  };
  return context;
}

// A new tab that fails the test on any script error or console error.
export async function newPage(context, srv) {
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') page.problems.push(`console: ${m.text()}`);
  });
  page.on('request', (req) => {
    const u = new URL(req.url());
    if (u.origin !== srv.url && u.protocol !== 'data:')
      page.problems.push(`request outside the server: ${req.url()}`);
  });
  page.base = srv.url;
  return page;
}

// Expected 4xx answers the page shows in words also print a console line
// in Chromium ("Failed to load resource"); those are not faults.
export function pageFaults(page) {
  return page.problems.filter((p) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(p));
}

// Waits until the page is idle: no requests in flight and no busy region.
export async function settle(page) {
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
}

// Runs axe on the page as it is; fails on serious or critical violations.
export async function checkAxe(page, what) {
  const result = await new AxeBuilder({page}).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ` +
    v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')), [],
    `accessibility problems on ${what}`);
}

// Saves the page at desktop and phone width under tests/artifacts/web,
// checking it has no sideways scrolling and no axe violation at either.
export async function capture(page, name) {
  fs.mkdirSync(ARTIFACTS, {recursive: true});
  const before = page.viewportSize();
  for (const [label, size] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    await page.setViewportSize(size);
    await settle(page);
    await page.waitForTimeout(50);  // charts redraw at the new width
    const overflow = await page.evaluate(() =>
      document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `${name} scrolls sideways by ${overflow}px at ${label} width`);
    await checkAxe(page, `${name} at ${label} width`);
    await page.screenshot({path: path.join(ARTIFACTS, `${name}-${label}.png`), fullPage: true});
  }
  await page.setViewportSize(before);
}

export async function go(page, p) {
  await page.goto(page.base + p);
  await settle(page);
}

// Signs in through the page's form.
export async function signIn(page, email) {
  await go(page, '/signin');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', {name: 'Sign in'}).click();
  await page.getByRole('button', {name: 'Sign out'}).waitFor();
  await settle(page);
}

export async function signOut(page) {
  await page.getByRole('button', {name: 'Sign out'}).click();
  await page.getByRole('link', {name: 'Sign in'}).first().waitFor();
}
