// The job board: search text, filters, sort and pages, all held in the
// URL; results follow typing without reloading the page.
import {h, fill, field, uid} from '../dom.js';
import {get, explain, ApiError} from '../api.js';
import {allCategories, suggestSkills} from '../catalog.js';
import {budget, ago, count, levels, plural, toCents} from '../format.js';
import {setUrl, announce, titled} from '../app.js';

const PAGE_SIZE = 20;
const TYPING_MS = 300;
const posted = [['', 'Any time'], ['1', 'Last 24 hours'], ['7', 'Last 7 days'],
                ['30', 'Last 30 days'], ['90', 'Last 90 days']];
const sorts = [['newest', 'Newest first'], ['budget_desc', 'Highest budget'],
               ['budget_asc', 'Lowest budget'], ['relevance', 'Best match']];
const labels = {q: 'Search text', category_id: 'Category', skill: 'Skill',
                experience_level: 'Experience level',
                budget_min_cents: 'Budget from', budget_max_cents: 'Budget up to',
                posted_after: 'Posted within', sort: 'Sort', page: 'Page'};
// The page's URL names, and the API field each stands for.
const urlToApi = {q: 'q', category: 'category_id', skill: 'skill',
                  level: 'experience_level', min: 'budget_min_cents',
                  max: 'budget_max_cents', posted: 'posted_after'};

let view = null;  // the mounted board

// The state the URL holds, with defaults.
function stateFromUrl() {
  const p = new URLSearchParams(location.search);
  const page = Number.parseInt(p.get('page') || '1', 10);
  return {q: p.get('q') || '', category: p.get('category') || '',
          skill: p.get('skill') || '', level: p.get('level') || '',
          min: p.get('min') || '', max: p.get('max') || '',
          posted: p.get('posted') || '', sort: p.get('sort') || 'newest',
          page: Number.isFinite(page) && page > 0 ? page : 1};
}

function urlFromState(s) {
  const p = new URLSearchParams();
  for (const k of ['q', 'category', 'skill', 'level', 'min', 'max', 'posted'])
    if (s[k]) p.set(k, s[k]);
  if (s.sort && s.sort !== 'newest') p.set('sort', s.sort);
  if (s.page > 1) p.set('page', String(s.page));
  const q = p.toString();
  return `/jobs${q ? `?${q}` : ''}`;
}

