import type { MemberStatus, MemberView, TeamGlance } from '../preload/contract';

/**
 * Checks the `data` of members.search and team replies. Main already validated them with zod;
 * like settings-view.ts, this only guards the popup against a main/renderer version mismatch
 * without shipping zod to the renderer.
 */
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isStringOrNull = (v: unknown) => v === null || typeof v === 'string';

function isMember(v: unknown): v is MemberView {
  return (
    isObject(v) &&
    typeof v['id'] === 'string' &&
    typeof v['name'] === 'string' &&
    isStringOrNull(v['email']) &&
    isStringOrNull(v['role'])
  );
}

function isMemberStatus(v: unknown): v is MemberStatus {
  return (
    isObject(v) &&
    isMember(v['member']) &&
    (v['entry'] === null || isObject(v['entry'])) &&
    typeof v['todaySeconds'] === 'number' &&
    isStringOrNull(v['checkedAt']) &&
    (v['error'] === null || (isObject(v['error']) && typeof v['error']['message'] === 'string'))
  );
}

export function asMembers(data: unknown): MemberView[] | null {
  return Array.isArray(data) && data.every(isMember) ? data : null;
}

export function asTeamGlance(data: unknown): TeamGlance | null {
  if (!isObject(data)) return null;
  const ok =
    typeof data['accountId'] === 'string' &&
    Array.isArray(data['members']) &&
    data['members'].every(isMemberStatus) &&
    typeof data['total'] === 'number' &&
    typeof data['unchecked'] === 'number' &&
    isStringOrNull(data['nextCheckAt']);
  return ok ? (data as unknown as TeamGlance) : null;
}
