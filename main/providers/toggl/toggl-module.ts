/**
 * Connecting a Toggl Track account: the API token is checked with one `GET /me` (with related
 * data, which includes the workspaces), the workspace is
 * the one asked for (id or name) or the user's default, and only non-secret facts are returned
 * for settings. Nothing is saved here; the core saves on success only.
 */
import { z } from 'zod';
import type { AccountConfig } from '../../../preload/contract';
import { ProviderError } from '../provider';
import type { ConnectRequest, ConnectResult, ProviderModule } from '../provider-module';
import { meWithRelatedSchema } from './toggl-api';
import { TogglClient } from './toggl-client';
import { TogglProvider } from './toggl-provider';

export const TOGGL_BASE_URL = 'https://api.track.toggl.com/api/v9';
export const CONNECT_AUTH_MESSAGE =
  'Toggl rejected this API token. Copy it again from your Toggl profile page.';

const savedOptionsSchema = z.object({
  workspaceId: z.coerce.number().int().positive(),
  connectedAt: z.coerce.number().optional(),
});

/** Connect spends one user-level request (GET /me) before the account's budget exists. */
export const CONNECT_REQUESTS = 1;

export const togglModule: ProviderModule = {
  kind: 'toggl',
  defaultBaseUrl: TOGGL_BASE_URL,

  reconnectOptions(config): Record<string, string> {
    const id = config.options.workspaceId;
    return id === undefined ? {} : { workspace: String(id) };
  },

  async connect(request: ConnectRequest, deps): Promise<ConnectResult> {
    const connectedAt = deps.clock.now();
    const client = new TogglClient({
      baseUrl: request.baseUrl ?? TOGGL_BASE_URL,
      fetch: deps.fetch,
      appVersion: deps.appVersion,
      now: () => deps.clock.now(),
      getToken: async () => request.secret,
      authMessage: CONNECT_AUTH_MESSAGE,
    });
    // One request for the profile and its workspaces (the separate lists would cost two).
    const me = await client.call({
      method: 'GET',
      path: '/me?with_related_data=true',
      schema: meWithRelatedSchema,
      what: 'profile',
    });
    const workspaces = me.workspaces ?? [];
    const wanted = request.options.workspace?.trim();
    const workspace = wanted
      ? (workspaces.find((w) => String(w.id) === wanted) ??
        workspaces.find((w) => w.name.toLowerCase() === wanted.toLowerCase()))
      : (workspaces.find((w) => w.id === me.default_workspace_id) ?? workspaces[0]);
    if (!workspace) {
      const known = workspaces.map((w) => `${w.name} (${w.id})`).join(', ');
      throw new ProviderError({
        kind: 'validation',
        field: 'options.workspace',
        message: wanted
          ? `This Toggl account has no workspace “${wanted}”. Its workspaces: ${known || 'none'}.`
          : 'This Toggl account has no workspace to track time in.',
      });
    }
    return {
      label: `${me.email} · ${workspace.name}`,
      options: {
        workspaceId: workspace.id,
        userId: me.id,
        email: me.email,
        fullname: me.fullname ?? '',
        workspaceName: workspace.name,
        // Lets the new account's request budget count connect's request.
        connectedAt,
      },
    };
  },

  create(config: AccountConfig, deps) {
    const options = savedOptionsSchema.safeParse(config.options);
    if (!options.success) {
      throw new ProviderError({
        kind: 'validation',
        message: `The settings of ${config.label} have no Toggl workspace. Remove the account and connect it again.`,
      });
    }
    const provider = new TogglProvider(
      { workspaceId: options.data.workspaceId },
      config.baseUrl ?? TOGGL_BASE_URL,
      deps,
    );
    const at = options.data.connectedAt;
    if (at !== undefined) {
      for (let i = 0; i < CONNECT_REQUESTS; i++)
        provider.budget.recordPast('user', at, `connect-${at}-${i}`, deps.clock.now());
    }
    return provider;
  },
};
