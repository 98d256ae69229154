// The signed-in person's own page. A freelancer sees proposals by status,
// active contracts and earnings; a client sees its jobs, the proposals to
// accept or reject, and contracts to complete.
import {h, fill, uid} from '../dom.js';
import {get, post, me, explain} from '../api.js';
import {money, rating, ago, plural, titleCase} from '../format.js';
import {titled, navigate, announce} from '../app.js';

const proposalStatuses = ['pending', 'accepted', 'rejected', 'withdrawn'];

function stat(label, value) {
  return h('div', {class: 'stat'}, h('dt', {}, label), h('dd', {}, value));
}

function failure(e) {
  return h('p', {class: 'form-error', role: 'alert'}, explain(e));
}

// A button that runs action, shows its error in place, and disables
// itself while it runs.
function actionButton(text, action, {secondary = false, label = null} = {}) {
  const out = h('span', {class: 'inline-error', role: 'alert'});
  const b = h('button', {type: 'button', class: secondary ? 'secondary' : null,
                         'aria-label': label}, text);
  b.addEventListener('click', async () => {
    b.disabled = true;
    out.textContent = '';
    try {
      await action();
    } catch (e) {
      out.textContent = explain(e);
      b.disabled = false;
    }
  });
  return [b, out];
}

// ---- freelancer ----

async function freelancerProposals(box, profileId, status) {
  const r = await get(`/proposals/freelancer/${profileId}`,
                      {status: status || null, page_size: 50});
  if (!r.items.length) return fill(box, h('p', {}, status
    ? `No ${status} proposals.` : 'You have not sent any proposals yet. ',
    status ? null : h('a', {href: '/jobs'}, 'Find work')));
  fill(box, h('ul', {class: 'rows'}, r.items.map((p) => h('li', {},
    h('a', {href: `/jobs/${p.job_posting_id}`}, p.job_title), ' ',
    h('span', {class: `badge status-${p.status}`}, titleCase(p.status)),
    h('p', {class: 'meta'}, `Bid ${money(p.bid_amount_cents, p.currency)} · `,
      `${plural(p.estimated_duration_days, 'day', 'days')} · sent ${ago(p.created_at)}`),
    p.status === 'pending' ? actionButton('Withdraw', async () => {
      await post(`/proposals/${p.id}/withdraw`);
      announce('Proposal withdrawn.');
      await freelancerProposals(box, profileId, status);
    }, {secondary: true, label: `Withdraw proposal for ${p.job_title}`}) : null))),
  r.metadata.total_items > r.items.length
    ? h('p', {class: 'meta'}, `Showing the newest ${r.items.length} of ${r.metadata.total_items}.`)
    : null);
  return null;
}

async function freelancerDashboard(main, user) {
  let d;
  try {
    d = (await get('/dashboard/freelancer')).data;
  } catch (e) {
    if (e.status === 404) {
      fill(main, h('h1', {}, 'Your dashboard'),
        h('p', {}, 'Start by ', h('a', {href: '/profile/new'}, 'creating your freelancer profile'),
          ': clients read it with every proposal.'));
      return;
    }
    throw e;
  }
  const p = d.profile;
  const list = h('div', {'aria-live': 'polite'});
  const filterId = uid('status');
  const filter = h('select', {id: filterId}, h('option', {value: ''}, 'All'),
    proposalStatuses.map((s) => h('option', {value: s}, `${titleCase(s)} (${d.proposals[s]})`)));
  filter.addEventListener('change', () =>
    freelancerProposals(list, p.id, filter.value).catch((e) => fill(list, failure(e))));
  fill(main,
    h('h1', {}, 'Your dashboard'),
    h('p', {}, 'Signed in as ', h('strong', {}, user.name), ' · ',
      h('a', {href: `/freelancers/${p.id}`}, 'see your public profile')),
    h('dl', {class: 'stats'},
      stat('Earnings', money(d.earnings_cents, p.currency)),
      stat('Pending proposals', String(d.proposals.pending)),
      stat('Active contracts', String(d.contracts.active)),
      stat('Jobs done', String(p.completed_jobs)),
      stat('Rating', rating(p.rating))),
    h('section', {'aria-labelledby': 'props-h'},
      h('h2', {id: 'props-h'}, 'Your proposals'),
      h('div', {class: 'field inline'}, h('label', {for: filterId}, 'Show'), filter),
      list),
    h('section', {'aria-labelledby': 'active-h'},
      h('h2', {id: 'active-h'}, 'Active contracts'),
      d.active_contracts.length ? h('ul', {class: 'rows'}, d.active_contracts.map((c) =>
        h('li', {}, h('a', {href: `/contracts/${c.id}`}, c.job_title),
          h('p', {class: 'meta'}, `${money(c.amount_cents, c.currency)} · started ${ago(c.started_at)}`))))
        : h('p', {}, 'No active contracts.')),
    h('section', {'aria-labelledby': 'done-h'},
      h('h2', {id: 'done-h'}, 'Finished contracts'), await finishedContracts(p.id)));
  await freelancerProposals(list, p.id, '');
}

async function finishedContracts(profileId) {
  const r = await get(`/contracts/freelancer/${profileId}`, {status: 'completed', page_size: 10});
  if (!r.items.length) return h('p', {}, 'None yet.');
  return h('ul', {class: 'rows'}, r.items.map((c) => h('li', {},
    h('a', {href: `/contracts/${c.id}`}, c.job_title),
    h('p', {class: 'meta'}, `${money(c.amount_cents, c.currency)} · finished ${ago(c.ended_at)}`))));
}

// ---- client ----

