// Packs the SDK as one npm tarball a vendor can install without this workspace: the publisher and the
// workspace packages it uses (@tthc/core, @tthc/kafka, @tthc/logging) bundled into one index.js with
// esbuild and one index.d.ts with rollup-plugin-dts; the npm packages they import stay external and
// become the tarball's `dependencies`, with the ranges the workspace declares.
//
//   node packages/publisher/scripts/pack.mjs [--out DIR]   (pnpm sdk:pack; pnpm --filter @tthc/publisher pack:sdk)
//
// Writes DIR/tthc-publisher-<version>.tgz (DIR: packages/publisher/pack by default) and prints its path
// on stdout, alone; everything else goes to stderr. The package is staged in a temporary folder, so that
// no second package.json named @tthc/publisher lies in the tree for jest or pnpm to find.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { rollup } from 'rollup';
import { dts } from 'rollup-plugin-dts';

const publisherDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const root = resolve(publisherDir, '..', '..');
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

function parseArgs(argv) {
  let out = join(publisherDir, 'pack');
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--out' && argv[i + 1]) out = resolve(argv[(i += 1)]);
    else throw new Error(`usage: node packages/publisher/scripts/pack.mjs [--out DIR] (unknown argument ${argv[i]})`);
  }
  return { out };
}

/** The publisher and every workspace package it reaches through `workspace:` dependencies, publisher first. */
function workspacePackages() {
  const found = new Map();
  const visit = (dir) => {
    const manifest = readJson(join(dir, 'package.json'));
    if (found.has(manifest.name)) return;
    const entry = join(dir, 'src', 'index.ts');
    if (!existsSync(entry)) throw new Error(`${manifest.name} has no src/index.ts to bundle`);
    found.set(manifest.name, { dir, manifest, entry });
    for (const [name, range] of Object.entries(manifest.dependencies ?? {})) {
      // pnpm links each workspace dependency into the package's node_modules: follow the link to its folder.
      if (range.startsWith('workspace:')) visit(realpathSync(join(dir, 'node_modules', name)));
    }
  };
  visit(publisherDir);
  return found;
}

/** Third-party ranges as the bundled packages declare them; the first declaration wins (the publisher's own, then its dependencies'). */
function thirdPartyRanges(packages) {
  const ranges = new Map();
  for (const { manifest } of packages.values()) {
    for (const [name, range] of Object.entries(manifest.dependencies ?? {})) {
      if (!range.startsWith('workspace:') && !ranges.has(name)) ranges.set(name, range);
    }
  }
  return ranges;
}

const builtins = new Set(builtinModules);
const isBuiltin = (specifier) => specifier.startsWith('node:') || builtins.has(specifier.split('/')[0]);
/** `zod/v4` → `zod`, `@scope/name/sub` → `@scope/name`. */
const packageOf = (specifier) => /^(?:@[^/]+\/)?[^/]+/.exec(specifier)[0];

/** index.js: the sources of the workspace packages in one CommonJS file; returns the npm packages it requires at run time. */
async function bundleJs(packages, ranges, outfile, banner) {
  const runtime = new Set();
  await build({
    entryPoints: [packages.get('@tthc/publisher').entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    // CommonJS serves both `require` and `import` (Node reads the export names esbuild lists).
    format: 'cjs',
    // Errors set `name` from `new.target.name`: keep class names that bundling would otherwise rename.
    keepNames: true,
    banner: { js: banner },
    logLevel: 'warning',
    plugins: [
      {
        name: 'workspace-sources',
        setup(esbuild) {
          esbuild.onResolve({ filter: /^[^./]/ }, ({ path, importer }) => {
            if (isBuiltin(path)) return { path, external: true };
            const workspace = packages.get(path);
            if (workspace) return { path: workspace.entry };
            const name = packageOf(path);
            if (packages.has(name)) return { errors: [{ text: `${path}: only a workspace package's main entry can be bundled` }] };
            if (!ranges.has(name))
              return { errors: [{ text: `${path} (imported by ${relative(root, importer)}) is not a dependency of any bundled package` }] };
            runtime.add(name);
            return { path, external: true };
          });
        },
      },
    ],
  });
  return runtime;
}

/** index.d.ts: tsc's declarations of the bundled packages, rolled into one file by rollup-plugin-dts. */
async function bundleTypes(packages, scratch, outfile, banner) {
  const typesDir = join(scratch, 'types');
  const declarationOf = (dir) => join(typesDir, relative(root, dir), 'src', 'index.d.ts');
  const pathsTo = (target) => Object.fromEntries([...packages.values()].map((p) => [p.manifest.name, [target(p)]]));
  const tsconfig = join(scratch, 'tsconfig.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: join(root, 'tsconfig.base.json'),
      compilerOptions: {
        composite: false,
        incremental: false,
        declaration: true,
        emitDeclarationOnly: true,
        declarationMap: false,
        sourceMap: false,
        rootDir: root,
        outDir: typesDir,
        typeRoots: [join(root, 'node_modules', '@types')],
        // The sources, not dist/: the pack does not depend on, nor write, the workspace's build.
        paths: pathsTo((p) => p.entry),
      },
      files: [packages.get('@tthc/publisher').entry],
    }),
  );
  const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', tsconfig], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    throw new Error(`tsc could not write the declarations:\n${error.stdout?.toString() ?? ''}${error.stderr?.toString() ?? ''}`);
  }

  const unresolved = [];
  const bundle = await rollup({
    input: declarationOf(publisherDir),
    // The workspace packages resolve to their emitted declarations and are inlined; npm packages stay imports.
    plugins: [dts({ tsconfig, compilerOptions: { paths: pathsTo((p) => declarationOf(p.dir)) } })],
    onwarn(warning, warn) {
      // npm packages do not resolve from the scratch folder, and need not: they stay imports. Anything else must.
      if (warning.code !== 'UNRESOLVED_IMPORT') warn(warning);
      else if (warning.exporter === undefined || warning.exporter.startsWith('.') || packages.has(packageOf(warning.exporter)))
        unresolved.push(warning.message);
    },
  });
  await bundle.write({ file: outfile, format: 'es', banner });
  await bundle.close();
  if (unresolved.length > 0) throw new Error(`unresolved imports in the declarations:\n${unresolved.join('\n')}`);

  const text = readFileSync(outfile, 'utf8');
  // Every module the declarations name: `from '…'`, `import '…'`, `import('…')`, `/// <reference types="…" />`.
  const specifiers = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(?\s*|<reference\s+types=)["']([^"']+)["']/g)].map((m) => m[1]);
  const workspaceLeft = specifiers.filter((s) => packages.has(packageOf(s)));
  if (workspaceLeft.length > 0) throw new Error(`index.d.ts still imports ${[...new Set(workspaceLeft)].join(', ')}`);
  return new Set(specifiers.filter((s) => !isBuiltin(s)).map(packageOf));
}

