// One contract, for its two parties: what was agreed, completing or
// cancelling it, and the reviews each side leaves once it is complete.
import {h, fill, field} from '../dom.js';
import {get, post, me, explain} from '../api.js';
import {apiForm} from '../forms.js';
import {money, date, titleCase} from '../format.js';
import {titled, announce} from '../app.js';

function reviewForm(c, onDone) {
  const fields = {
    rating: field({label: 'Rating', name: 'rating', type: 'select', value: '5',
                   options: [['5', '5 – excellent'], ['4', '4 – good'], ['3', '3 – fair'],
                             ['2', '2 – poor'], ['1', '1 – very poor']]}),
    comment: field({label: 'Comment (optional)', name: 'comment', type: 'textarea', rows: 4}),
  };
  const {form} = apiForm({
    fields, labels: {rating: 'Rating', comment: 'Comment'}, submitText: 'Send review',
    onsubmit: async () => {
      await post(`/contracts/${c.id}/reviews`, {rating: Number(fields.rating.input.value),
                                                 comment: fields.comment.input.value});
      announce('Thank you. Your review is saved.');
      await onDone();
    },
  });
  return form;
}

async function show(main, id) {
  const user = me();
  const c = (await get(`/contracts/${id}`)).data;
  const isClient = user.id === c.client_id;
  const isFreelancer = user.id === c.freelancer_user_id;
  const mine = c.reviews.find((r) => r.reviewer_id === user.id);
  const reload = () => show(main, id).then(() => main.querySelector('h1').focus());
  const message = h('div', {class: 'form-error', role: 'alert'});
  const act = (text, path, done, secondary) => {
    const b = h('button', {type: 'button', class: secondary ? 'secondary' : null}, text);
    b.addEventListener('click', async () => {
      b.disabled = true;
      message.textContent = '';
      try {
        await post(path);
        announce(done);
        await reload();
      } catch (e) {
        message.textContent = explain(e);
        b.disabled = false;
      }
    });
    return b;
  };
  titled(`Contract: ${c.job_title}`);
  fill(main,
    h('p', {class: 'crumbs'}, h('a', {href: '/dashboard'}, '← Dashboard')),
    h('h1', {tabindex: '-1'}, `Contract: ${c.job_title}`),
    h('dl', {class: 'facts'},
      h('dt', {}, 'Status'), h('dd', {}, h('span', {class: `badge status-${c.status}`}, titleCase(c.status))),
      h('dt', {}, 'Amount'), h('dd', {}, money(c.amount_cents, c.currency)),
      h('dt', {}, 'Job'), h('dd', {}, h('a', {href: `/jobs/${c.job_posting_id}`}, c.job_title)),
      h('dt', {}, 'Freelancer'), h('dd', {}, h('a', {href: `/freelancers/${c.freelancer_id}`},
        isFreelancer ? 'You' : 'See profile')),
      h('dt', {}, 'Started'), h('dd', {}, date(c.started_at)),
      c.ended_at ? [h('dt', {}, 'Ended'), h('dd', {}, date(c.ended_at))] : null),
    c.status === 'active' ? h('div', {class: 'actions'},
      isClient ? act('Mark complete', `/contracts/${c.id}/complete`,
                     'Contract completed. You can now leave a review.') : null,
      act('Cancel contract', `/contracts/${c.id}/cancel`, 'Contract cancelled.', true)) : null,
    message,
    h('h2', {}, 'Reviews'),
    c.reviews.length ? h('ul', {class: 'reviews'}, c.reviews.map((r) => h('li', {},
      h('p', {}, h('strong', {}, r.reviewer_name), ` gave ${r.rating} out of 5`),
      r.comment ? h('blockquote', {}, r.comment) : null))) : h('p', {}, 'No reviews yet.'),
    c.status === 'completed' && !mine ? h('section', {class: 'panel', 'aria-labelledby': 'rev-h'},
      h('h2', {id: 'rev-h'}, isClient ? 'Review the freelancer' : 'Review the client'),
      reviewForm(c, reload)) : null);
}

export async function render(main, [id]) {
  titled('Contract');
  if (!me()) {
    fill(main, h('h1', {}, 'Contract'), h('p', {},
      h('a', {href: `/signin?next=/contracts/${id}`}, 'Sign in'), ' to see this contract.'));
    return null;
  }
  try {
    await show(main, id);
  } catch (e) {
    fill(main, h('h1', {}, 'Contract'), h('p', {role: 'alert'}, explain(e)));
  }
  return null;
}
