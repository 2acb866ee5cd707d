/** Resident memory of a process, read from Linux's /proc/<pid>/status. */
import { readFileSync, writeFileSync } from 'node:fs';

export interface ProcessMemory {
  /** Resident set size now, in MiB. */
  rssMb: number;
  /** Peak resident set size (since start, or since the last resetPeak), in MiB. */
  hwmMb: number;
}

/** The VmRSS and VmHWM lines of a /proc/<pid>/status text (values in kB). */
export function parseStatus(text: string): ProcessMemory {
  const kb = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(text);
    if (!match) throw new Error(`/proc status has no ${field} line`);
    return Number(match[1]);
  };
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

export function readMemory(pid: number): ProcessMemory {
  return parseStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
}

/**
 * Resets VmHWM to the current RSS (Linux >= 4.0: "5" to /proc/<pid>/clear_refs; allowed for our own
 * children), so a later VmHWM is the peak of the load that follows, not of the start-up. Returns false when
 * the kernel refused; the caller then reports the sampled peak only.
 */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
