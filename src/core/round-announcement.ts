/**
 * What the server announces about a round open for check-in (`GET /v1/rounds/open?merchant=`),
 * and the check a browser runs on it before spending anything: a round it cannot read, or one
 * for a model it has not loaded, is refused with the reason.
 */
import { FEDERATED_MODELS, type FederatedModel } from './round-plan.ts';
import type { SecAggTolerance } from './secagg-parameters.ts';

export interface RoundAnnouncement {
  roundId: string;
  merchant: string;
  /** The model version, and the catalogue's model (its ranker or intent head) and manifest file the update is relative to. */
  modelVersion: string;
  catalog: string;
  model: FederatedModel;
  file: string;
  /** Values per update: that model's federated parameters (federated-parameters.ts, federated-intent-update.ts). */
  length: number;
  tolerance: SecAggTolerance;
  privacy: { sampleRate: number; noiseMultiplier: number; clipNorm: number };
  fixedPoint: { scale: number };
  /** Milliseconds since the epoch: check-in closes then. */
  checkInUntil: number;
}

function field<T>(value: unknown, ok: (v: unknown) => boolean, what: string): T {
  if (!ok(value)) throw new Error(`round announcement: "${what}" is missing or malformed`);
  return value as T;
}

const text = (v: unknown) => typeof v === 'string' && v.length > 0;
const positive = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0;
const fraction = (v: unknown) => typeof v === 'number' && v >= 0 && v < 1;

export function parseRoundAnnouncement(json: unknown): RoundAnnouncement {
  const o = field<Record<string, unknown>>(json, (v) => typeof v === 'object' && v !== null, 'the announcement');
  const tolerance = field<Record<string, unknown>>(o.tolerance, (v) => typeof v === 'object' && v !== null, 'tolerance');
  const privacy = field<Record<string, unknown>>(o.privacy, (v) => typeof v === 'object' && v !== null, 'privacy');
  const fixedPoint = field<Record<string, unknown>>(o.fixedPoint, (v) => typeof v === 'object' && v !== null, 'fixedPoint');
  return {
    roundId: field(o.roundId, text, 'roundId'),
    merchant: field(o.merchant, text, 'merchant'),
    modelVersion: field(o.modelVersion, text, 'modelVersion'),
    catalog: field(o.catalog, text, 'catalog'),
    model: field(o.model, (v) => (FEDERATED_MODELS as readonly unknown[]).includes(v), 'model'),
    file: field(o.file, text, 'file'),
    length: field(o.length, (v) => Number.isInteger(v) && (v as number) > 0, 'length'),
    tolerance: { dropout: field(tolerance.dropout, fraction, 'tolerance.dropout'), collusion: field(tolerance.collusion, fraction, 'tolerance.collusion') },
    privacy: {
      sampleRate: field(privacy.sampleRate, (v) => positive(v) && (v as number) <= 1, 'privacy.sampleRate'),
      noiseMultiplier: field(privacy.noiseMultiplier, positive, 'privacy.noiseMultiplier'),
      clipNorm: field(privacy.clipNorm, positive, 'privacy.clipNorm'),
    },
    fixedPoint: { scale: field(fixedPoint.scale, positive, 'fixedPoint.scale') },
    checkInUntil: field(o.checkInUntil, (v) => Number.isFinite(v), 'checkInUntil'),
  };
}

/** What this page has loaded of the round's catalogue: each federated model's file and length, when it has that model. */
export interface LoadedModels {
  modelVersion: string;
  catalog: string;
  models: Partial<Record<FederatedModel, { file: string; length: number }>>;
}

/** Why this device cannot contribute to the round with the models it has loaded, or null if it can. */
export function announcementMismatch(round: RoundAnnouncement, loaded: LoadedModels): string | null {
  if (round.modelVersion !== loaded.modelVersion) return `the round updates model ${round.modelVersion}, this page runs ${loaded.modelVersion}`;
  const mine = loaded.models[round.model];
  if (round.catalog !== loaded.catalog || !mine || round.file !== mine.file) return `the round updates ${round.model} ${round.file} of catalogue ${round.catalog}, this page runs ${mine?.file ?? `no ${round.model}`} of ${loaded.catalog}`;
  if (round.length !== mine.length) return `the round expects ${round.length} values, this ${round.model} has ${mine.length} federated parameters`;
  return null;
}
