// Reference lists the forms offer: categories (all of them, read once) and
// skill names that start with what someone typed.
import {get} from './api.js';

let categories = null;

// Every category as {id, name}, sorted by name; read once per page load.
export async function allCategories() {
  if (!categories) {
    categories = (async () => {
      const out = [];
      for (let page = 1; page <= 20; page++) {
        const r = await get('/categories', {page, page_size: 100});
        out.push(...r.items);
        if (!r.metadata.has_next) break;
      }
      return out;
    })();
    categories.catch(() => { categories = null; });
  }
  return categories;
}

// Fills a <datalist> with skills starting with prefix.
export async function suggestSkills(datalist, prefix) {
  const r = await get('/skills', {q: prefix, page_size: 10});
  datalist.replaceChildren(...r.items.map((s) => {
    const o = document.createElement('option');
    o.value = s.name;
    return o;
  }));
}
