// Module resolve hook (see register.mjs): 'fs' imported from the conformance package → fs.mjs.
const FS = new URL('./fs.mjs', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  if ((specifier === 'fs' || specifier === 'node:fs') && context.parentURL?.includes('/node_modules/@modelcontextprotocol/conformance/')) {
    return { url: FS, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}
