// The nesting editor: the order of dimensions in the tree. Drag a chip, or
// use its arrow buttons (keyboard), to reorder; add and remove levels.
import { h } from './dom.js';
import { DIMENSIONS, dimensionLabel } from './format.js';

export function nestingEditor(nest, onChange) {
  const move = (i, d) => {
    const n = [...nest];
    [n[i], n[i + d]] = [n[i + d], n[i]];
    onChange(n);
  };
  let dragged = -1;
  const chips = nest.map((dim, i) => h('li', {
    class: 'chip nest-chip', draggable: 'true', dataset: { dim },
    ondragstart: (e) => { dragged = i; e.dataTransfer.effectAllowed = 'move'; },
    ondragover: (e) => e.preventDefault(),
    ondrop: (e) => {
      e.preventDefault();
      if (dragged < 0 || dragged === i) return;
      const n = [...nest];
      const [d] = n.splice(dragged, 1);
      n.splice(i, 0, d);
      onChange(n);
    },
  },
  h('span', { class: 'level' }, `${i + 1}.`), dimensionLabel(dim),
  h('button', { type: 'button', class: 'chip-x', disabled: i === 0,
    'aria-label': `Move ${dimensionLabel(dim)} up`, onclick: () => move(i, -1) }, '←'),
  h('button', { type: 'button', class: 'chip-x', disabled: i === nest.length - 1,
    'aria-label': `Move ${dimensionLabel(dim)} down`, onclick: () => move(i, 1) }, '→'),
  h('button', { type: 'button', class: 'chip-x', disabled: nest.length === 1,
    'aria-label': `Remove ${dimensionLabel(dim)}`,
    onclick: () => onChange(nest.filter((_, j) => j !== i)) }, '×')));
  const unused = DIMENSIONS.filter((d) => !nest.includes(d.id));
  const add = h('select', { id: 'nest-add', 'aria-label': 'Add a level',
    onchange: (e) => e.target.value && onChange([...nest, e.target.value]) },
  h('option', { value: '' }, '+ add level'),
  unused.map((d) => h('option', { value: d.id }, d.label)));
  const preset = h('input', { id: 'nest-text', type: 'text', value: nest.join(','),
    'aria-label': 'Nesting as a list, e.g. epic,task,author', size: 22 });
  return h('div', { class: 'nesting' },
    h('span', { class: 'muted' }, 'Nesting:'),
    h('ol', { class: 'nest-list', 'aria-label': 'Nesting order' }, chips),
    unused.length ? add : null,
    h('form', { class: 'inline', onsubmit: (e) => {
      e.preventDefault();
      const ids = preset.value.split(/[\s,>→]+/).map((s) => s.trim().toLowerCase()).filter(Boolean);
      const known = ids.filter((id, i) => DIMENSIONS.some((d) => d.id === id) && ids.indexOf(id) === i);
      if (known.length) onChange(known);
    } }, preset, h('button', { type: 'submit', id: 'nest-apply' }, 'Apply')));
}
