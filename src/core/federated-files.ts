/**
 * How each catalogue model that rounds train maps to the flat vector its rounds sum, and back:
 * the ranker's federated parameters (federated-parameters.ts) and the intent head's category
 * layer (federated-intent-update.ts). The server reads the model's file, takes one FedAdam step
 * on the vector with the model's own rates (or a FedAvg step, when the round asks for it), and
 * writes the file again from the new vector; everything the rounds do not train is copied as
 * it was.
 */
import { encodeFloat32 } from './float32-base64.ts';
import { federatedLength, federatedVector, withFederatedVector } from './federated-parameters.ts';
import { intentVector, withIntentVector } from './federated-intent-update.ts';
import { parseIntentHead } from './intent-head.ts';
import type { FederatedFileKey } from './manifest.ts';
import { parseRanker, serializeRanker } from './ranker.ts';
import type { FederatedModel } from './round-plan.ts';
import { checkFedAdam, type FedAdamSettings } from './server-optimizer.ts';

/**
 * The server's optimizer settings. FedAdam's for the ranker are the simulation's
 * (trainer/federated/simulate.py FederatedConfig), which bench/results/federated.json measured;
 * the intent layer's rate is trainer/federated/simulate_intent.py's IntentFederatedConfig.server_lr.
 * FedAvg is the plain one both simulations compare with: x ← x + mean (rate 1).
 */
export const SERVER_OPTIMIZER = { projectionRate: 0.001, smallRate: 0.01, intentRate: 0.01, beta1: 0.9, beta2: 0.99, tau: 1e-3, fedavgRate: 1 } as const;

export interface FederatedFile {
  /** The vector's length: what a round for this file sums. */
  length: number;
  vector: Float64Array;
  /** FedAdam's settings for this file's vector. */
  settings: FedAdamSettings;
  /** The file's bytes with `params` as its federated parameters (rounded to float32, as files store them). */
  withVector(params: ArrayLike<number>): Uint8Array;
}

/** Where the manifest lists each model's file. */
export const MANIFEST_KEY: Readonly<Record<FederatedModel, FederatedFileKey>> = { ranker: 'ranker', intent: 'intent_head' };

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value) + '\n');

function settings(rates: Float64Array): FedAdamSettings {
  const { beta1, beta2, tau } = SERVER_OPTIMIZER;
  return checkFedAdam({ rates, beta1, beta2, tau });
}

/** FedAdam with the ranker projection's smaller step, as the simulation ran it. */
export function rankerSettings(projectionSize: number, length: number): FedAdamSettings {
  const rates = new Float64Array(length).fill(SERVER_OPTIMIZER.smallRate);
  return settings(rates.fill(SERVER_OPTIMIZER.projectionRate, 0, projectionSize));
}

/** The model's file (its parsed JSON) as the vector its rounds train; throws when it is not such a file. */
export function federatedFile(model: FederatedModel, file: unknown): FederatedFile {
  if (model === 'ranker') {
    const ranker = parseRanker(file);
    const length = federatedLength(ranker);
    return {
      length,
      vector: federatedVector(ranker),
      settings: rankerSettings(ranker.dims * ranker.inputDims, length),
      withVector: (params) => json(serializeRanker(withFederatedVector(ranker, params))),
    };
  }
  const layer = parseIntentHead(file).categoryLayer;
  const vector = intentVector(layer);
  return {
    length: vector.length,
    vector,
    settings: settings(new Float64Array(vector.length).fill(SERVER_OPTIMIZER.intentRate)),
    withVector: (params) => {
      const trained = withIntentVector(layer, params);
      const head = file as { category_layer: Record<string, unknown> };
      // The behavioural layer and the category names are not federated: kept as they were.
      return json({ ...head, category_layer: { ...head.category_layer, weight: encodeFloat32(trained.weight), bias: encodeFloat32(trained.bias) } });
    },
  };
}
