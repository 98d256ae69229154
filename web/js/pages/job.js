// One job: what it asks for, its budget and client, and for a signed-in
// freelancer the form to send a proposal.
import {h, fill, field} from '../dom.js';
import {get, post, me, explain} from '../api.js';
import {apiForm} from '../forms.js';
import {budget, ago, date, levels, plural, titleCase, toCents, money} from '../format.js';
import {titled, announce} from '../app.js';

const labels = {cover_letter: 'Cover letter', bid_amount_cents: 'Your bid',
                estimated_duration_days: 'Estimated duration',
                currency: 'Currency'};

function proposalForm(job, box) {
  const fields = {
    cover_letter: field({label: 'Cover letter', name: 'cover_letter', type: 'textarea',
                         hint: 'Why you are a good fit, and how you would do the work.'}),
    bid_amount_cents: field({label: `Your bid (${job.currency})`, name: 'bid',
                             inputmode: 'decimal',
                             hint: job.budget_type === 'hourly' ? 'Per hour.' : 'For the whole job.'}),
    estimated_duration_days: field({label: 'Estimated duration (days)', name: 'days',
                                    inputmode: 'numeric'}),
  };
  const {form} = apiForm({
    fields, labels, submitText: 'Send proposal',
    onsubmit: async (showError) => {
      const bidText = fields.bid_amount_cents.input.value;
      const daysText = fields.estimated_duration_days.input.value.trim();
      const body = {job_posting_id: job.id,
                    cover_letter: fields.cover_letter.input.value};
      if (bidText.trim()) {
        const cents = toCents(bidText);
        if (Number.isNaN(cents))
          return showError('Enter your bid in dollars, like 500 or 99.50.', 'bid_amount_cents');
        body.bid_amount_cents = cents;
      }
      if (daysText) {
        if (!/^\d+$/.test(daysText))
          return showError('Enter a whole number of days, like 14.', 'estimated_duration_days');
        body.estimated_duration_days = Number(daysText);
      }
      const r = await post('/proposals/create', body);
      fill(box, h('h2', {}, 'Proposal sent'),
        h('p', {role: 'status'},
          `Your bid of ${money(r.data.bid_amount_cents, r.data.currency)} was sent. `,
          'Follow it on ', h('a', {href: '/dashboard'}, 'your dashboard'), '.'));
      announce('Proposal sent.');
    },
  });
  return form;
}

function proposeBox(job) {
  const box = h('section', {class: 'panel', 'aria-labelledby': 'propose-h'});
  const user = me();
  const heading = h('h2', {id: 'propose-h'}, 'Send a proposal');
  if (job.status !== 'open') {
    fill(box, heading, h('p', {}, 'This job is not taking proposals any more.'));
  } else if (!user) {
    const next = encodeURIComponent(location.pathname);
    fill(box, heading, h('p', {},
      h('a', {href: `/signin?next=${next}`}, 'Sign in'), ' or ',
      h('a', {href: `/register?role=freelancer&next=${next}`}, 'register as a freelancer'),
      ' to send a proposal.'));
  } else if (user.role === 'client' && job.client.id === user.id) {
    fill(box, h('h2', {id: 'propose-h'}, 'Your job'),
      h('p', {}, `It has ${plural(job.proposal_count, 'proposal', 'proposals')}. `,
        h('a', {href: '/dashboard'}, 'Review them on your dashboard'), '.'));
  } else if (user.role !== 'freelancer') {
    fill(box, heading, h('p', {}, 'Only freelancers send proposals.'));
  } else if (!user.profile_id) {
    fill(box, heading, h('p', {}, 'Clients see your profile with your proposal. ',
      h('a', {href: `/profile/new?next=${encodeURIComponent(location.pathname)}`},
        'Create your freelancer profile'), ' first.'));
  } else {
    fill(box, heading, proposalForm(job, box));
  }
  return box;
}

export async function render(main, [id]) {
  let job;
  try {
    job = (await get(`/jobs/${id}`)).data;
  } catch (e) {
    titled('Job not found');
    fill(main, h('h1', {}, 'Job not available'), h('p', {role: 'alert'}, explain(e)),
      h('p', {}, h('a', {href: '/jobs'}, 'Back to all jobs')));
    return null;
  }
  titled(job.title);
  const client = job.client;
  fill(main,
    h('p', {class: 'crumbs'}, h('a', {href: '/jobs'}, '← All jobs')),
    h('article', {class: 'job'},
      h('h1', {}, job.title),
      h('p', {class: 'meta'},
        h('span', {class: `badge status-${job.status}`}, titleCase(job.status)), ' ',
        `Posted ${ago(job.posted_at)} (${date(job.posted_at)})`),
      h('dl', {class: 'facts'},
        h('dt', {}, 'Budget'), h('dd', {}, budget(job)),
        h('dt', {}, 'Experience'), h('dd', {}, levels[job.experience_level] || 'Any level'),
        h('dt', {}, 'Category'), h('dd', {}, job.category ? job.category.name : 'Uncategorised'),
        h('dt', {}, 'Proposals'), h('dd', {}, String(job.proposal_count))),
      job.skills.length ? [h('h2', {}, 'Skills'),
        h('ul', {class: 'chips'}, job.skills.map((s) => h('li', {},
          h('a', {href: `/jobs?skill=${encodeURIComponent(s)}`}, s))))] : null,
      h('h2', {}, 'Description'),
      h('div', {class: 'description'},
        (job.description || 'No description given.').split(/\n{2,}/).map((p) => h('p', {}, p))),
      h('section', {class: 'panel', 'aria-labelledby': 'client-h'},
        h('h2', {id: 'client-h'}, 'About the client'),
        h('p', {}, client.name, client.country ? ` · ${client.country}` : ''))),
    proposeBox(job));
  return null;
}
