/**
 * Runs merchants' federated rounds without anyone at the keyboard: opens a round for each
 * schedule when none is open and the last one is old enough, and ends each phase at its
 * deadline (check-in closes at the plan's checkInUntil; every later phase gets `phaseSeconds`).
 * Deadlines count from when the phase began as logged, so a restarted server keeps them. A
 * completed round goes to `onCompleted` (the federated ranker); a refused open (the ε budget
 * is spent, the catalogue has no such model) is logged once per reason and retried next period.
 */
import type { OpenRound, RoundCoordinator } from './round-coordinator.ts';
import { openRound, type FederationOptions } from './round-routes.ts';

export interface RoundSchedule {
  merchant: string;
  /** The POST /v1/rounds body the round is opened with (catalog, privacy, expectedCohort, maxClients, checkInSeconds, tolerance). */
  round: Record<string, unknown>;
  /** Seconds from one round's opening to the next one's. */
  everySeconds: number;
  /** Seconds for each phase after check-in. */
  phaseSeconds: number;
}

export interface SchedulerLog {
  info(entry: object, message: string): void;
  warn(entry: object, message: string): void;
}

/** Whether `round`'s current phase is past its deadline. */
export function phaseDue(round: OpenRound, now: number, phaseSeconds: number): boolean {
  if (round.phase === 'advertising') return round.plan !== null && now > round.plan.checkInUntil;
  return now >= round.phaseSince + phaseSeconds * 1000;
}

export class RoundScheduler {
  /**
   * By schedule: a merchant may run several (its catalogue's ranker and its intent head). They
   * take turns: the scheduler opens a merchant's next round only when none of its rounds is
   * open, from the due schedule that opened least recently.
   */
  readonly #lastOpened = new Map<RoundSchedule, number>();
  readonly #lastRefusal = new Map<RoundSchedule, string>();
  /** Which schedule opened each round this process opened: its phases run at that schedule's length. */
  readonly #openedBy = new Map<string, RoundSchedule>();
  #timer: NodeJS.Timeout | null = null;
  #ticking: Promise<void> | null = null;

  constructor(
    private readonly federation: FederationOptions,
    private readonly schedules: readonly RoundSchedule[],
    private readonly onCompleted: () => Promise<unknown>,
    private readonly log: SchedulerLog,
    private readonly now: () => number = Date.now,
  ) {}

  start(intervalMs = 1000): void {
    this.#timer ??= setInterval(() => void this.tick(), intervalMs);
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#ticking;
  }

  /** One pass: ends due phases, then opens due rounds. Overlapping calls share one pass. */
  tick(): Promise<void> {
    this.#ticking ??= this.#tick().finally(() => {
      this.#ticking = null;
    });
    return this.#ticking;
  }

  async #tick(): Promise<void> {
    const coordinator: RoundCoordinator = this.federation.coordinator;
    const now = this.now();
    const merchants = new Set(this.schedules.map((s) => s.merchant));
    // Rounds that ended another way (the merchant advanced them over HTTP) are forgotten here.
    const openNow = coordinator.openRounds();
    const open = new Set(openNow.map((r) => r.id));
    for (const id of this.#openedBy.keys()) if (!open.has(id)) this.#openedBy.delete(id);
    // Each open round once, with the phase length of the schedule that opened it (the merchant's
    // first schedule for a round this process did not open: one from before a restart, or the
    // merchant's own).
    for (const round of openNow.filter((r) => merchants.has(r.merchant))) {
      const schedule = this.#openedBy.get(round.id) ?? this.schedules.find((s) => s.merchant === round.merchant)!;
      if (!phaseDue(round, now, schedule.phaseSeconds)) continue;
      try {
        const summary = await coordinator.advance(round.id, round.merchant);
        const entry = { round: round.id, merchant: round.merchant, phase: summary.phase, ...(summary.result && { survivors: summary.result.survivors.length }) };
        if (summary.phase === 'aborted') this.log.warn({ ...entry, reason: summary.abortReason }, 'round aborted');
        else this.log.info(entry, summary.phase === 'finished' ? 'round completed' : 'round phase closed');
        if (summary.phase === 'finished') await this.onCompleted();
      } catch (error) {
        this.log.warn({ round: round.id, error: (error as Error).message }, 'round could not advance');
      }
    }
    // Then, for each merchant with no round open, the due schedule that opened least recently.
    for (const merchant of merchants) {
      if (coordinator.openRounds().some((r) => r.merchant === merchant)) continue;
      const last = (s: RoundSchedule) => this.#lastOpened.get(s) ?? -Infinity;
      const due = this.schedules.filter((s) => s.merchant === merchant && now - last(s) >= s.everySeconds * 1000);
      const schedule = due.reduce<RoundSchedule | null>((oldest, s) => (oldest === null || last(s) < last(oldest) ? s : oldest), null);
      if (!schedule) continue;
      this.#lastOpened.set(schedule, now);
      try {
        const opened = await openRound(this.federation, schedule.merchant, schedule.round, crypto.randomUUID());
        this.#openedBy.set(opened.roundId, schedule);
        this.#lastRefusal.delete(schedule);
        this.log.info({ round: opened.roundId, merchant, model: opened.plan.task?.model ?? null, epsilon: opened.privacy.cumulativeEpsilon, checkInUntil: opened.plan.checkInUntil }, 'round opened');
      } catch (error) {
        const reason = (error as Error).message;
        if (this.#lastRefusal.get(schedule) !== reason) this.log.warn({ merchant, reason }, 'round not opened');
        this.#lastRefusal.set(schedule, reason);
      }
    }
  }
}

/** PRIVET_ROUND_SCHEDULE: a JSON list of schedules; checked here so a typo stops the server with a clear message. */
export function parseSchedules(text: string): RoundSchedule[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`round schedule: not JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(parsed)) throw new Error('round schedule: expected a JSON list of {merchant, round, everySeconds, phaseSeconds}');
  return parsed.map((value: unknown, i) => {
    const s = value as Partial<RoundSchedule> | null;
    if (!s || typeof s.merchant !== 'string' || !s.merchant) throw new Error(`round schedule ${i}: "merchant" must be a name`);
    if (typeof s.round !== 'object' || s.round === null) throw new Error(`round schedule ${i}: "round" must be the POST /v1/rounds body`);
    for (const key of ['everySeconds', 'phaseSeconds'] as const) {
      if (typeof s[key] !== 'number' || !(s[key] >= 1)) throw new Error(`round schedule ${i}: "${key}" must be a number of seconds ≥ 1`);
    }
    return { merchant: s.merchant, round: s.round, everySeconds: s.everySeconds!, phaseSeconds: s.phaseSeconds! };
  });
}
