import { build, type Plugin } from 'esbuild';
import { statSync } from 'node:fs';
import { esbuildOptions } from '#infra/function-bundling.ts';
import { functions } from '#shared/resources.ts';
const pure: Plugin = {
  name: 'pure',
  setup(b) {
    b.onResolve({ filter: /^(#shared|#functions|\.)/ }, async (args) => {
      if (args.pluginData === 'inner') return undefined;
      const r = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'inner' });
      if (r.errors.length) return { errors: r.errors };
      return r.path.startsWith('/tmp/wt-bundles/shared/') || r.path.startsWith('/tmp/wt-bundles/functions/') ? { path: r.path, sideEffects: false } : { path: r.path, external: r.external };
    });
  },
};
for (const name of process.argv.slice(2) as (keyof typeof functions)[]) {
  const d = functions[name];
  for (const plugins of [[], [pure]]) {
    const out = `/tmp/esb-exp/sfx/${name}-${plugins.length}/index.mjs`;
    await build({ ...esbuildOptions('/tmp/wt-bundles/' + d.entry, out, d), plugins });
    console.log(name, plugins.length ? 'sideEffects:false' : 'as is', (statSync(out).size / 1024).toFixed(1));
  }
}