async function main() {
  const { out } = parseArgs(process.argv.slice(2));
  const packages = workspacePackages();
  const ranges = thirdPartyRanges(packages);
  const publisher = packages.get('@tthc/publisher').manifest;
  const bundled = [...packages.keys()].filter((name) => name !== publisher.name).map((name) => name.split('/')[1]);
  // No `@tthc/` in the banner: a search of the files for a workspace name left behind stays simple.
  const banner = `/* The TTHC publisher SDK ${publisher.version}, with the workspace's ${bundled.join(', ')} packages bundled in (packages/publisher/scripts/pack.mjs). */`;

  const scratch = mkdtempSync(join(tmpdir(), 'tthc-publisher-pack-'));
  try {
    const staging = join(scratch, 'package');
    mkdirSync(staging);
    const runtime = await bundleJs(packages, ranges, join(staging, 'index.js'), banner);
    const typed = await bundleTypes(packages, scratch, join(staging, 'index.d.ts'), banner);
    // A package the types import is needed by a TypeScript consumer even when no code requires it.
    const needed = [...new Set([...runtime, ...typed])].sort();
    const missing = needed.filter((name) => !ranges.has(name));
    if (missing.length > 0) throw new Error(`index.d.ts imports ${missing.join(', ')}, which no bundled package depends on`);

    const rootManifest = readJson(join(root, 'package.json'));
    // The repository has no licence yet: the field is written once the package or the root declares one.
    const license = publisher.license ?? rootManifest.license;
    const manifest = {
      name: publisher.name,
      version: publisher.version,
      description: publisher.description,
      ...(license ? { license } : {}),
      main: 'index.js',
      types: 'index.d.ts',
      exports: { '.': { types: './index.d.ts', default: './index.js' }, './package.json': './package.json' },
      files: ['index.js', 'index.d.ts'],
      engines: { node: rootManifest.engines?.node ?? '>=20.11' },
      dependencies: Object.fromEntries(needed.map((name) => [name, ranges.get(name)])),
    };
    writeFileSync(join(staging, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    copyFileSync(join(publisherDir, 'README.md'), join(staging, 'README.md'));

    mkdirSync(out, { recursive: true });
    const packed = execFileSync('npm', ['pack', '--json', '--pack-destination', out], { cwd: staging, stdio: ['ignore', 'pipe', 'pipe'] });
    const [{ filename }] = JSON.parse(packed.toString());
    const tarball = join(out, filename);
    const kb = (file) => `${Math.round(statSync(file).size / 1024)} kB`;
    process.stderr.write(
      `${manifest.name}@${manifest.version}: index.js ${kb(join(staging, 'index.js'))}, index.d.ts ${kb(join(staging, 'index.d.ts'))}; ` +
        `dependencies ${needed.map((name) => `${name}@${ranges.get(name)}`).join(', ')}\n`,
    );
    process.stdout.write(`${tarball}\n`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`pack failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
