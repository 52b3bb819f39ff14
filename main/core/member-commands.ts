/**
 * Acting for members of a team workspace (WebWork owners and executive managers): the members
 * picker, "Track for" (whose tracker the popup and tray show and drive), one-off start/stop/status
 * for a member (`tray-timer … --member`) and the team glance. Providers without a team, and
 * users without the role, get a specific error naming what is missing.
 */
import {
  PROVIDER_NAMES,
  type MemberStatus,
  type MemberView,
  type StartInput,
  type TeamGlance,
} from '../../preload/contract';
import { describeEntry } from '../../preload/format';
import type { Member, MemberTracker, TeamOps } from '../providers/provider';
import type { AccountRuntime } from './account-runtime';
import { requireProvider, resolveProjectAndTask, tagsFor } from './entry-commands';
import { fail } from './errors';
import { accountLabel, entryView, toLocalIso } from './snapshot';

/** The roles WebWork lets act for others (providers.md §3.1). */
export const MANAGER_ROLES = 'the Owner or Executive manager role';

export function requireTeam(rt: AccountRuntime): TeamOps {
  const provider = requireProvider(rt);
  const team = provider.team;
  if (!team) {
    fail(
      'unsupported',
      `${accountLabel(rt.config)} has no team members to act for (${PROVIDER_NAMES[rt.config.provider]} accounts track only your own time).`,
      { field: 'member' },
    );
  }
  if (!provider.capabilities.members) {
    fail(
      'unsupported',
      `Acting for members and the team glance need ${MANAGER_ROLES} in ${accountLabel(rt.config)}; your role is ${team.role ?? 'unknown'}.`,
      { field: 'member' },
    );
  }
  return team;
}

export function memberView(m: Member): MemberView {
  return { id: m.id, name: m.name, email: m.email, role: m.role };
}

/**
 * The member `ref` (e-mail, user id or name) names. Yourself needs no role; anyone else needs
 * the manager role, and gets the role message rather than "no such member" without it (WebWork
 * lists only yourself to other roles).
 */
async function resolveMember(
  rt: AccountRuntime,
  ref: string,
): Promise<{ team: TeamOps; member: Member }> {
  // No team at all: requireTeam throws the "tracks only your own time" message.
  const team = requireProvider(rt).team ?? requireTeam(rt);
  const needle = ref.trim().toLowerCase();
  const self = team.self;
  if (self !== null && (needle === self.id || needle === (self.email ?? '').toLowerCase()))
    return { team, member: self };
  requireTeam(rt);
  return { team, member: await team.findMember(ref) };
}

/**
 * The member `ref` names, to act for once (`--member`); null when it is whoever the account
 * already acts for, so the normal path (and its state on screen) applies.
 */
export async function oneOffMember(rt: AccountRuntime, ref: string): Promise<Member | null> {
  const { team, member } = await resolveMember(rt, ref);
  const current = team.actingFor?.id ?? null;
  return current === (member.id === selfId(team) ? null : member.id) ? null : member;
}

function selfId(team: TeamOps): string | null {
  return team.self?.id ?? null;
}

export async function searchMembers(rt: AccountRuntime, query: string): Promise<MemberView[]> {
  const team = requireTeam(rt);
  // The picker offers "Me" itself; the signed-in user is not listed again among the members.
  const self = selfId(team);
  return (await team.searchMembers(query))
    .filter((m) => m.id !== self)
    .slice(0, 50)
    .map(memberView);
}

export async function trackFor(rt: AccountRuntime, ref: string | null): Promise<string> {
  const team = requireTeam(rt);
  let member: Member | null = ref === null || ref.trim() === '' ? null : await team.findMember(ref);
  if (member && member.id === selfId(team)) member = null;
  if ((member?.id ?? null) === (team.actingFor?.id ?? null)) {
    return member
      ? `Already tracking for ${member.name} on ${accountLabel(rt.config)}.`
      : `Already tracking your own time on ${accountLabel(rt.config)}.`;
  }
  team.setActingFor(member);
  rt.retarget();
  await rt.refresh('user');
  return member
    ? `Now showing and driving ${member.name}'s tracker on ${accountLabel(rt.config)}.`
    : `Back to your own tracker on ${accountLabel(rt.config)}.`;
}

export function memberStatusView(t: MemberTracker, now: number): MemberStatus {
  return {
    member: memberView(t.member),
    entry: t.running ? entryView(t.running, now) : null,
    todaySeconds: t.todaySeconds,
    checkedAt: t.checkedAt === null ? null : toLocalIso(t.checkedAt),
    error: t.error,
  };
}

export async function memberStatus(
  rt: AccountRuntime,
  ref: string,
  now: number,
): Promise<MemberStatus> {
  const { team, member } = await resolveMember(rt, ref);
  return memberStatusView(await team.trackerOf(member), now);
}

export async function startForMember(
  rt: AccountRuntime,
  input: StartInput,
  member: Member,
  now: number,
): Promise<string> {
  const team = requireTeam(rt);
  tagsFor(rt, input);
  const { projectId, taskId } = await resolveProjectAndTask(rt, input, () =>
    team.projectsFor(member),
  );
  const description = input.description?.trim() ? input.description.trim() : null;
  const result = await team.startFor(member, {
    description,
    projectId,
    taskId,
    ...(input.replaceRunning ? { replaceRunning: true } : {}),
    at: now,
  });
  const replaced = result.replaced ? ` (stopped “${describeEntry(result.replaced)}”)` : '';
  return `Started “${describeEntry(result.entry)}” for ${member.name} on ${accountLabel(rt.config)}${replaced}.`;
}

export async function stopForMember(
  rt: AccountRuntime,
  member: Member,
  now: number,
): Promise<string> {
  const team = requireTeam(rt);
  const stopped = await team.stopFor(member, now);
  return stopped
    ? `Stopped “${describeEntry(stopped)}” for ${member.name} on ${accountLabel(rt.config)}.`
    : `Nothing was running for ${member.name} on ${accountLabel(rt.config)}.`;
}

export async function teamGlance(
  rt: AccountRuntime,
  refresh: boolean,
  now: number,
): Promise<TeamGlance> {
  const team = requireTeam(rt);
  const glance = await rt.once(refresh ? 'team:refresh' : 'team', () =>
    team.glance(refresh ? 'refresh' : 'watch'),
  );
  const rows = glance.members.map((m) => memberStatusView(m, now));
  // Who is tracking first (most time today first), then everyone else by name.
  rows.sort(
    (a, b) =>
      Number(b.entry !== null) - Number(a.entry !== null) ||
      (a.entry !== null ? b.todaySeconds - a.todaySeconds : 0) ||
      a.member.name.localeCompare(b.member.name),
  );
  return {
    accountId: rt.config.id,
    members: rows,
    total: glance.total,
    unchecked: glance.unchecked,
    nextCheckAt: glance.nextCheckAt === null ? null : toLocalIso(glance.nextCheckAt),
  };
}
