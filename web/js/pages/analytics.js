// The marketplace in numbers: jobs by category, rates by category, new jobs
// a week and how often proposals are accepted.
import {h, fill} from '../dom.js';
import {get, explain} from '../api.js';
import {barChart, columnChart, shareBar} from '../chart.js';
import {money, count, date} from '../format.js';
import {titled} from '../app.js';

const TOP = 12;

function stat(label, value) {
  return h('div', {class: 'stat'}, h('dt', {}, label), h('dd', {}, value));
}

export async function render(main) {
  titled('Marketplace');
  let d;
  try {
    d = (await get('/analytics/marketplace')).data;
  } catch (e) {
    fill(main, h('h1', {}, 'Marketplace'), h('p', {role: 'alert'}, explain(e)));
    return null;
  }
  const t = d.totals;
  const p = d.proposals;
  const jobs = [...d.jobs_by_category].sort((a, b) => b.total - a.total || a.name.localeCompare(b.name))
    .slice(0, TOP);
  const rates = [...d.rates_by_category].sort((a, b) => b.freelancers - a.freelancers ||
    a.name.localeCompare(b.name)).slice(0, TOP);
  const accepted = p.acceptance_rate === null ? 'No decisions yet'
    : `${(p.acceptance_rate * 100).toFixed(1)}%`;
  fill(main,
    h('h1', {}, 'Marketplace'),
    h('p', {class: 'meta'}, `Figures as of ${date(d.generated_at)}.`),
    h('dl', {class: 'stats'},
      stat('Jobs', count(t.jobs)), stat('Open jobs', count(t.open_jobs)),
      stat('Freelancers', count(t.freelancers)), stat('Clients', count(t.clients)),
      stat('Contracts', count(t.contracts)), stat('Acceptance rate', accepted)),
    h('div', {class: 'charts'},
      barChart({title: 'Jobs by category',
                head: ['Category', 'Jobs (open)'],
                rows: jobs.map((c) => ({label: c.name, value: c.total,
                                        text: `${count(c.total)} (${count(c.open)} open)`}))}),
      barChart({title: 'Median hourly rate by category',
                head: ['Category', 'Median rate (average)'],
                rows: rates.map((c) => ({label: `${c.name} · ${count(c.freelancers)} freelancers`,
                                         value: c.median_hourly_rate_cents || 0,
                                         text: `${money(c.median_hourly_rate_cents)} (avg ${money(c.avg_hourly_rate_cents)})`}))}),
      columnChart({title: 'New jobs per week (last 12 weeks)', head: ['Week of', 'New jobs'],
                   points: d.new_jobs_per_week.map((w) => ({
                     label: date(w.week_start).replace(/, \d{4}$/, ''), value: w.jobs,
                     text: count(w.jobs)}))}),
      shareBar({title: `Proposal outcomes (acceptance rate ${accepted})`, head: ['Outcome', 'Proposals'],
                parts: [{label: 'Accepted', value: p.accepted, cls: 'part-accepted'},
                        {label: 'Rejected', value: p.rejected, cls: 'part-rejected'},
                        {label: 'Withdrawn', value: p.withdrawn, cls: 'part-withdrawn'},
                        {label: 'Pending', value: p.pending, cls: 'part-pending'}]})),
    h('div', {class: 'two'},
      h('section', {}, h('h2', {}, 'Most wanted skills'),
        h('ol', {}, d.top_skills_demand.slice(0, 10).map((s) => h('li', {},
          h('a', {href: `/jobs?skill=${encodeURIComponent(s.skill)}`}, s.skill),
          ` · ${count(s.jobs)} jobs`)))),
      h('section', {}, h('h2', {}, 'Most offered skills'),
        h('ol', {}, d.top_skills_supply.slice(0, 10).map((s) => h('li', {},
          h('a', {href: `/freelancers?skill=${encodeURIComponent(s.skill)}&availability=any`}, s.skill),
          ` · ${count(s.profiles)} freelancers`))))));
  return null;
}
