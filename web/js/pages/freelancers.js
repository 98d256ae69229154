// The freelancer directory: skill, category, rate, rating and availability
// filters with sort and pages, held in the URL.
import {h, fill, field, uid} from '../dom.js';
import {get, explain} from '../api.js';
import {allCategories, suggestSkills} from '../catalog.js';
import {money, rating, plural, count, toCents, titleCase} from '../format.js';
import {setUrl, announce, titled} from '../app.js';

const PAGE_SIZE = 20;
const keys = ['skill', 'category', 'max_rate', 'min_rating', 'availability', 'sort'];
const sorts = [['rating', 'Best rated'], ['completed_jobs', 'Most jobs done'],
               ['rate_asc', 'Lowest rate'], ['rate_desc', 'Highest rate']];
const labels = {skill: 'Skill', category_id: 'Category', max_rate_cents: 'Hourly rate up to',
                min_rating: 'Minimum rating', availability: 'Availability'};
const apiToKey = {skill: 'skill', category_id: 'category', max_rate_cents: 'max_rate',
                  min_rating: 'min_rating', availability: 'availability', sort: 'sort'};

let view = null;

function stateFromUrl() {
  const p = new URLSearchParams(location.search);
  const s = {};
  for (const k of keys) s[k] = p.get(k) || '';
  if (!s.sort) s.sort = 'rating';
  if (!s.availability) s.availability = 'available';
  const page = Number.parseInt(p.get('page') || '1', 10);
  s.page = page > 0 ? page : 1;
  return s;
}

function urlFromState(s) {
  const p = new URLSearchParams();
  for (const k of keys)
    if (s[k] && !(k === 'sort' && s[k] === 'rating') &&
        !(k === 'availability' && s[k] === 'available'))
      p.set(k, s[k]);
  if (s.page > 1) p.set('page', String(s.page));
  const q = p.toString();
  return `/freelancers${q ? `?${q}` : ''}`;
}

function card(f) {
  const id = uid('fl');
  return h('li', {}, h('article', {class: 'card', 'aria-labelledby': id},
    h('h3', {id}, h('a', {href: `/freelancers/${f.id}`}, f.name)),
    h('p', {}, f.title),
    h('p', {class: 'meta'},
      h('strong', {}, f.hourly_rate_cents === null ? 'Rate not given'
                                                   : `${money(f.hourly_rate_cents, f.currency)} an hour`),
      ' · ', rating(f.rating), ' · ', plural(f.completed_jobs, 'job done', 'jobs done'),
      ' · ', titleCase(f.availability), f.country ? ` · ${f.country}` : ''),
    f.skills.length ? h('ul', {class: 'chips', 'aria-label': 'Skills'},
      f.skills.slice(0, 8).map((s) => h('li', {}, s))) : null));
}

async function load(v) {
  const s = stateFromUrl();
  for (const k of keys) {
    const input = v.fields[k].input;
    if (input.value !== s[k] && (input.tagName !== 'SELECT' ||
        [...input.options].some((o) => o.value === s[k])))
      input.value = s[k];
    v.fields[k].error.textContent = '';
  }
  const params = {page: s.page, page_size: PAGE_SIZE, sort: s.sort,
                  availability: s.availability};
  if (s.skill.trim()) params.skill = s.skill.trim();
  if (s.category) params.category_id = s.category;
  if (s.min_rating) params.min_rating = s.min_rating;
  if (s.max_rate) {
    const cents = toCents(s.max_rate);
    if (Number.isNaN(cents)) {
      v.fields.max_rate.error.textContent = 'Enter an amount in dollars, like 50.';
      return;
    }
    params.max_rate_cents = cents;
  }
  if (v.abort) v.abort.abort();
  const abort = new AbortController();
  v.abort = abort;
  v.results.setAttribute('aria-busy', 'true');
  try {
    const r = await get('/freelancers/search', params, abort.signal);
    const m = r.metadata;
    const text = m.total_items ? `${plural(m.total_items, 'freelancer', 'freelancers')} found`
                               : 'No freelancers match these filters.';
    fill(v.status, text);
    const link = (page, t, rel) => h('a', {href: urlFromState({...s, page}), rel}, t);
    fill(v.results, h('ol', {class: 'cards'}, r.items.map(card)),
      m.total_pages > 1 ? h('nav', {class: 'pager', 'aria-label': 'Result pages'},
        m.has_previous ? link(s.page - 1, '← Previous', 'prev') : h('span', {}),
        h('span', {}, `Page ${count(m.page)} of ${count(m.total_pages)}`),
        m.has_next ? link(s.page + 1, 'Next →', 'next') : h('span', {})) : null);
    announce(text);
  } catch (e) {
    if (e.name === 'AbortError') return;
    const key = apiToKey[e.field];
    const msg = explain(e, labels);
    if (key) v.fields[key].error.textContent = msg;
    fill(v.status, h('span', {role: 'alert'}, msg));
    fill(v.results);
  } finally {
    if (v.abort === abort) {
      v.abort = null;
      v.results.removeAttribute('aria-busy');
    }
  }
}

