// Small charts drawn as SVG at the width of their box (one unit a pixel, so
// text stays readable on a phone), redrawn when the box changes size. Each
// chart carries a title for screen readers and a data table beside it.
import {h} from './dom.js';

const NS = 'http://www.w3.org/2000/svg';

function s(tag, attrs, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = String(text);
  return el;
}

function svgRoot(width, height, title) {
  const svg = s('svg', {width, height, viewBox: `0 0 ${width} ${height}`,
                        role: 'img', class: 'chart-svg'});
  svg.appendChild(s('title', {}, title));
  return svg;
}

// Draws draw(width) into box now and whenever its width changes.
function responsive(box, draw) {
  let last = 0;
  let observer = null;
  const redraw = () => {
    if (observer && !box.isConnected) {
      observer.disconnect();
      return;
    }
    const w = Math.max(240, Math.floor(box.clientWidth));
    if (w === last) return;
    last = w;
    box.replaceChildren(draw(w));
  };
  redraw();
  if (typeof ResizeObserver === 'function') {
    observer = new ResizeObserver(redraw);
    observer.observe(box);
  }
}

// Longest text that fits max pixels at about 7.5 px a character.
function clip(text, max) {
  const n = Math.floor(max / 7.5);
  return text.length > n ? `${text.slice(0, Math.max(1, n - 1))}…` : text;
}

// A table of the same numbers, folded away under a summary.
function dataTable(caption, head, rows) {
  return h('details', {class: 'chart-data'}, h('summary', {}, 'Show the numbers'),
    h('table', {}, h('caption', {}, caption),
      h('thead', {}, h('tr', {}, head.map((c) => h('th', {scope: 'col'}, c)))),
      h('tbody', {}, rows.map((r) => h('tr', {},
        r.map((c, i) => i === 0 ? h('th', {scope: 'row'}, c) : h('td', {}, c)))))));
}

// Horizontal bars, one row each: the label above its bar, the value's text
// at the bar's end. rows: [{label, value, text}].
export function barChart({title, rows, head}) {
  const box = h('div', {class: 'chart-box'});
  const max = Math.max(1, ...rows.map((r) => r.value));
  responsive(box, (width) => {
    const rowH = 40;
    const textW = 12 + 7 * Math.max(...rows.map((r) => r.text.length), 1);
    const svg = svgRoot(width, rows.length * rowH + 4, title);
    rows.forEach((r, i) => {
      const y = i * rowH;
      const barMax = width - textW;
      const w = Math.max(r.value > 0 ? 2 : 0, (r.value / max) * barMax);
      svg.appendChild(s('text', {x: 0, y: y + 14, class: 'chart-label'}, clip(r.label, width)));
      svg.appendChild(s('rect', {x: 0, y: y + 20, width: w, height: 14, rx: 2,
                                 class: 'chart-bar'}));
      svg.appendChild(s('text', {x: w + 6, y: y + 32, class: 'chart-value'}, r.text));
    });
    return svg;
  });
  return h('figure', {class: 'chart'}, h('figcaption', {}, title), box,
    dataTable(title, head, rows.map((r) => [r.label, r.text])));
}

// Columns over time: points [{label, value, text}], with the first, middle
// and last labels under the axis.
export function columnChart({title, points, head}) {
  const box = h('div', {class: 'chart-box'});
  const max = Math.max(1, ...points.map((p) => p.value));
  responsive(box, (width) => {
    const height = 220, top = 20, bottom = 40, left = 36;
    const plotH = height - top - bottom;
    const step = (width - left) / Math.max(1, points.length);
    const svg = svgRoot(width, height, title);
    svg.appendChild(s('line', {x1: left, y1: top + plotH, x2: width, y2: top + plotH,
                               class: 'chart-axis'}));
    svg.appendChild(s('text', {x: left - 6, y: top + 4, class: 'chart-value',
                               'text-anchor': 'end'}, max));
    svg.appendChild(s('text', {x: left - 6, y: top + plotH, class: 'chart-value',
                               'text-anchor': 'end'}, 0));
    points.forEach((p, i) => {
      const hgt = (p.value / max) * plotH;
      const x = left + i * step + step * 0.15;
      svg.appendChild(s('rect', {x, y: top + plotH - hgt, width: step * 0.7,
                                 height: Math.max(0, hgt), class: 'chart-bar'}));
      if (p.value > 0 && step > 22)
        svg.appendChild(s('text', {x: x + step * 0.35, y: top + plotH - hgt - 4,
                                   class: 'chart-value', 'text-anchor': 'middle'}, p.value));
      const last = i === points.length - 1;
      if (i === 0 || last || i === Math.floor(points.length / 2))
        svg.appendChild(s('text', {x: last ? width : i === 0 ? x : x + step * 0.35,
                                   y: height - 16, class: 'chart-label',
                                   'text-anchor': last ? 'end' : i === 0 ? 'start' : 'middle'},
                          p.label));
    });
    return svg;
  });
  return h('figure', {class: 'chart'}, h('figcaption', {}, title), box,
    dataTable(title, head, points.map((p) => [p.label, p.text])));
}

// One bar split into parts: [{label, value, cls}], with a legend.
export function shareBar({title, parts, head}) {
  const box = h('div', {class: 'chart-box'});
  const total = parts.reduce((a, p) => a + p.value, 0);
  responsive(box, (width) => {
    const svg = svgRoot(width, 34, title);
    let x = 0;
    for (const p of parts) {
      const w = total ? (p.value / total) * width : 0;
      if (w > 0) svg.appendChild(s('rect', {x, y: 4, width: w, height: 26, class: p.cls}));
      x += w;
    }
    if (!total) svg.appendChild(s('rect', {x: 0, y: 4, width, height: 26, class: 'chart-empty'}));
    return svg;
  });
  return h('figure', {class: 'chart'}, h('figcaption', {}, title), box,
    h('ul', {class: 'legend'}, parts.map((p) => h('li', {},
      h('span', {class: `swatch ${p.cls}`, 'aria-hidden': 'true'}), `${p.label}: ${p.value}`))),
    dataTable(title, head, parts.map((p) => [p.label, String(p.value)])));
}
