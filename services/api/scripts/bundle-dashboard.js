// Bundles the dashboard's script with the charting library into one file the server serves: the page
// fetches nothing from anywhere else (province networks may have no internet). Run by `pnpm build`.
const { build } = require('esbuild');
const { join } = require('node:path');

const dir = join(__dirname, '..', 'dashboard');
build({
  entryPoints: [join(dir, 'app.ts')],
  outfile: join(dir, 'dist', 'app.js'),
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['chrome110', 'firefox110', 'safari16'],
  legalComments: 'linked',
  logLevel: 'warning',
}).catch(() => process.exit(1));
