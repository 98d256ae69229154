// A freelancer's first profile: title, rate, skills and the rest.
import {h, fill, field} from '../dom.js';
import {post, me, refreshMe} from '../api.js';
import {apiForm} from '../forms.js';
import {allCategories} from '../catalog.js';
import {levels, toCents} from '../format.js';
import {titled, navigate, announce} from '../app.js';
import {nextPath} from './signin.js';

const labels = {title: 'Title', bio: 'About you', hourly_rate_cents: 'Hourly rate',
                skills: 'Skills', availability: 'Availability',
                experience_level: 'Experience level', category_id: 'Category',
                country: 'Country'};

export async function render(main) {
  titled('Create your profile');
  const user = me();
  if (!user || user.role !== 'freelancer') {
    fill(main, h('h1', {}, 'Create your profile'),
      h('p', {}, 'Profiles are for freelancers. ',
        h('a', {href: '/signin?next=/profile/new'}, 'Sign in'), ' with a freelancer account.'));
    return null;
  }
  if (user.profile_id) {
    fill(main, h('h1', {}, 'Your profile'),
      h('p', {}, 'You have a profile already: ',
        h('a', {href: `/freelancers/${user.profile_id}`}, 'see it'), '.'));
    return null;
  }
  const cats = await allCategories().catch(() => []);
  const fields = {
    title: field({label: 'Professional title', name: 'title',
                  hint: 'For example: Data analyst, Power BI dashboards'}),
    bio: field({label: 'About you', name: 'bio', type: 'textarea', rows: 5}),
    hourly_rate_cents: field({label: 'Hourly rate (USD)', name: 'rate', inputmode: 'decimal'}),
    skills: field({label: 'Skills', name: 'skills', hint: 'Separate skills with commas.'}),
    experience_level: field({label: 'Experience level', name: 'experience_level',
                             type: 'select', value: 'intermediate',
                             options: Object.entries(levels)}),
    availability: field({label: 'Availability', name: 'availability', type: 'select',
                         options: [['available', 'Available now'], ['busy', 'Busy'],
                                   ['unavailable', 'Not taking work']]}),
    category_id: field({label: 'Main category', name: 'category_id', type: 'select',
                        options: [['', 'None'], ...cats.map((c) => [String(c.id), c.name])]}),
    country: field({label: 'Country (optional)', name: 'country', autocomplete: 'country-name'}),
  };
  const {form} = apiForm({
    fields, labels, submitText: 'Create profile',
    onsubmit: async (showError) => {
      const v = (k) => fields[k].input.value.trim();
      const body = {title: v('title'), bio: fields.bio.input.value,
                    experience_level: v('experience_level'),
                    availability: v('availability'),
                    skills: v('skills').split(',').map((s) => s.trim()).filter(Boolean)};
      if (v('hourly_rate_cents')) {
        const cents = toCents(v('hourly_rate_cents'));
        if (Number.isNaN(cents))
          return showError('Enter a rate in dollars, like 45 or 37.50.', 'hourly_rate_cents');
        body.hourly_rate_cents = cents;
      }
      if (v('category_id')) body.category_id = Number(v('category_id'));
      if (v('country')) body.country = v('country');
      const r = await post('/profiles', body);
      await refreshMe();
      announce('Your profile is ready.');
      navigate(nextPath(`/freelancers/${r.data.id}`));
    },
  });
  fill(main, h('div', {class: 'narrow'},
    h('h1', {}, 'Create your profile'),
    h('p', {}, 'Clients read this with every proposal you send.'), form));
  return null;
}
