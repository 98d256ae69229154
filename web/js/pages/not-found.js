import {h, fill} from '../dom.js';
import {titled} from '../app.js';

export async function render(main) {
  titled('Page not found');
  fill(main, h('h1', {}, 'Page not found'),
    h('p', {}, 'There is nothing at this address. ', h('a', {href: '/jobs'}, 'Browse jobs'), '.'));
  return null;
}
