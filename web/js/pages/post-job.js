// A client posts a job.
import {h, fill, field} from '../dom.js';
import {post, me} from '../api.js';
import {apiForm} from '../forms.js';
import {allCategories} from '../catalog.js';
import {levels, toCents} from '../format.js';
import {titled, navigate, announce} from '../app.js';

const labels = {title: 'Title', description: 'Description', category_id: 'Category',
                budget_type: 'Budget type', budget_min_cents: 'Budget from',
                budget_max_cents: 'Budget up to', experience_level: 'Experience level',
                skills: 'Skills', currency: 'Currency'};

export async function render(main) {
  titled('Post a job');
  const user = me();
  if (!user || user.role !== 'client') {
    fill(main, h('h1', {}, 'Post a job'),
      h('p', {}, 'Jobs are posted by clients. ',
        h('a', {href: '/signin?next=/jobs/new'}, 'Sign in'), ' or ',
        h('a', {href: '/register?role=client&next=/jobs/new'}, 'register as a client'), '.'));
    return null;
  }
  const cats = await allCategories().catch(() => []);
  const fields = {
    title: field({label: 'Job title', name: 'title'}),
    description: field({label: 'Description', name: 'description', type: 'textarea', rows: 8}),
    category_id: field({label: 'Category', name: 'category_id', type: 'select',
                        options: [['', 'None'], ...cats.map((c) => [String(c.id), c.name])]}),
    budget_type: field({label: 'Budget type', name: 'budget_type', type: 'select',
                        options: [['fixed', 'Fixed price'], ['hourly', 'Hourly rate']]}),
    budget_min_cents: field({label: 'Budget from (USD)', name: 'budget_min', inputmode: 'decimal'}),
    budget_max_cents: field({label: 'Budget up to (USD)', name: 'budget_max', inputmode: 'decimal'}),
    experience_level: field({label: 'Experience level', name: 'experience_level', type: 'select',
                             value: 'intermediate', options: Object.entries(levels)}),
    skills: field({label: 'Skills', name: 'skills', hint: 'Separate skills with commas.'}),
  };
  const {form} = apiForm({
    fields, labels, submitText: 'Post job',
    onsubmit: async (showError) => {
      const v = (k) => fields[k].input.value.trim();
      const body = {title: v('title'), description: fields.description.input.value,
                    budget_type: v('budget_type'), experience_level: v('experience_level'),
                    skills: v('skills').split(',').map((s) => s.trim()).filter(Boolean)};
      for (const k of ['budget_min_cents', 'budget_max_cents']) {
        if (!v(k)) continue;
        const cents = toCents(v(k));
        if (Number.isNaN(cents)) return showError('Enter an amount in dollars, like 500.', k);
        body[k] = cents;
      }
      if (v('category_id')) body.category_id = Number(v('category_id'));
      const r = await post('/jobs', body);
      announce('Your job is posted.');
      navigate(`/jobs/${r.data.id}`);
    },
  });
  fill(main, h('div', {class: 'narrow'}, h('h1', {}, 'Post a job'), form));
  return null;
}
