/**
 * A training job's candidate carries the rankers of the version it started from, as they were
 * when it started. Federated rounds may have published newer ones into that version since
 * (federated-publisher.ts). Publishing the candidate as it is would silently undo those rounds,
 * and rounds still open on the newer ranker would then be skipped with their ε spent. So just
 * before the candidate is served (in the registry's queue, where no round writes meanwhile),
 * each catalogue's current ranker and its (ε, δ) are copied into it; nothing reads the
 * candidate yet. The benchmark's ranker figures in its manifest stay those of the ranker it
 * was evaluated with; the gate (catalogue NDCG@10) does not depend on the ranker.
 *
 * A catalogue uploaded or replaced during the job cannot be carried: its items were embedded
 * with the old encoder (and a replaced one's ranker and head are rebuilt for its new rows).
 * The candidate is refused then, rather than published without it or with its old rows.
 */
import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { parseManifest, withCatalogFile } from '../core/manifest.ts';
import { currentVersion } from './current-version.ts';
import { describeBytes, writeAtomically } from './model-files.ts';

/** Brings the current version's newer rankers into `candidate`; returns the catalogues whose ranker it replaced. */
export function carryCurrentRankers(modelsDir: string, candidate: string): string[] {
  const { manifest: current, versionDir: currentDir } = currentVersion(modelsDir);
  const candidateDir = join(modelsDir, candidate);
  const original = parseManifest(JSON.parse(readFileSync(join(candidateDir, 'manifest.json'), 'utf8')));
  const again = `in ${current.version} while the job ran: start the job again to embed it with the new encoder`;
  for (const now of current.catalogs) {
    const trained = original.catalogs.find((c) => c.name === now.name);
    if (!trained) throw new Error(`catalogue "${now.name}" was added ${again}`);
    if (trained.source_sha256 !== now.source_sha256) throw new Error(`catalogue "${now.name}" was replaced ${again}`);
  }
  let manifest = original;
  const carried: string[] = [];
  for (const entry of original.catalogs) {
    const now = current.catalogs.find((c) => c.name === entry.name);
    if (!now?.ranker || now.ranker === entry.ranker) continue;
    const source = join(currentDir, now.ranker);
    if (!existsSync(source)) throw new Error(`${current.version} names ${now.ranker} as catalogue "${entry.name}"'s ranker, but the file is missing`);
    const bytes = readFileSync(source);
    writeAtomically(join(candidateDir, now.ranker), bytes);
    manifest = withCatalogFile(manifest, entry.name, 'ranker', describeBytes(now.ranker, bytes, 'json'), now.dp);
    carried.push(entry.name);
  }
  if (carried.length === 0) return carried;
  writeAtomically(join(candidateDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  // The rankers it replaced are no longer listed: remove them (a link, if it is one) so the folder holds what it lists.
  for (const { ranker } of original.catalogs) {
    if (ranker && !manifest.files.some((f) => f.name === ranker)) unlinkSync(join(candidateDir, ranker));
  }
  return carried;
}
