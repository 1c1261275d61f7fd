// `node --import ./node20/register.mjs …` lets @modelcontextprotocol/conformance 0.2.0-alpha.12 load
// on Node 20: its bundle imports `globSync` from 'fs', which only Node >= 22 has, so on Node 20 the
// whole CLI fails at link time. The resolve hook hands that one package an 'fs' with the missing
// export added; globSync is used only by the package's `tier-check` command, never by `authorization` or `server`.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
