/**
 * Every command of the TUI, as data. A key appears here only when its command works: provision, destroy
 * and migrate have no entries until they exist.
 */
import type { CommandDef } from './registry.js';
import type { SortColumn } from '../../core/fleet/row-filter.js';
import { OFFERS_COMMANDS } from './offer-keys.js';

/** Sortable fleet columns (core's FLEET_SORT_KEYS): id, key letter (shift+letter), header. */
export const SORT_COLUMNS = [
  ['id', 'i', 'ID'],
  ['label', 'l', 'label'],
  ['gpu', 'u', 'GPU'],
  ['status', 's', 'status'],
  ['price', 'p', '$/hr'],
  ['age', 'a', 'age'],
  ['step', 't', 'step'],
  ['health', 'h', 'health'],
] as const satisfies readonly (readonly [SortColumn, string, string])[];

const sortCommands: CommandDef[] = SORT_COLUMNS.map(([col, letter, header]) => ({
  id: `fleet.sort.${col}`,
  scope: 'fleet',
  keys: [`shift+${letter}`],
  description: `Sort by ${header} (again: reverse)`,
}));

/** The full command list, before read-only filtering. */
export const COMMANDS: readonly CommandDef[] = [
  {
    id: 'app.quit',
    scope: 'global',
    keys: ['q', 'ctrl+c'],
    description: 'Quit',
    hint: 'quit',
    cmd: 'quit',
    always: true,
  },
  { id: 'app.help', scope: 'global', keys: ['?'], description: 'Show or hide the key help', hint: 'help', cmd: 'help' },
  {
    id: 'app.command',
    scope: 'global',
    keys: [':'],
    description: 'Open the command line (tab completes)',
    hint: 'cmd',
  },
  { id: 'app.refresh', scope: 'global', keys: ['r'], description: 'Refresh the fleet now', cmd: 'refresh' },

  { id: 'fleet.down', scope: 'fleet', keys: ['down', 'j'], description: 'Select the next instance' },
  { id: 'fleet.up', scope: 'fleet', keys: ['up', 'k'], description: 'Select the previous instance' },
  { id: 'fleet.pageDown', scope: 'fleet', keys: ['pagedown', 'ctrl+f'], description: 'Page down' },
  { id: 'fleet.pageUp', scope: 'fleet', keys: ['pageup', 'ctrl+b'], description: 'Page up' },
  { id: 'fleet.top', scope: 'fleet', keys: ['g', 'home'], description: 'First instance' },
  { id: 'fleet.bottom', scope: 'fleet', keys: ['shift+g', 'end'], description: 'Last instance' },
  {
    id: 'fleet.detail',
    scope: 'fleet',
    keys: ['enter', 'd'],
    description: 'Show or hide the detail pane',
    hint: 'detail',
  },
  {
    id: 'fleet.filter',
    scope: 'fleet',
    keys: ['/'],
    description: 'Filter rows (label, GPU, status, id; leading ! inverts)',
    hint: 'filter',
    cmd: 'filter',
    args: '<text>',
  },
  { id: 'fleet.clear', scope: 'fleet', keys: ['escape'], description: 'Clear the filter and the fleet scope' },
  {
    id: 'fleet.scope',
    scope: 'fleet',
    keys: [],
    description: 'Show only instances whose label starts with a prefix (no argument: all)',
    cmd: 'fleet',
    args: '<label-prefix>',
  },
  {
    id: 'fleet.sort',
    scope: 'fleet',
    keys: [],
    description: 'Sort by a column name (id, label, gpu, status, price, age, step, health)',
    hint: 'sort',
    cmd: 'sort',
    args: '<column>',
  },
  ...sortCommands,
  {
    id: 'fleet.stop',
    scope: 'fleet',
    keys: ['shift+x'],
    description: 'Stop the selected instance (asks first; storage still bills)',
    dangerous: true,
    cmd: 'stop',
  },
  {
    id: 'fleet.start',
    scope: 'fleet',
    keys: ['shift+r'],
    description: 'Start the selected stopped instance (asks first; GPU billing resumes)',
    dangerous: true,
    cmd: 'start',
  },
  {
    id: 'fleet.destroy',
    scope: 'fleet',
    keys: ['shift+d'],
    description: 'Destroy the selected instance: shows what would be lost; unverified needs the typed label',
    hint: 'destroy',
    dangerous: true,
    cmd: 'destroy',
  },
  {
    id: 'fleet.migrate',
    scope: 'fleet',
    keys: ['shift+m'],
    description: 'Migrate the selected run to a new host (wizard: profile, then 8 journaled steps)',
    hint: 'migrate',
    dangerous: true,
    cmd: 'migrate',
  },

  {
    id: 'keeper.keep',
    scope: 'fleet',
    keys: [],
    description:
      'Keep N healthy workers as `vastdeck monitor` does (a 4th argument caps $/hr), after a confirmation; ' +
      'decisions in a panel; `:keep off` stops it',
    dangerous: true,
    cmd: 'keep',
    args: 'N PREFIX PROFILE',
  },
  {
    id: 'keys.add',
    scope: 'fleet',
    keys: [],
    description: "Register vastdeck's SSH key on the Vast account and attach it to running instances that lack it",
    dangerous: true,
    cmd: 'keys',
    args: 'add',
  },
  {
    id: 'keeper.stop',
    scope: 'fleet',
    keys: ['shift+k'],
    description: 'Stop the fleet keeper (its workers keep running); again: hide its panel',
    dangerous: true,
  },

  {
    id: 'fleet.logs',
    scope: 'fleet',
    keys: ['l'],
    description: "Show or hide the selected instance's log under the table",
    hint: 'log',
    cmd: 'log',
  },
  {
    id: 'fleet.logsFull',
    scope: 'fleet',
    keys: ['f'],
    description: 'Full-screen log of the selected instance (again: split)',
  },
  { id: 'fleet.logsFocus', scope: 'fleet', keys: ['tab'], description: 'Move the keys to the log pane (opens it)' },
  {
    id: 'fleet.attach',
    scope: 'fleet',
    keys: ['a'],
    description: "Attach to the instance's tmux session `train` over ssh (detach: ctrl+b d)",
    hint: 'attach',
    cmd: 'attach',
  },
  {
    id: 'fleet.shell',
    scope: 'fleet',
    keys: ['s'],
    description: 'A plain shell on the instance over ssh (exit returns)',
    cmd: 'ssh',
  },

  {
    id: 'logs.down',
    scope: 'logs',
    keys: ['down', 'j'],
    description: 'Scroll the log down (at the bottom: autoscroll again)',
  },
  { id: 'logs.up', scope: 'logs', keys: ['up', 'k'], description: 'Scroll the log up (pauses autoscroll)' },
  { id: 'logs.pageDown', scope: 'logs', keys: ['pagedown', 'ctrl+f'], description: 'Log page down' },
  { id: 'logs.pageUp', scope: 'logs', keys: ['pageup', 'ctrl+b'], description: 'Log page up' },
  { id: 'logs.top', scope: 'logs', keys: ['g', 'home'], description: 'Oldest log line' },
  { id: 'logs.bottom', scope: 'logs', keys: ['shift+g', 'end'], description: 'Newest log line, autoscroll on' },
  { id: 'logs.follow', scope: 'logs', keys: ['shift+f'], description: 'Autoscroll on or off', hint: 'follow' },
  { id: 'logs.wrap', scope: 'logs', keys: ['w'], description: 'Wrap long lines on or off', hint: 'wrap' },
  {
    id: 'logs.search',
    scope: 'logs',
    keys: ['/'],
    description: 'Search the log (highlighted; n/N next/previous)',
    hint: 'search',
  },
  { id: 'logs.next', scope: 'logs', keys: ['n'], description: 'Next search match' },
  { id: 'logs.prev', scope: 'logs', keys: ['shift+n'], description: 'Previous search match' },
  {
    id: 'logs.daemon',
    scope: 'logs',
    keys: ['shift+d'],
    description: "The platform's daemon log (API) instead of the training log, or back",
    hint: 'daemon',
  },
  {
    id: 'logs.save',
    scope: 'logs',
    keys: ['o'],
    description: 'Save the whole log to a file (path shown in the footer)',
    hint: 'save',
  },
  {
    id: 'logs.focusFleet',
    scope: 'logs',
    keys: ['tab'],
    description: 'Keys back to the table (full screen: back to split)',
    hint: 'table',
  },
  { id: 'logs.close', scope: 'logs', keys: ['escape'], description: 'Clear the search, else back to the table' },

  {
    id: 'app.theme',
    scope: 'global',
    keys: [],
    description: 'Switch the theme: dark, light, mono or a theme YAML file (no name: show the current one)',
    cmd: 'theme',
    args: '<name>',
  },
  {
    id: 'app.cost',
    scope: 'global',
    keys: ['$'],
    description: 'Cost panel: burn, spend per instance, runway, projections, value per GPU type (again: back)',
    hint: 'cost',
    cmd: 'cost',
  },
  { id: 'cost.close', scope: 'cost', keys: ['escape'], description: 'Back to the fleet table', hint: 'back' },
  {
    id: 'cost.refresh',
    scope: 'cost',
    keys: ['r'],
    description: 'Reload charges, credit and projections',
    hint: 'reload',
  },
  { id: 'cost.down', scope: 'cost', keys: ['down', 'j'], description: 'Scroll the cost panel down' },
  { id: 'cost.up', scope: 'cost', keys: ['up', 'k'], description: 'Scroll the cost panel up' },
  { id: 'cost.pageDown', scope: 'cost', keys: ['pagedown', 'ctrl+f'], description: 'Cost panel page down' },
  { id: 'cost.pageUp', scope: 'cost', keys: ['pageup', 'ctrl+b'], description: 'Cost panel page up' },
  { id: 'cost.top', scope: 'cost', keys: ['g', 'home'], description: 'Top of the cost panel' },

  ...OFFERS_COMMANDS,

  { id: 'overlay.close', scope: 'overlay', keys: ['escape', '?', 'q'], description: 'Close the help overlay' },
  { id: 'confirm.yes', scope: 'overlay', keys: ['y'], description: 'Confirm the pending action' },
  {
    id: 'confirm.no',
    scope: 'overlay',
    keys: ['n', 'ctrl+c'],
    description: 'Cancel the pending action (Ctrl-C in a question cancels it, not the app)',
  },
  {
    id: 'migrate.abort',
    scope: 'overlay',
    keys: ['x'],
    description:
      'Migration: stop a running one at once (journaled pause; M resumes it); offers: stop waiting for a ' +
      'rental to boot (it stays rented); give up an interrupted one, or when asked (journal only; a rented ' +
      'target is named)',
  },
  {
    id: 'migrate.wait',
    scope: 'overlay',
    keys: ['w'],
    description: 'Migration whose source stopped answering: keep waiting (to the deadline)',
  },
  {
    id: 'migrate.behind',
    scope: 'overlay',
    keys: ['r'],
    description: 'Migration whose source stopped answering: resume from the newest checkpoint in the store',
  },
  {
    id: 'overlay.up',
    scope: 'overlay',
    keys: ['up', 'k'],
    description: 'Key help: scroll up; migration wizard: previous profile',
  },
  {
    id: 'overlay.down',
    scope: 'overlay',
    keys: ['down', 'j'],
    description: 'Key help: scroll down; migration wizard: next profile',
  },
  { id: 'overlay.pageDown', scope: 'overlay', keys: ['pagedown', 'ctrl+f'], description: 'Key help: page down' },
  { id: 'overlay.pageUp', scope: 'overlay', keys: ['pageup', 'ctrl+b'], description: 'Key help: page up' },
  { id: 'wizard.select', scope: 'overlay', keys: ['enter'], description: 'Migration wizard: choose the profile' },

  { id: 'input.submit', scope: 'input', keys: ['enter'], description: 'Run the command / apply the filter' },
  {
    id: 'input.cancel',
    scope: 'input',
    keys: ['escape', 'ctrl+c'],
    description: 'Close the line (Ctrl-C too: it cancels the line, not the app)',
  },
  { id: 'input.complete', scope: 'input', keys: ['tab'], description: 'Complete the command name' },
  { id: 'input.erase', scope: 'input', keys: ['backspace'], description: 'Delete the last character' },
  { id: 'input.clear', scope: 'input', keys: ['ctrl+u'], description: 'Clear the line' },
];