function commit(v, typed) {
  const s = {page: 1};
  for (const k of keys) s[k] = v.fields[k].input.value.trim();
  const url = urlFromState(s);
  if (url === location.pathname + location.search) return;
  setUrl(url, {replace: typed && history.state && history.state.typed, state: {typed}});
  load(v);
}

export async function render(main) {
  titled('Freelancers');
  const v = {fields: {}};
  const list = h('datalist', {id: uid('skills')});
  const f = v.fields;
  f.skill = field({label: 'Skill', name: 'skill', list: list.id, placeholder: 'e.g. WordPress'});
  f.category = field({label: 'Category', name: 'category', type: 'select',
                      options: [['', 'Any category']]});
  f.max_rate = field({label: 'Hourly rate up to (USD)', name: 'max_rate', inputmode: 'decimal'});
  f.min_rating = field({label: 'Minimum rating', name: 'min_rating', type: 'select',
                        options: [['', 'Any rating'], ['3', '3 ★ and up'], ['4', '4 ★ and up'],
                                  ['4.5', '4.5 ★ and up']]});
  f.availability = field({label: 'Availability', name: 'availability', type: 'select',
                          options: [['available', 'Available now'], ['any', 'Anyone']]});
  f.sort = field({label: 'Sort by', name: 'sort', type: 'select', options: sorts});
  v.status = h('p', {class: 'status', tabindex: '-1'});
  v.results = h('div', {class: 'results'});
  let timer = null, skillTimer = null;
  for (const k of ['skill', 'max_rate'])
    f[k].input.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => commit(v, true), 300);
    });
  for (const k of ['category', 'min_rating', 'availability', 'sort'])
    f[k].input.addEventListener('change', () => commit(v, false));
  f.skill.input.addEventListener('input', () => {
    clearTimeout(skillTimer);
    const prefix = f.skill.input.value.trim();
    if (prefix) skillTimer = setTimeout(() => suggestSkills(list, prefix).catch(() => {}), 250);
  });
  const form = h('form', {class: 'filters', role: 'search', 'aria-label': 'Freelancer filters',
                          onsubmit: (e) => { e.preventDefault(); commit(v, false); }},
    Object.values(f).map((x) => x.row), list,
    h('div', {class: 'actions'}, h('button', {type: 'submit'}, 'Search')));
  v.form = form;
  fill(main, h('h1', {}, 'Freelancers'),
    h('div', {class: 'board'}, form, h('section', {'aria-label': 'Results'}, v.status, v.results)));
  view = v;
  allCategories().then((cats) => {
    for (const c of cats) f.category.input.appendChild(h('option', {value: c.id}, c.name));
    f.category.input.value = stateFromUrl().category;
  }).catch(() => {});
  await load(v);
  return () => {
    clearTimeout(timer);
    clearTimeout(skillTimer);
    if (v.abort) v.abort.abort();
    view = null;
  };
}

export function update() {
  if (!view) return false;
  load(view).then(() => {
    if (view && !view.form.contains(document.activeElement)) view.status.focus();
  });
  return true;
}
