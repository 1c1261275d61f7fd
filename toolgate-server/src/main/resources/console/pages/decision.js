// One decision and its trace: "why was this call refused?".

import {api, seg} from '../api.js';
import {h, heading} from '../dom.js';
import {decisionView} from '../trace.js';

export async function renderDecision(container, {id}) {
  container.append(h('p', {}, h('a', {href: '#/audit'}, '← Audit log')), heading(`Decision ${id}`));
  const decision = await api('GET', `/admin/decisions/${seg(id)}`);
  container.append(decisionView(decision));
}
