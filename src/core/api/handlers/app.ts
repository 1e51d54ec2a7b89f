import type { Handlers } from '../context';

export const appHandlers: Pick<Handlers, 'app.info'> = {
  'app.info': (_input, { deps, notices }) => ({
    name: 'Kling Archive',
    version: deps.version,
    mode: deps.mode,
    platform: process.platform,
    engine: deps.engine !== undefined,
    capabilities: {
      openInFolder: deps.shell !== undefined,
      dragOut: deps.mode === 'desktop',
      notifications: deps.shell?.notifications ?? false,
    },
    tokenProtection: deps.secrets.protection(),
    notices: [...notices],
    demo: deps.demo !== undefined,
    overriddenSettings: [...(deps.demo?.overriddenSettings ?? [])],
  }),
};
