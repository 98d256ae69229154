// Creating an account, as a freelancer or a client, then signing in.
import {h, fill, field} from '../dom.js';
import {post, signIn} from '../api.js';
import {apiForm} from '../forms.js';
import {titled, navigate, announce} from '../app.js';
import {nextPath} from './signin.js';

const labels = {name: 'Name', email: 'Email', password: 'Password',
                role: 'Account type', country: 'Country'};

export async function render(main) {
  titled('Register');
  const role = new URLSearchParams(location.search).get('role');
  const fields = {
    name: field({label: 'Your name', name: 'name', autocomplete: 'name'}),
    email: field({label: 'Email', name: 'email', type: 'email', autocomplete: 'email'}),
    password: field({label: 'Password', name: 'password', type: 'password',
                     autocomplete: 'new-password', hint: 'At least 10 characters.'}),
    role: field({label: 'I want to', name: 'role', type: 'select', value: role || 'freelancer',
                 options: [['freelancer', 'Find work (freelancer)'],
                           ['client', 'Hire people (client)']]}),
    country: field({label: 'Country (optional)', name: 'country', autocomplete: 'country-name'}),
  };
  const {form} = apiForm({
    fields, labels, submitText: 'Create account',
    onsubmit: async () => {
      const body = {name: fields.name.input.value.trim(),
                    email: fields.email.input.value.trim(),
                    password: fields.password.input.value,
                    role: fields.role.input.value};
      const country = fields.country.input.value.trim();
      if (country) body.country = country;
      await post('/auth/register', body);
      const user = await signIn(body.email, body.password);
      announce(`Welcome, ${user.name}. Your account is ready.`);
      if (user.role === 'freelancer') {
        const next = nextPath('');
        navigate(`/profile/new${next ? `?next=${encodeURIComponent(next)}` : ''}`);
      } else {
        navigate(nextPath());
      }
    },
  });
  fill(main, h('div', {class: 'narrow'},
    h('h1', {}, 'Create an account'), form,
    h('p', {}, 'Have an account? ', h('a', {href: `/signin${location.search}`}, 'Sign in'), '.')));
  return null;
}
