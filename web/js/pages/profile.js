// A freelancer's profile: title, rate, rating, skills, portfolio and the
// newest reviews.
import {h, fill} from '../dom.js';
import {get, explain, me} from '../api.js';
import {money, rating, date, levels, titleCase, plural} from '../format.js';
import {titled} from '../app.js';

function stars(n) {
  return h('span', {class: 'stars', 'aria-label': `${n} out of 5 stars`},
    '★'.repeat(n) + '☆'.repeat(5 - n));
}

export async function render(main, [id]) {
  let p;
  try {
    p = (await get(`/profile/${id}`)).data;
  } catch (e) {
    titled('Freelancer not found');
    fill(main, h('h1', {}, 'Freelancer not available'), h('p', {role: 'alert'}, explain(e)),
      h('p', {}, h('a', {href: '/freelancers'}, 'Back to all freelancers')));
    return null;
  }
  titled(p.name);
  const user = me();
  fill(main,
    h('p', {class: 'crumbs'}, h('a', {href: '/freelancers'}, '← All freelancers')),
    h('article', {class: 'profile'},
      h('h1', {}, p.name),
      h('p', {class: 'lead'}, p.title),
      user && user.profile_id === p.id ? h('p', {class: 'note'}, 'This is your profile.') : null,
      h('dl', {class: 'facts'},
        h('dt', {}, 'Rate'), h('dd', {}, p.hourly_rate_cents === null ? 'Not given'
                                          : `${money(p.hourly_rate_cents, p.currency)} an hour`),
        h('dt', {}, 'Rating'), h('dd', {class: 'rating'}, rating(p.rating)),
        h('dt', {}, 'Jobs done'), h('dd', {}, String(p.completed_jobs)),
        h('dt', {}, 'Experience'), h('dd', {}, levels[p.experience_level] || 'Not given'),
        h('dt', {}, 'Availability'), h('dd', {}, titleCase(p.availability)),
        h('dt', {}, 'Category'), h('dd', {}, p.category ? p.category.name : 'None'),
        p.country ? [h('dt', {}, 'Country'), h('dd', {}, p.country)] : null,
        p.imported ? [h('dt', {}, `Rating on ${p.imported.source}`),
          h('dd', {}, p.imported.rating === null ? 'None' :
            `${p.imported.rating} (${plural(p.imported.review_count, 'review', 'reviews')})`)] : null),
      p.bio ? [h('h2', {}, 'About'), h('div', {class: 'description'},
        p.bio.split(/\n{2,}/).map((t) => h('p', {}, t)))] : null,
      h('h2', {}, 'Skills'),
      p.skills.length ? h('ul', {class: 'chips'}, p.skills.map((s) => h('li', {},
        h('a', {href: `/freelancers?skill=${encodeURIComponent(s)}&availability=any`}, s))))
        : h('p', {}, 'No skills listed.'),
      h('h2', {}, 'Portfolio'),
      p.portfolio.length ? h('ul', {class: 'portfolio'}, p.portfolio.map((item) =>
        h('li', {}, h('h3', {}, item.url && /^https?:\/\//i.test(item.url)
          ? h('a', {href: item.url, rel: 'noopener noreferrer nofollow', target: '_blank'}, item.title)
          : item.title),
        item.description ? h('p', {}, item.description) : null)))
        : h('p', {}, 'Nothing here yet.'),
      h('h2', {}, 'Recent reviews'),
      p.recent_reviews.length ? h('ul', {class: 'reviews'}, p.recent_reviews.map((r) =>
        h('li', {}, h('p', {}, stars(r.rating), ' ', h('strong', {}, r.reviewer_name),
          h('span', {class: 'meta'}, ` · ${date(r.created_at)}`)),
        r.comment ? h('blockquote', {}, r.comment) : null)))
        : h('p', {}, 'No reviews yet.')));
  return null;
}
