import { useSyncExternalStore } from 'react';
import { api } from './api';
import type { Department } from './departments';

/*
 * Live order counts per stage for the navigation (GET /api/v1/stages, read from maintained counters,
 * so it is cheap). One store for the whole app: fetched when the first component subscribes, every
 * 30 seconds while the tab is visible, when the window regains focus, and whenever a page calls
 * refreshStageCounts() after it moved orders.
 */

export interface StageCountRow { stage: string; label: string; count: number }

export interface StageCountsSnapshot {
  /** Orders per stage; null until the first answer arrives. */
  counts: ReadonlyMap<string, number> | null;
  /** The last refresh failed (the counts shown, if any, are older). */
  failed: boolean;
  /** When the counts were read (epoch ms), or null. */
  updatedAt: number | null;
}

export const STAGE_COUNTS_REFRESH_MS = 30_000;
/** A subscriber arriving within this long of the last answer reuses it rather than fetching again. */
const FRESH_MS = 5_000;

const EMPTY: StageCountsSnapshot = { counts: null, failed: false, updatedAt: null };
let snapshot: StageCountsSnapshot = EMPTY;
let generation = 0;
let inFlight: Promise<void> | null = null;
let requestedAgain = false;
const listeners = new Set<() => void>();

const emit = () => { for (const listener of listeners) listener(); };

/**
 * Fetches the counts now. Call it after moving orders between stages so the navigation shows the new
 * counts at once. A call while a fetch is running schedules one more fetch after it (the running one may
 * have read the counters before the move committed); the returned promise settles when the counts are in.
 */
export function refreshStageCounts(): Promise<void> {
  if (inFlight) {
    requestedAgain = true;
    return inFlight.then(() => inFlight ?? undefined);
  }
  const started = generation;
  inFlight = (async () => {
    try {
      const rows = await api<StageCountRow[]>('/stages');
      if (started !== generation) return;
      snapshot = { counts: new Map(rows.map((r) => [r.stage, r.count])), failed: false, updatedAt: Date.now() };
    } catch {
      if (started !== generation) return;
      snapshot = { ...snapshot, failed: true };
    } finally {
      // After a reset this fetch is stale, and inFlight may already belong to the next session's fetch.
      if (started === generation) {
        inFlight = null;
        emit();
        if (requestedAgain) {
          requestedAgain = false;
          void refreshStageCounts();
        }
      }
    }
  })();
  return inFlight;
}

/** Forgets the counts (on sign-out), so the next user never sees the previous user's figures. */
export function resetStageCounts(): void {
  generation++;
  requestedAgain = false;
  inFlight = null;
  snapshot = EMPTY;
  emit();
}

let timer: ReturnType<typeof setInterval> | undefined;
const onFocus = () => { void refreshStageCounts(); };
const onVisibility = () => { if (document.visibilityState === 'visible') void refreshStageCounts(); };
const onTick = () => { if (document.visibilityState === 'visible') void refreshStageCounts(); };

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (listeners.size === 1) {
    timer = setInterval(onTick, STAGE_COUNTS_REFRESH_MS);
    window.addEventListener('focus', onFocus);
    document.addEventListener('visibilitychange', onVisibility);
    if (!inFlight && (snapshot.updatedAt === null || Date.now() - snapshot.updatedAt > FRESH_MS)) void refreshStageCounts();
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      clearInterval(timer);
      window.removeEventListener('focus', onFocus);
      document.removeEventListener('visibilitychange', onVisibility);
    }
  };
}

const getSnapshot = () => snapshot;

/** The live counts; subscribing keeps them refreshed. */
export function useStageCounts(): StageCountsSnapshot {
  return useSyncExternalStore(subscribe, getSnapshot);
}

/** A department's count: the sum over its stages; null while unknown. */
export function departmentCount(counts: ReadonlyMap<string, number> | null, department: Pick<Department, 'stages'>): number | null {
  if (!counts) return null;
  return department.stages.reduce((sum, stage) => sum + (counts.get(stage) ?? 0), 0);
}

/** Every order in every stage; null while unknown. */
export function totalCount(counts: ReadonlyMap<string, number> | null): number | null {
  if (!counts) return null;
  let sum = 0;
  for (const n of counts.values()) sum += n;
  return sum;
}
