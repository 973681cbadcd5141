/** Keymap entries of the offer browser and the env vars view (spread into COMMANDS in tui-commands.ts). */
import type { CommandDef } from './registry.js';

/** Sort keys of the offer browser: [sort key, key name, column name]. Shift+letter, `$` for price. */
export const OFFER_SORT_KEYS_BOUND: readonly [string, string, string][] = [
  ['gpu', 'shift+u', 'GPU'],
  ['count', 'shift+n', 'GPU count'],
  ['vram', 'shift+v', 'VRAM'],
  ['ram', 'shift+m', 'system RAM'],
  ['disk', 'shift+d', 'disk'],
  ['down', 'shift+i', 'inet down'],
  ['up', 'shift+o', 'inet up'],
  ['rel', 'shift+r', 'reliability'],
  ['price', '$', '$/hr'],
  ['dlperf', 'shift+e', 'DLPerf/$'],
  ['location', 'shift+l', 'location'],
  ['cuda', 'shift+c', 'CUDA'],
  ['fit', 'shift+f', 'FIT'],
];

/** The offer browser's and env view's commands. */
export const OFFERS_COMMANDS: readonly CommandDef[] = [
  {
    id: 'offers.open',
    scope: 'fleet',
    keys: ['o'],
    description: 'Open the offer browser',
    hint: 'offers',
    cmd: 'offers',
  },
  { id: 'env.open', scope: 'fleet', keys: ['e'], description: 'Show the account env vars (values masked)', cmd: 'env' },

  { id: 'offers.back', scope: 'offers', keys: ['escape'], description: 'Back to the fleet', hint: 'back' },
  { id: 'offers.down', scope: 'offers', keys: ['down', 'j'], description: 'Select the next offer' },
  { id: 'offers.up', scope: 'offers', keys: ['up', 'k'], description: 'Select the previous offer' },
  { id: 'offers.pageDown', scope: 'offers', keys: ['pagedown', 'ctrl+f'], description: 'Page down' },
  { id: 'offers.pageUp', scope: 'offers', keys: ['pageup', 'ctrl+b'], description: 'Page up' },
  { id: 'offers.top', scope: 'offers', keys: ['g', 'home'], description: 'First offer' },
  { id: 'offers.bottom', scope: 'offers', keys: ['shift+g', 'end'], description: 'Last offer' },
  {
    id: 'offers.detail',
    scope: 'offers',
    keys: ['enter', 'd'],
    description: 'Show or hide every field of the offer and the check reasons',
    hint: 'detail',
  },
  {
    id: 'offers.filter',
    scope: 'offers',
    keys: ['/'],
    description:
      'Filter with the CLI query syntax (num_gpus>=4 gpu_ram>=24 …; bare words match GPU/location); enter also ' +
      'searches',
    hint: 'filter',
  },
  { id: 'offers.refresh', scope: 'offers', keys: ['r'], description: 'Search again (at most one search every 6 s)' },
  {
    id: 'offers.verified',
    scope: 'offers',
    keys: ['v'],
    description: 'Search verified hosts only (the default) or all hosts, unverified too; the header says which',
  },
  {
    id: 'offers.hideFails',
    scope: 'offers',
    keys: ['x'],
    description: 'Hide offers that fail the checks, or show them',
    hint: 'hide ✗',
  },
  {
    id: 'offers.profile',
    scope: 'offers',
    keys: [],
    description: 'Check offers against a profile (ETA, cost) and search with its query; no name lists them',
    cmd: 'profile',
    args: '<name>',
  },
  {
    id: 'offers.provision',
    scope: 'offers',
    keys: ['shift+p'],
    description: 'Rent the selected offer with the profile (shows the exact request first)',
    dangerous: true,
    cmd: 'provision',
    hint: 'provision',
  },
  ...OFFER_SORT_KEYS_BOUND.map(
    ([key, k, name]): CommandDef => ({
      id: `offers.sort.${key}`,
      scope: 'offers',
      keys: [k],
      description: `Sort by ${name}, best first (again: reverse)`,
      ...(key === 'price' ? { hint: 'sort $/hr' } : {}),
    }),
  ),

  { id: 'env.back', scope: 'env', keys: ['escape'], description: 'Back to the fleet', hint: 'back' },
  { id: 'env.down', scope: 'env', keys: ['down', 'j'], description: 'Select the next env var' },
  { id: 'env.up', scope: 'env', keys: ['up', 'k'], description: 'Select the previous env var' },
  {
    id: 'env.set',
    scope: 'env',
    keys: ['s'],
    description: 'Set an env var (name, then the value in a masked input)',
    dangerous: true,
    hint: 'set',
  },
  {
    id: 'env.rm',
    scope: 'env',
    keys: ['shift+x'],
    description: 'Remove the selected env var (asks first)',
    dangerous: true,
    hint: 'remove',
  },
];
