/**
 * `npm run index-catalog -- <catalog.json> --name <name>`: embed a catalogue with the
 * current model and list its item matrix in the manifest. Does nothing when up to date.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseCatalog } from '../core/catalog.ts';
import { indexCatalog } from './catalog-index.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { name: { type: 'string' }, 'models-dir': { type: 'string', default: 'models' } },
});
const [file] = positionals;
if (!file || !values.name) {
  console.error('usage: index-catalog <catalog.json> --name <name> [--models-dir models]');
  process.exit(2);
}
const started = performance.now();
const catalog = parseCatalog(JSON.parse(readFileSync(resolve(file), 'utf8')));
const result = await indexCatalog(resolve(values['models-dir']!), values.name, catalog);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  result.written
    ? `indexed catalog "${values.name}": ${result.catalog.rows} products → ${result.catalog.items} in ${seconds} s`
    : `catalog "${values.name}" is up to date (${result.catalog.items})`,
);
