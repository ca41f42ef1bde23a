/**
 * F2:11-65: the size (GiB) of each EBS disk that backs a CSI volume of the cluster, per day, from the HOURLY
 * line items: round(max hourly unblended cost / (max hourly unblended rate / hours in the month)). Only temp
 * rows whose resource id contains a Storage row's CSI handle on the same day get one; zero is dropped.
 */
import type { AwsHourlyMax, OcpSummaryInput } from "../model.js";
import { ContainedIndex } from "./contained-index.js";
import type { AwsTempRow } from "./f1-match.js";

/** `${resourceId}\u0000${day}` → capacity. */
export type DiskCapacities = Map<string, number>;

export const diskKey = (resourceId: string, day: string) => `${resourceId}\u0000${day}`;

/** Trino's round(double): half away from zero. */
export function trinoRound(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

export function hoursInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate() * 24;
}

export function diskCapacities(
  temp: readonly AwsTempRow[],
  ocpRows: readonly OcpSummaryInput[],
  hourly: ReadonlyMap<string, AwsHourlyMax>,
  hours: number,
): DiskCapacities {
  const handlesByDay = new Map<string, ContainedIndex<string>>();
  for (const row of ocpRows) {
    if (!row.csiVolumeHandle) continue;
    const index = handlesByDay.get(row.usageStart) ?? new ContainedIndex<string>();
    handlesByDay.set(row.usageStart, index);
    index.add(row.csiVolumeHandle, row.csiVolumeHandle);
  }
  const capacities: DiskCapacities = new Map();
  for (const row of temp) {
    if (row.resourceId === null) continue;
    const handles = handlesByDay.get(row.usageStart);
    if (!handles) continue;
    const key = diskKey(row.resourceId, row.usageStart);
    if (capacities.has(key)) continue;
    if (handles.find(row.resourceId).length === 0) continue;
    const stats = hourly.get(key);
    if (!stats) continue;
    const capacity = trinoRound(stats.maxUnblendedCost / (stats.maxUnblendedRate / hours));
    // Koku stores the capacity as an integer and keeps it when > 0 (a zero rate gives no finite size: none).
    if (Number.isFinite(capacity) && capacity > 0) capacities.set(key, capacity);
  }
  return capacities;
}
