/**
 * The requests a context (the page or a widget worker) made, from its resource timing:
 * the raw material of the network log. Resource timing sees requests that libraries make
 * too (onnxruntime-web's wasm), which wrapping fetch would miss.
 */
export interface ResourceRequest {
  url: string;
  /** Milliseconds since the epoch. */
  at: number;
  /** Bytes received: transferred, or the encoded body when served from the HTTP cache. */
  bytes: number;
}

export function resourceRequests(): ResourceRequest[] {
  return (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((e) => ({
    url: e.name,
    at: Math.round(performance.timeOrigin + e.startTime),
    bytes: e.transferSize || e.encodedBodySize,
  }));
}