async function jobProposals(job, refresh) {
  const r = await get(`/jobs/${job.id}/proposals`, {status: 'pending', page_size: 50});
  if (!r.items.length) return h('p', {class: 'meta'}, 'No proposals waiting.');
  return h('ul', {class: 'rows'}, r.items.map((p) => h('li', {class: 'proposal'},
    h('p', {}, h('a', {href: `/freelancers/${p.freelancer.id}`}, p.freelancer.name),
      ` · ${p.freelancer.title} · ${rating(p.freelancer.rating)}`),
    h('p', {class: 'meta'}, `Bids ${money(p.bid_amount_cents, p.currency)} · `,
      `${plural(p.estimated_duration_days, 'day', 'days')} · sent ${ago(p.created_at)}`),
    h('blockquote', {}, p.cover_letter),
    h('div', {class: 'actions'},
      actionButton('Accept', async () => {
        const c = (await post(`/proposals/${p.id}/accept`)).data;
        announce(`Proposal from ${p.freelancer.name} accepted. The contract has started.`);
        await refresh(c);
      }, {label: `Accept proposal from ${p.freelancer.name}`}),
      actionButton('Reject', async () => {
        await post(`/proposals/${p.id}/reject`);
        announce(`Proposal from ${p.freelancer.name} rejected.`);
        await refresh(null);
      }, {secondary: true, label: `Reject proposal from ${p.freelancer.name}`})))));
}

/* LIMITATION: proposals are offered for the client's newest jobs only (the
 * ten the client dashboard lists), and a completed contract is reviewed on
 * its own page, which completing opens: no API lists a client's jobs or
 * contracts in full. A client with more open jobs, or who leaves before
 * reviewing, reaches the rest through each job's or contract's address. */
async function clientDashboard(main, user) {
  const d = (await get('/dashboard/client')).data;
  const refresh = async () => {
    await clientDashboard(main, user);
    const status = main.querySelector('.status');
    if (status) status.focus();
  };
  const open = d.recent_jobs.filter((j) => j.status === 'open');
  const waiting = await Promise.all(open.map(async (j) => [j,
    j.proposal_count > 0 ? await jobProposals(j, refresh).catch(failure)
                         : h('p', {class: 'meta'}, 'No proposals yet.')]));
  fill(main,
    h('h1', {}, 'Your dashboard'),
    h('p', {class: 'status', tabindex: '-1'}, 'Signed in as ', h('strong', {}, user.name),
      ' · ', h('a', {href: '/jobs/new'}, 'Post a job')),
    h('dl', {class: 'stats'},
      stat('Open jobs', String(d.jobs.open)),
      stat('Proposals waiting', String(d.proposals_received.pending)),
      stat('Active contracts', String(d.contracts.active)),
      stat('Spent', money(d.spend_cents)),
      stat('Committed', money(d.committed_cents)),
      stat('Your rating', rating(d.rating))),
    h('section', {'aria-labelledby': 'review-h'},
      h('h2', {id: 'review-h'}, 'Proposals to review'),
      waiting.length ? waiting.map(([j, body]) => h('section', {class: 'panel'},
        h('h3', {}, h('a', {href: `/jobs/${j.id}`}, j.title)), body))
        : h('p', {}, 'You have no open jobs. ', h('a', {href: '/jobs/new'}, 'Post one'), '.')),
    h('section', {'aria-labelledby': 'cactive-h'},
      h('h2', {id: 'cactive-h'}, 'Active contracts'),
      d.active_contracts.length ? h('ul', {class: 'rows'}, d.active_contracts.map((c) =>
        h('li', {}, h('a', {href: `/contracts/${c.id}`}, c.job_title),
          h('p', {class: 'meta'}, `${money(c.amount_cents, c.currency)} · started ${ago(c.started_at)}`),
          h('div', {class: 'actions'}, actionButton('Mark complete', async () => {
            await post(`/contracts/${c.id}/complete`);
            announce('Contract completed. You can now leave a review.');
            navigate(`/contracts/${c.id}`);
          }, {label: `Mark contract for ${c.job_title} complete`})))))
        : h('p', {}, 'No active contracts.')),
    h('section', {'aria-labelledby': 'jobs-h'},
      h('h2', {id: 'jobs-h'}, 'Your recent jobs'),
      d.recent_jobs.length ? h('ul', {class: 'rows'}, d.recent_jobs.map((j) => h('li', {},
        h('a', {href: `/jobs/${j.id}`}, j.title), ' ',
        h('span', {class: `badge status-${j.status}`}, titleCase(j.status)),
        h('p', {class: 'meta'}, `${plural(j.proposal_count, 'proposal', 'proposals')} · posted ${ago(j.posted_at)}`))))
        : h('p', {}, 'No jobs yet.')));
}

export async function render(main) {
  titled('Dashboard');
  const user = me();
  if (!user) {
    fill(main, h('h1', {}, 'Your dashboard'),
      h('p', {}, h('a', {href: '/signin?next=/dashboard'}, 'Sign in'), ' to see your dashboard.'));
    return null;
  }
  try {
    if (user.role === 'client') await clientDashboard(main, user);
    else if (user.role === 'freelancer') await freelancerDashboard(main, user);
    else fill(main, h('h1', {}, 'Your dashboard'), h('p', {}, 'Administrators have no dashboard here.'));
  } catch (e) {
    fill(main, h('h1', {}, 'Your dashboard'), failure(e),
      e.status === 401 ? h('p', {}, h('a', {href: '/signin?next=/dashboard'}, 'Sign in again')) : null);
  }
  return null;
}
