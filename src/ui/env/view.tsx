/**
 * The account env vars view as a hook (same shape as the offer browser): names with values masked, set with
 * the value typed into a masked input, remove, both confirmed. Values never reach the screen or a message:
 * only their length is shown in the confirmation.
 */
import { useEffect, useLayoutEffect, useState } from 'react';
import { Box, Text } from 'ink';
import type { Layer } from '../keymap/dispatch.js';
import type { VastApi } from '../../core/vast/api.js';
import { listEnvVarsMasked, normaliseKey, removeEnvVar, setEnvVar } from '../../core/ops/env-vars.js';
import { sanitizeLine } from '../../core/util/sanitize.js';
import { useTheme } from '../theme-context.js';
import { useWindowedList } from '../list/use-windowed.js';
import { fieldOf, useViewStore } from '../views/store.js';
import type { ViewDef, ViewProps } from '../views/types.js';

type Entry = { stage: 'name'; text: string } | { stage: 'value'; name: string; text: string };
type Pending = { kind: 'set'; name: string; value: string } | { kind: 'rm'; name: string };

/** The masked form of a typed value: one * per character. */
export function maskTyped(value: string): string {
  return '*'.repeat(value.length);
}

type EnvApi = Pick<VastApi, 'listEnvVars' | 'createEnvVar' | 'updateEnvVar' | 'deleteEnvVar'>;
const nameOf = (k: string) => k;

/** State, keys and screen of the env vars view (mounted while it shows; names and status kept in its store). */
function EnvView(v: ViewProps) {
  const p = {
    api: v.app.offers?.api as EnvApi | undefined,
    keymap: v.keymap,
    width: v.width,
    height: Math.max(4, v.height),
    onBack: () => v.show('fleet'),
  };
  const theme = useTheme();
  const st = useViewStore(v.stores.env);
  const [keys, setKeys] = fieldOf(v.stores.env, st, 'keys');
  const [status, setStatus] = fieldOf(v.stores.env, st, 'status');
  const [entry, setEntry] = useState<Entry | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);

  const load = async () => {
    if (!p.api) return;
    try {
      setKeys((await listEnvVarsMasked(p.api as VastApi)).map((e) => e.key));
    } catch (err) {
      setStatus({ text: `env vars: ${sanitizeLine(String((err as Error).message))}`, error: true });
    }
  };
  // Opening the view lists the names again.
  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const listRows = Math.max(1, p.height - 3);
  // A removed name leaves the cursor where it was (the next name), not on the first.
  const list = useWindowedList(keys ?? [], nameOf, listRows, { whenGone: 'keep' });
  const selected = list.selected;
  const cursor = list.cursor;
  const run = async (c: Pending) => {
    if (!p.api) return;
    try {
      if (c.kind === 'set') {
        const how = await setEnvVar(p.api as VastApi, c.name, c.value);
        setStatus({ text: `${c.name} ${how}`, error: false });
      } else {
        await removeEnvVar(p.api as VastApi, c.name);
        setStatus({ text: `${c.name} removed`, error: false });
      }
    } catch (err) {
      // The value is never part of an error we show: messages from env-vars.ts name the key only.
      setStatus({ text: sanitizeLine(String((err as Error).message)), error: true });
    }
    await load();
  };

  const layers: Layer[] = [];
  if (pending) {
    layers.push({
      scope: 'overlay',
      modal: true,
      handlers: {
        'confirm.yes': () => (setPending(null), void run(pending)),
        'confirm.no': () => setPending(null),
        'overlay.close': () => setPending(null),
      },
    });
  }
  if (entry) {
    layers.push({
      scope: 'input',
      onText: (t) => (setEntry({ ...entry, text: entry.text + t }), true),
      handlers: {
        'input.cancel': () => setEntry(null),
        'input.erase': () => setEntry({ ...entry, text: entry.text.slice(0, -1) }),
        'input.clear': () => setEntry({ ...entry, text: '' }),
        'input.complete': () => {},
        'input.submit': () => {
          if (entry.stage === 'name') {
            try {
              setEntry({ stage: 'value', name: normaliseKey(entry.text.trim()), text: '' });
            } catch (err) {
              setEntry(null);
              setStatus({ text: (err as Error).message, error: true });
            }
          } else {
            setEntry(null);
            if (!entry.text) return setStatus({ text: `no value typed for ${entry.name}: nothing set`, error: true });
            setPending({ kind: 'set', name: entry.name, value: entry.text });
          }
        },
      },
    });
  }
  const n = keys?.length ?? 0;
  layers.push({
    scope: 'env',
    handlers: {
      'env.back': p.onBack,
      'env.down': () => list.move('down'),
      'env.up': () => list.move('up'),
      ...(p.keymap.get('env.set') ? { 'env.set': () => setEntry({ stage: 'name', text: '' }) } : {}),
      ...(p.keymap.get('env.rm') ? { 'env.rm': () => selected && setPending({ kind: 'rm', name: selected }) } : {}),
    },
  });

  useLayoutEffect(() => v.publish({ layers }));
  const top = list.top;
  if (v.cover)
    return (
      <>
        {v.cover.node(p.height)}
        <Box flexGrow={1} />
        {v.below}
      </>
    );
  return (
    <>
      <Box flexDirection="column" width={p.width} height={p.height}>
        <Text wrap="truncate">
          <Text bold color={theme.colors.accent}>
            env vars
          </Text>
          <Text color={theme.colors.muted}>
            {'  '}
            {keys === null ? 'loading…' : `${n} on the account; values are secrets and never shown`}
          </Text>
        </Text>
        <Text bold color={theme.colors.header}>
          {' NAME'.padEnd(40)}VALUE
        </Text>
        {(keys ?? []).slice(top, top + listRows).map((k, i) => (
          <Text key={k} wrap="truncate" inverse={top + i === cursor}>
            {top + i === cursor ? '›' : ' '}
            {sanitizeLine(k).padEnd(39)}*****
          </Text>
        ))}
        <Box flexGrow={1} />
        {pending ? (
          <Text wrap="truncate" bold color={theme.colors['status.warn']}>
            {pending.kind === 'set'
              ? `Set ${pending.name} to the ${pending.value.length}-character value you typed? New instances get it.`
              : `Remove ${pending.name} from the account? Profiles that reference it stop working.`}{' '}
            [y/n]
          </Text>
        ) : entry ? (
          <Text wrap="truncate">
            <Text color={theme.colors.accent} bold>
              {entry.stage === 'name' ? 'name: ' : `${entry.name} value (hidden): `}
            </Text>
            {entry.stage === 'name' ? entry.text : maskTyped(entry.text)}
            <Text inverse> </Text>
          </Text>
        ) : (
          <Text wrap="truncate" color={status?.error ? theme.colors['status.error'] : theme.colors.accent}>
            {status?.text ?? ''}
          </Text>
        )}
      </Box>
      <Box flexGrow={1} />
      {v.below}
    </>
  );
}

/** The env vars view's row in the view table (it needs the API the offer browser has). */
export const envView: ViewDef = {
  Component: EnvView,
  hints: () => ['env', 'global'],
  available: (app) => !!app.offers,
};
