/**
 * Connecting a WebWork account with a Personal Access Token: `GET /workspaces` checks the token
 * and lists the workspaces (the one asked for by id or name, the only one, or — with several and
 * none chosen — a validation error on the workspace field listing them); `GET /members?email=`
 * finds the user's own id and role (WebWork has no /me). Only non-secret facts are kept.
 */
import { z } from 'zod';
import type { AccountConfig } from '../../../preload/contract';
import { ProviderError } from '../provider';
import type { ConnectRequest, ConnectResult, ProviderModule } from '../provider-module';
import { memberName, membersSchema, memberUserId, workspacesSchema } from './webwork-api';
import { WebWorkClient } from './webwork-client';
import { WebWorkProvider } from './webwork-provider';

export const WEBWORK_BASE_URL = 'https://api.webwork-tracker.com/api/v2';
const WORKSPACE_FIELD = 'options.workspace';
const EMAIL_FIELD = 'options.email';

const savedOptionsSchema = z.object({
  workspaceId: z.coerce.number().int().positive(),
  workspaceName: z.string().default(''),
  userId: z.coerce.number().int().positive(),
  email: z.string().min(1),
  name: z.string().default(''),
  role: z.string().nullable().default(null),
});

export const webworkModule: ProviderModule = {
  kind: 'webwork',
  defaultBaseUrl: WEBWORK_BASE_URL,

  reconnectOptions(config) {
    const { workspaceId, email } = config.options;
    return {
      ...(workspaceId !== undefined ? { workspace: String(workspaceId) } : {}),
      ...(typeof email === 'string' ? { email } : {}),
    };
  },

  async connect(request: ConnectRequest, deps): Promise<ConnectResult> {
    const email = request.options.email?.trim() ?? '';
    if (!/^[^\s@]+@[^\s@]+$/.test(email))
      throw new ProviderError({
        kind: 'validation',
        field: EMAIL_FIELD,
        message:
          'Type the e-mail address of your WebWork login: WebWork has no “who am I” call, so Tray Timer finds you by it.',
      });
    const client = new WebWorkClient({
      baseUrl: request.baseUrl ?? WEBWORK_BASE_URL,
      fetch: deps.fetch,
      appVersion: deps.appVersion,
      now: () => deps.clock.now(),
      getSecret: async () => request.secret,
    });
    const { data: workspaces } = await client.call({
      method: 'GET',
      path: '/workspaces',
      schema: workspacesSchema,
      what: 'workspaces',
    });
    const listed = workspaces.map((w) => `${w.name} (id ${w.id})`).join(', ');
    const wanted = request.options.workspace?.trim() || undefined;
    let workspace = workspaces.length === 1 && !wanted ? workspaces[0] : undefined;
    if (wanted) {
      workspace =
        workspaces.find((w) => String(w.id) === wanted) ??
        workspaces.find((w) => w.name.toLowerCase() === wanted.toLowerCase());
      if (!workspace)
        throw new ProviderError({
          kind: 'validation',
          field: WORKSPACE_FIELD,
          message: `This WebWork token has no workspace “${wanted}”. Choose one: ${listed || 'none'}`,
        });
    } else if (workspaces.length > 1) {
      throw new ProviderError({
        kind: 'validation',
        field: WORKSPACE_FIELD,
        message: `Choose a workspace: ${listed}`,
      });
    }
    if (!workspace)
      throw new ProviderError({
        kind: 'validation',
        field: WORKSPACE_FIELD,
        message: 'This WebWork token belongs to no active workspace.',
      });
    const { data: members } = await client.call({
      method: 'GET',
      path: '/members',
      query: { workspace_id: workspace.id, email },
      schema: membersSchema,
      what: 'your member record',
    });
    const me = members.find((m) => m.email?.toLowerCase() === email.toLowerCase());
    if (!me)
      throw new ProviderError({
        kind: 'validation',
        field: EMAIL_FIELD,
        message: `No member with the e-mail ${email} in the WebWork workspace ${workspace.name}. Type the address you log in to WebWork with.`,
      });
    const role = me.role?.trim() || workspace.role?.trim() || null;
    return {
      label: `${email} · ${workspace.name}`,
      options: {
        workspaceId: workspace.id,
        workspaceName: workspace.name,
        userId: memberUserId(me),
        email,
        name: memberName(me),
        ...(role ? { role } : {}),
      },
    };
  },

  create(config: AccountConfig, deps) {
    const options = savedOptionsSchema.safeParse(config.options);
    if (!options.success) {
      throw new ProviderError({
        kind: 'validation',
        message: `The settings of ${config.label} have no WebWork workspace and user. Remove the account and connect it again.`,
      });
    }
    const o = options.data;
    return new WebWorkProvider(
      {
        workspaceId: o.workspaceId,
        workspaceName: o.workspaceName || `Workspace ${o.workspaceId}`,
        userId: o.userId,
        email: o.email,
        name: o.name || o.email,
        role: o.role,
      },
      config.baseUrl ?? WEBWORK_BASE_URL,
      deps,
    );
  },
};
