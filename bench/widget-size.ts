/**
 * npm run bench:widget — what a storefront page downloads for privet.js, from the Vite
 * build in dist/. The initial load is privet.js plus every chunk it imports statically,
 * recursively (module-level `import … from`, `import "…"`, `export … from`; found with
 * Vite's own parser, so a dynamic `import("…")` never counts); its gzip size is held to the
 * 30 KB budget. Everything else is lazy and reported part by part: the engine chunks
 * behind privet.js's dynamic imports, the privacy panel chunk, the inference worker and
 * the ONNX Runtime WASM binary. Sizes are per file, summed: each file travels compressed
 * on its own. gzip at level 9, brotli at quality 11 (a precompressing server's settings);
 * brotli of the 28 MB WASM file takes most of the run (about 2 minutes on 2 vCPUs).
 * Writes bench/results/widget.json and exits 1 when the initial JS is over budget.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { arch, cpus, release, totalmem, type } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { parseAst } from 'vite';

const BUDGET_GZIP_BYTES = 30 * 1024;
const repoRoot = resolve(import.meta.dirname, '..');
const dist = join(repoRoot, 'dist');
const assets = join(dist, 'assets');
const entry = join(dist, 'privet.js');

if (!existsSync(entry)) {
  console.error(`bench:widget: ${relative(repoRoot, entry)} is missing: build the widget first (npm run build, or npx vite build)`);
  process.exit(1);
}

interface Imports {
  /** Files this chunk imports at module level, absolute paths. */
  static: string[];
  /** Files behind its `import("…")` calls with a literal specifier, absolute paths. */
  dynamic: string[];
  /** How many `import(…)` calls compute their specifier (not followed). */
  computed: number;
}

/** A relative or root-relative specifier in `from` (a file in dist/) as an absolute path; anything else is an error. */
function resolveSpecifier(specifier: string, from: string): string {
  const path = specifier.startsWith('./') || specifier.startsWith('../') ? resolve(dirname(from), specifier) : specifier.startsWith('/') ? join(dist, specifier) : null;
  if (path === null || !existsSync(path)) throw new Error(`bench:widget: ${relative(dist, from)} imports "${specifier}", which is not a file in dist/`);
  return path;
}

type Node = { type?: unknown; [key: string]: unknown };

/** The string a dynamic import's source names, when it is a literal (`"x"` or a template without substitutions). */
function literal(node: Node): string | null {
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  const quasis = node.quasis as { value: { cooked: string | null } }[] | undefined;
  if (node.type === 'TemplateLiteral' && (node.expressions as unknown[]).length === 0 && quasis?.length === 1) return quasis[0]!.value.cooked;
  return null;
}

const parsed = new Map<string, Imports>();
function importsOf(file: string): Imports {
  const known = parsed.get(file);
  if (known) return known;
  const program = parseAst(readFileSync(file, 'utf8'), { sourceType: 'module' }, file);
  const found: Imports = { static: [], dynamic: [], computed: 0 };
  for (const statement of program.body) {
    if ((statement.type === 'ImportDeclaration' || statement.type === 'ExportAllDeclaration' || statement.type === 'ExportNamedDeclaration') && statement.source) {
      found.static.push(resolveSpecifier(String(statement.source.value), file));
    }
  }
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (value === null || typeof value !== 'object') return;
    const node = value as Node;
    if (node.type === 'ImportExpression') {
      const specifier = literal(node.source as Node);
      if (specifier === null) found.computed++;
      else found.dynamic.push(resolveSpecifier(specifier, file));
    }
    for (const child of Object.values(node)) walk(child);
  };
  walk(program.body);
  parsed.set(file, found);
  return found;
}

/**
 * `roots` and everything they import statically (and dynamically too, with `dynamic`),
 * recursively, in discovery order; files in `loaded` (already on the page) are not entered:
 * a lazy chunk that imports privet.js does not bring privet.js's other lazy chunks.
 */
function closure(roots: readonly string[], { dynamic = false, loaded = new Set<string>() } = {}): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || loaded.has(file)) return;
    seen.add(file);
    const { static: statics, dynamic: dynamics, computed } = importsOf(file);
    statics.forEach(visit);
    if (!dynamic) return;
    dynamics.forEach(visit);
    if (computed > 0) console.warn(`bench:widget: ${relative(dist, file)} has ${computed} import() with a computed specifier, not followed: its target is not counted`);
  };
  roots.forEach(visit);
  return [...seen];
}

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

interface Sizes {
  raw: number;
  gzip: number;
  brotli: number;
}

async function sizesOf(file: string): Promise<Sizes> {
  const bytes = readFileSync(file);
  const [gz, br] = await Promise.all([
    gzipAsync(bytes, { level: 9 }),
    brotliAsync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }),
  ]);
  return { raw: bytes.length, gzip: gz.length, brotli: br.length };
}

