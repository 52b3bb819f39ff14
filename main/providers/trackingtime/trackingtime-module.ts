/**
 * Connecting a TrackingTime account: one `GET /me` (global, no account segment) checks the
 * password and lists the user's teams; the workspace is the team asked for (account id or
 * company name), the only one, or — with several and none chosen — a validation error on the
 * workspace field listing them. Only non-secret facts are returned for settings.
 */
import { z } from 'zod';
import type { AccountConfig } from '../../../preload/contract';
import { ProviderError } from '../provider';
import type { ConnectRequest, ConnectResult, ProviderModule } from '../provider-module';
import { meSchema } from './trackingtime-api';
import { TrackingTimeClient, type Credentials } from './trackingtime-client';
import { TrackingTimeProvider } from './trackingtime-provider';
import { isKnownZone } from './zoned-time';

export const TRACKINGTIME_BASE_URL = 'https://api.trackingtime.co/api/v4';
const FIELD = 'options.workspace';

const savedOptionsSchema = z.object({
  accountId: z.coerce.number().int().positive(),
  userId: z.coerce.number().int().positive(),
  timezone: z.string().min(1),
  authMode: z.enum(['api-token', 'email']),
  email: z.string().optional(),
});

function credentialsFor(email: string | undefined): Credentials {
  return email ? { mode: 'email', email } : { mode: 'api-token' };
}

export const trackingtimeModule: ProviderModule = {
  kind: 'trackingtime',
  defaultBaseUrl: TRACKINGTIME_BASE_URL,

  reconnectOptions(config) {
    const { accountId, authMode, email } = config.options;
    return {
      ...(accountId !== undefined ? { workspace: String(accountId) } : {}),
      // Signed in with e-mail + password before: the new secret is that account's password.
      ...(authMode === 'email' && typeof email === 'string' ? { email } : {}),
    };
  },

  async connect(request: ConnectRequest, deps): Promise<ConnectResult> {
    const email = request.options.email?.trim() || undefined;
    const client = new TrackingTimeClient({
      baseUrl: request.baseUrl ?? TRACKINGTIME_BASE_URL,
      fetch: deps.fetch,
      appVersion: deps.appVersion,
      now: () => deps.clock.now(),
      getSecret: async () => request.secret,
      credentials: credentialsFor(email),
    });
    const me = await client.call({ method: 'GET', path: '/me', schema: meSchema, what: 'profile' });
    const teams =
      me.teams && me.teams.length > 0
        ? me.teams.map((t) => ({
            id: t.account_id,
            name: t.company?.trim() || `Team ${t.account_id}`,
          }))
        : me.account_id != null
          ? [{ id: me.account_id, name: me.company?.trim() || `Team ${me.account_id}` }]
          : [];
    const listed = teams.map((t) => `${t.name} (id ${t.id})`).join(', ');
    const wanted = request.options.workspace?.trim() || undefined;
    let team: { id: number; name: string } | undefined;
    if (wanted) {
      team =
        teams.find((t) => String(t.id) === wanted) ??
        teams.find((t) => t.name.toLowerCase() === wanted.toLowerCase());
      if (!team)
        throw new ProviderError({
          kind: 'validation',
          field: FIELD,
          message: `This TrackingTime user has no workspace “${wanted}”. Choose one: ${listed || 'none'}`,
        });
    } else if (teams.length === 1) {
      team = teams[0];
    } else if (teams.length > 1) {
      throw new ProviderError({
        kind: 'validation',
        field: FIELD,
        message: `Choose a workspace: ${listed}`,
      });
    }
    if (!team)
      throw new ProviderError({
        kind: 'validation',
        field: FIELD,
        message: 'This TrackingTime user belongs to no workspace to track time in.',
      });
    // Event times are wall-clock times in this zone; without a usable one, UTC is the honest guess.
    const timezone = me.timezone && isKnownZone(me.timezone) ? me.timezone : 'UTC';
    return {
      label: `${me.email} · ${team.name}`,
      options: {
        accountId: team.id,
        userId: me.id,
        email: email ?? me.email,
        timezone,
        authMode: email ? 'email' : 'api-token',
        workspaceName: team.name,
      },
    };
  },

  create(config: AccountConfig, deps) {
    const options = savedOptionsSchema.safeParse(config.options);
    if (!options.success) {
      throw new ProviderError({
        kind: 'validation',
        message: `The settings of ${config.label} have no TrackingTime workspace. Remove the account and connect it again.`,
      });
    }
    const o = options.data;
    return new TrackingTimeProvider(
      {
        accountId: o.accountId,
        userId: o.userId,
        timezone: o.timezone,
        credentials: credentialsFor(o.authMode === 'email' ? (o.email ?? '') : undefined),
      },
      config.baseUrl ?? TRACKINGTIME_BASE_URL,
      deps,
    );
  },
};
