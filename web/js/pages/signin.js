// Signing in: email and password give a bearer token kept for this tab.
import {h, fill, field} from '../dom.js';
import {signIn} from '../api.js';
import {apiForm} from '../forms.js';
import {titled, navigate, announce} from '../app.js';

// Where to go after signing in: a path inside this page, else the dashboard.
export function nextPath(fallback = '/dashboard') {
  const next = new URLSearchParams(location.search).get('next') || '';
  return /^\/(?!\/)[\w\-/?=&%.]*$/.test(next) ? next : fallback;
}

export async function render(main) {
  titled('Sign in');
  const fields = {
    email: field({label: 'Email', name: 'email', type: 'email', autocomplete: 'username'}),
    password: field({label: 'Password', name: 'password', type: 'password',
                     autocomplete: 'current-password'}),
  };
  const {form} = apiForm({
    fields, labels: {email: 'Email', password: 'Password'}, submitText: 'Sign in',
    onsubmit: async () => {
      const user = await signIn(fields.email.input.value.trim(),
                                fields.password.input.value);
      announce(`Signed in as ${user.name}.`);
      navigate(nextPath());
    },
  });
  fill(main, h('div', {class: 'narrow'},
    h('h1', {}, 'Sign in'), form,
    h('p', {}, 'New here? ', h('a', {href: `/register${location.search}`}, 'Create an account'), '.')));
  return null;
}
