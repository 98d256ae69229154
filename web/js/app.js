// The page's shell: client-side routes, the navigation, links that change
// the view without a reload, and the signed-in state.
import {h, fill} from './dom.js';
import {me, onSession, signOut} from './api.js';

const routes = [
  [/^\/$/, 'jobs'],
  [/^\/jobs$/, 'jobs'],
  [/^\/jobs\/new$/, 'post-job'],
  [/^\/jobs\/(\d+)$/, 'job'],
  [/^\/freelancers$/, 'freelancers'],
  [/^\/freelancers\/(\d+)$/, 'profile'],
  [/^\/profile\/new$/, 'profile-edit'],
  [/^\/contracts\/(\d+)$/, 'contract'],
  [/^\/dashboard$/, 'dashboard'],
  [/^\/marketplace$/, 'analytics'],
  [/^\/signin$/, 'signin'],
  [/^\/register$/, 'register'],
];

const main = document.getElementById('main');
const nav = document.getElementById('nav');
let current = null;  // {name, module, cleanup}
let renderSeq = 0;
let shown = '';     // the path and query the view shows

function routeOf(path) {
  for (const [re, name] of routes) {
    const m = re.exec(path);
    if (m) return {name, params: m.slice(1)};
  }
  return {name: 'not-found', params: []};
}

// Tells screen readers what happened (a page change, a search result).
export function announce(text) {
  const el = document.getElementById('announce');
  el.textContent = '';
  setTimeout(() => { el.textContent = text; }, 30);
}

// Sets the title of the tab and the page's heading focus target.
export function titled(text) {
  document.title = `${text} · Freelance Hub`;
}

// Moves to url inside the page. replace keeps the history entry.
export function navigate(url, {replace = false} = {}) {
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  render({focus: true});
}

// Changes the address without rendering again (a page that keeps its own
// view in step with the URL, like the job board while someone types).
export function setUrl(url, {replace = false, state = null} = {}) {
  if (replace) history.replaceState(state, '', url);
  else history.pushState(state, '', url);
  shown = location.pathname + location.search;
}

function navLink(href, text) {
  const here = location.pathname === href ||
               (href === '/jobs' && location.pathname === '/');
  return h('a', {href, 'aria-current': here ? 'page' : null}, text);
}

function renderNav() {
  const user = me();
  const links = [navLink('/jobs', 'Find work'),
                 navLink('/freelancers', 'Freelancers'),
                 navLink('/marketplace', 'Marketplace')];
  if (user) {
    links.push(navLink('/dashboard', 'Dashboard'));
    if (user.role === 'client') links.push(navLink('/jobs/new', 'Post a job'));
    links.push(h('span', {class: 'who'}, `Signed in as ${user.name}`));
    links.push(h('button', {type: 'button', class: 'link', onclick: async () => {
      await signOut();
      navigate('/signin');
      announce('You are signed out.');
    }}, 'Sign out'));
  } else {
    links.push(navLink('/signin', 'Sign in'), navLink('/register', 'Register'));
  }
  fill(nav, h('ul', {}, links.map((l) => h('li', {}, l))));
}

// Loads the view's module and draws it into main; current is set once it
// is drawn, unless a newer render (seq) took over meanwhile.
async function show(seq, name, params) {
  let module;
  try {
    module = await import(`./pages/${name}.js`);
  } catch {
    if (seq !== renderSeq) return;
    fill(main, h('h1', {}, 'This page could not load'),
      h('p', {}, 'Check your connection and reload the page.'));
    return;
  }
  if (seq !== renderSeq) return;
  fill(main);
  const cleanup = await module.render(main, params);
  if (seq !== renderSeq) return;
  current = {name, module, cleanup};
}

async function render({focus = false} = {}) {
  const seq = ++renderSeq;
  const {name, params} = routeOf(location.pathname);
  shown = location.pathname + location.search;
  renderNav();
  if (current && current.name === name && current.module.update &&
      current.module.update(main, params) !== false)
    return;
  if (current && current.cleanup) current.cleanup();
  current = null;
  // The view is busy until its first render has all it asked for: screen
  // readers wait for it, and nothing takes a half-drawn view as done.
  main.setAttribute('aria-busy', 'true');
  try {
    await show(seq, name, params);
  } finally {
    if (seq === renderSeq) main.removeAttribute('aria-busy');
  }
  if (seq !== renderSeq || !current) return;
  if (focus) {
    const heading = main.querySelector('h1');
    if (heading) {
      heading.setAttribute('tabindex', '-1');
      heading.focus({preventScroll: true});
      announce(heading.textContent);
    }
    window.scrollTo(0, 0);
  }
}

document.addEventListener('click', (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey ||
      e.shiftKey || e.altKey)
    return;
  const a = e.target.closest('a[href]');
  if (!a || a.target || a.hasAttribute('download')) return;
  const url = new URL(a.href, location.href);
  // Other origins, the API, its documentation and plain files load as
  // usual; only the page's own views are shown in place.
  if (url.origin !== location.origin || url.pathname.startsWith('/api/') ||
      url.pathname === '/docs' || url.pathname.startsWith('/docs/') ||
      /\.[a-z0-9]+$/i.test(url.pathname))
    return;
  if (url.pathname === location.pathname && url.search === location.search &&
      url.hash) return;
  e.preventDefault();
  navigate(url.pathname + url.search);
});

// A jump within the page (the skip link's #main) also fires popstate; only
// a change of path or query is a new view.
window.addEventListener('popstate', () => {
  const now = location.pathname + location.search;
  if (now === shown) return;
  render({focus: false});
});
onSession(() => renderNav());
render();