// Start of the hour N days ago, so that the same choice makes the same
// request for an hour (and the server's cache can answer it).
function postedAfter(days) {
  const hour = 3600 * 1000;
  const t = Math.floor((Date.now() - days * 86400 * 1000) / hour) * hour;
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// The API query for a state, or {error: [field, message]} for what cannot
// be sent.
function apiParams(s) {
  const out = {page: s.page, page_size: PAGE_SIZE};
  if (s.q.trim()) out.q = s.q.trim();
  if (s.category) out.category_id = s.category;
  if (s.skill.trim()) out.skill = s.skill.trim();
  if (s.level) out.experience_level = s.level;
  for (const [k, name] of [['min', 'budget_min_cents'], ['max', 'budget_max_cents']]) {
    if (!s[k]) continue;
    const cents = toCents(s[k]);
    if (Number.isNaN(cents))
      return {error: [k, 'Enter an amount in dollars, like 500 or 99.50.']};
    out[name] = cents;
  }
  if (s.posted) out.posted_after = postedAfter(Number(s.posted));
  if (s.sort !== 'newest' && (s.sort !== 'relevance' || out.q)) out.sort = s.sort;
  return {params: out};
}

function jobCard(job) {
  const headingId = uid('job');
  return h('li', {},
    h('article', {class: 'card', 'aria-labelledby': headingId},
      h('h3', {id: headingId}, h('a', {href: `/jobs/${job.id}`}, job.title)),
      h('p', {class: 'meta'},
        h('strong', {}, budget(job)), ' · ',
        levels[job.experience_level] || 'Any level', ' · ',
        job.category ? job.category.name : 'Uncategorised', ' · ',
        h('time', {datetime: job.posted_at, title: job.posted_at}, `Posted ${ago(job.posted_at)}`)),
      job.description_snippet ? h('p', {}, job.description_snippet) : null,
      job.skills.length ? h('ul', {class: 'chips', 'aria-label': 'Skills'},
        job.skills.map((s) => h('li', {}, s))) : null,
      h('p', {class: 'meta'}, plural(job.proposal_count, 'proposal', 'proposals'))));
}

function pager(meta, s) {
  if (meta.total_pages <= 1) return null;
  const link = (page, text, rel) => h('a', {href: urlFromState({...s, page}), rel}, text);
  return h('nav', {class: 'pager', 'aria-label': 'Result pages'},
    meta.has_previous ? link(s.page - 1, '← Previous', 'prev') : h('span', {}),
    h('span', {}, `Page ${count(meta.page)} of ${count(meta.total_pages)}`),
    meta.has_next ? link(s.page + 1, 'Next →', 'next') : h('span', {}));
}

function buildForm(v) {
  const f = {};
  f.q = field({label: 'Search jobs', name: 'q', type: 'search',
               placeholder: 'e.g. data dashboard'});
  f.category = field({label: 'Category', name: 'category', type: 'select',
                      options: [['', 'Any category']]});
  const skills = h('datalist', {id: uid('skills')});
  f.skill = field({label: 'Skill', name: 'skill', list: skills.id,
                   placeholder: 'e.g. Python'});
  f.level = field({label: 'Experience level', name: 'level', type: 'select',
                   options: [['', 'Any level'], ...Object.entries(levels)]});
  f.min = field({label: 'Budget from (USD)', name: 'min', inputmode: 'decimal'});
  f.max = field({label: 'Budget up to (USD)', name: 'max', inputmode: 'decimal'});
  f.posted = field({label: 'Posted within', name: 'posted', type: 'select',
                    options: posted});
  f.sort = field({label: 'Sort by', name: 'sort', type: 'select', options: sorts});
  const form = h('form', {class: 'filters', role: 'search', 'aria-label': 'Job filters',
                          onsubmit: (e) => { e.preventDefault(); commit(v, false); }},
    f.q.row, f.category.row, f.skill.row, skills, f.level.row,
    h('div', {class: 'pair'}, f.min.row, f.max.row), f.posted.row, f.sort.row,
    h('div', {class: 'actions'},
      h('button', {type: 'submit'}, 'Search'),
      h('button', {type: 'button', class: 'secondary', onclick: () => {
        v.fields.q.input.value = '';
        for (const k of ['category', 'skill', 'level', 'min', 'max', 'posted'])
          v.fields[k].input.value = '';
        v.fields.sort.input.value = 'newest';
        commit(v, false);
      }}, 'Clear filters')));
  let typing = null;
  for (const k of ['q', 'skill', 'min', 'max'])
    f[k].input.addEventListener('input', () => {
      clearTimeout(typing);
      typing = setTimeout(() => commit(v, true), TYPING_MS);
    });
  for (const k of ['category', 'level', 'posted', 'sort'])
    f[k].input.addEventListener('change', () => commit(v, false));
  let skillTimer = null;
  f.skill.input.addEventListener('input', () => {
    clearTimeout(skillTimer);
    const prefix = f.skill.input.value.trim();
    if (prefix.length < 1) return;
    skillTimer = setTimeout(() => suggestSkills(skills, prefix).catch(() => {}), 250);
  });
  v.fields = f;
  v.timers = () => { clearTimeout(typing); clearTimeout(skillTimer); };
  return form;
}

function readForm(v) {
  const f = v.fields;
  return {q: f.q.input.value, category: f.category.input.value,
          skill: f.skill.input.value, level: f.level.input.value,
          min: f.min.input.value.trim(), max: f.max.input.value.trim(),
          posted: f.posted.input.value, sort: f.sort.input.value, page: 1};
}

function writeForm(v, s) {
  for (const k of ['q', 'category', 'skill', 'level', 'min', 'max', 'posted', 'sort']) {
    const input = v.fields[k].input;
    if (document.activeElement !== input || input.value !== s[k]) {
      if (input.tagName === 'SELECT' && ![...input.options].some((o) => o.value === s[k]))
        continue;
      if (input.value !== s[k]) input.value = s[k];
    }
  }
}

// Takes the form into the URL (a new history entry, except while the same
// person keeps typing) and shows its results.
function commit(v, typed) {
  const url = urlFromState(readForm(v));
  if (url === location.pathname + location.search) return;
  const replace = typed && history.state && history.state.typed;
  setUrl(url, {replace, state: {typed}});
  load(v);
}

function clearErrors(v) {
  for (const f of Object.values(v.fields)) f.error.textContent = '';
}

async function load(v) {
  const s = stateFromUrl();
  writeForm(v, s);
  clearErrors(v);
  if (v.abort) v.abort.abort();
  const {params, error} = apiParams(s);
  if (error) {
    v.fields[error[0]].error.textContent = error[1];
    fill(v.status, 'Fix the marked filter to see results.');
    return;
  }
  const abort = new AbortController();
  v.abort = abort;
  v.results.setAttribute('aria-busy', 'true');
  try {
    const r = await get('/jobs/search', params, abort.signal);
    if (abort.signal.aborted) return;
    const total = r.metadata.total_items;
    const text = total === 0 ? 'No jobs match these filters.'
                             : `${plural(total, 'job', 'jobs')} found`;
    fill(v.status, text);
    fill(v.results, r.items.length
      ? h('ol', {class: 'cards'}, r.items.map(jobCard))
      : h('p', {class: 'empty'},
          total > 0 ? 'This page is past the last result.'
                    : 'Try fewer filters or other words.'),
      pager(r.metadata, s));
    announce(text);
  } catch (e) {
    if (e.name === 'AbortError') return;
    const apiName = e instanceof ApiError ? e.field : null;
    const key = Object.keys(urlToApi).find((k) => urlToApi[k] === apiName) ||
                (apiName === 'sort' ? 'sort' : null);
    const msg = explain(e, labels);
    if (key) v.fields[key].error.textContent = msg;
    fill(v.status, h('span', {role: 'alert'}, msg));
    fill(v.results);
  } finally {
    if (v.abort === abort) {
      v.results.removeAttribute('aria-busy');
      v.abort = null;
    }
  }
}

export async function render(main) {
  titled('Find work');
  const v = {};
  v.status = h('p', {class: 'status', id: uid('status')});
  v.results = h('div', {class: 'results', 'aria-describedby': v.status.id});
  const form = buildForm(v);
  fill(main,
    h('h1', {}, 'Find work'),
    h('div', {class: 'board'}, form,
      h('section', {'aria-label': 'Results'}, v.status, v.results)));
  v.form = form;
  view = v;
  allCategories().then((cats) => {
    const sel = v.fields.category.input;
    for (const c of cats) sel.appendChild(h('option', {value: c.id}, c.name));
    writeForm(v, stateFromUrl());
  }).catch(() => {});
  await load(v);
  return () => {
    v.timers();
    if (v.abort) v.abort.abort();
    view = null;
  };
}

// The back button or a page link: the URL changed under the mounted board.
export function update() {
  if (!view) return false;
  load(view).then(() => {
    if (!view) return;
    view.status.setAttribute('tabindex', '-1');
    if (!view.form.contains(document.activeElement)) view.status.focus();
  });
  return true;
}
