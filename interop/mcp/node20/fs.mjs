// node:fs plus the globSync export Node 20 lacks (see register.mjs).
import fs from 'node:fs';

export * from 'node:fs';
export default fs;

export function globSync(...args) {
  if (typeof fs.globSync === 'function') return fs.globSync(...args);
  throw new Error(`fs.globSync(${JSON.stringify(args[0])}) needs Node >= 22`);
}
