/**
 * The customs console: Vite + React. `npm start` builds it into `console/dist` (see
 * local/console-build.ts) and the local gateway serves it at `/` beside the API.
 * `npm run console:dev` serves it with hot reload on http://127.0.0.1:5173, the API calls proxied
 * to a running `npm start` (CONSOLE_API_URL, default http://127.0.0.1:3000).
 *
 * The console imports the platform's zod schemas and route table through the package.json
 * `imports` map (`#shared/...`), resolved here from package.json itself; only `#shared/*` is
 * browser code, and an import of a node built-in fails the build, naming the importer.
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { type Alias, defineConfig, type Plugin } from 'vite';

const consoleDir = path.dirname(fileURLToPath(import.meta.url));
const repositoryRoot = path.resolve(consoleDir, '..');
const packageJson = JSON.parse(readFileSync(path.join(repositoryRoot, 'package.json'), 'utf8')) as { imports: Record<string, string> };

/** Entries of the imports map the console may use. */
const browserImports = ['#shared/*'];

/** `"#shared/*": "./shared/*"` becomes an alias from `#shared/x` to `<root>/shared/x`. */
const aliases: Alias[] = Object.entries(packageJson.imports)
  .filter(([key]) => browserImports.includes(key))
  .map(([key, target]) => {
    const [prefix = ''] = key.split('*');
    const [targetPrefix = ''] = target.split('*');
    return {
      find: new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(.*)$`),
      replacement: `${path.join(repositoryRoot, targetPrefix)}/$1`,
    };
  });

const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** Refuses server code in the browser bundle: node built-ins and the non-browser subpaths of the imports map. */
function browserOnly(): Plugin {
  return {
    name: 'customs-console-browser-only',
    enforce: 'pre',
    resolveId(source, importer) {
      if (!importer || importer.includes(`${path.sep}node_modules${path.sep}`)) return null;
      const where = path.relative(repositoryRoot, importer);
      if (builtins.has(source) || source.startsWith('node:')) {
        this.error(`${where} imports ${source}: the console runs in the browser; import only browser-safe modules of #shared`);
      }
      if (source.startsWith('#') && !browserImports.some((key) => source.startsWith(key.replace('*', '')))) {
        this.error(`${where} imports ${source}: the console may import only ${browserImports.join(', ')}`);
      }
      return null;
    },
  };
}

const api = process.env.CONSOLE_API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: consoleDir,
  base: '/',
  plugins: [browserOnly(), react()],
  resolve: { alias: aliases },
  build: {
    outDir: path.join(consoleDir, 'dist'),
    emptyOutDir: true,
    sourcemap: true,
    // No inline scripts or data: URLs in the output: the gateway's Content-Security-Policy forbids them.
    assetsInlineLimit: 0,
    // Libraries apart from the console's own code: they change less often, so browsers keep them cached.
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/ },
            { name: 'vendor', test: /node_modules[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    proxy: Object.fromEntries(['/v1', '/local', '/openapi.json'].map((prefix) => [prefix, { target: api, changeOrigin: true }])),
  },
});