const sum = (sizes: Sizes[]): Sizes => sizes.reduce((a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli }), { raw: 0, gzip: 0, brotli: 0 });
const inAssets = (pattern: RegExp) => readdirSync(assets).filter((name) => pattern.test(name)).sort().map((name) => join(assets, name));

// The initial load, and the lazy roots privet.js (or a chunk it loads up front) reaches by import().
const initial = closure([entry]);
const initialSet = new Set(initial);
const lazyRoots = [...new Set(initial.flatMap((file) => importsOf(file).dynamic))].filter((file) => !initialSet.has(file));
const isPanel = (file: string) => /^PrivacyPanel-/.test(relative(assets, file));
const engineRoots = lazyRoots.filter((file) => !isPanel(file));
const panelRoots = lazyRoots.filter(isPanel);
if (engineRoots.length === 0 || panelRoots.length === 0) {
  console.error(`bench:widget: expected privet.js to load the engine and the privacy panel (PrivacyPanel-*.js) with import(); its dynamic imports: ${lazyRoots.map((f) => relative(dist, f)).join(', ') || 'none'}`);
  process.exit(1);
}
// Lazy parts take everything they can load, minus what an earlier part (or the initial load) already brought.
const taken = new Set(initialSet);
const part = (roots: string[], dynamic = true) => closure(roots, { dynamic, loaded: initialSet }).filter((file) => !taken.has(file) && taken.add(file));
const engine = part(engineRoots);
const panel = part(panelRoots);
const workers = inAssets(/^inference\.worker-.*\.js$/);
const wasm = inAssets(/\.wasm$/);
if (workers.length === 0 || wasm.length === 0) {
  console.error(`bench:widget: dist/assets has no ${workers.length === 0 ? 'inference.worker-*.js' : '*.wasm file'}; is dist/ a complete build?`);
  process.exit(1);
}
// The worker is one bundle; ONNX Runtime's own import() of a computed URL inside it is not a chunk of ours.
const worker = part(workers, false);
// The learner worker (on-device adaptation) starts once the shopper has stored events.
const learner = part(inAssets(/^learner\.worker-.*\.js$/), false);

const lazyParts: { what: string; files: string[] }[] = [
  { what: 'engine (dynamic import)', files: engine },
  { what: 'privacy panel (dynamic import)', files: panel },
  { what: 'inference worker', files: worker },
  { what: 'learner worker', files: learner },
  { what: 'ONNX Runtime WASM', files: wasm },
];
console.log(`bench:widget: compressing ${initial.length + lazyParts.reduce((n, p) => n + p.files.length, 0)} files (gzip -9, brotli q11; the WASM binary takes a while)…`);
const allFiles = [...initial, ...lazyParts.flatMap((p) => p.files)];
const measured = new Map(await Promise.all(allFiles.map(async (file) => [file, await sizesOf(file)] as const)));
const name = (file: string) => relative(dist, file);

const initialRows = initial.map((file) => ({ file: name(file), ...measured.get(file)! }));
const initialTotal = sum(initialRows);
const lazyRows = lazyParts.map(({ what, files }) => ({ what, files: files.map(name), ...sum(files.map((f) => measured.get(f)!)) }));

const report = {
  date: new Date().toISOString(),
  machine: {
    cpu: cpus()[0]?.model ?? 'unknown CPU',
    cpus: cpus().length,
    total_memory_bytes: totalmem(),
    node: process.version,
    os: `${type()} ${release()} ${arch()}`,
  },
  command: 'npm run bench:widget',
  budget_gzip_bytes: BUDGET_GZIP_BYTES,
  initial_js_gzip_bytes: initialTotal.gzip,
  initial: initialRows,
  lazy: lazyRows,
};
writeFileSync(join(repoRoot, 'bench/results/widget.json'), JSON.stringify(report, null, 2) + '\n');

console.table([
  ...initialRows.map(({ file, raw, gzip, brotli }) => ({ part: 'initial', files: file, raw, gzip, brotli })),
  { part: 'initial, total', files: `${initialRows.length} file(s)`, ...initialTotal },
  ...lazyRows.map(({ what, files, raw, gzip, brotli }) => ({ part: `lazy: ${what}`, files: files.join(' '), raw, gzip, brotli })),
]);
const verdict = `initial JS ${initialTotal.gzip} gzip bytes, budget ${BUDGET_GZIP_BYTES}`;
if (initialTotal.gzip > BUDGET_GZIP_BYTES) {
  console.error(`bench:widget: OVER BUDGET: ${verdict} (${initialTotal.gzip - BUDGET_GZIP_BYTES} bytes over). Move code behind a dynamic import or cut it.`);
  process.exit(1);
}
console.log(`bench:widget: ${verdict}: within budget (${BUDGET_GZIP_BYTES - initialTotal.gzip} bytes to spare). Wrote bench/results/widget.json.`);
