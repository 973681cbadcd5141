/**
 * The `:` commands that belong to the app, not to a view: `:theme NAME` and `:keys add`, and the check after the
 * fleet loads that vastdeck's SSH key is on the account (it says how to fix it when not).
 */
import { useContext, useEffect, useRef } from 'react';
import type { FleetSnapshot } from '../core/fleet/store.js';
import { ThemeSwitchContext, useTheme } from './theme-context.js';
import { loadTheme } from './theme.js';
import type { AccountKeys } from './keys/account-keys.js';
import type { Message } from './use-fleet-actions.js';

/** Line handlers by command id. */
export function useAppCommands(d: {
  accountKeys?: AccountKeys;
  snap: FleetSnapshot;
  say: (m: Message | ((m: Message | null) => Message | null)) => void;
}): Record<string, (arg: string) => void> {
  const theme = useTheme();
  const switchTheme = useContext(ThemeSwitchContext);
  const { accountKeys, snap, say } = d;

  // Once the fleet has loaded: is vastdeck's SSH key on the account? If not, say it and how to fix it (:keys add).
  const keysChecked = useRef(false);
  useEffect(() => {
    if (!accountKeys || !snap.loaded || keysChecked.current) return;
    keysChecked.current = true;
    void accountKeys.check().then((text) => text && say((m) => m ?? { text, level: 'error' }));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [accountKeys, snap.loaded]);

  return {
    'app.theme': (name) => {
      if (!switchTheme) return say({ text: 'the theme cannot be switched here', level: 'error' });
      if (!name) return say({ text: `theme ${theme.name}; :theme dark | light | mono | PATH.yaml`, level: 'info' });
      void loadTheme({ name, noColor: Boolean(process.env.NO_COLOR) }).then(({ theme: next, warning }) => {
        if (warning) return say({ text: warning.replace(/; using dark$/, '; theme unchanged'), level: 'error' });
        switchTheme(next);
        say({ text: `theme ${next.name}${process.env.NO_COLOR ? ' (NO_COLOR is set: mono)' : ''}`, level: 'info' });
      });
    },
    ...(accountKeys
      ? {
          'keys.add': (arg: string) => {
            if (arg && arg !== 'add') return say({ text: `:keys ${arg}: only :keys add`, level: 'error' });
            say({ text: 'registering the SSH key…', level: 'info' });
            accountKeys.add(snap.instances).then(
              (text) => say({ text, level: 'info' }),
              (err: Error) => say({ text: `:keys add: ${err.message}`, level: 'error' }),
            );
          },
        }
      : {}),
  };
}
